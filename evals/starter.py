"""Gold questions over the starter corpus (evals/gold/starter_qa.jsonl on corpus/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evals.harness import ROOT, eval_services, ingest, load_jsonl, run_questions

GOLD = ROOT / "evals" / "gold" / "starter_qa.jsonl"


def doc_matches(item: dict[str, Any], question: dict[str, Any]) -> bool:
    """A hit is a result from one of the expected documents."""
    return item["doc_id"] in question["gold"]


def run(log: Callable[[str], None] = print) -> dict[str, Any]:
    """Ingest the starter corpus and evaluate its gold questions."""
    questions = load_jsonl(GOLD)
    with eval_services("starter") as services:
        summary = ingest(services, [ROOT / "corpus"], log)
        result = run_questions(services, questions, doc_matches)
    result["ingest"] = summary
    return result
