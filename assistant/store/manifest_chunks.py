"""Manifest reads of chunks: by id, by document, by section of a law, by text or metadata."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from assistant.store.manifest_records import ChunkRecord, _chunk_from_row, law_key_of
from assistant.store.manifest_schema import ManifestConnection


class ManifestChunks(ManifestConnection):
    """Finds chunks and their ids for retrieval, sections and metadata filters."""

    def chunk_count(self) -> int:
        """Number of stored chunks."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

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
