"""Services: everything built once from Settings and handed to the adapters."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from assistant.answer.engine import AnswerEngine
from assistant.config import Settings
from assistant.errors import InvalidRequest
from assistant.providers.chroma import build_chroma_client, reopen_chroma_client
from assistant.providers.embeddings import (
    CachedEmbeddings,
    build_embeddings,
    embedding_identity,
)
from assistant.providers.llm import build_chat_model
from assistant.providers.rerank import build_reranker
from assistant.retrieval.adapter import query_adapter
from assistant.retrieval.glossary import Glossary
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.ranker import ranker_model
from assistant.retrieval.register import DocumentQuestions, OffTopic, RegisterCache
from assistant.retrieval.scope import scope_model
from assistant.retrieval.stages import Stages
from assistant.retrieval.thesaurus import Thesaurus
from assistant.store.enrichment import EnrichmentStore
from assistant.store.index import Index, verify_identity
from assistant.store.manifest import DocumentRecord, Manifest
from assistant.store.records import RecordStore
from assistant.store.sentences import SentenceStore
from assistant.store.vectors import VectorStore
from ingest.discovery import Candidate
from ingest.pipeline import FileResult, Ingestor
from ingest.uploads import store_upload

log = logging.getLogger(__name__)


def word_maps(settings: Settings) -> tuple[Thesaurus, Glossary]:
    """The configured thesaurus and glossary, cached beside the embedding cache (shared by data
    dirs that share that cache); nothing is read yet."""
    folder = settings.embedding_cache_path.parent
    return (
        Thesaurus(settings.thesaurus_path, folder / "thesaurus.sqlite3"),
        Glossary(settings.glossary_path, folder / "glossary.sqlite3"),
    )


def word_lists(settings: Settings) -> dict[str, bool]:
    """Whether the configured thesaurus and glossary are installed."""
    thesaurus, glossary = word_maps(settings)
    return {"thesaurus": thesaurus.available, "glossary": glossary.available}


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
        identity = embedding_identity(settings)
        reopen = None if settings.chroma_url else partial(reopen_chroma_client, settings=settings)
        manifest = Manifest(settings.manifest_path)
        try:
            vectors = VectorStore(build_chroma_client(settings), settings.collection, reopen)
            verify_identity(manifest, vectors, identity)  # IndexMismatch before the model loads
        except BaseException:
            manifest.close()
            raise
        embeddings = build_embeddings(settings)
        index = Index(
            manifest, vectors, embeddings, settings.lexical_dir, settings.exact_search_max
        )
        records = RecordStore(settings.records_path)
        chat_model = build_chat_model(settings)
        stages = Stages(
            build_chat_model(settings, timeout=settings.llm_stage_timeout),
            build_reranker(settings),
            rewrite=settings.llm_rewrite,
            llm_rerank=settings.llm_rerank,
            candidates=settings.rerank_candidates,
        )
        thesaurus, glossary = word_maps(settings)
        for words in (thesaurus, glossary):
            if words.available:
                threading.Thread(target=words.load, name="words", daemon=True).start()
            elif words.path is not None:  # configured but not installed: answers are worse
                log.warning(
                    "%s fehlt (%s, Debian-Paket %s): Fragen werden ohne diese Wörter gesucht",
                    type(words).__name__,
                    words.path,
                    words.package,
                )
        retriever = HybridRetriever(
            index,
            register=RegisterCache(embeddings, EnrichmentStore(settings.enrichment_path)),
            thesaurus=thesaurus,
            glossary=glossary,
            stages=stages if stages.rewrite_enabled or stages.rerank_enabled else None,
            ranker=ranker_model(embeddings.backend.model_id),
            off_topic=OffTopic(embeddings),
            documents=DocumentQuestions(embeddings),
            adapter=query_adapter(embeddings.backend.model_id),
            scope=scope_model(embeddings.backend.model_id),
        )
        sentences = SentenceStore(settings.sentences_path)
        engine = AnswerEngine(
            retriever,
            records,
            chat_model,
            abstain_below=settings.abstain_below,
            secrets=settings.secret_values(),
            sentences=sentences,
            answer_from=settings.answer_from,
            stale_after_years=settings.stale_after_years,
        )
        return cls(settings, manifest, vectors, embeddings, index, records, retriever, engine)

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Serialise index writers across processes on this data dir."""
        path = self.settings.data_dir / "ingest.lock"
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self.vectors.follow(self.manifest.generation())  # see other writers' vectors
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ingest_uploads(
        self, files: list[tuple[str, bytes]], organisation: str | None = None
    ) -> list[FileResult]:
        """Store uploaded files under generated folders and ingest them, one result each;
        with an organisation, in its own folder and visible to it only."""
        results: list[FileResult] = []
        folder = self.settings.uploads_dir
        if organisation:
            folder = folder / ("org-" + hashlib.sha256(organisation.encode()).hexdigest()[:16])
        with self.writer_lock():
            ingestor = Ingestor(self.index, self.settings)
            for filename, data in files:
                try:
                    stored = store_upload(folder, filename, data)
                except InvalidRequest as exc:
                    results.append(FileResult(filename, "failed", reason=str(exc)))
                    continue
                try:
                    result = ingestor.ingest_file(Candidate(stored.path, None))
                except BaseException:
                    stored.roll_back()
                    raise
                result.path = filename
                if result.status in ("failed", "skipped", "duplicate"):
                    stored.roll_back()  # a refused new version never costs the stored one
                else:
                    stored.commit()
                    if result.doc_id:
                        self.manifest.set_organisation(result.doc_id, organisation)
                results.append(result)
            self.index.lexical()
        return results

    def ingest_written(self, path: Path, organisation: str | None = None) -> FileResult:
        """Ingest one file the assistant wrote itself (a verified answer), visible to all or
        to one organisation."""
        with self.writer_lock():
            result = Ingestor(self.index, self.settings).ingest_file(Candidate(path, None))
            if result.doc_id and result.status in ("added", "updated", "unchanged"):
                self.manifest.set_organisation(result.doc_id, organisation)
            self.index.lexical()
        return result

    def remove_document(self, doc_id: str) -> DocumentRecord:
        """Remove a document (and its uploaded file, if it was uploaded)."""
        with self.writer_lock():
            doc = self.index.remove_document(doc_id)
            self.index.lexical()
        path = Path(doc.path)
        if path.is_relative_to(self.settings.uploads_dir.absolute()):
            path.unlink(missing_ok=True)
        return doc

    def word_lists(self) -> dict[str, bool]:
        """Whether the thesaurus and the English–German glossary are installed (without them
        questions are searched with their own words only, and answers are measurably worse)."""
        return word_lists(self.settings)

    def close(self) -> None:
        """Release files and connections."""
        self.manifest.close()
        self.records.close()
        if self.engine.sentences is not None:
            self.engine.sentences.close()
        register = self.retriever.register
        if register is not None and register.generated is not None:
            register.generated.close()
        self.embeddings.cache.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
