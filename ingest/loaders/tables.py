"""Markdown tables as readable sentences: 'Förderquote: 65 %.', not '| Förderquote | 65 % |'."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ingest.loaders.markup import clean_inline


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def table_rows(text: str) -> list[list[str]]:
    """Cells of every row of a GFM table (header row first); [] when text is no table."""
    rows: list[list[str]] = []
    current: list[str] | None = None
    for token in _parser().parse(text):
        if token.type == "tr_open":
            current = []
        elif token.type == "inline" and current is not None:
            current.append(clean_inline(token.content).strip())
        elif token.type == "tr_close" and current is not None:
            rows.append(current)
            current = None
    return rows


PHRASE_WORDS = 3  # a cell of more words is a phrase: its header is set off with a colon


def _end(text: str) -> str:
    return text if text.endswith((".", "!", "?", ":")) else f"{text}."


def render_table(text: str) -> list[str]:
    """One sentence per row: first cell as label, the others with their column headers
    ('Berlin: Rang 1, Punkte 80.'; where a cell is a phrase, 'E-Vergabe – Wirkung: Plattformen
    müssen …; Fundstelle: § 10 VgV.', so that no header runs into its cell's first word)."""
    rows = table_rows(text)
    if len(rows) < 2:
        return []
    header, body = rows[0], rows[1:]
    lines: list[str] = []
    for row in body:
        cells = [c for c in row if c]
        if not cells:
            continue
        if len(row) == 2 and row[0] and row[1]:
            lines.append(_end(f"{row[0]}: {row[1]}"))
            continue
        named = [
            (header[i] if i < len(header) else "", cell)
            for i, cell in enumerate(row[1:], start=1)
            if cell
        ]
        label = row[0] or (header[0] if header else "")
        if any(len(cell.split()) > PHRASE_WORDS for _, cell in named):
            parts = [f"{head}: {cell}" if head else cell for head, cell in named]
            lines.append(_end(f"{label} – {'; '.join(parts)}" if label else "; ".join(parts)))
            continue
        parts = [f"{head} {cell}".strip() for head, cell in named]
        lines.append(_end(f"{label}: {', '.join(parts)}" if parts else label))
    return lines
