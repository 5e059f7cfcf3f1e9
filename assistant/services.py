"""Services: everything built once from Settings and handed to the adapters."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from assistant.answer.engine import AnswerEngine
from assistant.config import Settings
from assistant.providers.chroma import build_chroma_client
from assistant.providers.embeddings import CachedEmbeddings, build_embeddings
from assistant.providers.llm import build_chat_model
from assistant.retrieval.hybrid import HybridRetriever
from assistant.store.index import Index
from assistant.store.manifest import Manifest
from assistant.store.records import RecordStore
from assistant.store.vectors import VectorStore

log = logging.getLogger(__name__)


@dataclass
class Services:
    """The core objects of one process."""

    settings: Settings
    manifest: Manifest
    vectors: VectorStore
    embeddings: CachedEmbeddings
    index: Index
    records: RecordStore
    retriever: HybridRetriever
    engine: AnswerEngine

    @classmethod
    def build(cls, settings: Settings) -> Services:
        """Build clients and stores from settings (the model is loaded here, once)."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        manifest = Manifest(settings.manifest_path)
        vectors = VectorStore(build_chroma_client(settings), settings.collection)
        embeddings = build_embeddings(settings)
        index = Index(manifest, vectors, embeddings, settings.lexical_dir)
        records = RecordStore(settings.records_path)
        retriever = HybridRetriever(index)
        engine = AnswerEngine(
            retriever,
            records,
            build_chat_model(settings),
            abstain_below=settings.abstain_below,
            secrets=settings.secret_values(),
        )
        return cls(settings, manifest, vectors, embeddings, index, records, retriever, engine)

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Serialise index writers across processes on this data dir."""
        path = self.settings.data_dir / "ingest.lock"
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        """Release files and connections."""
        self.manifest.close()
        self.records.close()
        self.embeddings.cache.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
