"""Citation warnings: a superseded or expired version, a newer one ahead, an old `stand`.

Notes are relative to today (an answer for an earlier `as_of` still says that a newer version
is in force now). Sources: the validity table (front matter), and for law texts without it the
versions this project knows (`assistant/data/law_versions.json`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib import resources

from assistant.answer.models import Citation
from assistant.retrieval.results import Hit
from assistant.store.manifest import Manifest, law_key_of
from assistant.store.validity import Entry, Versions, german, iso_date

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnownVersion:
    """An older version of a law that texts in circulation often still have."""

    law: str
    version: str
    in_force: dt.date  # when the newer version came into force
    marker: str  # named in the header of texts that include the amendment
    newer: str


@cache
def known_versions() -> dict[str, list[KnownVersion]]:
    """Known older law versions by normalised law key."""
    path = resources.files("assistant") / "data" / "law_versions.json"
    known: dict[str, list[KnownVersion]] = {}
    for item in json.loads(path.read_text(encoding="utf-8"))["laws"]:
        version = KnownVersion(
            item["law"],
            item["version"],
            dt.date.fromisoformat(item["in_force"]),
            item["marker"],
            item["newer"],
        )
        known.setdefault(law_key_of(version.law), []).append(version)
    return known


def stand_date(stand: str | None) -> dt.date | None:
    """'2017', '2017-10' or '2017-10-26' as a date (a missing month or day counts late)."""
    match = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", stand or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2] or 12), int(match[3] or 28))
    except ValueError:
        return None


def stale_note(stand: str | None, today: dt.date, years: float) -> str | None:
    """'Stand 2017 – Aktualität prüfen' when the stand is older than `years` (0: never)."""
    day = stand_date(stand)
    if not years or day is None or day >= today - dt.timedelta(days=round(years * 365.25)):
        return None
    return f"Stand {day.year} – Aktualität prüfen"


def version_note(
    entry: Entry, end: dt.date | None, newer: Entry | None, today: dt.date
) -> str | None:
    """What a reader must know about this version, or None while it is the current one."""
    if entry.starts and entry.starts > today:
        return f"Fassung ab {german(entry.starts)} – noch nicht in Kraft"
    named = entry.validity.superseded_by
    title = newer.title if newer else named
    if newer is not None and newer.starts and newer.starts > today:
        until = f"Fassung bis {german(end)}; " if end else ""
        return f"{until}neuere Fassung ab {german(newer.starts)}: {newer.title}"
    if not (newer or named or (end and end < today)):
        return None
    head = f"Fassung bis {german(end)}" if end else "Nicht mehr die geltende Fassung"
    return f"{head}; neuere Fassung: {title}" if title else f"{head} – nicht mehr in Kraft"


VALIDITY_FIELDS = ("version", "valid_from", "valid_until", "superseded_by", "validity_note")


class ValidityNotes:
    """Adds version fields and warnings to citations."""

    def __init__(self, manifest: Manifest, stale_after_years: float = 5.0) -> None:
        self.manifest = manifest
        self.stale_after_years = stale_after_years

    def annotate(self, citations: list[Citation], today: dt.date | None = None) -> None:
        """Fill version, valid_from, valid_until, superseded_by and validity_note in place."""
        if not citations:
            return
        today = today or dt.date.today()
        try:
            versions = Versions.load(self.manifest.rows)
            for citation in citations:
                self._annotate(citation, versions, today)
        except sqlite3.Error as exc:  # the answer stands without its notes
            log.warning("validity notes skipped: %s", exc)

    def of_hits(self, hits: list[Hit]) -> list[dict[str, str | None]]:
        """The version fields and warning of each search hit's document."""
        cited = [Citation.from_hit(0, hit, "") for hit in hits]
        self.annotate(cited)
        return [{name: getattr(c, name) for name in VALIDITY_FIELDS} for c in cited]

    def _annotate(self, citation: Citation, versions: Versions, today: dt.date) -> None:
        entry = versions.entries.get(citation.doc_id)
        if entry is not None:
            end, newer = versions.ends(entry.doc_id), versions.successor(entry.doc_id)
            citation.version = entry.validity.version
            citation.valid_from = entry.validity.valid_from
            citation.valid_until = end.isoformat() if end else None
            citation.superseded_by = newer.doc_id if newer else None
            citation.validity_note = version_note(entry, end, newer, today)
        elif citation.law:
            known = self._known(citation)
            if known is not None:
                end = known.in_force - dt.timedelta(days=1)
                citation.version = known.version
                citation.valid_until = end.isoformat()
                citation.validity_note = f"Fassung bis {german(end)}; neuere Fassung: {known.newer}"
        if citation.validity_note is None:
            citation.validity_note = stale_note(citation.stand, today, self.stale_after_years)

    def _known(self, citation: Citation) -> KnownVersion | None:
        """The known older version this law text is, if any."""
        stand = iso_date(citation.stand) if citation.stand else None
        for known in known_versions().get(law_key_of(citation.law or ""), []):
            if stand is not None and stand >= known.in_force:
                continue
            rows = self.manifest.rows(
                "SELECT text FROM chunks WHERE doc_id = ? AND position = 0", (citation.doc_id,)
            )
            header = " ".join(rows[0][0].split()) if rows else ""
            if known.marker not in header:
                return known
        return None
