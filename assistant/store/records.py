"""Answers, conversation turns and feedback in SQLite (for follow-ups, advisors and audits)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
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


def new_id(prefix: str) -> str:
    """Random id with a readable prefix."""
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


class RecordStore:
    """Stored answers (with conversation ids) and feedback."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, timeout=60)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(SCHEMA)
        self._conn.commit()

    def add_answer(
        self, conversation_id: str, question: str, resolved: str, payload: dict[str, Any]
    ) -> str:
        """Store an answer; returns its id."""
        answer_id = new_id("ans")
        with self._lock:
            self._conn.execute(
                "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                (
                    answer_id,
                    conversation_id,
                    question,
                    resolved,
                    json.dumps(payload, ensure_ascii=False),
                    time.time(),
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
                "created_at FROM answers WHERE answer_id = ?",
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
        self, answer_id: str, rating: str, tags: list[str], comment: str | None, source: str
    ) -> str:
        """Store feedback on an answer; returns its id."""
        feedback_id = new_id("fb")
        with self._lock:
            self._conn.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?)",
                (feedback_id, answer_id, rating, json.dumps(tags), comment, source, time.time()),
            )
            self._conn.commit()
        return feedback_id

    def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        """Latest answers with their feedback ratings."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT a.answer_id, a.question, a.created_at, "
                "GROUP_CONCAT(f.rating) FROM answers a LEFT JOIN feedback f "
                "ON f.answer_id = a.answer_id GROUP BY a.answer_id "
                "ORDER BY a.created_at DESC LIMIT ?",
                (limit,),
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

    # -- Slack adapter: event dedupe, shared-answer threads, feedback reasons --------------------

    _slack_ready = False

    def _slack_schema(self) -> None:
        if self._slack_ready:
            return
        with self._lock:
            self._conn.executescript(SLACK_SCHEMA)
            self._conn.commit()
        self._slack_ready = True

    def claim_slack_event(self, event_id: str, keep_seconds: float = 86400.0) -> bool:
        """Mark a Slack event id as handled; False when it was already claimed (a retry)."""
        self._slack_schema()
        now = time.time()
        with self._lock:
            self._conn.execute(
                "DELETE FROM slack_events WHERE created_at < ?", (now - keep_seconds,)
            )
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO slack_events VALUES (?, ?)", (event_id, now)
            )
            self._conn.commit()
        return cursor.rowcount == 1

    def link_slack_thread(self, channel: str, thread_ts: str, conversation_id: str) -> None:
        """Let follow-ups in a Slack thread continue an existing conversation."""
        self._slack_schema()
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO slack_threads VALUES (?, ?, ?, ?)",
                (channel, thread_ts, conversation_id, time.time()),
            )
            self._conn.commit()

    def slack_thread_conversation(self, channel: str, thread_ts: str) -> str | None:
        """The conversation linked to a Slack thread, if any."""
        self._slack_schema()
        with self._lock:
            row = self._conn.execute(
                "SELECT conversation_id FROM slack_threads WHERE channel = ? AND thread_ts = ?",
                (channel, thread_ts),
            ).fetchone()
        return str(row[0]) if row else None

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


SLACK_SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_events (
    event_id TEXT PRIMARY KEY,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS slack_events_created ON slack_events(created_at);
CREATE TABLE IF NOT EXISTS slack_threads (
    channel TEXT NOT NULL,
    thread_ts TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (channel, thread_ts)
);
"""
