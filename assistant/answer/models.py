"""Answer and citation shapes (the ask contract)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.domain import Outcome, confidence_band
from assistant.retrieval.results import (
    Hit,
    SearchResult,
    display_name,
    file_path,
    heading_above,
    heading_of,
)


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
    heading: str | None = None  # § title (else the heading above the §), the heading path, page
    file_url: str | None = None  # the original file (advise/admin or a signed link)
    ocr: bool = False  # quoted from a scanned page recognised by OCR
    ocr_confidence: float | None = None  # Tesseract's mean word confidence of that page (0–100)
    version: str | None = None  # the cited document's version label (front matter)
    valid_from: str | None = None  # first day the cited version is in force
    valid_until: str | None = None  # last day, when known (given, or the day before the next)
    superseded_by: str | None = None  # doc_id of the newer version, when it is indexed
    validity_note: str | None = None  # 'Fassung bis 23.07.2024; neuere Fassung: …'
    heading_above: bool = False  # the § has no title; heading names the one it stands under

    @classmethod
    def from_hit(cls, n: int, hit: Hit, quote: str) -> Citation:
        """Citation n for a retrieved chunk, quoting the sentences used."""
        meta = hit.chunk.metadata
        return cls(
            n=n,
            chunk_id=hit.chunk.chunk_id,
            doc_id=hit.chunk.doc_id,
            path=display_name(meta.get("path")),
            title=meta.get("law_title") or meta.get("title"),
            law=meta.get("law"),
            section=meta.get("section"),
            page=meta.get("page"),
            quote=quote,
            stand=meta.get("stand"),
            source_url=meta.get("source_url"),
            doc_type=meta.get("doc_type"),
            heading=heading_of(hit.chunk.breadcrumb, meta),
            heading_above=heading_above(hit.chunk.breadcrumb, meta),
            file_url=file_path(hit.chunk.doc_id),
            ocr=bool(meta.get("ocr")),
            ocr_confidence=meta.get("ocr_confidence"),
        )

    def label(self) -> str:
        """Short label: 'VwVfG § 3a Elektronische Kommunikation', 'Titel, S. 3 (OCR)'."""
        ocr = " (OCR)" if self.ocr else ""
        if self.law and self.section:
            title = f" {self.heading}" if self.heading else ""
            if self.heading and self.heading_above:
                title = f" ({self.heading})"  # 'VwGO § 70 (8. Abschnitt - …)'
            return f"{self.law} {self.section}{title}{ocr}"
        base = self.title or self.doc_id
        if self.heading and self.heading != self.title:
            base = f"{base} › {self.heading}"
        elif self.section:
            base = f"{base}, {self.section}"
        if self.page:
            base = f"{base}, S. {self.page}"
        return f"{base}{ocr}"


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
    outcome: str = Outcome.ANSWER
    followup: bool = False
    anchor: str = ""  # the last self-contained question of the conversation
    parts: list[dict[str, Any]] = field(default_factory=list)  # one per distinct question
    notices: list[str] = field(default_factory=list)
    verified: bool = False  # an advisors' published answer, reused for the same question
    # the verified answer to a similar question (offered for the asker to judge), or the one used
    verified_answer: dict[str, Any] | None = None
    # rules the question names that the sources do not contain: why it is not answered
    rules_not_in_sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The ask JSON contract (`abstained` kept for compatibility beside `outcome`)."""
        return {
            "answer": self.answer,
            "abstained": self.abstained,
            "outcome": str(self.outcome),
            "confidence": round(self.confidence, 3),
            "confidence_band": confidence_band(self.confidence, self.outcome),
            "mode": self.mode,
            "citations": [asdict(c) for c in self.citations],
            "notice": self.notice,
            "language": self.language,
            "question": self.question,
            "resolved_question": self.resolved_question or self.question,
            "followup": self.followup,
            "anchor": self.anchor or self.question,
            "parts": self.parts,
            "verified": self.verified,
            "verified_answer": self.verified_answer,
            "rules_not_in_sources": self.rules_not_in_sources,
        }


@dataclass
class AskResult:
    """An answer with its stored id and conversation."""

    answer: Answer
    answer_id: str
    conversation_id: str

    def as_dict(self) -> dict[str, Any]:
        """Ask contract plus ids."""
        return {
            **self.answer.as_dict(),
            "answer_id": self.answer_id,
            "conversation_id": self.conversation_id,
        }


@dataclass
class Part:
    """One distinct question of an input, retrieved and decided."""

    asked: str
    query: str
    result: SearchResult
    hits: list[Hit]
    outcome: Outcome
    confidence: float


@dataclass
class Prepared:
    """State between retrieval and generation."""

    question: str
    resolved: str
    language: str
    mode: str
    result: SearchResult
    hits: list[Hit]
    confidence: float
    answer: Answer | None = None
    outcome: Outcome = Outcome.ANSWER
    followup: bool = False
    anchor: str = ""
    parts: list[Part] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # optional stages that fell back
