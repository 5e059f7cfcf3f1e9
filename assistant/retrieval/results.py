"""What retrieval returns: filters, hits with their signals, and the search result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from assistant.retrieval.query import ParsedQuery
from assistant.store.manifest import ChunkRecord


@dataclass
class Filters:
    """Metadata filters for search."""

    doc_type: list[str] | None = None
    jurisdiction: list[str] | None = None
    doc_id: list[str] | None = None
    stand_from: int | None = None
    exclude_doc_id: list[str] | None = None  # documents the principal may not see
    as_of: dt.date | None = None  # the versions in force on that day (None: today)

    def active(self) -> dict[str, Any]:
        """Only the metadata filters that are set (as_of works through exclude_doc_id)."""
        return {k: v for k, v in self.__dict__.items() if v and k != "as_of"}

    def chroma_where(self) -> dict[str, Any] | None:
        """The same filters as a Chroma where clause."""
        clauses: list[dict[str, Any]] = []
        for name in ("doc_type", "jurisdiction", "doc_id"):
            values = getattr(self, name)
            if values:
                clauses.append({name: {"$in": list(values)}})
        if self.stand_from:
            clauses.append({"stand_num": {"$gte": int(self.stand_from)}})
        if self.exclude_doc_id:
            clauses.append({"doc_id": {"$nin": list(self.exclude_doc_id)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class Hit:
    """One retrieved chunk with the signals that ranked it."""

    chunk: ChunkRecord
    score: float
    dense: float | None = None
    lexical: float | None = None
    reference: bool = False

    def source(self) -> dict[str, Any]:
        """Provenance as in the search contract."""
        meta = self.chunk.metadata
        return {
            "doc_id": self.chunk.doc_id,
            "path": display_name(meta.get("path")),
            "file_url": file_path(self.chunk.doc_id),
            "title": meta.get("title"),
            "doc_type": meta.get("doc_type"),
            "law": meta.get("law"),
            "section": meta.get("section"),
            "page": meta.get("page"),
            "stand": meta.get("stand"),
            "heading": heading_of(self.chunk.breadcrumb, meta),
            "heading_above": heading_above(self.chunk.breadcrumb, meta),
            "ocr": bool(meta.get("ocr")),  # text recognised from a scanned page
            "ocr_confidence": meta.get("ocr_confidence"),
        }


def heading_above(breadcrumb: str, meta: dict[str, Any]) -> bool:
    """True when a § has no title of its own and its heading names the one it stands under."""
    untitled = bool(meta.get("section")) and not meta.get("section_title")
    return untitled and heading_of(breadcrumb, meta) is not None


def display_name(path: object) -> str | None:
    """A document's file name for display: never the server's absolute path."""
    if not path:
        return None
    return str(path).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or None


def file_path(doc_id: str) -> str:
    """Relative URL of a document's original file (needs `advise`/`admin` or a signed link)."""
    return f"/web/files/{quote(doc_id, safe='')}"


def heading_of(breadcrumb: str, meta: dict[str, Any]) -> str | None:
    """Where in its document a chunk stands: the § title (for a § the law gives none, such as
    VwGO § 70, the heading it stands under; in a law without headings, as KAEAnO, the law's
    title), the heading path, or the title."""
    if meta.get("section"):
        if meta.get("section_title"):
            return str(meta["section_title"])
        above = [p.strip() for p in breadcrumb.split(" › ")[1:]]
        above = [p for p in above if p and p != meta["section"] and not p.startswith("Seite ")]
        if above:
            return above[-1]
        law_title = meta.get("law_title") or meta.get("title")
        return str(law_title) if law_title else None
    parts = [p.strip() for p in breadcrumb.split(" › ")[1:]]
    parts = [p for p in parts if p and not p.startswith("Seite ")]
    if parts:
        return " › ".join(parts)
    return str(meta["title"]) if meta.get("title") else None


@dataclass
class SearchResult:
    """Hits plus what retrieval understood of the query."""

    hits: list[Hit]
    parsed: ParsedQuery
    top_dense: float = 0.0
    top_lexical: float = 0.0
    signals: dict[str, float] = field(default_factory=dict)
    laws: list[str] = field(default_factory=list)  # laws the question was routed to, best first
    notices: list[str] = field(default_factory=list)  # optional stages that fell back
    # the best units ((doc_id, section) or (doc_id, "#chunk")) with their evidence
    units: list[tuple[tuple[str, str], dict[str, float]]] = field(default_factory=list)
