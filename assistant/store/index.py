"""The index: manifest, Chroma vectors and the lexical index kept in step, crash-safe."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.errors import DocumentNotFound
from assistant.providers.embeddings import CachedEmbeddings
from assistant.store.lexical import LexicalIndex
from assistant.store.manifest import ChunkRecord, DocumentRecord, Manifest
from assistant.store.vectors import VectorStore

log = logging.getLogger(__name__)


def indexed_text(chunk: ChunkRecord) -> str:
    """What is embedded and lexically indexed: breadcrumb line plus chunk text."""
    return f"{chunk.breadcrumb}\n{chunk.text}"


def section_title(chunk: ChunkRecord) -> str | None:
    """The official heading of a legal norm (§ / Art.) the chunk belongs to, if any."""
    meta = chunk.metadata
    return str(meta["section_title"]) if meta.get("section") and meta.get("section_title") else None


@dataclass
class RepairReport:
    """What a consistency check fixed."""

    orphans_deleted: int = 0
    vectors_restored: int = 0


class Index:
    """Writes go Chroma first, then the manifest (the commit point), then cleanup."""

    def __init__(
        self,
        manifest: Manifest,
        vectors: VectorStore,
        embeddings: CachedEmbeddings,
        lexical_dir: Path,
    ) -> None:
        self.manifest = manifest
        self.vectors = vectors
        self.embeddings = embeddings
        self.lexical_dir = lexical_dir
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()

    def store_document(
        self, doc: DocumentRecord, chunks: list[ChunkRecord], vectors: np.ndarray | None
    ) -> None:
        """Replace a document's chunks (vectors None: dense vectors follow via fill_vectors)."""
        if vectors is not None:
            self.vectors.upsert(
                [c.chunk_id for c in chunks],
                vectors,
                [indexed_text(c) for c in chunks],
                [c.metadata for c in chunks],
            )
        stale = self.manifest.replace_document(doc, chunks)
        if stale:
            self.vectors.delete(stale)

    def remove_document(self, doc_id: str) -> DocumentRecord:
        """Remove a document from manifest and vectors."""
        doc = self.manifest.get_document(doc_id)
        if doc is None:
            raise DocumentNotFound(doc_id)
        ids = self.manifest.remove_document(doc_id)
        if ids:
            self.vectors.delete(ids)
        return doc

    def repair(self, restore: bool = True) -> RepairReport:
        """Delete vectors the manifest does not know; with restore, add vectors it lacks."""
        report = RepairReport()
        known = self.manifest.chunk_ids()
        present = self.vectors.all_ids()
        orphans = sorted(present - known)
        if orphans:
            self.vectors.delete(orphans)
            report.orphans_deleted = len(orphans)
        if restore:
            report.vectors_restored = self.fill_vectors(sorted(known - present))
        if report.orphans_deleted or report.vectors_restored:
            log.info("index repaired: %s", report)
        return report

    def missing_vectors(self) -> list[str]:
        """Chunk ids in the manifest that have no dense vector yet."""
        return sorted(self.manifest.chunk_ids() - self.vectors.all_ids())

    def fill_vectors(
        self,
        missing: list[str] | None = None,
        batch: int = 256,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Embed and store missing dense vectors in batches; resumable after any interruption."""
        todo = self.missing_vectors() if missing is None else missing
        done = 0
        for start in range(0, len(todo), batch):
            records = list(self.manifest.chunks(todo[start : start + batch]).values())
            if records:  # chunks removed meanwhile are simply skipped
                texts = [indexed_text(c) for c in records]
                self.vectors.upsert(
                    [c.chunk_id for c in records],
                    self.embeddings.embed_passages(texts),
                    texts,
                    [c.metadata for c in records],
                )
            done += len(records)
            if progress:
                progress(done, len(todo))
        return done

    def lexical(self) -> LexicalIndex:
        """The lexical index for the manifest's current generation (loaded or rebuilt)."""
        generation = self.manifest.generation()
        current = self._lexical
        if current is not None and current.generation == generation:
            return current
        with self._lexical_lock:
            current = self._lexical
            if current is not None and current.generation == generation:
                return current
            self.vectors.follow(generation)
            loaded = LexicalIndex.load(self.lexical_dir)
            if loaded is None or loaded.generation != generation:
                loaded = self.rebuild_lexical(generation)
            self._lexical = loaded
            return loaded

    def rebuild_lexical(self, generation: str | None = None) -> LexicalIndex:
        """Build the lexical index from the manifest and persist it."""
        generation = generation or self.manifest.generation()
        texts: list[tuple[str, str]] = []
        titles: dict[str, str] = {}
        for chunk in self.manifest.iter_chunks():
            texts.append((chunk.chunk_id, indexed_text(chunk)))
            title = section_title(chunk)
            if title:
                titles[chunk.chunk_id] = title
        index = LexicalIndex.build(texts, generation, titles)
        index.save(self.lexical_dir)
        return index
