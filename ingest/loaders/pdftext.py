"""Cleaning PDF page text: garbage glyphs, hyphenation, running headers, titles."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from enum import Enum

from ingest.loaders.text import collapse_spaces, shorten

# A line is unreadable when at least this share of its visible characters are control,
# private-use or unassigned code points (what broken font encodings produce).
GARBAGE_LINE_SHARE = 0.3
# A page is unreadable when less than this share of its visible characters survive …
MIN_READABLE_SHARE = 0.5
# … or when the surviving text is implausible: too few letters/digits/punctuation …
MIN_PLAUSIBLE_CHAR_SHARE = 0.6
# … or too few vowel-bearing words among many letter tokens (shifted-alphabet garbage).
MIN_VOWEL_WORD_SHARE = 0.5
MIN_TOKENS_FOR_VOWEL_TEST = 20
MIN_LETTERS = 3
HEADER_ZONE_LINES = 3
HEADER_MIN_SHARE = 0.6
HEADER_MIN_PAGES = 3
TITLE_MAX_JOIN = 100

_PUNCT = frozenset(".,;:!?()[]{}\"'-–—‒/\\%&§€$£@#*+=<>«»„“”‚‘’…•·▪■►→_|°^~´`")
_VOWELS = frozenset("aeiouyäöüàáâéèêëíìîïóòôõúùûåæøœAEIOUYÄÖÜÀÁÂÉÈÊËÍÌÎÏÓÒÔÕÚÙÛÅÆØŒ")
_FUNCTION_WORDS = frozenset(
    "der die das des dem den ein eine einer eines für über von vom zur zum zu im in mit "
    "und oder auf an bei nach aus of the and for in on to a".split()
)
_CONJUNCTIONS = frozenset(["und", "oder", "bzw", "sowie", "bis", "als", "noch", "wie"])
_HYPHEN_LOWER_RE = re.compile(r"([a-zäöüß])-\n[ \t]*([a-zäöüß]+)")
_HYPHEN_UPPER_RE = re.compile(r"(\w)-\n[ \t]*(?=[A-ZÄÖÜ0-9])")
_SOFT_HYPHEN_RE = re.compile(r"\u00ad\n[ \t]*")
_DIGITS_RE = re.compile(r"\d+")
_BAD_TITLE_RE = re.compile(
    r"(\.(indd|docx?|dotx?|odt|pdf|pptx?|xlsx?|qxd|qxp|tex|rtf|txt)$)|^(https?:|www\.|file:)"
    r"|^(untitled|unbenannt|ohne titel|titel|title|document|dokument|präsentation\d*)$",
    re.IGNORECASE,
)


class PageStatus(Enum):
    """Outcome of cleaning one page."""

    OK = "ok"
    EMPTY = "empty"
    GARBAGE = "garbage"


@dataclass
class PageText:
    """Cleaned text of a page plus what was removed."""

    status: PageStatus
    text: str
    dropped_lines: int = 0


def _is_bad(ch: str) -> bool:
    """Control, private-use, surrogate, unassigned or replacement character."""
    if ch == "\ufffd":
        return True
    return unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn")


def _visible(line: str) -> int:
    """Number of characters that are not spaces (tabs count: they are glyph garbage)."""
    return sum(1 for ch in line if not ch.isspace() or ch == "\t")


def _plausible(text: str) -> bool:
    """Does the text look like words of a Latin-script language?"""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return False
    good = sum(1 for ch in chars if ch.isalnum() or ch in _PUNCT)
    if good / len(chars) < MIN_PLAUSIBLE_CHAR_SHARE:
        return False
    words = [t for t in re.findall(r"[^\W\d_]{2,}", text)]
    if len(words) >= MIN_TOKENS_FOR_VOWEL_TEST:
        with_vowel = sum(1 for w in words if any(ch in _VOWELS for ch in w))
        if with_vowel / len(words) < MIN_VOWEL_WORD_SHARE:
            return False
    return True


def join_hyphenation(text: str) -> str:
    """Join words broken at line ends: 'Verwal-\\ntung' → 'Verwaltung', 'E-\\nMail' → 'E-Mail'."""

    def lower(match: re.Match[str]) -> str:
        word = match.group(2)
        if word in _CONJUNCTIONS:  # "Informations-\nund Kommunikationstechnik"
            return f"{match.group(1)}- {word}"
        return f"{match.group(1)}{word}"

    text = _SOFT_HYPHEN_RE.sub("", text)
    text = _HYPHEN_LOWER_RE.sub(lower, text)
    text = _HYPHEN_UPPER_RE.sub(r"\1-", text)
    return text.replace("\u00ad", "")


def clean_page(raw: str) -> PageText:
    """Drop unreadable lines, judge the page, join hyphenation and collapse whitespace."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    total = kept_visible = dropped = 0
    kept: list[str] = []
    for line in raw.split("\n"):
        visible = _visible(line)
        if visible == 0:
            kept.append("")
            continue
        total += visible
        bad = sum(1 for ch in line if ch != "\n" and _is_bad(ch))
        if bad / visible >= GARBAGE_LINE_SHARE:
            dropped += 1
            kept.append("")  # a paragraph break: never join words across removed lines
            continue
        clean = "".join(" " if ch == "\t" else ch for ch in line if ch == "\t" or not _is_bad(ch))
        kept_visible += visible - bad
        kept.append(clean)
    text = collapse_spaces(join_hyphenation("\n".join(kept)))
    if total == 0:
        return PageText(PageStatus.EMPTY, "", dropped)
    if kept_visible / total < MIN_READABLE_SHARE:
        return PageText(PageStatus.GARBAGE, "", dropped)
    if sum(1 for ch in text if ch.isalpha()) < MIN_LETTERS:
        return PageText(PageStatus.EMPTY, "", dropped)
    if not _plausible(text):
        return PageText(PageStatus.GARBAGE, "", dropped)
    return PageText(PageStatus.OK, text, dropped)


def _header_key(line: str) -> str:
    """Comparison key for running headers/footers: digits masked, case and spaces folded."""
    return " ".join(_DIGITS_RE.sub("#", line).lower().split())


def _zone(lines: list[str]) -> list[int]:
    """Indexes of the first and last few non-empty lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:HEADER_ZONE_LINES] + filled[-HEADER_ZONE_LINES:]))


def repeated_lines(pages: list[str]) -> set[str]:
    """Header keys of top/bottom lines that occur on at least two pages."""
    counts: Counter[str] = Counter()
    for page in pages:
        lines = page.split("\n")
        counts.update({_header_key(lines[i]) for i in _zone(lines)})
    return {key for key, n in counts.items() if n >= 2}


def remove_running_lines(pages: list[str]) -> list[str]:
    """Remove header/footer lines that repeat (digits ignored) on most pages."""
    if len(pages) < HEADER_MIN_PAGES:
        return pages
    split = [page.split("\n") for page in pages]
    counts: Counter[str] = Counter()
    for lines in split:
        counts.update({_header_key(lines[i]) for i in _zone(lines)})
    needed = max(2, math.ceil(HEADER_MIN_SHARE * len(pages)))
    running = {key for key, n in counts.items() if n >= needed and key}
    if not running:
        return pages
    result = []
    for lines in split:
        drop = {i for i in _zone(lines) if _header_key(lines[i]) in running}
        result.append(collapse_spaces("\n".join(x for i, x in enumerate(lines) if i not in drop)))
    return result


def sensible_title(value: object) -> str | None:
    """A metadata title if it is real text, not a file name, URL or placeholder."""
    if not isinstance(value, str):
        return None
    title = " ".join(value.split())
    if not (3 <= len(title) <= 300) or any(_is_bad(ch) for ch in title):
        return None
    if _BAD_TITLE_RE.search(title) or title.lower().startswith("microsoft word"):
        return None
    letters = sum(1 for ch in title if ch.isalpha())
    if letters < 3 or letters / len(title) < 0.5 or not _plausible(title):
        return None
    if any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in title):
        return None  # mis-decoded UTF-16 titles look like CJK
    return shorten(title)


def _title_line(line: str) -> bool:
    """A line that can be (part of) a title: ≥ 4 letters, mostly letters, not a label."""
    letters = sum(1 for ch in line if ch.isalpha())
    return letters >= 4 and letters / len(line) >= 0.5 and not line.endswith(":")


def _continues(title: str, follow: str) -> bool:
    """Does the next line continue a title broken over lines?"""
    if not follow or not _title_line(follow) or title[-1] in ".!?:;":
        return False
    last = title.rsplit(" ", 1)[-1].lower()
    return follow[0].islower() or title.endswith("-") or last in _FUNCTION_WORDS


def first_line_title(text: str, skip: set[str] | frozenset[str] = frozenset()) -> str | None:
    """First meaningful line (plus obvious continuations) of a page, skipping running lines."""
    lines = [line.strip() for line in text.split("\n")]
    for index, line in enumerate(lines):
        if not _title_line(line) or _header_key(line) in skip:
            continue
        title = line
        for follow in lines[index + 1 : index + 3]:
            if not _continues(title, follow) or len(title) + len(follow) >= TITLE_MAX_JOIN:
                break
            title = f"{title}{follow}" if title.endswith("-") else f"{title} {follow}"
        return shorten(title)
    return None
