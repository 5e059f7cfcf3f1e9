"""Light removal of HTML/JSX markup and Markdown syntax from Markdown text."""

from __future__ import annotations

import html
import re

MAX_TAG_CHARS = 4000
SCAN_BUDGET_FACTOR = 8  # total tag scanning stays linear in the text length

_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_JSX_COMMENT_RE = re.compile(r"\{/\*.*?(?:\*/\}|\Z)", re.DOTALL)
_LIQUID_RE = re.compile(r"\{%-?[^%\n]{0,200}-?%\}")
_TAG_SPECIAL_RE = re.compile(r"[\"'{}<>]")
_TAG_START_RE = re.compile(r"<(?:[A-Za-z][\w.:-]*|>)")
_CLOSE_TAG_RE = re.compile(r"</(?:[A-Za-z][\w.:-]*)?\s*>")
_TEXT_ATTR_RE = re.compile(
    r"""\b(?:label|title|quote|alt)=(?:"([^"]*)"|'([^']*)'|\{\s*(<[^{}]*>)\s*\})"""
)
_ANY_TAG_RE = re.compile(r"</?[A-Za-z]?[^<>]*>")
_INLINE_TAGS = frozenset(
    "a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup "
    "time u var wbr".split()
)
# Link texts exclude "[" so a failed match stops at the next bracket (linear time).
_IMAGE_RE = re.compile(r"!\[([^\[\]\n]*+)\]\((?:[^()\n]++|\([^()\n]*+\))*+\)")
_LINK_RE = re.compile(r"\[([^\[\]\n]++)\]\((?:[^()\n]++|\([^()\n]*+\))*+\)")
_REF_LINK_RE = re.compile(r"\[([^\[\]\n]++)\]\[[^\[\]\n]*+\]")
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")
_EMPHASIS_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_UNDERSCORE_RE = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")


def strip_liquid(text: str) -> str:
    """Remove Jekyll/Liquid `{% … %}` tags."""
    return _LIQUID_RE.sub("", text)


def strip_comments(text: str) -> str:
    """Remove HTML comments, MDX `{/* … */}` comments and Liquid `{% … %}` tags."""
    return strip_liquid(_JSX_COMMENT_RE.sub("", _COMMENT_RE.sub("", text)))


def _tag_end(text: str, start: int, limit: int) -> int:
    """Index after the '>' closing a tag opened before start (braces/quotes aware), or -1."""
    depth = 0
    quote = ""
    stop = min(len(text), start + limit)
    pos = start
    while True:
        match = _TAG_SPECIAL_RE.search(text, pos, stop)
        if match is None:
            return -1
        i = match.start()
        ch = text[i]
        pos = i + 1
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'" and (depth > 0 or text[i - 1] == "="):
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and ch == ">":
            return i + 1
        elif depth == 0 and ch == "<":
            return -1


def _kept_attributes(tag: str) -> str:
    """Human-readable text from label/title/quote/alt attributes of a tag."""
    parts = []
    for match in _TEXT_ATTR_RE.finditer(tag):
        value = match.group(1) or match.group(2) or _ANY_TAG_RE.sub("", match.group(3) or "")
        value = " ".join(value.split())
        if value:
            parts.append(value)
    return " ".join(parts)


def strip_tags(text: str) -> str:
    """Remove HTML and JSX tags (also multi-line ones), keeping inner text and label texts."""
    text = _AUTOLINK_RE.sub(r"\1", text)
    out: list[str] = []
    pos = 0
    budget = SCAN_BUDGET_FACTOR * len(text) + 100_000
    while True:
        match = _TAG_START_RE.search(text, pos)
        if match is None or budget <= 0:
            break
        start = match.start()
        if match.group() == "<>":
            end = start + 2
        else:
            end = _tag_end(text, match.end(), MAX_TAG_CHARS)
            budget -= (end if end > 0 else min(len(text), match.end() + MAX_TAG_CHARS)) - start
        if end < 0:
            out.append(text[pos : start + 1])
            pos = start + 1
            continue
        name = match.group()[1:].lower()
        kept = _kept_attributes(text[start:end])
        separator = "" if name in _INLINE_TAGS or name == ">" else "\n"
        out.append(text[pos:start])
        out.append(f"{separator}{kept}{separator}" if kept else separator)
        pos = end
    out.append(text[pos:])
    return _CLOSE_TAG_RE.sub("", "".join(out))


def clean_inline(line: str) -> str:
    """Markdown inline syntax to plain text: images, links, bold markers, entities."""
    if "[" in line:
        line = _IMAGE_RE.sub(r"\1", line)
        line = _LINK_RE.sub(r"\1", line)
        line = _REF_LINK_RE.sub(r"\1", line)
    line = line.replace("**", "")
    if "*" in line:
        line = _EMPHASIS_RE.sub(r"\1", line)
    if "_" in line:
        line = _UNDERSCORE_RE.sub(r"\1", line)
    if "&" in line:
        line = html.unescape(line)
    if "\\" in line:
        line = _ESCAPE_RE.sub(r"\1", line)
    return line
