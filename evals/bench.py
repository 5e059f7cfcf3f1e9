"""`make bench`: ingest and query performance on shared/corpora/gesetze (numbers for README)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from assistant.answer.language import detect_language
from assistant.config import Settings
from assistant.services import Services
from assistant.store.index import indexed_text
from assistant.store.sentences import segment
from evals.harness import EVAL_DATA, RESULTS, SHARED, eval_services, load_jsonl
from evals.laws import HELDOUT_DEV, HELDOUT_DEV_EN
from evals.metrics import percentiles
from ingest.chunking import count_tokens
from ingest.pipeline import Ingestor

LAWS = SHARED / "corpora" / "gesetze"
SAMPLE_LAWS = ("ozg.md", "ifg.md", "erechv.md", "geozg.md", "egovg.md")


def embedding_overhead(log: Any) -> dict[str, Any]:
    """Pipeline embedding throughput against the raw model on the same chunk texts."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "laws"
        folder.mkdir()
        for name in SAMPLE_LAWS:
            shutil.copy(LAWS / name, folder / name)
        settings = Settings(data_dir=Path(tmp) / "data", collection="bench-overhead")
        with Services.build(settings) as services:
            started = time.perf_counter()
            report = Ingestor(services.index, settings).run([folder])
            pipeline_s = time.perf_counter() - started
            texts = [indexed_text(c) for c in services.manifest.iter_chunks()]
            tokens = sum(count_tokens(t) for t in texts)
            backend = services.embeddings.backend
            started = time.perf_counter()
            for start in range(0, len(texts), settings.embedding_batch_size):
                backend.embed(texts[start : start + settings.embedding_batch_size], is_query=False)
            raw_s = time.perf_counter() - started
    out = {
        "chunks": len(texts),
        "tokens": tokens,
        "embedded": report.embedded,
        "pipeline_seconds": round(pipeline_s, 1),
        "raw_model_seconds": round(raw_s, 1),
        "pipeline_tokens_per_s": round(tokens / pipeline_s),
        "raw_tokens_per_s": round(tokens / raw_s),
        "overhead_share": round(1 - raw_s / pipeline_s, 3),
    }
    log(f"  embedding: {out}")
    return out


def reingest(log: Any) -> dict[str, Any]:
    """No-change re-ingest of all laws on the eval index (full ingest measured by make eval)."""
    with eval_services("laws") as services:
        started = time.perf_counter()
        report = Ingestor(services.index, services.settings).run([LAWS])
        seconds = time.perf_counter() - started
        out = {
            "documents": len(services.manifest.documents()),
            "chunks": len(services.manifest.chunk_ids()),
            "no_change_seconds": round(seconds, 1),
            "no_change_embedded": report.embedded,
        }
    log(f"  re-ingest: {out}")
    return out


def query_latency(log: Any) -> dict[str, Any]:
    """Warm p50/p95 of search and extractive ask over the laws, and what each stage costs."""
    questions = [q["q"] for q in load_jsonl(SHARED / "evals" / "dev_laws_qa.jsonl")]
    questions += [q["q"] for q in load_jsonl(HELDOUT_DEV)]
    with eval_services("laws") as services:
        retriever = services.retriever
        for q in questions:  # warm up: model, register, thesaurus, language model, caches
            services.engine.answer(q, mode="extractive")
        # every timed call sees a new question: the query vectors kept in memory are dropped
        forget = services.embeddings.forget_queries
        search_t, ask_t = [], []
        for q in questions:
            forget()
            started = time.perf_counter()
            services.engine.search(q, 10)
            search_t.append(time.perf_counter() - started)
            forget()
            started = time.perf_counter()
            services.engine.answer(q, mode="extractive")
            ask_t.append(time.perf_counter() - started)
        out: dict[str, Any] = {
            "n": len(questions),
            "search": percentiles(search_t),
            "ask": percentiles(ask_t),
        }
        stages: dict[str, Any] = {}
        base = retriever.weights
        english = [q["q"] for q in load_jsonl(HELDOUT_DEV_EN)]
        for name, asked, change in (
            ("without register", questions, {"register_dense": 0.0, "register_lexical": 0.0}),
            ("without thesaurus", questions, {"thesaurus": 0.0}),
            ("without law routing", questions, {"law_routing": 0.0}),
            ("without the adapted question vector", questions, {"adapted": 0.0}),
            ("English questions (search)", english, {}),
            ("English questions without glossary (search)", english, {"glossary": 0.0}),
        ):
            retriever.weights = replace(base, **change)
            times = []
            for q in asked:
                forget()
                started = time.perf_counter()
                services.engine.search(q, 10)
                times.append(time.perf_counter() - started)
            stages[name] = percentiles(times)
        retriever.weights = base
        texts = [c.text for c in list(services.manifest.iter_chunks())[:60]]
        started = time.perf_counter()
        for text in texts:
            segment(text)
        stages["sentence segmentation, uncached (per chunk)"] = round(
            (time.perf_counter() - started) / len(texts) * 1000, 1
        )
        started = time.perf_counter()
        for q in questions:
            detect_language(q)
        stages["language detection (per question)"] = round(
            (time.perf_counter() - started) / len(questions) * 1000, 2
        )
        out["stages"] = stages
    log(f"  latency: {out}")
    return out


def ocr_speed(log: Any, pages: int = 4) -> dict[str, Any]:
    """Seconds per scanned page at 300 dpi: render (pypdfium2) and Tesseract, cache bypassed."""
    from ingest.limits import OcrOptions
    from ingest.ocr import PageReader, recognise_image, unavailable

    options = OcrOptions()  # 300 dpi, deu; no cache_dir: nothing is read from or written to it
    why = unavailable(options)
    if why:
        log(f"  ocr: {why}")
        return {"error": why}
    scans = sorted((SHARED / "corpora" / "pdf").glob("*_SCAN.pdf"))
    render_s, ocr_s, confidences = [], [], []
    for n in range(pages):
        with PageReader(scans[n % len(scans)], options) as reader:
            started = time.perf_counter()
            image = reader.render(2 + n // len(scans))
            render_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            confidences.append(recognise_image(image, options).confidence)
            ocr_s.append(time.perf_counter() - started)
    out = {
        "dpi": options.dpi,
        "language": options.language,
        "pages": pages,
        "seconds_per_page": round((sum(render_s) + sum(ocr_s)) / pages, 2),
        "render_seconds_per_page": round(sum(render_s) / pages, 2),
        "tesseract_seconds_per_page": round(sum(ocr_s) / pages, 2),
        "mean_confidence": round(sum(confidences) / pages, 1),
        "omp_thread_limit": os.environ.get("OMP_THREAD_LIMIT", "1 (set by Digitallotse)"),
        "load_average": round(os.getloadavg()[0], 1),  # other work on the machine meanwhile
    }
    log(f"  ocr: {out}")
    return out


def concurrent_throughput(log: Any, clients: int = 8, seconds: float = 30.0) -> dict[str, Any]:
    """Requests/s of POST /v1/ask (extractive) with concurrent clients against uvicorn."""
    from tests.api.conftest import start_server, stop_server

    questions = [q["q"] for q in load_jsonl(SHARED / "evals" / "dev_laws_qa.jsonl")]
    questions += [q["q"] for q in load_jsonl(HELDOUT_DEV)]  # more than the vectors kept
    server = start_server(
        EVAL_DATA / "laws",
        EVAL_DATA / "embeddings.sqlite3",
        LOTSE_COLLECTION="eval-laws",
        LOTSE_RATE_LIMIT_PER_MINUTE="0",
    )
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        with server.client() as http:
            n = offset
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    ok = http.post("/v1/ask", json={"question": questions[n % len(questions)]})
                    failed = ok.status_code != 200
                except httpx.HTTPError:
                    failed = True
                with lock:
                    times.append(time.perf_counter() - started)
                    errors += failed
                n += 1

    try:
        # clients spread over the questions: a question comes round again only after more
        # questions than the query vectors kept in memory, so every request embeds (as a new one)
        spread = len(questions) // clients
        threads = [threading.Thread(target=client, args=(i * spread,)) for i in range(clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        stop_server(server)
    out = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(times),
        "errors": errors,
        "req_per_s": round(len(times) / elapsed, 2),
        **percentiles(times),
    }
    log(f"  throughput: {out}")
    return out


def main() -> None:
    """Run the benchmarks and write evals/results/bench.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--ocr-only", action="store_true", help="only OCR speed, merged in")
    args = parser.parse_args()
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.ocr_only:
        path = RESULTS / "bench.json"
        old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        path.write_text(json.dumps({**old, "ocr": ocr_speed(print)}, indent=1), encoding="utf-8")
        return
    results: dict[str, Any] = {"date": date.today().isoformat(), "cores": os.cpu_count()}
    results["embedding"] = embedding_overhead(print)
    results["reingest"] = reingest(print)
    results["latency"] = query_latency(print)
    results["throughput"] = concurrent_throughput(print, args.clients, args.seconds)
    results["ocr"] = ocr_speed(print)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results["peak_rss_mb"] = round(peak / 1024)
    (RESULTS / "bench.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
