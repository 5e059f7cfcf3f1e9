"""Shared eval plumbing: eval data dirs, ingest, per-question search and ask."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.services import Services
from evals.checks import check_answer
from evals.metrics import (
    answer_scores,
    calibration_table,
    first_hit_rank,
    leading_units,
    outcome_scores,
    percentiles,
    retrieval_scores,
)
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


def withhold_register(services: Services, half: int | None) -> None:
    """Leave one half of the laws (a fixed split by name) out of the question register, as
    a law uploaded or never enriched is (None: the whole register)."""
    register = services.retriever.register
    if register is None:
        return
    laws = services.retriever.catalog().laws
    register.withheld = frozenset(law for law in laws if half is not None and _half_of(law) == half)


def _half_of(law: str) -> int:
    return int(hashlib.md5(law.encode("utf-8")).hexdigest(), 16) % 2


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
    prepare: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Search and ask every question (after `prepare(question)`); metrics plus rows."""
    ranks: list[int | None] = []
    rows: list[dict[str, Any]] = []
    search_times: list[float] = []
    ask_times: list[float] = []
    conversations: dict[str, str] = {}
    engine = services.engine
    for q in questions:
        if prepare is not None:
            prepare(q)
        started = time.perf_counter()
        result = engine.search(q["q"], 10)
        search_times.append(time.perf_counter() - started)
        items = [{"doc_id": h.chunk.doc_id, **h.source()} for h in result.hits]
        row: dict[str, Any] = {"id": q["id"], "q": q["q"], "gold": q["gold"]}
        row["lang"] = q.get("lang")
        if q["gold"] and q.get("kind") != "followup":
            rank = first_hit_rank(items, lambda item, q=q: matches(item, q))
            ranks.append(rank)
            row["rank"] = rank
        row["top"] = [f"{i['doc_id']} {i['section'] or ''}".strip() for i in items[:3]]
        if q["gold"] and q.get("kind") != "followup":  # the two sections an answer names
            row["named_gold"] = any(matches(i, q) for i in leading_units(items))
        if ask:
            conversation = conversations.get(q.get("prev", ""))
            started = time.perf_counter()
            asked = engine.ask(q["q"], conversation_id=conversation, mode="extractive")
            ask_times.append(time.perf_counter() - started)
            conversations[q["id"]] = asked.conversation_id
            row.update(answer_row(services, asked.as_dict(), asked.answer.retrieved, q, matches))
        rows.append(row)
    languages = {q.get("lang") for q in questions} - {None}
    by_language = {
        lang: retrieval_scores([r["rank"] for r in rows if "rank" in r and r["lang"] == lang])
        for lang in sorted(languages)
    }
    out: dict[str, Any] = {
        "retrieval": retrieval_scores(ranks),
        "by_language": by_language,
        "latency": {"search": percentiles(search_times), "ask": percentiles(ask_times)},
        "rows": rows,
    }
    if ask:
        out["answers"] = answer_scores(rows)
        out["outcomes"] = outcome_scores(rows)
        out["calibration"] = calibration_table(
            [(r["confidence"], r["named_gold"]) for r in rows if r["gold"] and "named_gold" in r]
        )
        # the confidence shown is the chance that an answer names a right source, whether or not
        # the question is in scope: over all questions, out-of-corpus ones never name one
        out["calibration_all"] = calibration_table(
            [(r["confidence"], bool(r["gold"]) and bool(r.get("named_gold"))) for r in rows]
        )
    return out


def answer_row(
    services: Services,
    payload: dict[str, Any],
    retrieved: list[str],
    q: dict[str, Any],
    matches: GoldMatcher,
) -> dict[str, Any]:
    """What one answer did: outcome, gold citations, cut or non-verbatim pieces."""
    citations = payload["citations"]
    gold = [matches({"doc_id": c["doc_id"], "section": c["section"]}, q) for c in citations]
    texts = {
        c.chunk_id: c.text
        for c in services.manifest.chunks(c["chunk_id"] for c in citations).values()
    }
    fetched = set(retrieved)
    return {
        "abstained": payload["abstained"],
        "outcome": payload["outcome"],
        "confidence": payload["confidence"],
        "citation_gold": gold,  # [0] is the source the answer leads with
        "citations_retrieved": all(c["chunk_id"] in fetched for c in citations),
        **check_answer(payload, texts),
        "answer": payload["answer"][:300],
    }
