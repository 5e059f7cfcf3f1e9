"""Logistic scoring shared by the section ranker, the doubt models and follow-up detection."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


def logit(probability: float, bound: float = 1e-9) -> float:
    """log(p / (1 - p)), p kept `bound` away from 0 and 1: a probability of 0.999 and 0.99999
    differ here."""
    p = min(max(probability, bound), 1.0 - bound)
    return math.log(p / (1.0 - p))


def sigmoid(z: float) -> float:
    """The logistic function, clipped against overflow."""
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


@dataclass(frozen=True)
class LinearModel:
    """Weights per named feature and a bias; the score is their logistic."""

    weights: dict[str, float]
    bias: float

    def logit(self, features: dict[str, float]) -> float:
        """Bias plus the weighted features (missing features count 0)."""
        return self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())

    def probability(self, features: dict[str, float]) -> float:
        """Sigmoid of the weighted features (missing features count 0)."""
        return sigmoid(self.logit(features))

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> LinearModel:
        """From {"weights": {...}, "bias": b} as the fitting scripts write it."""
        return cls({str(k): float(v) for k, v in raw["weights"].items()}, float(raw["bias"]))
