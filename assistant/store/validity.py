"""Versions of documents: the validity table and which version is in force on a date.

A document is in force on day D when `valid_from <= D` (or unset), `D <= valid_until` (or
unset), the document named by its `superseded_by` does not start on or before D, and, in a
`series`, it is the member with the latest `valid_from <= D`. Documents without validity fields
are always in force.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS validity (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    series TEXT,
    version TEXT,
    valid_from TEXT,
    valid_until TEXT,
    superseded_by TEXT
);
CREATE INDEX IF NOT EXISTS validity_series ON validity(series);
"""

EARLIEST = dt.date.min
Rows = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]  # Manifest.rows


@dataclass(frozen=True)
class Validity:
    """Version fields of a document's front matter (dates as ISO strings)."""

    series: str | None = None
    version: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    superseded_by: str | None = None  # a document id or file name

    def is_set(self) -> bool:
        """True when any field is given."""
        return any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class Entry:
    """A document with validity fields, as the manifest knows it."""

    doc_id: str
    title: str
    validity: Validity

    @property
    def starts(self) -> dt.date | None:
        """First day in force (None: from the beginning)."""
        return iso_date(self.validity.valid_from)

    @property
    def until(self) -> dt.date | None:
        """Last day in force as given in the front matter."""
        return iso_date(self.validity.valid_until)


def iso_date(value: str | None) -> dt.date | None:
    """A stored ISO date, or None."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def german(day: dt.date) -> str:
    """'23.07.2024'."""
    return day.strftime("%d.%m.%Y")


def write_validity(conn: sqlite3.Connection, doc_id: str, validity: Validity) -> None:
    """Store a document's validity inside the caller's transaction (after its documents row)."""
    conn.execute(
        "INSERT OR REPLACE INTO validity (doc_id, series, version, valid_from, valid_until, "
        "superseded_by) VALUES (?, ?, ?, ?, ?, ?)",
        (
            doc_id,
            validity.series,
            validity.version,
            validity.valid_from,
            validity.valid_until,
            validity.superseded_by,
        ),
    )


def _version_key(version: str | None) -> tuple[tuple[int, int | str], ...]:
    """Natural order of version labels: '2' < '10', '1.9' < '1.10'."""
    parts = re.findall(r"\d+|[^\d\W]+", (version or "").lower())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def _order(entry: Entry) -> tuple[Any, ...]:
    """Series order: start, then version label, then id."""
    return (entry.starts or EARLIEST, _version_key(entry.validity.version), entry.doc_id)


class Versions:
    """Every document with validity fields; which is in force when, and what follows what."""

    def __init__(self, entries: dict[str, Entry], resolve: Callable[[str], Entry | None]):
        self.entries = entries
        self._resolve = resolve
        self._resolved: dict[str, Entry | None] = {}
        self._groups: dict[str, list[Entry]] = {}
        for entry in sorted(entries.values(), key=_order):
            if entry.validity.series:
                self._groups.setdefault(entry.validity.series, []).append(entry)

    @classmethod
    def load(cls, rows: Rows) -> Versions:
        """Read the validity table (via `Manifest.rows`)."""
        found = rows(
            "SELECT v.doc_id, d.title, v.series, v.version, v.valid_from, v.valid_until, "
            "v.superseded_by FROM validity v JOIN documents d ON d.doc_id = v.doc_id",
            (),
        )
        entries = {r[0]: Entry(r[0], r[1], Validity(*r[2:])) for r in found}

        def resolve(name: str) -> Entry | None:
            if name in entries:
                return entries[name]
            pattern = "%/" + re.sub(r"([\\%_])", r"\\\1", name.strip().lstrip("./"))
            hits = rows(
                "SELECT doc_id, title FROM documents WHERE doc_id = ? OR path LIKE ? ESCAPE '\\' "
                "OR path LIKE ? ESCAPE '\\' ORDER BY doc_id != ?, doc_id LIMIT 1",
                (name, pattern, pattern + ".%", name),
            )
            if not hits:
                return None
            return entries.get(hits[0][0]) or Entry(hits[0][0], hits[0][1], Validity())

        return cls(entries, resolve)

    def named_successor(self, doc_id: str) -> Entry | None:
        """The document its `superseded_by` names, when it is ingested."""
        name = self.entries[doc_id].validity.superseded_by if doc_id in self.entries else None
        if not name:
            return None
        if name not in self._resolved:
            found = self._resolve(name)
            self._resolved[name] = found if found and found.doc_id != doc_id else None
        return self._resolved[name]

    def _series(self, doc_id: str) -> list[Entry]:
        """The members of the document's series in order (empty outside a series)."""
        return self._groups.get(self.entries[doc_id].validity.series or "", [])

    def in_force(self, doc_id: str, day: dt.date) -> bool:
        """Whether the document is the version in force on that day."""
        entry = self.entries.get(doc_id)
        if entry is None:
            return True
        if (entry.starts and entry.starts > day) or (entry.until and day > entry.until):
            return False
        named = self.named_successor(doc_id)
        if named is not None and named.starts is not None and named.starts <= day:
            return False
        members = [e for e in self._series(doc_id) if (e.starts or EARLIEST) <= day]
        return not members or members[-1].doc_id == doc_id

    def not_in_force(self, day: dt.date) -> set[str]:
        """Ids of the documents that are not the version in force on that day."""
        return {d for d in self.entries if not self.in_force(d, day)}

    def successor(self, doc_id: str) -> Entry | None:
        """The next version: the one `superseded_by` names, else the next member of its series."""
        named = self.named_successor(doc_id)
        if named is not None:
            return named
        members = self._series(doc_id)
        ids = [e.doc_id for e in members]
        if doc_id not in ids:
            return None
        later = members[ids.index(doc_id) + 1 :]
        start = self.entries[doc_id].starts or EARLIEST
        return next((e for e in later if (e.starts or EARLIEST) > start), None)

    def ends(self, doc_id: str) -> dt.date | None:
        """The last day the document is in force, when known (valid_until, or the day before
        its successor starts)."""
        entry = self.entries.get(doc_id)
        if entry is None:
            return None
        if entry.until:
            return entry.until
        following = self.successor(doc_id)
        if following is None or following.starts is None or following.starts == EARLIEST:
            return None
        return following.starts - dt.timedelta(days=1)
