"""Dev questions over federal law (shared/evals/dev_laws_qa.jsonl on shared/corpora/gesetze)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evals.harness import ROOT, SHARED, eval_services, ingest, load_jsonl, run_questions

DEV = SHARED / "evals" / "dev_laws_qa.jsonl"
# Written by a helper from the law texts without seeing the system (own words, no § numbers,
# colloquial, deliberately avoiding the wording of section titles). Used to check that tuning on
# the 32 dev questions generalises; settings were chosen on dev + held-out together.
HELDOUT = ROOT / "evals" / "gold" / "laws_heldout.jsonl"


def law_matches(item: dict[str, Any], question: dict[str, Any]) -> bool:
    """A hit is a result from the gold law whose section is the gold §."""
    return any(item["doc_id"] == law and item["section"] == sec for law, sec in question["gold"])


def run(log: Callable[[str], None] = print) -> dict[str, dict[str, Any]]:
    """Ingest the laws (incremental); evaluate the dev and the held-out questions."""
    with eval_services("laws") as services:
        summary = ingest(services, [SHARED / "corpora" / "gesetze"], log)
        dev = run_questions(services, load_jsonl(DEV), law_matches)
        heldout = run_questions(services, load_jsonl(HELDOUT), law_matches)
    dev["ingest"] = summary
    return {"laws": dev, "laws_heldout": heldout}


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

    sets = {
        "": [q for q in load_jsonl(DEV) if q["gold"]],
        " on held-out": [q for q in load_jsonl(HELDOUT) if q["gold"]],
    }
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
        for suffix, questions in sets.items():
            for name, retriever in pipelines.items():
                ranks = [
                    first_hit_rank(
                        as_items(retriever.search(q["q"], 10)), lambda i, q=q: covered(i, q)
                    )
                    for q in questions
                ]
                out[name + suffix] = retrieval_scores(ranks)
                log(f"  {name + suffix}: {out[name + suffix]}")
    return out
