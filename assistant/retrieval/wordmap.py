"""Words of a question → related words from a Debian data file, parsed once into SQLite."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

log = logging.getLogger(__name__)


class WordMap:
    """A key word (stem or headword) → related words; the data file is parsed once into a
    SQLite cache that later processes only query (no load at start)."""

    max_per_word = 6  # related words a question word may bring
    package = ""  # the Debian package that installs the data file

    def __init__(self, path: Path | None, cache: Path | None = None) -> None:
        self.path = path
        self.cache = cache
        self._memory: dict[str, list[str]] | None = None  # without a cache file
        self._ready = False
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        """Whether the data file is installed."""
        return self.path is not None and self.path.exists()

    def parse(self) -> dict[str, list[str]]:
        """Key word → related words, read from self.path (subclasses)."""
        raise NotImplementedError

    def _stamp(self) -> str:
        assert self.path is not None
        stat = self.path.stat()
        return f"{type(self).__name__}:{self.path}:{stat.st_size}:{stat.st_mtime_ns}"

    def _cached(self) -> bool:
        """Whether the cache file was made from this data file."""
        assert self.cache is not None
        try:
            with closing(sqlite3.connect(self.cache)) as conn:
                row = conn.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        except sqlite3.Error:
            return False
        return row is not None and row[0] == self._stamp()

    def _write(self, entries: dict[str, list[str]]) -> None:
        """Write the cache file whole, then move it into place (readers never see half)."""
        assert self.cache is not None
        # per process and thread: two maps on one cache file (two services in one process) may
        # parse at the same time and must not write into each other's file
        tmp = self.cache.with_name(
            f"{self.cache.name}.tmp-{os.getpid()}-{threading.get_ident()}"
        )
        tmp.unlink(missing_ok=True)
        with closing(sqlite3.connect(tmp)) as conn:
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, words TEXT)")
            conn.executemany(
                "INSERT INTO entries VALUES (?, ?)",
                ((k, json.dumps(v, ensure_ascii=False)) for k, v in entries.items()),
            )
            conn.execute("INSERT INTO meta VALUES ('stamp', ?)", (self._stamp(),))
            conn.commit()
        tmp.replace(self.cache)

    def load(self) -> None:
        """Parse the data file now unless the cache holds it (seconds, once; in the background)."""
        with self._lock:
            if self._ready:
                return
            if not self.available:
                self._memory = {}
            elif self.cache is None:
                self._memory = self.parse()
            elif not self._cached():
                entries = self.parse()
                log.info(
                    "%s: %d entries read from %s", type(self).__name__, len(entries), self.path
                )
                self._write(entries)
            self._ready = True

    def lookup(self, keys: list[str]) -> dict[str, list[str]]:
        """The entries of those key words that have one."""
        self.load()
        if self._memory is not None:
            return {k: self._memory[k] for k in keys if k in self._memory}
        if not keys:
            return {}
        assert self.cache is not None
        marks = ",".join("?" * len(keys))
        with closing(sqlite3.connect(self.cache)) as conn:
            rows = conn.execute(
                f"SELECT key, words FROM entries WHERE key IN ({marks})", keys
            ).fetchall()
        return {key: json.loads(words) for key, words in rows}

    def expansions(
        self,
        keys: list[str],
        known: Callable[[str], bool],
        weight: float,
        rank: Callable[[str], float] | None = None,
        entries: dict[str, list[str]] | None = None,
    ) -> list[tuple[str, float]]:
        """(related word, weight) for the question's key words, if the corpus has them; with
        rank, a key word's related words are taken lowest rank first; entries: already looked up."""
        entries = self.lookup(keys) if entries is None else entries
        out: list[tuple[str, float]] = []
        seen: set[str] = set()
        for key in keys:
            words = [w for w in entries.get(key, ()) if w not in seen and known(w)]
            if rank is not None:
                words.sort(key=rank)
            for word in words[: self.max_per_word]:
                seen.add(word)
                out.append((word, weight))
        return out
