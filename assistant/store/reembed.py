"""Re-embed an index with the configured embedding model (after changing provider or model)."""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.config import Settings
from assistant.providers.chroma import build_chroma_client
from assistant.providers.embeddings import build_embeddings, embedding_identity
from assistant.store.index import Index
from assistant.store.manifest import Manifest
from assistant.store.vectors import VectorStore


@contextmanager
def _writer_lock(data_dir: Path) -> Iterator[None]:
    """The lock file Services.writer_lock takes: no ingest runs meanwhile."""
    with (data_dir / "ingest.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def reembed_index(settings: Settings, progress: Callable[[int, int], None] | None = None) -> int:
    """Embed every chunk of the manifest again with the configured model; returns the count.

    Works where Services.build refuses to start (IndexMismatch): the old vectors are dropped,
    the configured provider/model/dimension is recorded, the chunks are embedded anew. Stop
    servers on this data dir first. Interrupted, it can simply be run again.
    """
    identity = embedding_identity(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(settings.manifest_path)
    try:
        vectors = VectorStore(build_chroma_client(settings), settings.collection)
        embeddings = build_embeddings(settings)
        try:
            index = Index(manifest, vectors, embeddings, settings.lexical_dir)
            with _writer_lock(settings.data_dir):
                return index.reembed(identity, progress)
        finally:
            embeddings.cache.close()
    finally:
        manifest.close()
