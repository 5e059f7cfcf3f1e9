"""Answer and citation shapes (the ask contract)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.retrieval.hybrid import Hit


@dataclass
class Citation:
    """A numbered source of an answer."""

    n: int
    chunk_id: str
    doc_id: str
    path: str | None
    title: str | None
    law: str | None
    section: str | None
    page: int | None
    quote: str
    stand: str | None = None
    source_url: str | None = None
    doc_type: str | None = None

    @classmethod
    def from_hit(cls, n: int, hit: Hit, quote: str) -> Citation:
        """Citation n for a retrieved chunk, quoting the sentences used."""
        meta = hit.chunk.metadata
        return cls(
            n=n,
            chunk_id=hit.chunk.chunk_id,
            doc_id=hit.chunk.doc_id,
            path=meta.get("path"),
            title=meta.get("law_title") or meta.get("title"),
            law=meta.get("law"),
            section=meta.get("section"),
            page=meta.get("page"),
            quote=quote,
            stand=meta.get("stand"),
            source_url=meta.get("source_url"),
            doc_type=meta.get("doc_type"),
        )

    def label(self) -> str:
        """Short human label: 'VwVfG § 3a', 'Titel, S. 4'."""
        if self.law and self.section:
            return f"{self.law} {self.section}"
        base = self.title or self.doc_id
        if self.section:
            base = f"{base}, {self.section}"
        if self.page:
            base = f"{base}, S. {self.page}"
        return base


@dataclass
class Answer:
    """An answer with its citations; abstained answers cite nothing."""

    answer: str
    abstained: bool
    confidence: float
    mode: str
    citations: list[Citation] = field(default_factory=list)
    notice: str | None = None
    language: str = "de"
    question: str = ""
    resolved_question: str = ""
    retrieved: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The ask JSON contract."""
        return {
            "answer": self.answer,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 3),
            "mode": self.mode,
            "citations": [asdict(c) for c in self.citations],
            "notice": self.notice,
            "language": self.language,
        }
