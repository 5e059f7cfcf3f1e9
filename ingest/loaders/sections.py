"""Recognising and normalising section headings of German laws (§, Art., Anlage …)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLACEHOLDER = r"(?:\(X+\)\s*)?"  # gesetze-im-internet marks some headings with "(XXXX)"
_NUM = r"\d+[a-z]{0,3}\b"
_RANGE = rf"{_NUM}(?:\s*(?:bis|und|u\.|,|-|–)\s*{_NUM})*"
_TITLE_SEP = r"\s*(?:[-–—:.]\s+)?"

_PARAGRAPH_RE = re.compile(
    rf"^{_PLACEHOLDER}(?P<mark>§§?)\s*(?P<num>{_RANGE}){_TITLE_SEP}(?P<rest>.*)$"
)
_ARTICLE_RE = re.compile(
    rf"^{_PLACEHOLDER}(?:Art\.?|Artikel)\s*(?P<num>{_RANGE}){_TITLE_SEP}(?P<rest>.*)$"
)
_ANNEX_RE = re.compile(
    rf"^{_PLACEHOLDER}(?P<kind>Anlagen?|Anhang)\b"
    r"(?P<num>\s+(?:(?:\d+[a-z]?|[IVXLC]+)\b(?:\s+[A-Z]\b)?|[A-Z]\b)"
    r"(?:\s*(?:bis|und|u\.)\s*(?:\d+[a-z]?|[IVXLC]+)\b)*)?"
    rf"{_TITLE_SEP}(?P<rest>.*)$"
)
_FORMULA_RE = re.compile(
    rf"^{_PLACEHOLDER}(?P<name>Eingangsformel|Schlu(?:ss|ß)formel|Präambel|Inhaltsübersicht)\b"
    r"\s*(?P<rest>.*)$"
)


@dataclass(frozen=True)
class SectionHeading:
    """A recognised law unit: normalised citation (or None) and the heading's title."""

    section: str | None
    title: str | None


def _norm_range(num: str) -> str:
    """Normalise spacing in a number or range such as '2 bis 6' or '26 u. 27'."""
    num = re.sub(r"\s*,\s*", ", ", num.strip())
    num = re.sub(r"\s*([-–])\s*", r" \1 ", num)
    return " ".join(num.split())


def _title(rest: str) -> str | None:
    """The remaining heading text, or None when empty."""
    rest = " ".join(rest.split()).strip(" -–—:")
    return rest or None


def parse_section_heading(heading: str) -> SectionHeading | None:
    """Recognise '§ 3a Titel', '§§ 1 bis 3', 'Art 1', 'Anlage 2', 'Eingangsformel'; else None."""
    heading = " ".join(heading.split())
    match = _PARAGRAPH_RE.match(heading)
    if match:
        num = _norm_range(match["num"])
        mark = "§§" if match["mark"] == "§§" or re.search(r"\s(?:bis|und|u\.)\s", num) else "§"
        return SectionHeading(f"{mark} {num}", _title(match["rest"]))
    match = _ARTICLE_RE.match(heading)
    if match:
        return SectionHeading(f"Art. {_norm_range(match['num'])}", _title(match["rest"]))
    match = _ANNEX_RE.match(heading)
    if match:
        kind = "Anhang" if match["kind"] == "Anhang" else "Anlage"
        num = _norm_range(match["num"] or "")
        return SectionHeading(f"{kind} {num}".strip(), _title(match["rest"]))
    match = _FORMULA_RE.match(heading)
    if match:
        return SectionHeading(None, _title(f"{match['name']} {match['rest']}"))
    return None
