"""Gold questions over the starter corpus (corpus/): the dev set and a blind one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.services import Services
from evals import quotable
from evals.harness import ROOT, SHARED, eval_services, ingest, load_jsonl, run_questions

GOLD = ROOT / "evals" / "gold" / "starter_qa.jsonl"
# session 20, each by a helper who saw only corpus/, never the system: dev2 is read (dev), the
# blind set only ever measured
DEV2 = ROOT / "evals" / "gold" / "starter_dev2.jsonl"
BLIND = ROOT / "evals" / "gold" / "starter_blind.jsonl"
SETS = {"starter": GOLD, "starter_dev2": DEV2, "starter_blind": BLIND}
SUFFIXES = {"starter": " on dev", "starter_dev2": " on dev2", "starter_blind": " on blind"}


def doc_matches(item: dict[str, Any], question: dict[str, Any]) -> bool:
    """A hit is a result from one of the expected documents."""
    return item["doc_id"] in question["gold"]


def run(log: Callable[[str], None] = print) -> dict[str, Any]:
    """Ingest the starter corpus and evaluate its gold sets, with the two baselines."""
    out: dict[str, Any] = {}
    with eval_services("starter") as services:
        summary = ingest(services, [ROOT / "corpus"], log)
        for name, path in SETS.items():
            out[name] = run_questions(services, load_jsonl(path), doc_matches)
        out["quotable_starter"] = quotable.scan(services)
        documents = [SHARED / "corpora" / "pdf", SHARED / "corpora" / "web"]
        if all(folder.is_dir() for folder in documents):
            out["quotable_documents"] = quotable.scan_files(documents, services.settings)
        out["starter_baselines"] = run_baselines(services, log)
    out["starter"]["ingest"] = summary
    return out


def run_baselines(services: Services, log: Callable[[str], None] = print) -> dict[str, Any]:
    """BM25-only and the LangChain quick-start over the same Markdown files and questions."""
    from evals.baselines import quickstart_chunks, score_baselines

    files = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob("corpus/**/*.md"))]
    sets = {
        SUFFIXES[name]: [q for q in load_jsonl(path) if q["gold"]] for name, path in SETS.items()
    }
    return score_baselines(quickstart_chunks(files), services.embeddings, sets, doc_matches, log)
