"""The manifest's tables, its meta keys and the connection its query and write parts share."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

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

_IDENTITY_KEYS = ("embedding_provider", "embedding_model", "embedding_dimension")
_IDENTITY_MARKS = ",".join("?" * len(_IDENTITY_KEYS))


class ManifestConnection:
    """The database connection and lock of a manifest (opened by Manifest.__init__)."""

    path: Path
    _conn: sqlite3.Connection
    _lock: threading.RLock
