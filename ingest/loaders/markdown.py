"""Markdown/MDX loader: front matter, heading hierarchy and law sections (§, Art., Anlage)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.limits import LoadLimits
from ingest.loaders.frontmatter import split_front_matter
from ingest.loaders.markup import clean_inline, strip_comments, strip_tags
from ingest.loaders.sections import SectionHeading, parse_section_heading
from ingest.loaders.tables import render_table
from ingest.loaders.text import collapse_spaces, read_text
from ingest.models import Block, LoadedDocument

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Regexes run on untrusted lines of up to 200,000 characters: no ambiguous repetition.
_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]++(.*+))?$")
_HEADING_ID_RE = re.compile(r" ?\{#[^{}]*+\}$")
_SETEXT_RE = re.compile(r"^ {0,3}(=++|-++)[ \t]*+$")
_BREAK_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*+\1){2,}+[ \t]*+$")
_TABLE_RULE_CHARS = frozenset("|-: \t")
_MDX_STATEMENT_RE = re.compile(r"^(?:import|export)\s")
_DEFINITION_RE = re.compile(r"^:[ \t]+(\S.*)$")
_PLACEHOLDER_RE = re.compile(r"^\(X+\)$")
_STATUS_TITLE_RE = re.compile(r"^\(.*\)$|.*\b(?:weggefallen|aufgehoben)\b")
_LIST_START_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_BLOCK_START_RE = re.compile(r"^\s*(?:[-*+•>|]|\d+[.)]\s|\(\d+[a-z]?\)\s|[a-z]{1,2}\)\s)")


@dataclass
class _Heading:
    level: int
    text: str
    section: SectionHeading | None = None


@dataclass
class _Builder:
    """Collects text lines under the current heading path and emits blocks."""

    is_law: bool
    doc_h1: str | None
    blocks: list[Block] = field(default_factory=list)
    stack: list[_Heading] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    joinable: bool = False
    article: _Heading | None = None  # "Art 2" of an omnibus law, context for its §§

    def add(self, line: str, verbatim: bool = False) -> None:
        """Append a line; soft-wrapped paragraph lines are joined with a space."""
        if verbatim or not line.strip():
            self.lines.append(line)
            self.joinable = False
            return
        if self.joinable and not _BLOCK_START_RE.match(line):
            self.lines[-1] = f"{self.lines[-1].rstrip()} {line.strip()}"
        else:
            self.lines.append(line)
        stripped = line.lstrip()
        self.joinable = not (stripped.startswith("|") or line.endswith(("  ", "\\")))

    def _meta(self) -> tuple[list[str], SectionHeading | None]:
        """Heading path (parts, chapters …) and the innermost law unit of the current block."""
        headings: list[str] = []
        section = None
        entries = [
            h
            for i, h in enumerate(self.stack)
            if not (i == 0 and h.level == 1 and h.text == self.doc_h1)
        ]
        for heading in entries:
            if heading.section is not None:
                section = heading.section
        article = self.article
        in_article = article is not None and section is not None and section is not article.section
        for heading in entries:
            if in_article and article is not None and heading.level >= article.level:
                headings.append(article.text)  # "Art 2 - Beamtenversorgungsgesetz" above "§ 1"
                in_article = False
            if heading.section is None and heading.text:
                headings.append(heading.text)
        return headings, section

    def flush(self, next_level: int | None) -> None:
        text = collapse_spaces("\n".join(self.lines))
        self.lines = []
        self.joinable = False
        headings, section = self._meta()
        own = self.stack[-1] if self.stack else None
        if not text and own is not None and own.section is not None:
            # An empty law unit such as "§ 68 (weggefallen)" keeps its title as text.
            is_leaf = next_level is None or next_level <= own.level
            title = own.section.title or ""
            if is_leaf and _STATUS_TITLE_RE.match(title):
                text = title
        if not text:
            return
        self.blocks.append(
            Block(
                text=text,
                headings=headings,
                section=section.section if section else None,
                section_title=section.title if section else None,
            )
        )

    def heading(self, level: int, text: str) -> None:
        self.flush(level)
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        section = parse_section_heading(text) if self.is_law else None
        heading = _Heading(level, text, section)
        if section is not None and (section.section or "").startswith("Art."):
            self.article = heading
        elif (
            self.article is not None
            and level <= self.article.level
            and not (section is not None and (section.section or "").startswith("§"))
        ):
            self.article = None
        self.stack.append(heading)


def _is_table_rule(line: str) -> bool:
    """A Markdown table separator row such as '|---|:--:|'."""
    stripped = line.strip()
    return "---" in stripped and set(stripped) <= _TABLE_RULE_CHARS


def _heading_text(raw: str | None) -> str:
    """Plain heading text: no closing hashes, ids, tags or inline markup."""
    text = " ".join((raw or "").split())
    unhashed = text.rstrip("#")
    if unhashed != text and (not unhashed or unhashed.endswith(" ")):
        text = unhashed.rstrip()
    text = _HEADING_ID_RE.sub("", text)
    text = clean_inline(strip_tags(text)).replace("__", "")
    text = " ".join(text.split())
    return "" if _PLACEHOLDER_RE.match(text) else text


def _strip_markup(body: str, is_mdx: bool) -> str:
    """Remove comments, MDX statements and tags outside fenced code blocks."""
    out: list[str] = []
    chunk: list[str] = []
    fence = ""

    def emit_chunk() -> None:
        if chunk:
            out.append(strip_tags(strip_comments("\n".join(chunk))))
            chunk.clear()

    for line in body.split("\n"):
        match = _FENCE_RE.match(line)
        if fence:
            out.append(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
        elif match:
            emit_chunk()
            fence = match.group(1)
            out.append(line)
        elif not (is_mdx and _MDX_STATEMENT_RE.match(line)):
            chunk.append(line)
    emit_chunk()
    return "\n".join(out)


def _table_end(lines: list[str], index: int) -> int:
    """Index after the GFM table starting at lines[index], or index when none starts there."""
    if not lines[index].lstrip().startswith("|") or index + 1 >= len(lines):
        return index
    if not _is_table_rule(lines[index + 1]) or "-" not in lines[index + 1]:
        return index
    end = index + 2
    while end < len(lines) and lines[end].lstrip().startswith("|"):
        end += 1
    return end


def _parse(body: str, builder: _Builder) -> None:
    """Walk lines: fences, ATX/setext headings, tables, definitions; feed the builder."""
    fence = ""
    lines = body.split("\n")
    skip_to = 0
    for index, line in enumerate(lines):
        if index < skip_to:
            continue
        fence_match = _FENCE_RE.match(line)
        if fence:
            if fence_match and fence_match.group(1)[0] == fence[0]:
                fence = ""
            else:
                builder.add(line, verbatim=True)
            continue
        if fence_match:
            fence = fence_match.group(1)
            continue
        atx = _ATX_RE.match(line)
        if atx:
            text = _heading_text(atx.group(2))
            if text:  # empty headings ("##", "## (XXXX)") are table artefacts, ignore
                builder.heading(len(atx.group(1)), text)
            continue
        setext = _SETEXT_RE.match(line)
        if setext and _is_setext_title(lines, index, builder):
            title = _heading_text(builder.lines.pop())
            if title:
                builder.heading(1 if setext.group(1)[0] == "=" else 2, title)
            continue
        table_end = _table_end(lines, index)
        if table_end > index:  # a table becomes one readable sentence per row
            for sentence in render_table("\n".join(lines[index:table_end])):
                builder.add(sentence, verbatim=True)
            skip_to = table_end
            continue
        if _BREAK_RE.match(line) or _is_table_rule(line) or _SETEXT_RE.match(line):
            continue
        definition = _DEFINITION_RE.match(line)
        if definition and builder.lines and builder.lines[-1].strip():
            builder.lines[-1] = f"{builder.lines[-1].rstrip()}: {clean_inline(definition[1])}"
            continue
        builder.add(clean_inline(line))
    builder.flush(None)


def _is_setext_title(lines: list[str], index: int, builder: _Builder) -> bool:
    """True if the underline follows a one-line paragraph (not a list item)."""
    if index == 0 or not builder.lines or not builder.lines[-1].strip():
        return False
    previous = lines[index - 1]
    if not previous.strip() or _LIST_START_RE.match(previous) or len(previous) > 200:
        return False
    return index == 1 or not lines[index - 2].strip()


def _first_h1(body: str) -> tuple[str | None, int]:
    """The first level-1 ATX heading text outside code, and how many H1 there are."""
    first: str | None = None
    count = 0
    fence = ""
    for line in body.split("\n"):
        fence_match = _FENCE_RE.match(line)
        if fence_match:
            fence = "" if fence else fence_match.group(1)
            continue
        if fence:
            continue
        atx = _ATX_RE.match(line)
        if atx and len(atx.group(1)) == 1:
            text = _heading_text(atx.group(2))
            if text:
                count += 1
                first = first or text
    return first, count


def load_markdown(path: Path, limits: LoadLimits) -> LoadedDocument:
    """Load Markdown/MDX: front-matter metadata and one block per heading section."""
    front, body = split_front_matter(read_text(path, limits))
    body = _strip_markup(body, is_mdx=path.suffix.lower() == ".mdx")
    limits.check_time(path)
    h1, h1_count = _first_h1(body)
    builder = _Builder(is_law=front.law is not None, doc_h1=h1 if h1_count == 1 else None)
    _parse(body, builder)
    limits.check_time(path)
    title = front.title or h1 or path.stem
    return front.document(path, title, builder.blocks)
