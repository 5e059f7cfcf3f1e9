"""YAML front matter (`---` … `---`) at the start of Markdown and HTML files."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.store.validity import Validity
from ingest.loaders.text import shorten
from ingest.models import DOC_TYPES, Block, LoadedDocument

FRONT_MATTER_WARNING = "Front Matter ungültig, ignoriert"
MAX_FRONT_MATTER_CHARS = 200_000

_OPEN_RE = re.compile(r"\A---[ \t]*\n")
# Some converted laws start with the (broken-off) first title lines, then the front matter.
_LATE_OPEN_RE = re.compile(r"\A(?P<prefix>(?:[^\n#\-:][^\n]{0,300}\n){1,3})---[ \t]*\n")
_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)

try:  # the C loader is much faster; fall back to the pure-Python one
    _SafeLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _SafeLoader = yaml.SafeLoader


class _Loader(_SafeLoader):
    """The safe loader, keeping an impossible date ('2024-13-01') as text instead of failing."""


def _timestamp(loader: Any, node: Any) -> object:
    """A YAML date or timestamp; its text when it is no real day."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@dataclass
class FrontMatter:
    """Metadata taken from front matter; every field is optional."""

    title: str | None = None
    doc_type: str | None = None
    stand: str | None = None
    jurisdiction: str | None = None
    source_url: str | None = None
    law: str | None = None
    law_title: str | None = None
    valid_from: str | None = None  # ISO dates; see README "Versionen und Gültigkeit"
    valid_until: str | None = None
    superseded_by: str | None = None  # id or file name of the document that replaces this one
    version: str | None = None
    series: str | None = None  # documents of one series are versions of each other
    warnings: list[str] = field(default_factory=list)

    def document(self, path: Path, title: str, blocks: list[Block]) -> LoadedDocument:
        """The loaded document: parsed blocks plus this metadata (title at most 200 chars)."""
        return LoadedDocument(
            path=path,
            title=shorten(title, 200),
            blocks=blocks,
            doc_type=self.doc_type,
            stand=self.stand,
            jurisdiction=self.jurisdiction,
            source_url=self.source_url,
            law=self.law,
            law_title=self.law_title,
            warnings=list(self.warnings),
            validity=Validity(
                self.series, self.version, self.valid_from, self.valid_until, self.superseded_by
            ),
        )


def _scalar(value: object) -> str | None:
    """A front-matter value as one-line string; lists, dicts and empty values give None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float):
        text = " ".join(str(value).split())
        return text or None
    return None


def _first(meta: dict[Any, Any], *keys: str) -> str | None:
    """The first key among keys whose value is a usable scalar."""
    for key in keys:
        value = _scalar(meta.get(key))
        if value:
            return value
    return None


def _from_mapping(meta: dict[Any, Any]) -> FrontMatter:
    """Pick the fields this project uses from a parsed front-matter mapping."""
    doc_type = _first(meta, "type")
    doc_type = doc_type.strip().lower() if doc_type else None
    result = FrontMatter(
        title=_first(meta, "title", "Title"),
        doc_type=doc_type if doc_type in DOC_TYPES else None,
        stand=_first(meta, "stand", "date", "as_of"),
        jurisdiction=_first(meta, "jurisdiction"),
        source_url=_first(meta, "source_url", "url", "source"),
    )
    law = _first(meta, "jurabk")
    if law:
        result.law = law
        result.law_title = result.title
    _validity(meta, result)
    return result


def _date(meta: dict[Any, Any], key: str, warnings: list[str]) -> str | None:
    """An ISO date from 2024-07-24 or 24.07.2024; anything else is a warning naming the field."""
    value = meta.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    german = _GERMAN_DATE.fullmatch(text)
    try:
        if german:
            day, month, year = (int(g) for g in german.groups())
            return dt.date(year, month, day).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    warnings.append(
        f"Front Matter: {key} ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ): "
        f"{shorten(text, 40)!r} – ignoriert"
    )
    return None


def _validity(meta: dict[Any, Any], front: FrontMatter) -> None:
    """Versions and validity: valid_from, valid_until, superseded_by, version, series."""
    front.valid_from = _date(meta, "valid_from", front.warnings)
    front.valid_until = _date(meta, "valid_until", front.warnings)
    if front.valid_from and front.valid_until and front.valid_until < front.valid_from:
        front.warnings.append("Front Matter: valid_until liegt vor valid_from – ignoriert")
        front.valid_until = None
    for key in ("superseded_by", "version", "series"):
        value = _scalar(meta.get(key))
        if value is None and meta.get(key) not in (None, ""):
            front.warnings.append(f"Front Matter: {key} ist kein einzelner Wert – ignoriert")
        setattr(front, key, shorten(value, 200) if value else None)


def _with_prefix(front: FrontMatter, prefix: str) -> FrontMatter:
    """Prepend title lines that stood before the front matter to the title."""
    prefix = " ".join(prefix.split())
    front.title = f"{prefix} {front.title}" if front.title else prefix
    if front.law:
        front.law_title = front.title
    return front


def split_front_matter(text: str) -> tuple[FrontMatter, str]:
    """Split leading front matter from text; broken front matter only adds a warning."""
    opening = _OPEN_RE.match(text)
    if opening is None:
        late = _LATE_OPEN_RE.match(text)
        if late is not None:
            front, body = split_front_matter(text[late.start("prefix") + len(late["prefix"]) :])
            if not front.warnings and body is not text and front != FrontMatter():
                return _with_prefix(front, late["prefix"]), body
        return FrontMatter(), text
    closing = _CLOSE_RE.search(text, opening.end())
    if closing is None or closing.start() - opening.end() > MAX_FRONT_MATTER_CHARS:
        # Unterminated: keep everything after the opening line as body.
        return FrontMatter(warnings=[FRONT_MATTER_WARNING]), text[opening.end() :]
    raw = text[opening.end() : closing.start()]
    body = text[closing.end() :].lstrip("\n")
    try:
        meta = yaml.load(raw, Loader=_Loader)
    except Exception:  # yaml errors, RecursionError on absurd nesting, bad tags
        return FrontMatter(warnings=[FRONT_MATTER_WARNING]), body
    if meta is None:
        return FrontMatter(), body
    if isinstance(meta, str):  # a thematic break around plain text, not front matter
        return FrontMatter(), text[opening.end() :]
    if not isinstance(meta, dict):
        return FrontMatter(warnings=[FRONT_MATTER_WARNING]), body
    return _from_mapping(meta), body
