"""Data shapes passed between loaders, chunking and indexing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.domain import DocType
from assistant.store.validity import Validity

DOC_TYPES = tuple(str(t) for t in DocType)


@dataclass
class Block:
    """A structural unit of a document; a chunk never spans two blocks."""

    text: str
    headings: list[str] = field(default_factory=list)
    section: str | None = None
    section_title: str | None = None
    page: int | None = None
    ocr_confidence: float | None = None  # set when the text was recognised by OCR (0–100)


@dataclass
class LoadedDocument:
    """A parsed document: metadata plus its blocks in reading order."""

    path: Path
    title: str
    blocks: list[Block]
    doc_type: str | None = None
    stand: str | None = None
    jurisdiction: str | None = None
    source_url: str | None = None
    law: str | None = None
    law_title: str | None = None
    warnings: list[str] = field(default_factory=list)
    ocr: dict[str, Any] | None = None  # what OCR did (pages, mean confidence, rejected, …)
    validity: Validity = field(default_factory=Validity)  # version fields of the front matter


@dataclass
class Chunk:
    """A piece of a document ready for embedding and indexing."""

    chunk_id: str
    doc_id: str
    position: int
    text: str
    breadcrumb: str
    metadata: dict[str, str | int]

    @property
    def indexed_text(self) -> str:
        """The text that is embedded and lexically indexed: breadcrumb plus body."""
        return f"{self.breadcrumb}\n{self.text}"
