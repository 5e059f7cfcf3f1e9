"""Exact dense search over all vectors in memory, for indexes up to LOTSE_EXACT_SEARCH_MAX chunks.

Chroma's embedded HNSW index replays the tail of its log into the graph each time a process
opens it, in no fixed order, so the same question found different nearest chunks after a
restart (recall 0.88 of the true 60 nearest on the 119 laws). A product over the matrix takes a
few milliseconds at that size and gives every process the same, exact neighbours. When the index
changes, only the vectors of new chunks are read (chunk ids change with their content).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DenseMatrix:
    """Every chunk's vector, L2-normalised, as of one state of the index."""

    state: tuple[str, int]  # (manifest generation, vector count) when loaded
    ids: tuple[str, ...]
    vectors: np.ndarray  # float32, one row per id

    @classmethod
    def build(cls, state: tuple[str, int], rows: Iterable[tuple[str, np.ndarray]]) -> DenseMatrix:
        """Stack (chunk_id, vector) rows, ordered by id so ties break the same way everywhere."""
        ordered = sorted(rows, key=lambda row: row[0])
        if not ordered:
            return cls(state, (), np.zeros((0, 0), dtype=np.float32))
        matrix = np.asarray([vector for _, vector in ordered], dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix /= np.where(norms > 0, norms, 1.0)
        return cls(state, tuple(cid for cid, _ in ordered), matrix)

    def refreshed(
        self, state: tuple[str, int], present: set[str], rows: Iterable[tuple[str, np.ndarray]]
    ) -> DenseMatrix:
        """This matrix for a later state: rows no longer present dropped, new rows added."""
        kept = [(cid, self.vectors[i]) for i, cid in enumerate(self.ids) if cid in present]
        return DenseMatrix.build(state, [*kept, *rows])

    def nearest(
        self, vector: np.ndarray, k: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """The k most similar chunks (cosine similarity), best first; only allowed ones if given."""
        if not self.ids or k <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(query))
        similarities = self.vectors @ (query / norm if norm > 0 else query)
        if allowed is not None:
            keep = np.fromiter((cid in allowed for cid in self.ids), bool, len(self.ids))
            similarities = np.where(keep, similarities, -np.inf)
        k = min(k, len(self.ids))
        top = np.argpartition(-similarities, k - 1)[:k]
        top = top[np.lexsort((top, -similarities[top]))]  # by similarity, then by id
        return [(self.ids[i], float(similarities[i])) for i in top if similarities[i] > -np.inf]
