"""`make bench-scale`: all 6,636 federal laws, lexically searchable first, dense vectors later.

Runs in one process: extract, ingest with deferred vectors (time to lexical readiness), then a
fresh Services as a restarted server would build it (cold start), warm search/ask latency at full
size, and optionally a timed slice of the background dense fill (rate, estimated total).
With --synthetic-dense, a second collection gets a random unit vector for every chunk, so that
search latency can be measured at full dense size without 12 hours of embedding (random vectors
are the hard case for HNSW: the latency is pessimistic, the ranking meaningless).
Usage: python -m evals.scale [--fresh] [--embed-seconds N] [--synthetic-dense]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shutil
import tarfile
import time
from pathlib import Path
from typing import Any

from evals.harness import EVAL_DATA, RESULTS, SHARED, eval_services, load_jsonl
from evals.metrics import percentiles
from ingest.pipeline import Ingestor

ARCHIVE = SHARED / "corpora" / "gesetze-all.tar.gz"
QUESTIONS = SHARED / "evals" / "dev_laws_qa.jsonl"


class _Stop(Exception):
    """Ends the timed slice of the dense fill (what is stored so far stays stored)."""


def _extract(target: Path) -> float:
    started = time.perf_counter()
    if not target.exists():
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        with tarfile.open(ARCHIVE) as archive:
            archive.extractall(tmp, filter="data")
        tmp.rename(target)
    return time.perf_counter() - started


def _size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


def _sizes(folder: Path) -> dict[str, float]:
    """Index size on disk, total and by part."""
    parts = {
        "manifest": [p for p in folder.glob("manifest.sqlite3*")],
        "lexical": [folder / "lexical"],
        "chroma": [folder / "chroma"],
    }
    out = {name: sum(_size_mb(p) for p in paths if p.exists()) for name, paths in parts.items()}
    out["total"] = _size_mb(folder)
    return out


def _ingest(folder: Path) -> dict[str, Any]:
    with eval_services("scale") as services:
        started = time.perf_counter()
        report = Ingestor(services.index, services.settings, defer_vectors=True).run([folder])
        return {
            "lexical_ready_seconds": round(time.perf_counter() - started, 1),
            "documents": len(services.manifest.doc_ids()),
            "chunks": len(services.index.lexical()),
            "failed": len(report.failed),
            "added": report.count("added"),
            "unchanged": report.count("unchanged"),
            "skipped": report.count("skipped"),
        }


def _serve(questions: list[str], embed_seconds: float) -> dict[str, Any]:
    """What a (re)started server sees: cold start, then warm latency; a dense-fill slice."""
    out: dict[str, Any] = {}
    started = time.perf_counter()
    with eval_services("scale") as services:
        services.engine.search(questions[0], 10)
        out["cold_start_seconds"] = round(time.perf_counter() - started, 1)
        for _ in range(2):  # warm-up: caches, first-use regular expressions
            for q in questions:
                services.engine.search(q, 10)
        search_times, ask_times = [], []
        for q in questions * 3:
            t0 = time.perf_counter()
            services.engine.search(q, 10)
            search_times.append(time.perf_counter() - t0)
        for q in questions:
            t0 = time.perf_counter()
            services.engine.ask(q, mode="extractive")
            ask_times.append(time.perf_counter() - t0)
        out["search"] = percentiles(search_times)
        out["ask"] = percentiles(ask_times)
        out["dense"] = _fill_slice(services, embed_seconds) if embed_seconds else None
        out["vectors_present"] = services.vectors.count()
    return out


def _fill_slice(services: Any, seconds: float) -> dict[str, Any]:
    """Run the resumable dense fill for a while; rate and the estimated time for the rest."""
    missing = services.index.missing_vectors()
    embedded_before = services.index.embeddings.embedded_count
    started = time.perf_counter()
    filled = 0

    def progress(done: int, total: int) -> None:
        nonlocal filled
        filled = done
        if time.perf_counter() - started > seconds:
            raise _Stop

    with contextlib.suppress(_Stop):
        services.index.fill_vectors(missing, 64, progress)
    elapsed = time.perf_counter() - started
    embedded = services.index.embeddings.embedded_count - embedded_before
    rate = embedded / elapsed if elapsed else 0.0  # cached chunks cost ~nothing: a lower bound
    left = len(missing) - filled
    return {
        "missing_before": len(missing),
        "filled": filled,
        "embedded_not_cached": embedded,
        "seconds": round(elapsed, 1),
        "chunks_per_second": round(rate, 2),
        "estimated_hours_for_rest": round(left / rate / 3600, 1) if rate else None,
    }


def _synthetic_dense(questions: list[str]) -> dict[str, Any]:
    """Search latency with a vector for every chunk (random vectors, own collection)."""
    import numpy as np

    with eval_services("scale", collection="eval-scale-synthetic") as services:
        ids = sorted(services.manifest.chunk_ids() - services.vectors.all_ids())
        rng = np.random.default_rng(7)
        started = time.perf_counter()
        for start in range(0, len(ids), 4096):
            part = ids[start : start + 4096]
            vectors = rng.standard_normal((len(part), 384)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            services.vectors.upsert(part, vectors, [""] * len(part), [{"synthetic": 1}] * len(part))
        loaded = time.perf_counter() - started
        for q in questions:
            services.engine.search(q, 10)
        times = []
        for q in questions * 3:
            t0 = time.perf_counter()
            services.engine.search(q, 10)
            times.append(time.perf_counter() - t0)
        return {
            "vectors": services.vectors.count(),
            "load_seconds": round(loaded, 1),
            "search": percentiles(times),
        }


def main() -> None:
    """Ingest with deferred vectors, then measure a restarted server at full size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="start from an empty index")
    parser.add_argument("--embed-seconds", type=float, default=0.0)
    parser.add_argument("--synthetic-dense", action="store_true")
    args = parser.parse_args()
    folder = EVAL_DATA / "gesetze-all"
    data = EVAL_DATA / "scale"
    if args.fresh:
        shutil.rmtree(data, ignore_errors=True)
    results: dict[str, Any] = {"extract_seconds": round(_extract(folder), 1)}
    results["files"] = len(list(folder.rglob("*.md")))
    results.update(_ingest(folder))
    results["ingest_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    questions = [q["q"] for q in load_jsonl(QUESTIONS)]
    results.update(_serve(questions, args.embed_seconds))
    if args.synthetic_dense:
        results["synthetic_dense"] = _synthetic_dense(questions)
    results["index_size_mb"] = _sizes(data)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(json.dumps(results, indent=1))
    print(
        "dense vectors: LOTSE_DATA_DIR=evals/.data/scale LOTSE_COLLECTION=eval-scale "
        "LOTSE_EMBEDDING_CACHE=evals/.data/embeddings.sqlite3 lotse embed  (resumable)"
    )


if __name__ == "__main__":
    main()
