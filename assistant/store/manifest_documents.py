"""Manifest reads of documents, their visibility and the index's meta entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.store.identity import IndexIdentity
from assistant.store.manifest_records import _DOC_COLUMNS, DocumentRecord, _doc_from_row
from assistant.store.manifest_schema import _IDENTITY_KEYS, _IDENTITY_MARKS, ManifestConnection


class ManifestDocuments(ManifestConnection):
    """Looks up documents by id, path, hash or law, and the generation and identity."""

    def generation(self) -> str:
        """A token that changes whenever documents change (also from other processes)."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return row[0] if row else "0"

    def embedding_identity(self) -> IndexIdentity | None:
        """The embedding provider, model and dimension recorded for this index, if any."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT key, value FROM meta WHERE key IN ({_IDENTITY_MARKS})", _IDENTITY_KEYS
            ).fetchall()
        return IndexIdentity.from_metadata(dict(rows))

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query (store modules keep their SQL beside their table)."""
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def private_documents(self) -> dict[str, str]:
        """doc_id → organisation of every organisation-only document."""
        with self._lock:
            rows = self._conn.execute("SELECT doc_id, organisation FROM visibility").fetchall()
        return {r[0]: r[1] for r in rows}

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        """The document with that id, or None."""
        return self._document_where("doc_id", doc_id)

    def find_by_path(self, path: str) -> DocumentRecord | None:
        """The document stored from that path, or None."""
        return self._document_where("path", path)

    def find_by_hash(self, content_hash: str) -> DocumentRecord | None:
        """A document with exactly this content, or None."""
        return self._document_where("content_hash", content_hash)

    def _document_where(self, column: str, value: str) -> DocumentRecord | None:
        """The first document whose column (a fixed name, never user input) equals value."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents WHERE {column} = ? LIMIT 1", (value,)
            ).fetchone()
        return _doc_from_row(row) if row else None

    def documents(self) -> list[DocumentRecord]:
        """All documents, ordered by id."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents ORDER BY doc_id"
            ).fetchall()
        return [_doc_from_row(r) for r in rows]

    def doc_ids(self) -> set[str]:
        """Ids of all documents."""
        with self._lock:
            return {r[0] for r in self._conn.execute("SELECT doc_id FROM documents")}

    def laws(self) -> list[tuple[str, str, str]]:
        """(doc_id, jurabk, title) of every law document."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT doc_id, law, COALESCE(law_title, title) FROM documents "
                "WHERE law IS NOT NULL"
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]
