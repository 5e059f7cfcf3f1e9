"""German sentence spans (SoMaJo), cached on disk by content hash: segmenting is slow."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

Span = tuple[int, int]


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from somajo import SoMaJo  # imported here: building the tokenizer takes half a second

    return SoMaJo("de_CMC", split_camel_case=False, character_offsets=True)


_TOKENIZER_LOCK = threading.Lock()


def segment(text: str) -> list[Span]:
    """Character spans of the sentences of text (no cut at 'z. B.', 'Abs.', '24. Juli'); a
    bullet or numbered item on a new line after a finished sentence starts a sentence."""
    if not text.strip():
        return []
    with _TOKENIZER_LOCK:  # SoMaJo keeps state per call; one caller at a time
        sentences = list(_tokenizer().tokenize_text([text]))
    spans: list[Span] = []
    for sentence in sentences:
        offsets = [t.character_offset for t in sentence if t.character_offset is not None]
        if offsets:
            spans.append((offsets[0][0], offsets[-1][1]))
    return at_bullets(text, spans)


# an item after a finished sentence: SoMaJo reads "… Digitalisierungsgrad.\n- „Nur 10 % der
# Kommunen digitalisieren.“" as one sentence (a quotation may go on); a bullet after an
# unfinished line ("Sie brauchen\n- einen Antrag,") continues its sentence
_BULLET = re.compile(
    r"(?<=[.!?:“”\"»«)])[ \t]*\n[ \t]*(?=[-•*][ \t])"
    # a numbered item after a finished sentence ("…?\n2. Elektronischen Zugang sicherstellen");
    # after a colon the items may be one sentence of a law's enumeration ("sind:\n1. …;")
    r"|(?<=[.!?“”\"»«)])[ \t]*\n[ \t]*(?=\d{1,2}[.)][ \t])"
    # … and a bullet item joined to it by a space: ingest joins a paragraph and the list after
    # it so ("… unter Bedingungen. - Grundsätzlich gilt …"); after a colon the items stay with
    # the sentence that opens them ("… im Landesgesetz: - Gemeinsame …"), as that sentence
    # brings its items
    r"|(?<=[.!?“”\"»«)])[ \t]+(?=[-•*][ \t])"
)


def at_bullets(text: str, spans: list[Span]) -> list[Span]:
    """The spans split where an item starts on a new line after a finished sentence."""
    out: list[Span] = []
    for start, end in spans:
        for cut in _BULLET.finditer(text, start, end):
            out.append((start, cut.start()))
            start = cut.end()
        out.append((start, end))
    return out


def sentences(text: str) -> list[str]:
    """The sentences of text, each a verbatim substring of it."""
    return [text[start:end] for start, end in segment(text)]


def text_key(text: str) -> str:
    """Content hash under which a text's spans are cached."""
    return hashlib.sha256(text.encode()).hexdigest()


class SentenceStore:
    """SQLite map from content hash to sentence spans; safe across processes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, timeout=60)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS spans (key TEXT PRIMARY KEY, spans TEXT NOT NULL)"
        )
        self._conn.commit()
        self._memory: dict[str, list[Span]] = {}

    def spans(self, text: str) -> list[Span]:
        """Spans of one text (segmented and stored when not cached)."""
        return self.spans_of([text])[0]

    def spans_of(self, texts: Iterable[str]) -> list[list[Span]]:
        """Spans of every text, in order; the missing ones are segmented and stored."""
        items = list(texts)
        keys = [text_key(t) for t in items]
        known = {k: self._memory[k] for k in keys if k in self._memory}
        texts = dict(zip(keys, items, strict=True))
        # spans stored before items started sentences of their own get the same cut, once
        loaded = self._load([k for k in texts if k not in known])
        known.update({k: at_bullets(texts[k], spans) for k, spans in loaded.items()})
        fresh: dict[str, list[Span]] = {}
        for key, text in zip(keys, items, strict=True):
            if key not in known and key not in fresh:
                fresh[key] = segment(text)
        if fresh:
            self._store(fresh)
        known.update(fresh)
        if len(self._memory) > 50_000:  # bound the per-process copy
            self._memory.clear()
        self._memory.update(known)
        return [known[k] for k in keys]

    def missing(self, texts: Iterable[str]) -> list[str]:
        """The texts whose spans are not stored yet."""
        items = list(dict.fromkeys(texts))
        known = self._load([text_key(t) for t in items])
        return [t for t in items if text_key(t) not in known]

    def _load(self, keys: list[str]) -> dict[str, list[Span]]:
        found: dict[str, list[Span]] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                part = keys[start : start + 500]
                marks = ",".join("?" * len(part))
                for key, raw in self._conn.execute(
                    f"SELECT key, spans FROM spans WHERE key IN ({marks})", part
                ):
                    found[key] = [(int(a), int(b)) for a, b in json.loads(raw)]
        return found

    def _store(self, items: dict[str, list[Span]]) -> None:
        rows = [(k, json.dumps(v)) for k, v in items.items()]
        with self._lock:
            self._conn.executemany("INSERT OR REPLACE INTO spans (key, spans) VALUES (?, ?)", rows)
            self._conn.commit()

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()
