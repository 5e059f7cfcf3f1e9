"""Reading text files safely: size limit, binary detection, decoding, plain-text loader."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from assistant.errors import LoadError
from ingest.limits import LoadLimits
from ingest.models import Block, LoadedDocument

MAX_LINE_CHARS = 200_000
MAX_CONTROL_SHARE = 0.05
TITLE_CHARS = 120
TEXT_BLOCK_CHARS = 20_000

# Control bytes that never occur in real text (tab, LF, FF and CR are allowed).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_WS_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


def format_size(n_bytes: int) -> str:
    """Human-readable size in German notation, e.g. '12,3 MB'."""
    if n_bytes < 1024 * 1024:
        return f"{n_bytes / 1024:.1f} KB".replace(".", ",")
    return f"{n_bytes / (1024 * 1024):.1f} MB".replace(".", ",")


def format_count(n: int) -> str:
    """Integer with German thousands separators, e.g. '11.200.000'."""
    return f"{n:,}".replace(",", ".")


def read_bytes(path: Path, limits: LoadLimits) -> bytes:
    """Read a file's bytes, refusing files above the size limit."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise LoadError(
            path, f"Datei zu groß ({format_size(size)} > {format_size(limits.max_bytes)})"
        )
    with path.open("rb") as handle:
        data = handle.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise LoadError(path, f"Datei zu groß (> {format_size(limits.max_bytes)})")
    return data


def _control_share(text: str) -> float:
    """Share of control characters (other than whitespace) in a decoded text."""
    if not text:
        return 0.0
    bad = sum(
        1
        for ch in text
        if ch not in "\t\n\r\f" and (unicodedata.category(ch) == "Cc" or ch == "\ufffd")
    )
    return bad / len(text)


def decode_bytes(path: Path, data: bytes) -> str:
    """Decode bytes as UTF-8 (BOM ok), UTF-16 with BOM, cp1252 or latin-1; reject binary data."""
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(path, "Binärdaten, kein Text") from exc
    else:
        if b"\x00" in data:
            raise LoadError(path, "Binärdaten, kein Text")
        controls = len(data.translate(None, _NON_CONTROL_BYTES))
        if data and controls / len(data) > MAX_CONTROL_SHARE:
            raise LoadError(path, "Binärdaten, kein Text")
        text = ""
        for encoding in ("utf-8-sig", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    # C1 controls (from a latin-1 fallback) or U+FFFD also mark binary data.
    if _control_share(text[:200_000]) > MAX_CONTROL_SHARE:
        raise LoadError(path, "Binärdaten, kein Text")
    return text.lstrip("\ufeff")


def normalise_newlines(text: str) -> str:
    """Turn CRLF, CR, form feeds and Unicode line separators into LF."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for sep in ("\f", "\v", "\x85", "\u2028", "\u2029"):
        text = text.replace(sep, "\n")
    return text


def check_line_length(path: Path, text: str, max_line_chars: int = MAX_LINE_CHARS) -> None:
    """Raise LoadError if one line is longer than max_line_chars (no running text)."""
    longest = max(map(len, text.split("\n")), default=0)
    if longest > max_line_chars:
        raise LoadError(path, f"Zeile mit {format_count(longest)} Zeichen – kein Fließtext")


def read_text(path: Path, limits: LoadLimits, max_line_chars: int | None = MAX_LINE_CHARS) -> str:
    """Read, decode and newline-normalise a text file within the limits."""
    text = normalise_newlines(decode_bytes(path, read_bytes(path, limits)))
    if max_line_chars is not None:
        check_line_length(path, text, max_line_chars)
    limits.check_time(path)
    return text


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces within lines, strip line ends and squeeze blank lines."""
    lines = [_WS_RE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def shorten(text: str, max_chars: int = TITLE_CHARS) -> str:
    """Single-line text cut at a word boundary to at most max_chars characters."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    if " " in cut[max_chars // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-–") + "…"


def group_paragraphs(text: str, max_chars: int = TEXT_BLOCK_CHARS) -> list[str]:
    """Split text at blank lines and group paragraphs into pieces of about max_chars."""
    groups: list[str] = []
    current: list[str] = []
    size = 0
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        if current and size + len(para) > max_chars:
            groups.append("\n\n".join(current))
            current, size = [], 0
        current.append(para)
        size += len(para) + 2
    if current:
        groups.append("\n\n".join(current))
    return groups


def load_text(path: Path, limits: LoadLimits) -> LoadedDocument:
    """Load a plain-text file: title from the first line, paragraphs grouped into blocks."""
    text = collapse_spaces(read_text(path, limits))
    first = next((line for line in text.split("\n") if line.strip()), "")
    title = shorten(first) if first else path.stem
    blocks = [Block(text=group) for group in group_paragraphs(text)]
    return LoadedDocument(path=path, title=title, blocks=blocks)
