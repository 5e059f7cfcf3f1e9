"""The index: manifest, Chroma vectors and the lexical index kept in step, crash-safe."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import DocumentNotFound, StoreUnavailable
from assistant.providers.embeddings import CachedEmbeddings
from assistant.store.analysis import build_names
from assistant.store.dense import DenseMatrix
from assistant.store.identity import IndexIdentity, mismatch
from assistant.store.lexical import LexicalIndex
from assistant.store.manifest import ChunkRecord, DocumentRecord, Manifest
from assistant.store.validity import Validity
from assistant.store.vectors import VectorStore

log = logging.getLogger(__name__)
COUNT_TTL = 2.0  # seconds a vector count serves the coverage check (a dense fill resets it)


def indexed_text(chunk: ChunkRecord) -> str:
    """What is embedded and lexically indexed: breadcrumb line plus chunk text."""
    return f"{chunk.breadcrumb}\n{chunk.text}"


def section_title(chunk: ChunkRecord) -> str | None:
    """The official heading of a legal norm (§ / Art.) the chunk belongs to, if any."""
    meta = chunk.metadata
    return str(meta["section_title"]) if meta.get("section") and meta.get("section_title") else None


def verify_identity(
    manifest: Manifest, vectors: VectorStore, configured: IndexIdentity
) -> IndexIdentity:
    """Check that the configured embedding model built this index; IndexMismatch if not.

    Manifest and collection are checked each; where nothing is recorded yet (a new index, or one
    from before identities were recorded) the configuration is adopted and recorded. An index
    without any chunk or vector adopts a changed configuration too: there is nothing to compare.
    Sets `vectors.identity` (used to check vector widths) and returns the identity in force.
    """
    vectors.identity = configured  # a collection created now records it at once
    in_manifest = manifest.embedding_identity()
    in_vectors = vectors.recorded_identity()
    identity = configured
    for recorded, where in ((in_manifest, str(manifest.path)), (in_vectors, vectors.where)):
        if recorded is None or recorded.matches(identity):
            identity = identity.completed(recorded) if recorded else identity
            continue
        if manifest.chunk_count() or vectors.count():
            vectors.identity = None
            raise mismatch(where, recorded, configured)
        log.info("empty index: %s replaces %s", configured.describe(), recorded.describe())
    if in_manifest != identity:
        manifest.record_embedding_identity(identity)
    if in_vectors != identity:
        vectors.record_identity(identity)
    vectors.identity = identity
    return identity


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
        exact_max: int = 0,
    ) -> None:
        self.manifest = manifest
        self.vectors = vectors
        self.embeddings = embeddings
        self.lexical_dir = lexical_dir
        self.exact_max = exact_max  # up to this many vectors, dense search is exact
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()
        self._dense: DenseMatrix | None = None
        self._dense_lock = threading.Lock()
        self._coverage: tuple[tuple[str, int], int] | None = None
        self._count: tuple[str, float, int] | None = None  # generation, when, vectors

    def store_document(
        self,
        doc: DocumentRecord,
        chunks: list[ChunkRecord],
        vectors: np.ndarray | None,
        validity: Validity | None = None,
    ) -> None:
        """Replace a document's chunks and validity (vectors None: dense vectors follow via
        fill_vectors)."""
        if vectors is not None:
            self._learn_dimension(vectors)
            self.vectors.upsert(
                [c.chunk_id for c in chunks],
                vectors,
                [indexed_text(c) for c in chunks],
                [c.metadata for c in chunks],
            )
        stale = self.manifest.replace_document(doc, chunks, validity)
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

    def dense_coverage(self) -> tuple[int, int]:
        """(chunks with a dense vector, chunks): fewer while vectors are deferred, none when the
        configured collection is not the one the index was built into."""
        generation = self.manifest.generation()
        present = self._vector_count(generation)
        state = (generation, present)
        known = self._coverage
        if known is None or known[0] != state:
            known = self._coverage = (state, self.manifest.chunk_count())
            if present < known[1]:
                log.warning(
                    "%s holds vectors for %d of %d chunks: search is mostly lexical until "
                    "`lotse embed` fills them (or LOTSE_COLLECTION / LOTSE_CHROMA_URL is wrong)",
                    self.vectors.where,
                    present,
                    known[1],
                )
        return min(present, known[1]), known[1]

    def _vector_count(self, generation: str) -> int:
        """The number of vectors as the last search counted it, counted again after COUNT_TTL,
        an index change or a dense fill here (Chroma's count takes about 2 ms)."""
        now = time.monotonic()
        known = self._count
        if known is not None and known[0] == generation and now - known[1] < COUNT_TTL:
            return known[2]
        count = self.vectors.count()
        self._count = (generation, now, count)
        return count

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
                matrix = self.embeddings.embed_passages(texts)
                self._learn_dimension(matrix)
                self.vectors.upsert(
                    [c.chunk_id for c in records], matrix, texts, [c.metadata for c in records]
                )
            done += len(records)
            if progress:
                progress(done, len(todo))
        self._count = None  # searches meanwhile may have counted fewer
        return done

    def _learn_dimension(self, matrix: np.ndarray) -> None:
        """Record the vector width on the first write when the provider did not declare it."""
        identity = self.vectors.identity
        if identity is None or identity.dimension is not None or not len(matrix):
            return
        learned = replace(identity, dimension=int(matrix.shape[-1]))
        self.manifest.record_embedding_identity(learned)
        self.vectors.record_identity(learned)
        self.vectors.identity = learned

    def reembed(
        self, identity: IndexIdentity, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Replace every dense vector by one of `self.embeddings` (the model of `identity`).

        Drops the collection, records the new identity in manifest and collection, then embeds
        all chunks (the manifest and the lexical index stay as they are). Resumable: after an
        interruption the identity is already the new one and missing vectors are filled by the
        next reembed, ingest or repair. Callers hold the writer lock; servers on this index
        should be stopped first (their vectors disappear).
        """
        self.vectors.drop()
        self.vectors.identity = identity
        self.manifest.record_embedding_identity(identity)
        self.vectors.record_identity(identity)  # creates the collection with the identity
        return self.fill_vectors(progress=progress)

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

    def nearest(
        self,
        vector: np.ndarray,
        k: int,
        where: dict[str, Any] | None = None,
        allowed: set[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Nearest chunks (id, cosine similarity), best first: exact over the vectors in memory
        up to exact_max of them, else Chroma's HNSW. allowed and where are the same filters."""
        matrix = self._dense_matrix()
        if matrix is None:
            return self.vectors.query(vector, k, where)
        self.vectors.check_dimension(int(np.asarray(vector).shape[-1]))
        return matrix.nearest(vector, k, allowed)

    def _dense_matrix(self) -> DenseMatrix | None:
        """The vectors of the current generation in memory, or None above exact_max."""
        if self.exact_max <= 0:
            return None
        count = self.vectors.count()  # live: a Chroma outage shows here (503), not later
        generation = self.manifest.generation()
        self._count = (generation, time.monotonic(), count)
        if count > self.exact_max:
            return None
        state = (generation, count)
        current = self._dense
        if current is not None and current.state == state:
            return current
        with self._dense_lock:
            current = self._dense
            if current is None or current.state != state:
                self.vectors.follow(state[0])
                try:
                    current = self._load_dense(state, current)
                except StoreUnavailable:
                    raise
                except Exception as exc:  # Chroma mid-write ("Error finding id"): HNSW this time
                    log.warning("Dense vectors not loaded (%s): approximate search", exc)
                    return None
                self._dense = current
            return current

    def _load_dense(self, state: tuple[str, int], current: DenseMatrix | None) -> DenseMatrix:
        """All vectors, or after a change only the new chunks' (ids change with content)."""
        if current is None:
            return DenseMatrix.build(state, self.vectors.all_vectors())
        present = self.vectors.all_ids()
        new = sorted(present - set(current.ids))
        return current.refreshed(state, present, self.vectors.vectors_of(new))

    def rebuild_lexical(self, generation: str | None = None) -> LexicalIndex:
        """Build the lexical index from the manifest and persist it."""
        generation = generation or self.manifest.generation()
        texts: list[tuple[str, str]] = []
        titles: dict[str, str] = {}
        private = self.manifest.private_documents()
        public: list[str] = []  # names from public documents only: they steer what others see
        for chunk in self.manifest.iter_chunks():
            texts.append((chunk.chunk_id, indexed_text(chunk)))
            if chunk.doc_id not in private:
                public.append(texts[-1][1])
            title = section_title(chunk)
            if title:
                titles[chunk.chunk_id] = title
        index = LexicalIndex.build(texts, generation, titles, build_names(public))
        index.save(self.lexical_dir)
        return index
