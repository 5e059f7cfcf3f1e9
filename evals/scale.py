"""`make bench-scale`: all 6,636 federal laws, lexically searchable first, dense vectors later."""

from __future__ import annotations

import json
import resource
import tarfile
import time
from pathlib import Path
from typing import Any

from evals.harness import EVAL_DATA, RESULTS, SHARED, eval_services, load_jsonl
from evals.metrics import percentiles
from ingest.pipeline import Ingestor

ARCHIVE = SHARED / "corpora" / "gesetze-all.tar.gz"


def _extract(target: Path) -> float:
    started = time.perf_counter()
    if not target.exists():
        tmp = target.with_name(target.name + ".tmp")
        with tarfile.open(ARCHIVE) as archive:
            archive.extractall(tmp, filter="data")
        tmp.rename(target)
    return time.perf_counter() - started


def _size_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def main() -> None:
    """Ingest with deferred vectors, then measure search at full size."""
    folder = EVAL_DATA / "gesetze-all"
    results: dict[str, Any] = {"extract_seconds": round(_extract(folder), 1)}
    files = list(folder.rglob("*.md"))
    results["files"] = len(files)
    with eval_services("scale") as services:
        started = time.perf_counter()
        report = Ingestor(services.index, services.settings, defer_vectors=True).run([folder])
        results["lexical_ready_seconds"] = round(time.perf_counter() - started, 1)
        results["documents"] = len(services.manifest.doc_ids())
        results["chunks"] = len(services.index.lexical())
        results["failed"] = len(report.failed)
        questions = [q["q"] for q in load_jsonl(SHARED / "evals" / "dev_laws_qa.jsonl")]
        times = []
        for q in questions * 2:
            t0 = time.perf_counter()
            services.engine.search(q, 10)
            times.append(time.perf_counter() - t0)
        results["search"] = percentiles(times)
        results["vectors_present"] = services.vectors.count()
    results["index_size_mb"] = _size_mb(EVAL_DATA / "scale")
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(json.dumps(results, indent=1))
    print("dense vectors: run `LOTSE_DATA_DIR=evals/.data/scale LOTSE_COLLECTION=eval-scale "
          "LOTSE_EMBEDDING_CACHE=evals/.data/embeddings.sqlite3 lotse embed` (resumable)")


if __name__ == "__main__":
    main()
