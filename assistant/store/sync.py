"""Sync state in SQLite (sync.sqlite3): each source's items, sitemaps and last run."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.store.records import immediate, open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS sync_items (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    path TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT,
    missing INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, key)
);
CREATE TABLE IF NOT EXISTS sync_sitemaps (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    locs TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    PRIMARY KEY (source, url)
);
CREATE TABLE IF NOT EXISTS sync_runs (
    source TEXT PRIMARY KEY,
    report TEXT NOT NULL,
    last_success TEXT
);
"""


@dataclass
class SyncItem:
    """An item of a source: its key (URL or relative path), the file ingested, validators."""

    key: str
    path: str
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    missing: int = 0  # consecutive successful runs in which the source did not have it


@dataclass
class SyncSitemap:
    """A sitemap as last read: its root element (urlset, sitemapindex), <loc>s, validators."""

    kind: str
    locs: list[str]
    etag: str | None = None
    last_modified: str | None = None


class SyncState:
    """Items and last runs per source; every write is one transaction (crash-safe)."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._conn = open_database(path, SCHEMA)

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate(self._conn, self._lock)

    def items(self, source: str) -> dict[str, SyncItem]:
        """The items recorded for a source, by key."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT key, path, etag, last_modified, content_hash, missing FROM sync_items "
                "WHERE source = ?",
                (source,),
            ).fetchall()
        return {r[0]: SyncItem(*r) for r in rows}

    def save_item(self, source: str, item: SyncItem) -> None:
        """Record an item as present (its missing count back to 0)."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO sync_items VALUES (?, ?, ?, ?, ?, ?, 0) "
                "ON CONFLICT(source, key) DO UPDATE SET path = excluded.path, "
                "etag = excluded.etag, last_modified = excluded.last_modified, "
                "content_hash = excluded.content_hash, missing = 0",
                (source, item.key, item.path, item.etag, item.last_modified, item.content_hash),
            )

    def seen(self, source: str, keys: Iterable[str]) -> None:
        """Items the source still has (fetch failed or unchanged): missing count back to 0."""
        with self._transaction() as conn:
            conn.executemany(
                "UPDATE sync_items SET missing = 0 WHERE source = ? AND key = ?",
                [(source, k) for k in keys],
            )

    def count_missing(self, source: str, keys: Iterable[str]) -> dict[str, int]:
        """One more successful run without these items; their new missing counts."""
        wanted = list(keys)
        with self._transaction() as conn:
            conn.executemany(
                "UPDATE sync_items SET missing = missing + 1 WHERE source = ? AND key = ?",
                [(source, k) for k in wanted],
            )
            counts = {
                k: int(row[0])
                for k in wanted
                for row in conn.execute(
                    "SELECT missing FROM sync_items WHERE source = ? AND key = ?", (source, k)
                )
            }
        return counts

    def delete_item(self, source: str, key: str) -> None:
        """Forget an item (after its document was removed)."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM sync_items WHERE source = ? AND key = ?", (source, key))

    def sitemaps(self, source: str) -> dict[str, SyncSitemap]:
        """The sitemaps a source last read successfully, by URL."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT url, kind, locs, etag, last_modified FROM sync_sitemaps WHERE source = ?",
                (source,),
            ).fetchall()
        return {r[0]: SyncSitemap(r[1], json.loads(r[2]), r[3], r[4]) for r in rows}

    def save_sitemaps(self, source: str, sitemaps: dict[str, SyncSitemap]) -> None:
        """Replace a source's sitemaps (those without validators are not kept)."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM sync_sitemaps WHERE source = ?", (source,))
            conn.executemany(
                "INSERT INTO sync_sitemaps VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (source, url, s.kind, json.dumps(s.locs), s.etag, s.last_modified)
                    for url, s in sitemaps.items()
                    if s.etag or s.last_modified
                ],
            )

    def save_run(self, source: str, report: dict[str, Any], success: bool) -> None:
        """Keep a source's last run (and when it last succeeded)."""
        with self._transaction() as conn:
            previous = conn.execute(
                "SELECT last_success FROM sync_runs WHERE source = ?", (source,)
            ).fetchone()
            last = report.get("finished_at") if success else (previous[0] if previous else None)
            conn.execute(
                "INSERT INTO sync_runs VALUES (?, ?, ?) ON CONFLICT(source) DO UPDATE SET "
                "report = excluded.report, last_success = excluded.last_success",
                (source, json.dumps(report, ensure_ascii=False), last),
            )

    def runs(self) -> dict[str, dict[str, Any]]:
        """Each source's last run report (with last_success), by source name."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT source, report, last_success FROM sync_runs ORDER BY source"
            ).fetchall()
        return {r[0]: {**json.loads(r[1]), "last_success": r[2]} for r in rows}

    def item_count(self, source: str) -> int:
        """Items recorded for a source."""
        with self._lock:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM sync_items WHERE source = ?", (source,)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()
