"""Manifest writes: every change of a document is one transaction that moves the generation."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from assistant.store.identity import IndexIdentity
from assistant.store.manifest_records import _DOC_COLUMNS, ChunkRecord, DocumentRecord
from assistant.store.manifest_schema import _IDENTITY_KEYS, _IDENTITY_MARKS, ManifestConnection
from assistant.store.records import immediate
from assistant.store.validity import Validity, write_validity


class ManifestWrites(ManifestConnection):
    """Stores, replaces and removes documents and records the index's embedding identity."""

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that also moves the generation on."""
        with immediate(self._conn, self._lock) as conn:
            yield conn
            conn.execute(
                "INSERT INTO meta(key, value) VALUES('generation', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (repr(time.time_ns()),),
            )

    def record_embedding_identity(self, identity: IndexIdentity) -> None:
        """Record what builds this index (documents are unchanged: the generation stays)."""
        with immediate(self._conn, self._lock) as conn:
            conn.execute(f"DELETE FROM meta WHERE key IN ({_IDENTITY_MARKS})", _IDENTITY_KEYS)
            conn.executemany(
                "INSERT INTO meta(key, value) VALUES(?, ?)",
                [(k, str(v)) for k, v in identity.as_metadata().items()],
            )

    def replace_document(
        self, doc: DocumentRecord, chunks: list[ChunkRecord], validity: Validity | None = None
    ) -> list[str]:
        """Atomically store doc, its chunks and validity; returns the chunk ids it replaced."""
        with self._transaction() as conn:
            old_ids = [
                r[0]
                for r in conn.execute(
                    "SELECT chunk_id FROM chunks WHERE doc_id = ? OR doc_id IN "
                    "(SELECT doc_id FROM documents WHERE path = ?)",
                    (doc.doc_id, doc.path),
                )
            ]
            conn.execute(
                "DELETE FROM documents WHERE doc_id = ? OR path = ?", (doc.doc_id, doc.path)
            )
            doc.chunk_count = len(chunks)
            conn.execute(
                f"INSERT INTO documents ({_DOC_COLUMNS}) VALUES ({','.join('?' * 14)})",
                (
                    doc.doc_id,
                    doc.path,
                    doc.content_hash,
                    doc.title,
                    doc.doc_type,
                    doc.stand,
                    doc.jurisdiction,
                    doc.law,
                    doc.law_title,
                    doc.source_url,
                    doc.chunk_count,
                    json.dumps(doc.warnings, ensure_ascii=False),
                    doc.ingested_at or time.time(),
                    doc.recipe,
                ),
            )
            if validity is not None and validity.is_set():
                write_validity(conn, doc.doc_id, validity)
            conn.executemany(
                "INSERT OR REPLACE INTO chunks (chunk_id, doc_id, position, text, breadcrumb, "
                "metadata) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.chunk_id,
                        c.doc_id,
                        c.position,
                        c.text,
                        c.breadcrumb,
                        json.dumps(c.metadata, ensure_ascii=False),
                    )
                    for c in chunks
                ],
            )
        new_ids = {c.chunk_id for c in chunks}
        return [i for i in old_ids if i not in new_ids]

    def remove_document(self, doc_id: str) -> list[str]:
        """Delete a document and its chunks; returns the removed chunk ids."""
        with self._transaction() as conn:
            ids = [
                r[0]
                for r in conn.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))
            ]
            conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            conn.execute("DELETE FROM visibility WHERE doc_id = ?", (doc_id,))
        return ids

    def set_organisation(self, doc_id: str, organisation: str | None) -> None:
        """Make a document visible to one organisation only (None: public)."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM visibility WHERE doc_id = ?", (doc_id,))
            if organisation:
                conn.execute("INSERT INTO visibility VALUES (?, ?)", (doc_id, organisation))
