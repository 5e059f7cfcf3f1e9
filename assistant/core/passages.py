"""A cited chunk in context: its neighbours, overlap removed, the quoted sentences marked."""

from __future__ import annotations

import re
from typing import Any

from assistant.answer.language import split_sentences
from assistant.store.manifest import ChunkRecord, DocumentRecord, Manifest

MAX_OVERLAP = 1500
MIN_OVERLAP = 12
_PIECE = re.compile(r"(?<=[.!?;])\s+")


def _flexible(sentence: str) -> re.Pattern[str] | None:
    """A pattern matching sentence with any whitespace between its words."""
    words = sentence.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def _find(text: str, sentence: str) -> tuple[int, int] | None:
    pattern = _flexible(sentence)
    match = pattern.search(text) if pattern else None
    return (match.start(), match.end()) if match and match.end() > match.start() else None


def quote_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Character spans of text that the quote cites (each quoted sentence found on its own).

    Spans that touch or are separated only by whitespace are merged into one.
    """
    quote = quote.strip().removesuffix("…").strip()
    if not quote or not text:
        return []
    spans: list[tuple[int, int]] = []
    for sentence in split_sentences(quote) or [quote]:
        span = _find(text, sentence)
        if span:
            spans.append(span)
            continue
        # the quote joins sentences with a space; where the splitter saw no boundary (the next
        # sentence starts in lower case), look for the pieces one by one
        for piece in _PIECE.split(sentence):
            span = _find(text, piece) if len(piece.split()) >= 3 else None
            if span:
                spans.append(span)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def segments(text: str, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Text cut into [{text, mark}] pieces; marked pieces are the spans."""
    out: list[dict[str, Any]] = []
    position = 0
    for start, end in spans:
        if start > position:
            out.append({"text": text[position:start], "mark": False})
        out.append({"text": text[start:end], "mark": True})
        position = end
    if position < len(text) or not out:
        out.append({"text": text[position:], "mark": False})
    return out


def overlap(before: str, after: str) -> int:
    """Length of the longest tail of before that is also the head of after (chunk overlap)."""
    limit = min(len(before), len(after), MAX_OVERLAP)
    for size in range(limit, MIN_OVERLAP - 1, -1):
        if before.endswith(after[:size]):
            return size
    return 0


def _passage(chunk: ChunkRecord, text: str, role: str, spans: list[tuple[int, int]]) -> dict:
    meta = chunk.metadata
    return {
        "chunk_id": chunk.chunk_id,
        "position": chunk.position,
        "role": role,
        "breadcrumb": chunk.breadcrumb,
        "section": meta.get("section"),
        "section_title": meta.get("section_title"),
        "page": meta.get("page"),
        "segments": segments(text, spans),
    }


def chunk_context(
    manifest: Manifest, chunk_id: str, quote: str = "", around: int = 1
) -> tuple[DocumentRecord, dict[str, Any]] | None:
    """The chunk with `around` neighbours on each side, or None when it is unknown."""
    found = manifest.chunks([chunk_id]).get(chunk_id)
    if found is None:
        return None
    doc = manifest.get_document(found.doc_id)
    if doc is None:
        return None
    chunks = manifest.document_chunks(found.doc_id)
    index = next((i for i, c in enumerate(chunks) if c.chunk_id == chunk_id), 0)
    before = chunks[max(0, index - around) : index]
    after = chunks[index + 1 : index + 1 + around]
    cited = chunks[index]
    passages: list[dict[str, Any]] = []
    following = cited.text
    shown_before: list[dict[str, Any]] = []
    for chunk in reversed(before):
        text = chunk.text
        cut = overlap(text, following)
        shown_before.append(_passage(chunk, text[: len(text) - cut].rstrip(), "before", []))
        following = text
    passages.extend(reversed([p for p in shown_before if p["segments"][0]["text"]]))
    marked = quote_spans(cited.text, quote)
    passages.append(_passage(cited, cited.text, "cited", marked))
    previous = cited.text
    for chunk in after:
        cut = overlap(previous, chunk.text)
        text = chunk.text[cut:].lstrip()
        if text:
            passages.append(_passage(chunk, text, "after", []))
        previous = chunk.text
    meta = cited.metadata
    body = {
        "chunk_id": chunk_id,
        "doc_id": doc.doc_id,
        "document": {
            "title": doc.title,
            "doc_type": doc.doc_type,
            "law": doc.law,
            "law_title": doc.law_title,
            "stand": doc.stand,
            "jurisdiction": doc.jurisdiction,
            "source_url": doc.source_url,
            "file_name": doc.path.replace("\\", "/").rsplit("/", 1)[-1],
            "chunk_count": doc.chunk_count,
        },
        "section": meta.get("section"),
        "page": meta.get("page"),
        "highlighted": bool(marked),
        "passages": passages,
    }
    return doc, body
