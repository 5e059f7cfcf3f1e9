"""The doubt models' fits: out-of-fold by question, Platt rescaling."""

from __future__ import annotations

import numpy as np

from assistant.scoring import LinearModel
from evals.logistic import fit, out_of_fold, recalibrated


def _data(seed: int = 0, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    y = (rng.random(n) < 1 / (1 + np.exp(-(2 * x[:, 0] - x[:, 1])))).astype(int)
    return x, y


def test_rescaling_brings_too_doubtful_probabilities_to_the_rate_observed() -> None:
    x, y = _data()
    model = fit(x, y, ["a", "b"], balanced=False)
    shifted = {**model, "bias": model["bias"] - 1.5}  # as if fitted with many more negatives
    doubtful = LinearModel.from_json(shifted)
    p = np.asarray([doubtful.probability({"a": a, "b": b}) for a, b in x])
    assert p.mean() < y.mean() - 0.15
    scaled, p_scaled = recalibrated(shifted, p, y, len(y))
    rescaled = LinearModel.from_json(scaled)
    q = np.asarray([rescaled.probability({"a": a, "b": b}) for a, b in x])
    assert abs(q.mean() - y.mean()) < 0.02 and np.allclose(q, p_scaled, atol=1e-3)
    assert (np.argsort(q) == np.argsort(p)).all()  # monotone: the ranking stays


def test_rescaling_reads_only_the_first_rows() -> None:
    x, y = _data(1)
    model = fit(x, y, ["a", "b"], balanced=False)
    p = out_of_fold(x, y, [str(i % 50) for i in range(len(y))], balanced=False)
    extra = np.concatenate([p, np.full(200, 0.9)])
    labels = np.concatenate([y, np.zeros(200, dtype=int)])  # rows the rescaling must not read
    _, first = recalibrated(model, p, y, len(y))
    _, with_extra = recalibrated(model, extra, labels, len(y))
    assert np.allclose(first, with_extra[: len(y)])


def test_out_of_fold_keeps_a_questions_rows_together() -> None:
    """Two copies of every row, grouped: no row is predicted by a model that saw its copy."""
    x, y = _data(2, 200)
    twice_x, twice_y = np.vstack([x, x]), np.concatenate([y, y])
    groups = [str(i) for i in range(len(y))] * 2
    grouped = out_of_fold(twice_x, twice_y, groups, balanced=False)
    assert np.allclose(grouped[: len(y)], grouped[len(y) :])  # same fold, same model
