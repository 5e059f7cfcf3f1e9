"""Fit the abstention model (extractive.WEIGHTS) on the gold questions of the eval indexes.

Run after `make eval` built evals/.data/{starter,laws}: prints weights to paste into
assistant/answer/extractive.py and the in-corpus/out-of-corpus trade-off per threshold.
"""

from __future__ import annotations

import numpy as np

from assistant.answer import extractive
from assistant.answer.language import detect_language
from evals.harness import ROOT, SHARED, eval_services, load_jsonl

SETS = {
    "starter": ROOT / "evals" / "gold" / "starter_qa.jsonl",
    "laws": SHARED / "evals" / "dev_laws_qa.jsonl",
}


def features() -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and labels (1 = the corpus answers the question)."""
    rows, labels = [], []
    for name, path in SETS.items():
        with eval_services(name) as services:
            lexical = services.index.lexical()
            for q in load_jsonl(path):
                if q.get("kind") == "followup":
                    continue
                result = services.retriever.search(q["q"], 10)
                if any(h.reference for h in result.hits[:1]):
                    continue  # direct § references are always answered
                dense, cov, unknown, en = extractive.signals(
                    lexical, result, detect_language(q["q"])
                )
                rows.append(
                    [(dense - extractive.DENSE_CENTER) * extractive.DENSE_SCALE, cov, unknown, en]
                )
                labels.append(1.0 if q["gold"] else 0.0)
    return np.asarray(rows), np.asarray(labels)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-2) -> np.ndarray:
    """Class-balanced L2-regularised logistic regression by gradient descent."""
    xb = np.c_[x, np.ones(len(x))]
    weight = np.where(y == 1, 1.0, (y == 1).sum() / max((y == 0).sum(), 1))
    w = np.zeros(xb.shape[1])
    for _ in range(30000):
        p = 1 / (1 + np.exp(-xb @ w))
        w -= 0.3 * (xb.T @ ((p - y) * weight) / len(y) + l2 * np.r_[w[:-1], 0.0])
    return w


def main() -> None:
    """Print weights and the trade-off."""
    x, y = features()
    w = fit(x, y)
    p = 1 / (1 + np.exp(-(np.c_[x, np.ones(len(x))] @ w)))
    print("WEIGHTS =", tuple(round(float(v), 3) for v in w))
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        answered = p >= threshold
        print(
            f"threshold {threshold}: in-corpus answered {answered[y == 1].mean():.3f}, "
            f"out-of-corpus abstained {(~answered[y == 0]).mean():.3f}"
        )


if __name__ == "__main__":
    main()
