"""XQuAD-de passage retrieval: 1,190 questions over 240 paragraphs, plus reference pipelines."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from evals.baselines import BaselineChunk, Bm25Retriever, QuickstartRetriever, rrf
from evals.harness import EVAL_DATA, SHARED, eval_services, ingest
from evals.metrics import percentiles, retrieval_scores

SOURCE = SHARED / "evals" / "xquad-de" / "xquad.de.json"


def load(limit: int | None = None) -> tuple[list[tuple[str, str, str]], list[dict[str, Any]]]:
    """Paragraphs (id, title, text) and questions (q, gold paragraph id)."""
    data = json.loads(SOURCE.read_text(encoding="utf-8"))["data"]
    paragraphs: list[tuple[str, str, str]] = []
    questions: list[dict[str, Any]] = []
    for article in data:
        title = article["title"].replace("_", " ")
        for para in article["paragraphs"]:
            pid = f"p{len(paragraphs):03d}"
            paragraphs.append((pid, title, para["context"]))
            for qa in para["qas"]:
                questions.append({"id": qa["id"], "q": qa["question"], "gold": pid})
    if limit:
        questions = questions[:limit]
    return paragraphs, questions


def _ranks(search: Callable[[str], list[str]], questions: list[dict[str, Any]]) -> dict[str, Any]:
    ranks: list[int | None] = []
    times: list[float] = []
    for q in questions:
        started = time.perf_counter()
        ids = search(q["q"])
        times.append(time.perf_counter() - started)
        ranks.append(ids.index(q["gold"]) + 1 if q["gold"] in ids else None)
    return {**retrieval_scores(ranks), **percentiles(times)}


def run(log: Callable[[str], None] = print, limit: int | None = None) -> dict[str, Any]:
    """Our pipeline and the references on XQuAD-de."""
    paragraphs, questions = load(limit)
    folder = EVAL_DATA / "xquad-docs"
    folder.mkdir(parents=True, exist_ok=True)
    for pid, title, text in paragraphs:
        path = folder / f"{pid}.md"
        body = f'---\ntitle: "{title}"\ntype: other\n---\n\n{text}\n'
        if not path.exists() or path.read_text(encoding="utf-8") != body:
            path.write_text(body, encoding="utf-8")
    results: dict[str, Any] = {}
    with eval_services("xquad") as services:
        ingest(services, [folder], log)
        engine = services.engine
        results["digitallotse"] = _ranks(
            lambda q: [h.chunk.doc_id for h in engine.search(q, 10).hits], questions
        )
        log(f"  digitallotse: {results['digitallotse']}")
        chunks = [BaselineChunk(pid, text, []) for pid, _, text in paragraphs]
        dense = QuickstartRetriever(chunks, services.embeddings)
        bm25 = Bm25Retriever(chunks)
        results["quickstart_dense"] = _ranks(
            lambda q: [c.doc_id for c in dense.search(q)], questions
        )
        results["bm25"] = _ranks(lambda q: [c.doc_id for c in bm25.search(q)], questions)
        results["rrf_dense_bm25"] = _ranks(
            lambda q: [c.doc_id for c in rrf([dense.search(q, 20), bm25.search(q, 20)])],
            questions,
        )
    return results
