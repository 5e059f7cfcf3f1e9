"""The query adapter: a linear map carrying a question's vector towards the texts that answer it.

The bundled e5 model places an everyday question ("Wie lange darf der Bürger noch Widerspruch
einlegen, wenn im Bescheid nichts dazu steht?") far from the § that answers it in legal wording
("Rechtsbehelfsbelehrung"): questions and law texts lie in different parts of its space. A
matrix fitted on the question register (the team's everyday questions, each pointing at its §)
against the § texts' own vectors maps a question's vector closer to the passages that answer it
(`python -m evals.adapter`, stored per embedding model in assistant/data/adapter.npz). The
adapted vector is a second dense search beside the question's own; passages keep their vectors,
so nothing is embedded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

ADAPTER_FILE = "adapter.npz"


@dataclass(frozen=True)
class QueryAdapter:
    """A square matrix applied to a question's vector (the result L2-normalised)."""

    model_id: str
    matrix: np.ndarray  # float32, dimension × dimension

    def apply(self, vector: np.ndarray) -> np.ndarray | None:
        """The adapted vector, or None when the dimensions do not fit."""
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.matrix.shape[1]:
            return None
        adapted = self.matrix @ query
        norm = float(np.linalg.norm(adapted))
        return adapted / norm if norm > 0 else None


@lru_cache(maxsize=8)
def query_adapter(model_id: str) -> QueryAdapter | None:
    """The adapter fitted for an embedding model, or None (then only the question's vector)."""
    path = resources.files("assistant") / "data" / ADAPTER_FILE
    if not path.is_file():
        return None
    with path.open("rb") as handle, np.load(handle) as data:
        if str(data["model_id"]) != model_id:
            return None
        matrix = np.asarray(data["matrix"], dtype=np.float32)
    return QueryAdapter(model_id, matrix)
