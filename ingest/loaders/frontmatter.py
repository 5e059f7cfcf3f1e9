"""YAML front matter (`---` … `---`) at the start of Markdown and HTML files."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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
    return result


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
        meta = yaml.load(raw, Loader=_SafeLoader)
    except Exception:  # yaml errors, RecursionError on absurd nesting, bad tags
        return FrontMatter(warnings=[FRONT_MATTER_WARNING]), body
    if meta is None:
        return FrontMatter(), body
    if isinstance(meta, str):  # a thematic break around plain text, not front matter
        return FrontMatter(), text[opening.end() :]
    if not isinstance(meta, dict):
        return FrontMatter(warnings=[FRONT_MATTER_WARNING]), body
    return _from_mapping(meta), body
