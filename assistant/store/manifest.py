"""The manifest: documents and their chunks in SQLite, the index's source of truth."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from assistant.store.manifest_chunks import ManifestChunks
from assistant.store.manifest_documents import ManifestDocuments
from assistant.store.manifest_records import ChunkRecord, DocumentRecord, law_key_of
from assistant.store.manifest_schema import SCHEMA
from assistant.store.manifest_writes import ManifestWrites
from assistant.store.validity import SCHEMA as VALIDITY_SCHEMA

__all__ = ["SCHEMA", "ChunkRecord", "DocumentRecord", "Manifest", "law_key_of"]


class Manifest(ManifestWrites, ManifestDocuments, ManifestChunks):
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

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()
