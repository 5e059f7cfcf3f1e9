"""Sync state in SQLite (sync.sqlite3): each source's items, sitemaps, last run and folder."""

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
CREATE TABLE IF NOT EXISTS sync_sources (
    source TEXT PRIMARY KEY,
    identity TEXT NOT NULL,
    folder TEXT NOT NULL,
    renamed_from TEXT
);
"""
# every table keyed by source name: a renamed source's rows move in one transaction
TABLES = ("sync_items", "sync_sitemaps", "sync_runs", "sync_sources")


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


@dataclass
class SourceRecord:
    """A source with state: what it is read from, its folder under DATA_DIR/sync, old name."""

    identity: dict[str, Any] | None  # None: last synced before identities were kept
    folder: str
    renamed_from: str | None = None


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

    def recorded(self) -> dict[str, SourceRecord]:
        """Every source with any state, by name (older ones: folder = name, no identity)."""
        with self._lock:
            return self._recorded(self._conn)

    @staticmethod
    def _recorded(conn: sqlite3.Connection) -> dict[str, SourceRecord]:
        names = {
            row[0]
            for table in TABLES
            for row in conn.execute(f"SELECT DISTINCT source FROM {table}")
        }
        found = {name: SourceRecord(None, name) for name in names}
        for name, identity, folder, renamed_from in conn.execute(
            "SELECT source, identity, folder, renamed_from FROM sync_sources"
        ):
            found[name] = SourceRecord(json.loads(identity), folder, renamed_from)
        return found

    def register(self, source: str, identity: dict[str, Any]) -> str:
        """Note what a source is read from; its folder under DATA_DIR/sync (kept once chosen)."""
        with self._transaction() as conn:
            known = self._recorded(conn)
            record = known.get(source)
            if record is not None:
                folder = record.folder
            else:  # its name, or name-2, … when a renamed source keeps its files there
                taken = {r.folder.lower() for r in known.values()}
                folder = next(
                    f
                    for f in (source, *(f"{source}-{n}" for n in range(2, len(taken) + 3)))
                    if f.lower() not in taken
                )
            conn.execute(
                "INSERT INTO sync_sources VALUES (?, ?, ?, NULL) ON CONFLICT(source) DO UPDATE "
                "SET identity = excluded.identity",
                (source, json.dumps(identity, sort_keys=True), folder),
            )
        return folder

    def adopt(self, old: str, new: str, identity: dict[str, Any]) -> bool:
        """Give old's items, sitemaps, last run and folder to new in one transaction (or False)."""
        with self._transaction() as conn:
            known = self._recorded(conn)
            if new in known or old not in known:
                return False
            for table in TABLES:
                conn.execute(f"UPDATE {table} SET source = ? WHERE source = ?", (new, old))
            row = conn.execute("SELECT report FROM sync_runs WHERE source = ?", (new,)).fetchone()
            if row is not None:
                report = {**json.loads(row[0]), "name": new}
                conn.execute(
                    "UPDATE sync_runs SET report = ? WHERE source = ?",
                    (json.dumps(report, ensure_ascii=False), new),
                )
            conn.execute(
                "INSERT INTO sync_sources VALUES (?, ?, ?, ?) ON CONFLICT(source) DO UPDATE SET "
                "identity = excluded.identity, renamed_from = excluded.renamed_from",
                (new, json.dumps(identity, sort_keys=True), known[old].folder, old),
            )
        return True

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()
