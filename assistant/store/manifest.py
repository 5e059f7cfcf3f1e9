"""The manifest: documents and their chunks in SQLite, the index's source of truth."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.store.identity import IndexIdentity
from assistant.store.records import immediate
from assistant.store.validity import SCHEMA as VALIDITY_SCHEMA
from assistant.store.validity import Validity, write_validity

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    stand TEXT,
    jurisdiction TEXT,
    law TEXT,
    law_title TEXT,
    source_url TEXT,
    chunk_count INTEGER NOT NULL,
    warnings TEXT NOT NULL DEFAULT '[]',
    ingested_at REAL NOT NULL,
    recipe TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
CREATE TABLE IF NOT EXISTS visibility (
    doc_id TEXT PRIMARY KEY,
    organisation TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    breadcrumb TEXT NOT NULL,
    metadata TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, position);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass
class DocumentRecord:
    """One ingested document as listed in the manifest."""

    doc_id: str
    path: str
    content_hash: str
    title: str
    doc_type: str
    stand: str | None = None
    jurisdiction: str | None = None
    law: str | None = None
    law_title: str | None = None
    source_url: str | None = None
    chunk_count: int = 0
    warnings: list[str] = field(default_factory=list)
    ingested_at: float = 0.0
    recipe: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return dict(self.__dict__)


@dataclass
class ChunkRecord:
    """One stored chunk with its provenance metadata."""

    chunk_id: str
    doc_id: str
    position: int
    text: str
    breadcrumb: str
    metadata: dict[str, Any]


def law_key_of(jurabk: str) -> str:
    """Normalised law key: 'BDSG 2018' → 'bdsg', 'De-Mail-G' → 'de-mail-g'."""
    key = re.sub(r"\s+\d{4}$", "", jurabk.strip()).lower()
    return re.sub(r"\s+", "", key)


_DOC_COLUMNS = (
    "doc_id, path, content_hash, title, doc_type, stand, jurisdiction, law, law_title, "
    "source_url, chunk_count, warnings, ingested_at, recipe"
)

_IDENTITY_KEYS = ("embedding_provider", "embedding_model", "embedding_dimension")
_IDENTITY_MARKS = ",".join("?" * len(_IDENTITY_KEYS))


def _chunk_from_row(row: tuple[Any, ...]) -> ChunkRecord:
    return ChunkRecord(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]))


def _doc_from_row(row: tuple[Any, ...]) -> DocumentRecord:
    values = list(row)
    values[11] = json.loads(values[11])
    return DocumentRecord(*values)


class Manifest:
    """SQLite manifest; every change of a document is one transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, timeout=60)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(SCHEMA + VALIDITY_SCHEMA)
        columns = {r[1] for r in self._conn.execute("PRAGMA table_info(documents)")}
        if "recipe" not in columns:  # manifests written before recipes existed
            self._conn.execute("ALTER TABLE documents ADD COLUMN recipe TEXT NOT NULL DEFAULT ''")
        self._conn.commit()

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

    def record_embedding_identity(self, identity: IndexIdentity) -> None:
        """Record what builds this index (documents are unchanged: the generation stays)."""
        with immediate(self._conn, self._lock) as conn:
            conn.execute(f"DELETE FROM meta WHERE key IN ({_IDENTITY_MARKS})", _IDENTITY_KEYS)
            conn.executemany(
                "INSERT INTO meta(key, value) VALUES(?, ?)",
                [(k, str(v)) for k, v in identity.as_metadata().items()],
            )

    def chunk_count(self) -> int:
        """Number of stored chunks."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

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
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents WHERE doc_id = ?", (doc_id,)
            ).fetchone()
        return _doc_from_row(row) if row else None

    def find_by_path(self, path: str) -> DocumentRecord | None:
        """The document stored from that path, or None."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents WHERE path = ?", (path,)
            ).fetchone()
        return _doc_from_row(row) if row else None

    def find_by_hash(self, content_hash: str) -> DocumentRecord | None:
        """A document with exactly this content, or None."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents WHERE content_hash = ? LIMIT 1",
                (content_hash,),
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

    def chunk_ids(self) -> set[str]:
        """Ids of all stored chunks."""
        with self._lock:
            return {r[0] for r in self._conn.execute("SELECT chunk_id FROM chunks")}

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, ChunkRecord]:
        """Chunks by id (missing ids are left out)."""
        wanted = list(dict.fromkeys(chunk_ids))
        found: dict[str, ChunkRecord] = {}
        with self._lock:
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                marks = ",".join("?" * len(part))
                for row in self._conn.execute(
                    "SELECT chunk_id, doc_id, position, text, breadcrumb, metadata FROM chunks "
                    f"WHERE chunk_id IN ({marks})",
                    part,
                ):
                    found[row[0]] = _chunk_from_row(row)
        return found

    def document_chunks(self, doc_id: str) -> list[ChunkRecord]:
        """All chunks of one document in reading order."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT chunk_id, doc_id, position, text, breadcrumb, metadata FROM chunks "
                "WHERE doc_id = ? ORDER BY position",
                (doc_id,),
            ).fetchall()
        return [_chunk_from_row(r) for r in rows]

    def section_chunks(self, law_key: str, section: str) -> list[str]:
        """Chunk ids of one section of a law, by normalised law key ('bdsg') and '§ 3a'."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT c.chunk_id, d.law FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                "WHERE json_extract(c.metadata, '$.section') = ? AND d.law IS NOT NULL "
                "ORDER BY c.position",
                (section,),
            ).fetchall()
        return [cid for cid, law in rows if law_key_of(law) == law_key]

    def chunks_containing(self, needle: str, limit: int = 5000) -> list[tuple[str, str]]:
        """(chunk_id, breadcrumb + text) of chunks whose breadcrumb or text contains needle."""
        pattern = "%" + needle.replace("%", "").replace("_", "") + "%"
        with self._lock:
            rows = self._conn.execute(
                "SELECT chunk_id, breadcrumb || char(10) || text FROM chunks "
                "WHERE text LIKE ? OR breadcrumb LIKE ? LIMIT ?",
                (pattern, pattern, limit),
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def filter_chunk_ids(self, filters: dict[str, Any]) -> set[str]:
        """Chunk ids matching metadata filters (doc_type, jurisdiction, doc_id, stand_from)."""
        clauses, args = [], []
        for name in ("doc_type", "jurisdiction", "doc_id"):
            value = filters.get(name)
            if value:
                values = value if isinstance(value, list) else [value]
                clauses.append(
                    f"json_extract(metadata, '$.{name}') IN ({','.join('?' * len(values))})"
                )
                args.extend(values)
        if filters.get("stand_from"):
            clauses.append("json_extract(metadata, '$.stand_num') >= ?")
            args.append(filters["stand_from"])
        hidden = filters.get("exclude_doc_id")
        if hidden:
            clauses.append(f"doc_id NOT IN ({','.join('?' * len(hidden))})")
            args.extend(hidden)
        where = " AND ".join(clauses) or "1"
        with self._lock:
            return {
                r[0] for r in self._conn.execute(f"SELECT chunk_id FROM chunks WHERE {where}", args)
            }

    def laws(self) -> list[tuple[str, str, str]]:
        """(doc_id, jurabk, title) of every law document."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT doc_id, law, COALESCE(law_title, title) FROM documents "
                "WHERE law IS NOT NULL"
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def chunk_sections(self) -> list[tuple[str, str, str | None]]:
        """(chunk_id, doc_id, section) of every chunk of a law, in reading order."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT c.chunk_id, c.doc_id, json_extract(c.metadata, '$.section') FROM chunks c "
                "JOIN documents d ON d.doc_id = c.doc_id WHERE d.law IS NOT NULL "
                "ORDER BY c.doc_id, c.position"
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def iter_chunks(self, batch: int = 2000) -> Iterator[ChunkRecord]:
        """Every chunk, in a stable order."""
        last = ""
        while True:
            with self._lock:
                rows = self._conn.execute(
                    "SELECT chunk_id, doc_id, position, text, breadcrumb, metadata FROM chunks "
                    "WHERE chunk_id > ? ORDER BY chunk_id LIMIT ?",
                    (last, batch),
                ).fetchall()
            if not rows:
                return
            for r in rows:
                yield _chunk_from_row(r)
            last = rows[-1][0]

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()
