"""Shared eval plumbing: eval data dirs, ingest, per-question search and ask."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.services import Services
from evals.metrics import answer_scores, first_hit_rank, percentiles, retrieval_scores
from ingest.pipeline import Ingestor

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVAL_DATA = ROOT / "evals" / ".data"
RESULTS = ROOT / "evals" / "results"

GoldMatcher = Callable[[dict[str, Any], dict[str, Any]], bool]


def eval_services(name: str, **overrides: Any) -> Services:
    """Services on evals/.data/<name> sharing one embedding cache across eval sets."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    values: dict[str, Any] = {
        "data_dir": EVAL_DATA / name,
        "embedding_cache": EVAL_DATA / "embeddings.sqlite3",
        "collection": f"eval-{name}",
        **overrides,
    }
    settings = Settings(**values)
    return Services.build(settings)


def ingest(services: Services, paths: list[Path], log: Callable[[str], None]) -> dict[str, Any]:
    """Incrementally ingest paths; returns the report summary."""
    report = Ingestor(services.index, services.settings).run(paths)
    summary = report.as_dict()
    summary.pop("files")
    log(f"  ingest: {json.dumps({k: v for k, v in summary.items() if k != 'failed'})}")
    return summary


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """Questions from a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def run_questions(
    services: Services,
    questions: list[dict[str, Any]],
    matches: GoldMatcher,
    ask: bool = True,
) -> dict[str, Any]:
    """Search and ask every question; metrics plus per-question rows."""
    ranks: list[int | None] = []
    rows: list[dict[str, Any]] = []
    search_times: list[float] = []
    ask_times: list[float] = []
    conversations: dict[str, str] = {}
    engine = services.engine
    for q in questions:
        started = time.perf_counter()
        result = engine.search(q["q"], 10)
        search_times.append(time.perf_counter() - started)
        items = [{"doc_id": h.chunk.doc_id, **h.source()} for h in result.hits]
        row: dict[str, Any] = {"id": q["id"], "q": q["q"], "gold": q["gold"]}
        if q["gold"] and q.get("kind") != "followup":
            rank = first_hit_rank(items, lambda item, q=q: matches(item, q))
            ranks.append(rank)
            row["rank"] = rank
        row["top"] = [f"{i['doc_id']} {i['section'] or ''}".strip() for i in items[:3]]
        if ask:
            conversation = conversations.get(q.get("prev", ""))
            started = time.perf_counter()
            asked = engine.ask(q["q"], conversation_id=conversation, mode="extractive")
            ask_times.append(time.perf_counter() - started)
            conversations[q["id"]] = asked.conversation_id
            answer = asked.answer
            retrieved = set(answer.retrieved)
            row.update(
                abstained=answer.abstained,
                confidence=round(answer.confidence, 3),
                citation_gold=[
                    matches({"doc_id": c.doc_id, "section": c.section}, q) for c in answer.citations
                ],
                citations_retrieved=all(c.chunk_id in retrieved for c in answer.citations),
                answer=answer.answer[:300],
            )
        rows.append(row)
    out: dict[str, Any] = {
        "retrieval": retrieval_scores(ranks),
        "latency": {"search": percentiles(search_times), "ask": percentiles(ask_times)},
        "rows": rows,
    }
    if ask:
        out["answers"] = answer_scores(rows)
    return out
