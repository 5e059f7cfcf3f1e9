"""HTML loader (selectolax/lexbor): visible text by heading path, no script or style text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from assistant.errors import LoadError
from ingest.limits import LoadLimits
from ingest.loaders.frontmatter import split_front_matter
from ingest.loaders.markup import strip_liquid
from ingest.loaders.text import collapse_spaces, read_text
from ingest.models import Block, LoadedDocument

MAX_HTML_DEPTH = 1000

SKIP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "math",
    "object",
    "embed",
    "canvas",
    "select",
    "button",
    "head",
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_INLINE = frozenset(
    "a abbr b bdi bdo cite code data del dfn em font i ins kbd label mark nobr q s samp small "
    "span strike strong sub sup time tt u var wbr".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_AUTO_CLOSE = frozenset("p li dt dd tr td th thead tbody tfoot option optgroup rb rt rp".split())
_KEEP_WHEN_FLAT = frozenset(
    [*SKIP_TAGS, *_HEADINGS, *_VOID, *_AUTO_CLOSE, "html", "body", "title", "pre", "table"]
)
# Possessive quantifiers: no backtracking, so hostile markup is processed in linear time.
_TAG_WITH_ATTRS_RE = re.compile(
    r"<([A-Za-z][A-Za-z0-9-]*+)(?:\"[^\"<]*+\"|'[^'<]*+'|[^'\"<>]++)*+>"
)
_TAG_NAME_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_RAW_OPEN_RE = re.compile(r"<(script|style)>")
_FLAT_TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*+)/?>")


def _drop_attributes(match: re.Match[str]) -> str:
    """`<a href="…">` → `<a>`; keeps the self-closing slash (matters for <svg/>)."""
    return f"<{match.group(1)}/>" if match.group(0).endswith("/>") else f"<{match.group(1)}>"


def _max_depth(markup: str) -> int:
    """Upper estimate of element nesting (void and auto-closing elements ignored)."""
    depth = deepest = 0
    for match in _TAG_NAME_RE.finditer(markup):
        name = match.group(2).lower()
        if name in _VOID or name in _AUTO_CLOSE:
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _flatten(match: re.Match[str]) -> str:
    """Drop a structural tag that is irrelevant for text (div, section, ul …)."""
    name = match.group(1).lower()
    if name in _KEEP_WHEN_FLAT:
        return match.group(0)
    return "" if name in _INLINE else "\n"


def _drop_raw_text(markup: str) -> str:
    """Remove <script>/<style> elements in linear time (unclosed ones swallow the rest)."""
    lower = markup.lower()
    out: list[str] = []
    pos = 0
    while True:
        match = _RAW_OPEN_RE.search(lower, pos)
        if match is None:
            break
        out.append(markup[pos : match.start()])
        end = lower.find(f"</{match.group(1)}", match.end())
        if end < 0:
            return "".join(out)
        pos = lower.find(">", end)
        pos = len(markup) if pos < 0 else pos + 1
    out.append(markup[pos:])
    return "".join(out)


def sanitise_markup(path: Path, markup: str) -> str:
    """Remove attributes, scripts and absurd nesting: lexbor is quadratic on those."""
    markup = _drop_raw_text(_TAG_WITH_ATTRS_RE.sub(_drop_attributes, markup))
    if markup.count("<") > MAX_HTML_DEPTH and _max_depth(markup) > MAX_HTML_DEPTH:
        markup = _FLAT_TAG_RE.sub(_flatten, markup)
        depth = _max_depth(markup)
        if depth > MAX_HTML_DEPTH:
            raise LoadError(path, f"HTML zu tief verschachtelt ({depth} Ebenen)")
    return markup


def _fragment_text(fragment: str) -> str:
    """Visible text of an HTML fragment (e.g. a <title> with markup inside)."""
    if "<" not in fragment:
        return " ".join(fragment.split())
    tree = LexborHTMLParser(f"<body>{fragment}</body>")
    tree.strip_tags(list(SKIP_TAGS), recursive=True)
    body = tree.body
    return " ".join((body.text(deep=True, separator=" ") if body else "").split())


class _Collector:
    """Receives walk events and builds blocks with heading paths."""

    def __init__(self, skip_h1: str | None) -> None:
        self.skip_h1 = skip_h1
        self.blocks: list[Block] = []
        self.stack: list[tuple[int, str]] = []
        self.parts: list[str] = []

    def text(self, value: str) -> None:
        if value:
            self.parts.append(re.sub(r"\s+", " ", value))

    def newline(self) -> None:
        self.parts.append("\n")

    def flush(self) -> None:
        text = collapse_spaces("".join(self.parts))
        self.parts = []
        if text:
            headings = [
                t
                for i, (lvl, t) in enumerate(self.stack)
                if not (i == 0 and lvl == 1 and t == self.skip_h1)
            ]
            self.blocks.append(Block(text=text, headings=headings))

    def heading(self, level: int, text: str) -> None:
        self.flush()
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, text))


def _children(node: Any) -> Iterator[Any]:
    """Child nodes including text nodes."""
    return iter(node.iter(include_text=True))


def _walk(root: Any, out: _Collector, limits: LoadLimits, path: Path) -> None:
    """Iterative depth-first walk (no recursion, whatever the nesting)."""
    stack = [(root, _children(root))]
    visited = 0
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if node.tag not in _INLINE:
                out.newline()
            continue
        visited += 1
        if visited % 5000 == 0:
            limits.check_time(path)
        tag = child.tag
        if child.is_text_node:
            out.text(child.text(deep=False))
        elif tag in _HEADINGS:
            heading = " ".join(child.text(deep=True, separator=" ").split())
            if heading:
                out.heading(_HEADINGS[tag], heading)
        elif tag == "br" or tag == "hr":
            out.newline()
        elif tag in ("td", "th"):
            out.text(" ")
            stack.append((child, _children(child)))
        elif isinstance(tag, str) and not tag.startswith(("-", "_")):
            if tag not in _INLINE:
                out.newline()
            stack.append((child, _children(child)))
    out.flush()


def load_html(path: Path, limits: LoadLimits) -> LoadedDocument:
    """Load an HTML page: title, heading-path blocks of visible text (scripts removed)."""
    front, markup = split_front_matter(read_text(path, limits, max_line_chars=None))
    tree = LexborHTMLParser(sanitise_markup(path, strip_liquid(markup)))
    limits.check_time(path)
    title_node = tree.css_first("title")
    html_title = _fragment_text(title_node.text(deep=True)) if title_node else ""
    tree.strip_tags(list(SKIP_TAGS), recursive=True)
    first_h1 = tree.css_first("h1")
    h1 = " ".join(first_h1.text(deep=True, separator=" ").split()) if first_h1 else ""
    title = front.title or html_title or h1 or path.stem
    single_h1 = len(tree.css("h1")) == 1
    collector = _Collector(skip_h1=h1 if single_h1 and h1 == title else None)
    root = tree.body or tree.root
    if root is not None:
        _walk(root, collector, limits, path)
    return front.document(path, title, collector.blocks)
