"""The Slack adapter's own state: handled event ids and which conversation a thread continues."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

SCHEMA = """
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


class SlackState:
    """SQLite beside the core's data (slack.sqlite3), owned by the Slack package."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, timeout=60)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(SCHEMA)
        self._conn.commit()

    def claim_event(self, event_id: str, keep_seconds: float = 86400.0) -> bool:
        """Mark a Slack event id as handled; False when it was already claimed (a retry)."""
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

    def link_thread(self, channel: str, thread_ts: str, conversation_id: str) -> None:
        """Let follow-ups in a Slack thread continue a conversation."""
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO slack_threads VALUES (?, ?, ?, ?)",
                (channel, thread_ts, conversation_id, time.time()),
            )
            self._conn.commit()

    def thread_conversation(self, channel: str, thread_ts: str) -> str | None:
        """The conversation a Slack thread continues, if any."""
        with self._lock:
            row = self._conn.execute(
                "SELECT conversation_id FROM slack_threads WHERE channel = ? AND thread_ts = ?",
                (channel, thread_ts),
            ).fetchone()
        return str(row[0]) if row else None

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()
