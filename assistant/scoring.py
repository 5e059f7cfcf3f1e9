"""Logistic scoring shared by the section ranker, the doubt models and follow-up detection."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LinearModel:
    """Weights per named feature and a bias; the score is their logistic."""

    weights: dict[str, float]
    bias: float

    def probability(self, features: dict[str, float]) -> float:
        """Sigmoid of the weighted features (missing features count 0)."""
        z = self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> LinearModel:
        """From {"weights": {...}, "bias": b} as the fitting scripts write it."""
        return cls({str(k): float(v) for k, v in raw["weights"].items()}, float(raw["bias"]))
