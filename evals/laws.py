"""Dev questions over federal law (shared/evals/dev_laws_qa.jsonl on shared/corpora/gesetze)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evals.harness import SHARED, eval_services, ingest, load_jsonl, run_questions


def law_matches(item: dict[str, Any], question: dict[str, Any]) -> bool:
    """A hit is a result from the gold law whose section is the gold §."""
    return any(item["doc_id"] == law and item["section"] == sec for law, sec in question["gold"])


def run(log: Callable[[str], None] = print) -> dict[str, Any]:
    """Ingest the laws (incremental) and evaluate the dev questions."""
    questions = load_jsonl(SHARED / "evals" / "dev_laws_qa.jsonl")
    with eval_services("laws") as services:
        summary = ingest(services, [SHARED / "corpora" / "gesetze"], log)
        result = run_questions(services, questions, law_matches)
    result["ingest"] = summary
    return result


def run_baselines(log: Callable[[str], None] = print) -> dict[str, Any]:
    """BM25-only and LangChain quick-start on the same laws and questions."""
    from evals.baselines import (
        Bm25Retriever,
        QuickstartRetriever,
        as_items,
        quickstart_chunks,
        read_files,
    )
    from evals.metrics import first_hit_rank, retrieval_scores

    questions = [q for q in load_jsonl(SHARED / "evals" / "dev_laws_qa.jsonl") if q["gold"]]
    chunks = quickstart_chunks(read_files(SHARED / "corpora" / "gesetze"))
    log(f"  quick-start chunks: {len(chunks)}")

    def covered(item: dict[str, Any], q: dict[str, Any]) -> bool:
        return any(item["doc_id"] == law and sec in item["sections"] for law, sec in q["gold"])

    out: dict[str, Any] = {}
    with eval_services("laws") as services:
        pipelines = {
            "bm25": Bm25Retriever(chunks),
            "quickstart_dense": QuickstartRetriever(chunks, services.embeddings),
        }
        for name, retriever in pipelines.items():
            ranks = [
                first_hit_rank(as_items(retriever.search(q["q"], 10)), lambda i, q=q: covered(i, q))
                for q in questions
            ]
            out[name] = retrieval_scores(ranks)
            log(f"  {name}: {out[name]}")
    return out
