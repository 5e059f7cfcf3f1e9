"""Ask and search: questions, filters, hits, citations and answers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.api.schemas.dates import DATE_PATTERN, real_date
from assistant.core import MAX_QUESTION_CHARS
from assistant.domain import DocType


class FiltersIn(BaseModel):
    """Metadata filters."""

    model_config = ConfigDict(extra="forbid")

    doc_type: list[DocType] | None = None
    jurisdiction: list[str] | None = Field(default=None, max_length=20)
    doc_id: list[str] | None = Field(default=None, max_length=50)
    stand_from: str | None = Field(default=None, pattern=DATE_PATTERN)
    as_of: str | None = Field(
        default=None,
        pattern=DATE_PATTERN,
        description="Rechtsstand am (JJJJ-MM-TT): die an diesem Tag geltenden Fassungen "
        "(ohne: heute)",
    )

    @field_validator("stand_from", "as_of")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        return real_date(value)


class AskIn(BaseModel):
    """A question, optionally continuing a conversation."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    conversation_id: str | None = Field(default=None, max_length=100)
    filters: FiltersIn | None = None
    mode: Literal["extractive", "llm"] | None = None


class SearchIn(BaseModel):
    """A search query."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    k: int = Field(default=10, ge=1, le=100)
    filters: FiltersIn | None = None


HEADING_ABOVE = (
    "true when the § has no title of its own and heading names the heading it stands under "
    "(shown in brackets: 'VwGO § 70 (8. Abschnitt - …)'), or the law's title when the law has "
    "no headings at all ('KAEAnO § 2 (Anordnung über die Zulässigkeit von …)')"
)


class Validity(BaseModel):
    """Version fields of a source and the warning shown next to it."""

    version: str | None = Field(default=None, description="version label of the cited document")
    valid_from: str | None = Field(default=None, description="first day the version is in force")
    valid_until: str | None = Field(
        default=None, description="last day the version is in force, when known"
    )
    superseded_by: str | None = Field(default=None, description="doc_id of the newer version")
    validity_note: str | None = Field(
        default=None,
        description="warning shown next to the citation: superseded, expired or old stand "
        "('Fassung bis 23.07.2024; neuere Fassung: …', 'Stand 2017 – Aktualität prüfen')",
    )


class Source(Validity):
    """Where a chunk comes from."""

    doc_id: str
    path: str | None = None
    title: str | None = None
    doc_type: str | None = None
    law: str | None = None
    section: str | None = None
    page: int | None = None
    stand: str | None = None
    heading: str | None = None
    heading_above: bool = Field(default=False, description=HEADING_ABOVE)
    file_url: str | None = None
    ocr: bool = Field(default=False, description="text recognised by OCR from a scanned page")
    ocr_confidence: float | None = Field(default=None, description="OCR confidence 0–100")


class SearchResultOut(BaseModel):
    """One search hit."""

    chunk_id: str
    score: float
    text: str
    source: Source


class SearchOut(BaseModel):
    """Search results, best first."""

    results: list[SearchResultOut]


class CitationOut(Validity):
    """A numbered source of an answer; quote is the cited text."""

    n: int
    chunk_id: str
    doc_id: str
    path: str | None = None
    title: str | None = None
    law: str | None = None
    section: str | None = None
    page: int | None = None
    quote: str = Field(description="verbatim text of the source; separate pieces joined by ' … '")
    stand: str | None = None
    source_url: str | None = None
    doc_type: str | None = None
    heading: str | None = Field(
        default=None,
        description="where in the source: the § title (for a § without one, the heading it "
        "stands under), the document's heading path, the title",
    )
    heading_above: bool = Field(default=False, description=HEADING_ABOVE)
    file_url: str | None = Field(
        default=None, description="original file (scope advise/admin, or a signed link)"
    )
    ocr: bool = Field(default=False, description="quoted text was recognised by OCR (a scan)")
    ocr_confidence: float | None = Field(default=None, description="OCR confidence 0–100")


class AnswerPartOut(BaseModel):
    """One distinct question of a long input and what became of it."""

    question: str
    outcome: Literal["answer", "candidates", "abstain"]
    confidence: float
    citations: list[int] = Field(description="numbers of this part's citations")


class VerifiedOfferOut(BaseModel):
    """A verified answer to a similar question: the question it answers, the text, its date."""

    verified_id: str
    question: str
    text: str
    published_at: float
    citations: list[dict[str, Any]]
    similarity: float
    same_question: bool


class AskOut(BaseModel):
    """An answer with citations, stored under answer_id.

    `outcome` is `answer` (a composed answer), `candidates` ("Fundstellen zum Prüfen": the most
    likely passages, no composed answer) or `abstain` (the sources do not answer it; hand-off to
    an advisor). `abstained` is true exactly for `abstain` (kept for compatibility). An
    abstention says why when it can: a rule the sources do not contain (`rules_not_in_sources`),
    a matter Land law or a federal law outside the sources rules, or a question about what law
    texts never record (who holds an office now, current figures, how to set up software) that
    only law texts meet. An answer to a question that names such a rule or matter in its setting
    says so in `notice`.
    """

    answer: str
    abstained: bool
    outcome: Literal["answer", "candidates", "abstain"]
    confidence: float = Field(
        description="calibrated: probability that a right source is among the two an answer names"
    )
    confidence_band: Literal["hoch", "mittel", "niedrig"]
    mode: str
    citations: list[CitationOut]
    notice: str | None = None
    language: str
    question: str
    resolved_question: str = Field(description="what was searched: follow-ups joined or rewritten")
    followup: bool
    anchor: str = Field(description="the last self-contained question of the conversation")
    parts: list[AnswerPartOut] = Field(
        default_factory=list, description="one entry per distinct question of a long input"
    )
    verified: bool = Field(
        default=False,
        description="the advisors' verified answer to the same question (mode `verified`)",
    )
    verified_answer: VerifiedOfferOut | None = Field(
        default=None,
        description="a verified answer to the same (`same_question`) or a similar question, "
        "offered with the question it answers for the asker to judge",
    )
    rules_not_in_sources: list[str] = Field(
        default_factory=list,
        description="rules the question names that the sources do not contain (a bylaw, a Land "
        "law, a collective agreement, an EU act): why it is not answered, or, for an answer, what "
        "it does not rest on",
    )
    answer_id: str
    conversation_id: str
