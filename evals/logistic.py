"""Logistic fits for the doubt models (evals/calibrate.py): fitted weights, out-of-fold
probabilities, Platt rescaling."""

from __future__ import annotations

from typing import Any

import numpy as np


def _regression(balanced: bool) -> Any:
    """The doubt models' logistic regression (balanced: class weights)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, class_weight="balanced" if balanced else None, max_iter=5000)


def fit(x: np.ndarray, y: np.ndarray, names: list[str], balanced: bool) -> dict[str, Any]:
    """Weights by feature name and bias of a logistic regression (balanced: class weights)."""
    model = _regression(balanced).fit(x, y)
    return {
        "weights": {n: round(float(w), 4) for n, w in zip(names, model.coef_[0], strict=True)},
        "bias": round(float(model.intercept_[0]), 4),
    }


def out_of_fold(x: np.ndarray, y: np.ndarray, groups: list[str], balanced: bool) -> np.ndarray:
    """Probabilities each row gets from a model fitted without its question (5 folds; a
    question's rows over other indexes stay in its fold)."""
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

    folds = StratifiedGroupKFold(5, shuffle=True, random_state=3)
    probabilities = cross_val_predict(
        _regression(balanced), x, y, groups=groups, cv=folds, method="predict_proba"
    )
    return np.asarray(probabilities[:, 1])


def recalibrated(
    model: dict[str, Any], p_all: np.ndarray, y_all: np.ndarray, n: int
) -> tuple[dict[str, Any], np.ndarray]:
    """The `correct` model scaled (Platt) so that its out-of-fold probabilities match how often
    the first n rows (each question over its own index) name a gold source: the rows over the
    other indexes have more out-of-corpus questions and left it too doubtful there (session 32:
    ECE on the test split 0.09 → 0.16). Monotone: the ranking of answers stays as fitted."""
    from sklearn.linear_model import LogisticRegression

    clipped = np.clip(p_all, 1e-6, 1 - 1e-6)
    logits = np.log(clipped / (1 - clipped)).reshape(-1, 1)
    platt = LogisticRegression(C=1e6, max_iter=5000).fit(logits[:n], y_all[:n])
    scale, shift = float(platt.coef_[0][0]), float(platt.intercept_[0])
    print(f"correct recalibrated on the main rows: logit × {scale:.3f} + {shift:.3f}")
    scaled = {
        "weights": {f: round(w * scale, 4) for f, w in model["weights"].items()},
        "bias": round(model["bias"] * scale + shift, 4),
    }
    return scaled, 1 / (1 + np.exp(-(logits[:, 0] * scale + shift)))
