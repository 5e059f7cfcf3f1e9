"""The ingest run: discover, load, chunk, embed, store; incremental and crash-safe."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import LoadError, LotseError
from assistant.redaction import Redactor
from assistant.safety import instruction_lines
from assistant.store.index import Index, indexed_text
from assistant.store.manifest import ChunkRecord, DocumentRecord
from assistant.store.sentences import SentenceStore
from ingest.chunking import Chunker
from ingest.discovery import Candidate, discover, slugify, type_from_path
from ingest.limits import LoadLimits, OcrOptions
from ingest.loaders import load_document
from ingest.models import DOC_TYPES

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, dict[str, Any]], None]


@dataclass
class FileResult:
    """Outcome for one file."""

    path: str
    status: str  # added | updated | unchanged | duplicate | skipped | failed | removed | missing
    doc_id: str | None = None
    reason: str | None = None
    chunks: int = 0
    embedded: int = 0
    warnings: list[str] = field(default_factory=list)
    ocr: dict[str, Any] | None = None  # scanned pages: recognised, mean confidence, rejected


@dataclass
class IngestReport:
    """Summary of an ingest run."""

    files: list[FileResult] = field(default_factory=list)
    embedded: int = 0
    seconds: float = 0.0
    repaired: dict[str, int] = field(default_factory=dict)

    def count(self, status: str) -> int:
        """Number of files with that status."""
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileResult]:
        """Files that could not be ingested."""
        return [f for f in self.files if f.status == "failed"]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "added": self.count("added"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "duplicates": self.count("duplicate"),
            "skipped": [
                {"path": f.path, "reason": f.reason} for f in self.files if f.status == "skipped"
            ],
            "removed": self.count("removed"),
            "missing": self.count("missing"),
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
            "chunks_embedded": self.embedded,
            "seconds": round(self.seconds, 2),
            "repaired": self.repaired,
            "files": [asdict(f) for f in self.files],
        }


# Bump when loaders or chunking change their output: documents are then re-chunked (only
# texts that actually changed are embedded again, thanks to the embedding cache).
INGEST_VERSION = "9"  # 5: Markdown tables as sentences; 6: their cells joined by commas; 7: OCR
# 8: validity front matter (valid_from, valid_until, superseded_by, version, series); 9: table
# cells that are phrases set off from their column header by a colon
NO_TEXT = "kein Text gefunden"


def content_hash(data: bytes) -> str:
    """SHA-256 of file bytes."""
    return hashlib.sha256(data).hexdigest()


def load_limits(settings: Settings) -> LoadLimits:
    """Per-file limits (size, pages, time, OCR) from settings."""
    return LoadLimits(
        max_bytes=int(settings.max_file_mb * 1024 * 1024),
        max_pages=settings.max_pages,
        max_seconds=settings.max_seconds_per_file,
        ocr=OcrOptions(
            enabled=settings.ocr,
            tesseract=settings.ocr_tesseract,
            language=settings.ocr_language,
            dpi=settings.ocr_dpi,
            max_pages=settings.ocr_max_pages,
            timeout=settings.ocr_timeout,
            min_confidence=settings.ocr_min_confidence,
            cache_dir=settings.ocr_cache_dir,
        ),
    )


class Ingestor:
    """Runs ingest over paths against one Index."""

    def __init__(
        self,
        index: Index,
        settings: Settings,
        progress: ProgressCallback | None = None,
        defer_vectors: bool = False,
    ):
        self.index = index
        self.defer_vectors = defer_vectors
        self.settings = settings
        self.redactor = Redactor(settings.secret_values())  # secrets found per file, reported
        self.chunker = Chunker(settings.chunk_tokens, settings.chunk_overlap)
        self.recipe = f"v{INGEST_VERSION}-t{settings.chunk_tokens}-o{settings.chunk_overlap}"
        self.sentences = SentenceStore(settings.sentences_path)
        self.progress = progress or (lambda event, data: None)
        self.source_urls: dict[str, str] = {}  # absolute path → where sync fetched it

    def limits(self) -> LoadLimits:
        """Fresh per-file limits from settings."""
        return load_limits(self.settings)

    def run(
        self, targets: Sequence[Path], doc_type: str | None = None, prune: bool = False
    ) -> IngestReport:
        """Ingest files and folders; with prune, remove documents whose files are gone."""
        started = time.monotonic()
        report = IngestReport()
        repaired = self.index.repair(restore=not self.defer_vectors)
        report.repaired = {k: v for k, v in asdict(repaired).items() if v}
        candidates = [c for t in targets for c in discover(t)]
        self.progress("start", {"files": len(candidates)})
        seen: set[str] = set()
        for number, candidate in enumerate(candidates, 1):
            result = self.ingest_file(candidate, doc_type)
            seen.add(str(candidate.path.absolute()))
            report.files.append(result)
            report.embedded += result.embedded
            self.progress("file", {"n": number, "result": result})
        for target in targets:
            if target.is_dir():
                report.files.extend(self._stale(target, seen, prune))
        if any(f.status in ("added", "updated", "removed") for f in report.files) or (
            repaired.orphans_deleted or repaired.vectors_restored
        ):
            self.index.lexical()
        report.seconds = time.monotonic() - started
        self.progress("done", {"report": report})
        return report

    def ingest_file(self, candidate: Candidate, doc_type: str | None = None) -> FileResult:
        """Ingest one file; every problem becomes a failed result with a reason."""
        path = candidate.path
        shown = str(path)
        if candidate.refused:
            return FileResult(shown, "failed", reason=candidate.refused)
        try:
            return self._ingest(path, doc_type)
        except LoadError as exc:
            if exc.reason == NO_TEXT:  # e.g. a navigation page with front matter only
                return FileResult(shown, "skipped", reason=f"{exc.reason} – übersprungen")
            return FileResult(shown, "failed", reason=exc.reason)
        except LotseError:
            raise
        except (OSError, ValueError, RecursionError, MemoryError) as exc:
            return FileResult(shown, "failed", reason=f"{type(exc).__name__}: {str(exc)[:200]}")

    def _ingest(self, path: Path, doc_type: str | None) -> FileResult:
        shown = str(path)
        key = str(path.absolute())
        limits = self.limits()
        if path.is_file() and path.stat().st_size > limits.max_bytes:
            size = path.stat().st_size / 1024 / 1024
            raise LoadError(path, f"Datei zu groß ({size:.1f} MB > {self.settings.max_file_mb} MB)")
        data = path.read_bytes()
        digest = content_hash(data)
        manifest = self.index.manifest
        existing = manifest.find_by_path(key)
        if (
            existing
            and existing.content_hash == digest
            and existing.recipe == self.recipe
            and doc_type in (None, existing.doc_type)
        ):
            return FileResult(shown, "unchanged", existing.doc_id, chunks=existing.chunk_count)
        twin = manifest.find_by_hash(digest)
        if twin and twin.path != key:
            return FileResult(
                shown, "duplicate", twin.doc_id, reason=f"gleicher Inhalt wie {twin.path}"
            )
        loaded = load_document(path, limits)
        loaded.source_url = loaded.source_url or self.source_urls.get(key)
        resolved_type = (
            doc_type
            or (loaded.doc_type if loaded.doc_type in DOC_TYPES else None)
            or type_from_path(path)
            or ("legal_framework" if loaded.law else "other")
        )
        doc_id = existing.doc_id if existing else self._new_doc_id(path, key)
        text = "\n".join(b.text for b in loaded.blocks)
        secrets = self.redactor.find(text)
        if secrets:
            loaded.warnings.append(
                "enthält vertrauliche Werte (" + ", ".join(secrets) + "): in allen Ausgaben "
                "maskiert; Originaldatei nur für advise/admin"
            )
        suspicious = instruction_lines(text)
        if suspicious:
            loaded.warnings.append(
                "enthält anweisungsähnlichen Text (möglicher Prompt-Injection-Versuch): "
                + suspicious[0]
            )
        chunks = self.chunker.split_document(loaded, doc_id, resolved_type, key)
        if not chunks:
            raise LoadError(path, NO_TEXT)
        records = [
            ChunkRecord(c.chunk_id, doc_id, c.position, c.text, c.breadcrumb, c.metadata)
            for c in chunks
        ]
        before = self.index.embeddings.embedded_count
        vectors = None
        if not self.defer_vectors:
            vectors = self.index.embeddings.embed_passages([indexed_text(r) for r in records])
            self.sentences.spans_of([r.text for r in records])  # answers never wait for it
        embedded = self.index.embeddings.embedded_count - before
        record = DocumentRecord(
            doc_id=doc_id,
            path=key,
            content_hash=digest,
            title=loaded.title,
            doc_type=resolved_type,
            stand=loaded.stand,
            jurisdiction=loaded.jurisdiction,
            law=loaded.law,
            law_title=loaded.law_title,
            source_url=loaded.source_url,
            warnings=loaded.warnings,
            ingested_at=time.time(),
            recipe=self.recipe,
        )
        self.index.store_document(record, records, vectors, loaded.validity)
        status = "updated" if existing else "added"
        return FileResult(
            shown,
            status,
            doc_id,
            chunks=len(records),
            embedded=embedded,
            warnings=loaded.warnings,
            ocr=loaded.ocr,
        )

    def _new_doc_id(self, path: Path, key: str) -> str:
        base = slugify(path.stem)
        owner = self.index.manifest.get_document(base)
        if owner is None or owner.path == key:
            return base
        return f"{base}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"

    def _stale(self, folder: Path, seen: set[str], prune: bool) -> list[FileResult]:
        prefix = str(folder.absolute()).rstrip("/") + "/"
        results = []
        for doc in self.index.manifest.documents():
            if doc.path.startswith(prefix) and doc.path not in seen:
                if prune:
                    self.index.remove_document(doc.doc_id)
                    results.append(FileResult(doc.path, "removed", doc.doc_id))
                else:
                    reason = "Datei fehlt – mit --prune entfernen"
                    results.append(FileResult(doc.path, "missing", doc.doc_id, reason=reason))
        return results
