"""Documents and chunks as the manifest stores them, and how rows become records."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DocumentRecord:
    """One ingested document as listed in the manifest."""

    doc_id: str
    path: str
    content_hash: str
    title: str
    doc_type: str
    stand: str | None = None
    jurisdiction: str | None = None
    law: str | None = None
    law_title: str | None = None
    source_url: str | None = None
    chunk_count: int = 0
    warnings: list[str] = field(default_factory=list)
    ingested_at: float = 0.0
    recipe: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return dict(self.__dict__)


@dataclass
class ChunkRecord:
    """One stored chunk with its provenance metadata."""

    chunk_id: str
    doc_id: str
    position: int
    text: str
    breadcrumb: str
    metadata: dict[str, Any]


def law_key_of(jurabk: str) -> str:
    """Normalised law key: 'BDSG 2018' → 'bdsg', 'De-Mail-G' → 'de-mail-g'."""
    key = re.sub(r"\s+\d{4}$", "", jurabk.strip()).lower()
    return re.sub(r"\s+", "", key)


_DOC_COLUMNS = (
    "doc_id, path, content_hash, title, doc_type, stand, jurisdiction, law, law_title, "
    "source_url, chunk_count, warnings, ingested_at, recipe"
)


def _chunk_from_row(row: tuple[Any, ...]) -> ChunkRecord:
    return ChunkRecord(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]))


def _doc_from_row(row: tuple[Any, ...]) -> DocumentRecord:
    values = list(row)
    values[11] = json.loads(values[11])
    return DocumentRecord(*values)
