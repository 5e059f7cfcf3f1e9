"""Dense vectors in a Chroma collection (embedded or server); we always supply embeddings."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from assistant.errors import StoreUnavailable
from assistant.store.identity import IndexIdentity, dimension_mismatch

UPSERT_BATCH = 1000
IDENTITY_PREFIX = "lotse_"  # collection metadata keys: lotse_embedding_provider, ...


def _is_connection_failure(exc: BaseException) -> bool:
    """Chroma unreachable (network, server down or restarting, database file busy) – not a bug."""
    import sqlite3

    import httpx

    if isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError, OSError)):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        return True
    text = str(exc).lower()
    return any(
        sign in text
        for sign in ("could not connect", "connection", "timed out", "unavailable", "refused")
    )


def _reraise(exc: Exception) -> NoReturn:
    """StoreUnavailable for a connection failure; anything else is raised as it is (a 500 with
    a reference id at the edge, so a bug is never disguised as an outage)."""
    if _is_connection_failure(exc) or _is_connection_failure(exc.__cause__ or exc):
        raise StoreUnavailable(
            f"Vektorspeicher (Chroma) nicht verfügbar: {type(exc).__name__}"
        ) from exc
    raise exc


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
        self.identity: IndexIdentity | None = None  # what builds this index (set on start)

    def follow(self, generation: str) -> None:
        """Reopen an embedded Chroma when the index generation changed (maybe in another process):
        its HNSW index is cached per process and would not show vectors written elsewhere."""
        with self._follow_lock:
            if self._reopen is not None and self._generation not in (None, generation):
                try:
                    self._client, self._collection = self._reopen(self._client), None
                except Exception as exc:
                    _reraise(exc)
            self._generation = generation

    @property
    def collection(self) -> Any:
        """The Chroma collection, created on first use."""
        if self._collection is None:
            try:
                metadata: dict[str, Any] = {"hnsw:space": "cosine"}
                if self.identity is not None:  # used only when the collection is created
                    metadata.update(self.identity.as_metadata(IDENTITY_PREFIX))
                self._collection = self._client.get_or_create_collection(
                    self._name, embedding_function=None, metadata=metadata
                )
            except Exception as exc:
                _reraise(exc)
        return self._collection

    @property
    def where(self) -> str:
        """The collection, named for messages."""
        return f"Chroma-Sammlung {self._name!r}"

    @_reconnecting
    def recorded_identity(self) -> IndexIdentity | None:
        """The embedding identity recorded in the collection's metadata, if any."""
        try:
            metadata = self.collection.metadata
        except StoreUnavailable:
            raise
        except Exception as exc:
            _reraise(exc)
        return IndexIdentity.from_metadata(metadata, IDENTITY_PREFIX)

    @_reconnecting
    def record_identity(self, identity: IndexIdentity) -> None:
        """Record the embedding identity in the collection's metadata (other keys are kept)."""
        try:
            collection = self.collection
            kept = {  # the distance is fixed at creation; Chroma refuses hnsw:* on modify
                k: v
                for k, v in (collection.metadata or {}).items()
                if not k.startswith(("hnsw:", f"{IDENTITY_PREFIX}embedding_"))
            }
            collection.modify(metadata={**kept, **identity.as_metadata(IDENTITY_PREFIX)})
        except StoreUnavailable:
            raise
        except Exception as exc:
            _reraise(exc)

    def drop(self) -> None:
        """Delete the whole collection (every vector); the next use creates it again."""
        try:
            if any(c == self._name for c in self._collection_names()):
                self._client.delete_collection(self._name)
        except Exception as exc:
            _reraise(exc)
        finally:
            self._collection = None

    def _collection_names(self) -> list[str]:
        return [getattr(c, "name", c) for c in self._client.list_collections()]

    def check_dimension(self, width: int) -> None:
        """IndexMismatch when vectors of this width cannot go into (or search) this index."""
        identity = self.identity
        if identity is not None and identity.dimension is not None and width != identity.dimension:
            raise dimension_mismatch(self.where, identity, width)

    def ping(self) -> None:
        """Raise StoreUnavailable unless Chroma answers."""
        try:
            self._client.heartbeat()
            self._collection = None
            _ = self.collection
        except StoreUnavailable:
            raise
        except Exception as exc:
            _reraise(exc)

    @_reconnecting
    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        """Insert or replace vectors with their text and filterable metadata."""
        if len(ids):
            self.check_dimension(int(np.asarray(vectors).shape[-1]))
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
            _reraise(exc)

    @_reconnecting
    def delete(self, ids: Sequence[str]) -> None:
        """Delete vectors by id (unknown ids are ignored)."""
        try:
            for start in range(0, len(ids), UPSERT_BATCH):
                self.collection.delete(ids=list(ids[start : start + UPSERT_BATCH]))
        except Exception as exc:
            _reraise(exc)

    @_reconnecting
    def all_ids(self) -> set[str]:
        """Every id in the collection."""
        return {cid for got in self._pages([]) for cid in got["ids"]}

    @_reconnecting
    def all_vectors(self) -> list[tuple[str, np.ndarray]]:
        """Every (id, vector) in the collection."""
        return [row for got in self._pages(["embeddings"]) for row in _with_vectors(got)]

    @_reconnecting
    def vectors_of(self, ids: Sequence[str]) -> list[tuple[str, np.ndarray]]:
        """(id, vector) of the given ids that are stored."""
        rows: list[tuple[str, np.ndarray]] = []
        try:
            for start in range(0, len(ids), UPSERT_BATCH):
                part = list(ids[start : start + UPSERT_BATCH])
                rows.extend(_with_vectors(self.collection.get(ids=part, include=["embeddings"])))
        except Exception as exc:
            _reraise(exc)
        return rows

    def _pages(self, include: list[str]) -> list[dict[str, Any]]:
        """The whole collection, read in pages of 5,000 (Chroma's get results)."""
        pages: list[dict[str, Any]] = []
        offset, page = 0, 5000
        try:
            while True:
                got = self.collection.get(include=include, limit=page, offset=offset)
                pages.append(got)
                if len(got["ids"]) < page:
                    return pages
                offset += page
        except Exception as exc:
            _reraise(exc)

    @_reconnecting
    def count(self) -> int:
        """Number of vectors stored."""
        try:
            return int(self.collection.count())
        except Exception as exc:
            _reraise(exc)

    @_reconnecting
    def query(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity), best first."""
        self.check_dimension(int(np.asarray(vector).shape[-1]))
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
            _reraise(exc)
        ids = got["ids"][0]
        distances = got["distances"][0] if got.get("distances") else [1.0] * len(ids)
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]


def _with_vectors(got: dict[str, Any]) -> list[tuple[str, np.ndarray]]:
    """(id, vector) pairs of a Chroma get result that included embeddings."""
    vectors = got["embeddings"] if got.get("embeddings") is not None else []
    return [(cid, np.asarray(v)) for cid, v in zip(got["ids"], vectors, strict=True)]


def _clean(metadata: dict[str, Any]) -> dict[str, Any]:
    """Chroma accepts only str/int/float/bool values: drop None and empty strings."""
    return {k: v for k, v in metadata.items() if v is not None and v != ""}
