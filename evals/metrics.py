"""Retrieval and answer quality metrics."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any

Matcher = Callable[[dict[str, Any]], bool]


def first_hit_rank(results: Sequence[dict[str, Any]], is_gold: Matcher) -> int | None:
    """1-based rank of the first gold result, or None."""
    for rank, item in enumerate(results, 1):
        if is_gold(item):
            return rank
    return None


def leading_units(results: Sequence[dict[str, Any]], n: int = 2) -> list[dict[str, Any]]:
    """The first result of each of the first n distinct sections (what an answer names)."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for item in results:
        key = (item["doc_id"], str(item.get("section") or item.get("heading") or ""))
        seen.setdefault(key, item)
        if len(seen) == n:
            break
    return list(seen.values())


def retrieval_scores(ranks: Sequence[int | None]) -> dict[str, float]:
    """hit@1, hit@5, MRR@10 over first-hit ranks."""
    n = max(len(ranks), 1)
    return {
        "n": len(ranks),
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr@10": sum(1.0 / r for r in ranks if r is not None and r <= 10) / n,
    }


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds of second-valued samples."""
    if not values:
        return {"p50_ms": 0.0, "p95_ms": 0.0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
    }


def answer_scores(rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Abstention accuracy and citation precision over ask results with gold labels."""
    in_corpus = [r for r in rows if r["gold"]]
    out_corpus = [r for r in rows if not r["gold"]]
    cited = [c for r in in_corpus if not r["abstained"] for c in r["citation_gold"]]
    answered_ok = sum(1 for r in in_corpus if not r["abstained"])  # answer or candidates
    abstained_ok = sum(1 for r in out_corpus if r["abstained"])
    return {
        "in_corpus": len(in_corpus),
        "out_of_corpus": len(out_corpus),
        "in_corpus_answered": answered_ok / max(len(in_corpus), 1),
        "out_of_corpus_abstained": abstained_ok / max(len(out_corpus), 1),
        "abstention_accuracy": (answered_ok + abstained_ok) / max(len(rows), 1),
        "citation_precision": sum(cited) / max(len(cited), 1),
        "citations_retrieved": sum(1 for r in rows if r["citations_retrieved"]) / max(len(rows), 1),
    }


def outcome_scores(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Outcome shares, and how often an answer cites no gold source (the worst failure)."""
    in_corpus = [r for r in rows if r["gold"]]
    out_corpus = [r for r in rows if not r["gold"]]
    answered = [r for r in in_corpus if r["outcome"] == "answer"]
    n = max(len(in_corpus), 1)
    return {
        "in_corpus": len(in_corpus),
        "out_of_corpus": len(out_corpus),
        "answer": sum(r["outcome"] == "answer" for r in in_corpus) / n,
        "candidates": sum(r["outcome"] == "candidates" for r in in_corpus) / n,
        "abstain": sum(r["outcome"] == "abstain" for r in in_corpus) / n,
        "answered_citing_no_gold": sum(not any(r["citation_gold"]) for r in answered)
        / max(len(answered), 1),
        # stricter: the source the answer leads with (quoted first) is not gold
        "answered_lead_not_gold": sum(
            not r["citation_gold"][:1] or not r["citation_gold"][0] for r in answered
        )
        / max(len(answered), 1),
        "candidates_with_gold": sum(
            any(r["citation_gold"]) for r in in_corpus if r["outcome"] == "candidates"
        )
        / max(sum(r["outcome"] == "candidates" for r in in_corpus), 1),
        "out_of_corpus_abstained": sum(r["outcome"] == "abstain" for r in out_corpus)
        / max(len(out_corpus), 1),
        "out_of_corpus_answered": sum(r["outcome"] == "answer" for r in out_corpus)
        / max(len(out_corpus), 1),
        "cut_statements": sum(r.get("cut", 0) for r in rows),
        "dangling_references": sum(r.get("dangling", 0) for r in rows),
        "runs_into_item": sum(r.get("runs_into_item", 0) for r in rows),
        "headless_items": sum(r.get("headless_item", 0) for r in rows),
        "quotes_not_verbatim": sum(r.get("not_verbatim", 0) for r in rows),
        "out_of_order": sum(r.get("out_of_order", 0) for r in rows),
        "citations_without_heading": sum(r.get("no_heading", 0) for r in rows),
    }


def calibration_table(pairs: Sequence[tuple[float, bool]], bins: int = 5) -> dict[str, Any]:
    """Reliability diagram (confidence bins vs. accuracy), ECE and the risk–coverage curve.

    pairs: (confidence, a gold source is among the sections an answer names) per in-corpus
    question.
    """
    table = []
    ece = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in pairs if low <= c < high or (b == bins - 1 and c == 1.0)]
        if not inside:
            table.append({"bin": f"{low:.1f}–{high:.1f}", "n": 0})
            continue
        conf = sum(c for c, _ in inside) / len(inside)
        acc = sum(ok for _, ok in inside) / len(inside)
        ece += len(inside) / max(len(pairs), 1) * abs(conf - acc)
        table.append(
            {"bin": f"{low:.1f}–{high:.1f}", "n": len(inside), "confidence": conf, "accuracy": acc}
        )
    ranked = sorted(pairs, key=lambda p: -p[0])
    curve = []
    for coverage in (0.2, 0.4, 0.6, 0.8, 1.0):
        top = ranked[: max(1, round(coverage * len(ranked)))]
        curve.append({"coverage": coverage, "risk": 1 - sum(ok for _, ok in top) / len(top)})
    return {"reliability": table, "ece": ece, "risk_coverage": curve}
