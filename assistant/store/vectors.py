"""Dense vectors in a Chroma collection (embedded or server); we always supply embeddings."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from assistant.errors import StoreUnavailable

UPSERT_BATCH = 1000


def _unavailable(exc: Exception) -> StoreUnavailable:
    return StoreUnavailable(f"Vektorspeicher (Chroma) nicht verfügbar: {type(exc).__name__}")


def _reconnecting(method: Any) -> Any:
    """Forget the collection handle after a failure so the next call reconnects."""

    def wrapper(self: VectorStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except StoreUnavailable:
            self._collection = None
            raise

    wrapper.__doc__ = method.__doc__
    return wrapper


class VectorStore:
    """Thin wrapper over one Chroma collection using cosine distance."""

    def __init__(
        self, client: Any, collection: str, reopen: Callable[[Any], Any] | None = None
    ) -> None:
        self._client = client
        self._name = collection
        self._collection: Any = None
        self._reopen = reopen  # embedded Chroma only: see follow()
        self._generation: str | None = None
        self._follow_lock = threading.Lock()

    def follow(self, generation: str) -> None:
        """Reopen an embedded Chroma when the index generation changed (maybe in another process):
        its HNSW index is cached per process and would not show vectors written elsewhere."""
        with self._follow_lock:
            if self._reopen is not None and self._generation not in (None, generation):
                try:
                    self._client, self._collection = self._reopen(self._client), None
                except Exception as exc:
                    raise _unavailable(exc) from exc
            self._generation = generation

    @property
    def collection(self) -> Any:
        """The Chroma collection, created on first use."""
        if self._collection is None:
            try:
                self._collection = self._client.get_or_create_collection(
                    self._name, embedding_function=None, metadata={"hnsw:space": "cosine"}
                )
            except Exception as exc:
                raise _unavailable(exc) from exc
        return self._collection

    def ping(self) -> None:
        """Raise StoreUnavailable unless Chroma answers."""
        try:
            self._client.heartbeat()
            self._collection = None
            _ = self.collection
        except StoreUnavailable:
            raise
        except Exception as exc:
            raise _unavailable(exc) from exc

    @_reconnecting
    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        """Insert or replace vectors with their text and filterable metadata."""
        try:
            for start in range(0, len(ids), UPSERT_BATCH):
                end = start + UPSERT_BATCH
                self.collection.upsert(
                    ids=list(ids[start:end]),
                    embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                    documents=list(documents[start:end]),
                    metadatas=[_clean(m) for m in metadatas[start:end]],
                )
        except StoreUnavailable:
            raise
        except Exception as exc:
            raise _unavailable(exc) from exc

    @_reconnecting
    def delete(self, ids: Sequence[str]) -> None:
        """Delete vectors by id (unknown ids are ignored)."""
        try:
            for start in range(0, len(ids), UPSERT_BATCH):
                self.collection.delete(ids=list(ids[start : start + UPSERT_BATCH]))
        except Exception as exc:
            raise _unavailable(exc) from exc

    @_reconnecting
    def all_ids(self) -> set[str]:
        """Every id in the collection."""
        ids: set[str] = set()
        offset, page = 0, 5000
        try:
            while True:
                got = self.collection.get(include=[], limit=page, offset=offset)["ids"]
                ids.update(got)
                if len(got) < page:
                    return ids
                offset += page
        except Exception as exc:
            raise _unavailable(exc) from exc

    @_reconnecting
    def count(self) -> int:
        """Number of vectors stored."""
        try:
            return int(self.collection.count())
        except Exception as exc:
            raise _unavailable(exc) from exc

    @_reconnecting
    def query(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity), best first."""
        try:
            total = self.collection.count()
            if total == 0:
                return []
            got = self.collection.query(
                query_embeddings=np.asarray([vector], dtype=np.float32),
                n_results=min(k, total),
                where=where or None,
                include=["distances"],
            )
        except Exception as exc:
            raise _unavailable(exc) from exc
        ids = got["ids"][0]
        distances = got["distances"][0] if got.get("distances") else [1.0] * len(ids)
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]


def _clean(metadata: dict[str, Any]) -> dict[str, Any]:
    """Chroma accepts only str/int/float/bool values: drop None and empty strings."""
    return {k: v for k, v in metadata.items() if v is not None and v != ""}
