"""Answers, conversation turns and feedback in SQLite (for follow-ups, advisors and audits)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    answer_id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    question TEXT NOT NULL,
    resolved_question TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_conversation ON answers(conversation_id, created_at);
CREATE TABLE IF NOT EXISTS feedback (
    feedback_id TEXT PRIMARY KEY,
    answer_id TEXT NOT NULL,
    rating TEXT NOT NULL,
    tags TEXT NOT NULL,
    comment TEXT,
    source TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id);
"""
# columns added later; existing databases are migrated on open
OWNER_COLUMNS = {
    "answers": ("principal TEXT", "organisation TEXT", "channel TEXT"),
    "feedback": ("principal TEXT",),
}


@dataclass(frozen=True)
class Owner:
    """Who asked: a pseudonymous principal id, their organisation and the channel."""

    principal: str | None = None
    organisation: str | None = None
    channel: str | None = None


def open_database(path: Path, schema: str) -> sqlite3.Connection:
    """A WAL-mode SQLite connection shared by threads (callers hold their own lock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False, timeout=60)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(schema)
    conn.commit()
    return conn


@contextmanager
def immediate(
    conn: sqlite3.Connection, lock: AbstractContextManager[Any]
) -> Iterator[sqlite3.Connection]:
    """One write transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on any error) under lock."""
    with lock:
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def new_id(prefix: str) -> str:
    """Random id with a readable prefix."""
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


class RecordStore:
    """Stored answers (with conversation ids) and feedback."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._conn = open_database(path, SCHEMA)
        for table, columns in OWNER_COLUMNS.items():
            present = {r[1] for r in self._conn.execute(f"PRAGMA table_info({table})")}
            for column in columns:
                if column.split()[0] not in present:
                    self._conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
        self._conn.execute(
            "CREATE INDEX IF NOT EXISTS answers_principal ON answers(principal, created_at)"
        )
        self._conn.commit()

    def add_answer(
        self,
        conversation_id: str,
        question: str,
        resolved: str,
        payload: dict[str, Any],
        owner: Owner | None = None,
    ) -> str:
        """Store an answer (with who asked, if known); returns its id."""
        answer_id = new_id("ans")
        owner = owner or Owner()
        with self._lock:
            self._conn.execute(
                "INSERT INTO answers (answer_id, conversation_id, question, resolved_question, "
                "payload, created_at, principal, organisation, channel) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    answer_id,
                    conversation_id,
                    question,
                    resolved,
                    json.dumps(payload, ensure_ascii=False),
                    time.time(),
                    owner.principal,
                    owner.organisation,
                    owner.channel,
                ),
            )
            self._conn.commit()
        return answer_id

    def last_turn(self, conversation_id: str) -> dict[str, Any] | None:
        """The latest answer of a conversation."""
        with self._lock:
            row = self._conn.execute(
                "SELECT answer_id, question, resolved_question, payload FROM answers "
                "WHERE conversation_id = ? ORDER BY created_at DESC LIMIT 1",
                (conversation_id,),
            ).fetchone()
        if not row:
            return None
        return {
            "answer_id": row[0],
            "question": row[1],
            "resolved_question": row[2],
            "payload": json.loads(row[3]),
        }

    def get_answer(self, answer_id: str) -> dict[str, Any] | None:
        """An answer with its feedback."""
        with self._lock:
            row = self._conn.execute(
                "SELECT answer_id, conversation_id, question, resolved_question, payload, "
                "created_at, principal, organisation, channel FROM answers WHERE answer_id = ?",
                (answer_id,),
            ).fetchone()
            if not row:
                return None
            feedback = self._conn.execute(
                "SELECT feedback_id, rating, tags, comment, source, created_at FROM feedback "
                "WHERE answer_id = ? ORDER BY created_at",
                (answer_id,),
            ).fetchall()
        return {
            "answer_id": row[0],
            "conversation_id": row[1],
            "question": row[2],
            "resolved_question": row[3],
            "answer": json.loads(row[4]),
            "created_at": row[5],
            "owner": Owner(row[6], row[7], row[8]),
            "feedback": [
                {
                    "feedback_id": f[0],
                    "rating": f[1],
                    "tags": json.loads(f[2]),
                    "comment": f[3],
                    "source": f[4],
                    "created_at": f[5],
                }
                for f in feedback
            ],
        }

    def add_feedback(
        self,
        answer_id: str,
        rating: str,
        tags: list[str],
        comment: str | None,
        source: str,
        principal: str | None = None,
    ) -> str:
        """Store feedback on an answer; returns its id."""
        feedback_id = new_id("fb")
        with self._lock:
            self._conn.execute(
                "INSERT INTO feedback (feedback_id, answer_id, rating, tags, comment, source, "
                "created_at, principal) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    feedback_id,
                    answer_id,
                    rating,
                    json.dumps(tags),
                    comment,
                    source,
                    time.time(),
                    principal,
                ),
            )
            self._conn.commit()
        return feedback_id

    def recent(self, limit: int = 50, principal: str | None = None) -> list[dict[str, Any]]:
        """Latest answers with their feedback ratings (only one principal's when given)."""
        where, args = ("WHERE a.principal = ? ", [principal]) if principal is not None else ("", [])
        with self._lock:
            rows = self._conn.execute(
                "SELECT a.answer_id, a.question, a.created_at, "
                "GROUP_CONCAT(f.rating) FROM answers a LEFT JOIN feedback f "
                f"ON f.answer_id = a.answer_id {where}GROUP BY a.answer_id "
                "ORDER BY a.created_at DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
        return [
            {
                "answer_id": r[0],
                "question": r[1],
                "created_at": r[2],
                "ratings": r[3].split(",") if r[3] else [],
            }
            for r in rows
        ]

    def conversation_owner(self, conversation_id: str) -> Owner | None:
        """Who a conversation belongs to (None when it does not exist)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT principal, organisation, channel FROM answers "
                "WHERE conversation_id = ? ORDER BY created_at LIMIT 1",
                (conversation_id,),
            ).fetchone()
        return Owner(row[0], row[1], row[2]) if row else None

    def purge(self, older_than_seconds: float) -> int:
        """Delete answers and feedback older than the given age; returns answers deleted."""
        cutoff = time.time() - older_than_seconds
        with self._lock:
            self._conn.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,))
            deleted = self._conn.execute("DELETE FROM answers WHERE created_at < ?", (cutoff,))
            self._conn.commit()
        return deleted.rowcount

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()

    def feedback_principal(self, feedback_id: str) -> tuple[bool, str | None]:
        """(exists, principal who gave it) for a feedback id."""
        with self._lock:
            row = self._conn.execute(
                "SELECT principal FROM feedback WHERE feedback_id = ?", (feedback_id,)
            ).fetchone()
        return (True, row[0]) if row else (False, None)

    def add_feedback_tags(self, feedback_id: str, tags: list[str]) -> bool:
        """Add tags (e.g. a reason given after 👎) to stored feedback; False if it is unknown."""
        with self._lock:
            row = self._conn.execute(
                "SELECT tags FROM feedback WHERE feedback_id = ?", (feedback_id,)
            ).fetchone()
            if not row:
                return False
            merged = list(json.loads(row[0]))
            merged.extend(t for t in tags if t not in merged)
            self._conn.execute(
                "UPDATE feedback SET tags = ? WHERE feedback_id = ?",
                (json.dumps(merged), feedback_id),
            )
            self._conn.commit()
        return True
