"""Verified answers: advisors' published answers with their sources' fingerprints."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.store.records import new_id, open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS verified (
    verified_id TEXT PRIMARY KEY,
    case_id TEXT,
    question TEXT NOT NULL,
    text TEXT NOT NULL,
    citations TEXT NOT NULL,
    sources TEXT NOT NULL,
    author TEXT NOT NULL,
    visibility TEXT NOT NULL,
    organisation TEXT,
    doc_id TEXT,
    vector BLOB,
    created_at REAL NOT NULL,
    valid_until REAL NOT NULL,
    withdrawn INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS verified_case ON verified(case_id);
"""
COLUMNS = (
    "verified_id, case_id, question, text, citations, sources, author, visibility, "
    "organisation, doc_id, vector, created_at, valid_until, withdrawn"
)


@dataclass
class VerifiedRecord:
    """One published answer; `sources` maps each cited document to its content hash then."""

    verified_id: str
    case_id: str | None
    question: str
    text: str
    citations: list[dict[str, Any]]
    sources: dict[str, str]
    author: str
    visibility: str
    organisation: str | None
    doc_id: str | None
    created_at: float
    valid_until: float
    withdrawn: bool = False
    vector: np.ndarray | None = field(default=None, repr=False)


class VerifiedStore:
    """Verified answers in SQLite (verified.sqlite3), question vectors beside them."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._conn = open_database(path, SCHEMA)

    def add(self, record: VerifiedRecord) -> str:
        """Store a new verified answer (its id is issued when empty); returns the id."""
        record.verified_id = record.verified_id or new_id("ver")
        with self._lock:
            self._conn.execute(
                f"INSERT INTO verified ({COLUMNS}) VALUES ({', '.join('?' * 14)})",
                _row(record),
            )
            self._conn.commit()
        return record.verified_id

    def save(self, record: VerifiedRecord) -> None:
        """Write a changed record back (renewed, withdrawn, re-indexed)."""
        with self._lock:
            self._conn.execute(
                f"INSERT OR REPLACE INTO verified ({COLUMNS}) VALUES ({', '.join('?' * 14)})",
                _row(record),
            )
            self._conn.commit()

    def get(self, verified_id: str) -> VerifiedRecord | None:
        """One verified answer, or None."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {COLUMNS} FROM verified WHERE verified_id = ?", (verified_id,)
            ).fetchone()
        return _record(row) if row else None

    def by_case(self, case_id: str) -> VerifiedRecord | None:
        """The verified answer published from a case, or None."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {COLUMNS} FROM verified WHERE case_id = ? ORDER BY created_at DESC",
                (case_id,),
            ).fetchone()
        return _record(row) if row else None

    def all(self) -> list[VerifiedRecord]:
        """Every verified answer, newest first."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {COLUMNS} FROM verified ORDER BY created_at DESC"
            ).fetchall()
        return [_record(r) for r in rows]

    def delete(self, verified_ids: list[str]) -> int:
        """Delete verified answers by id; the count deleted."""
        with self._lock:
            cursor = self._conn.executemany(
                "DELETE FROM verified WHERE verified_id = ?", [(i,) for i in verified_ids]
            )
            self._conn.commit()
        return cursor.rowcount

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()


def _row(r: VerifiedRecord) -> tuple[Any, ...]:
    vector = None if r.vector is None else np.asarray(r.vector, dtype=np.float32).tobytes()
    return (
        r.verified_id,
        r.case_id,
        r.question,
        r.text,
        json.dumps(r.citations, ensure_ascii=False),
        json.dumps(r.sources),
        r.author,
        r.visibility,
        r.organisation,
        r.doc_id,
        vector,
        r.created_at,
        r.valid_until,
        int(r.withdrawn),
    )


def _record(row: tuple[Any, ...]) -> VerifiedRecord:
    return VerifiedRecord(
        verified_id=row[0],
        case_id=row[1],
        question=row[2],
        text=row[3],
        citations=json.loads(row[4]),
        sources=json.loads(row[5]),
        author=row[6],
        visibility=row[7],
        organisation=row[8],
        doc_id=row[9],
        vector=None if row[10] is None else np.frombuffer(row[10], dtype=np.float32),
        created_at=row[11],
        valid_until=row[12],
        withdrawn=bool(row[13]),
    )
