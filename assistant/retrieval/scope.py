"""The scope model: does a question read like those the bundled laws answer?

A similarity search always finds the nearest passages, and near-domain questions the laws do not
answer (naturalisation, a council's quorum, the electricity concession fee, what a passport costs
now) meet passages close enough to look relevant. A logistic model over the question's own
vector, fitted on what the dev questions, the team's out-of-scope examples and the question
register say is inside or outside the laws (`python -m evals.scope`, stored per embedding model
in assistant/data/scope.json), reads the whole question at once. Together with the relevance
probability it decides abstention (assistant/answer/doubt.py), and only where the index holds
every law the model was fitted on, the search is not narrowed to some sources, and the leading
passages are all from those laws: over a part of the laws (the 15 core laws alone) a question
about another bundled law reads answerable to it but is not, and one's own documents or laws are
outside what it has seen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from assistant.retrieval.results import Hit
from assistant.store.manifest import law_key_of

SCOPE_FILE = "scope.json"


@dataclass(frozen=True)
class ScopeModel:
    """Weights over a question vector: a logit, high where the laws answer such questions."""

    model_id: str
    weights: np.ndarray  # float32, dimension
    bias: float
    laws: frozenset[str] = frozenset()  # the laws (keys) whose register it was fitted with

    def logit(self, vector: np.ndarray) -> float | None:
        """The question's logit, or None when the dimensions do not fit."""
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.weights.shape[0]:
            return None
        return float(self.weights @ query) + self.bias


def scope_entry(model_id: str) -> dict[str, Any] | None:
    """The stored entry for an embedding model (None without one)."""
    path = resources.files("assistant") / "data" / SCOPE_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = data.get("models", {}).get(model_id)
    return entry if isinstance(entry, dict) else None


@lru_cache(maxsize=8)
def scope_model(model_id: str) -> ScopeModel | None:
    """The scope model fitted for an embedding model, or None (then no such abstention)."""
    entry = scope_entry(model_id)
    if entry is None:
        return None
    weights = np.asarray(entry["weights"], dtype=np.float32)
    laws = frozenset(str(law) for law in entry.get("laws", []))
    return ScopeModel(model_id, weights, float(entry["bias"]), laws)


def answerable(
    model: ScopeModel | None,
    vector: np.ndarray | None,
    leading: list[Hit],
    registered: frozenset[str],
    narrowed: bool = False,
) -> dict[str, float]:
    """The signal {"answerable": logit}, only where the index's register holds every law the
    model was fitted on, the search is not `narrowed` to some sources (a filter by type, Land,
    document or date), and the leading passages are all from laws with register questions."""
    if model is None or vector is None or not leading or narrowed:
        return {}
    if not model.laws <= registered:
        return {}
    laws = [h.chunk.metadata.get("law") for h in leading]
    if not all(laws) or not all(law_key_of(str(law)) in registered for law in laws):
        return {}
    logit = model.logit(vector)
    return {} if logit is None else {"answerable": logit}
