"""Request and response models of API v1 (the documented contract)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.core import MAX_MESSAGES, MAX_QUESTION_CHARS
from assistant.domain import CaseStatus, DocType, FeedbackTag, Rating, VerifiedState, Visibility
from assistant.http.errors import ErrorResponse

__all__ = ["ErrorResponse"]


DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def real_date(value: str | None) -> str | None:
    """The value when it is a real calendar day (JJJJ-MM-TT), else a validation error."""
    if value is not None:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("kein gültiges Datum (JJJJ-MM-TT)") from None
    return value


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
        description="where in the source: the § title, the document's heading path, the title",
    )
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
    an advisor). `abstained` is true exactly for `abstain` (kept for compatibility).
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
    answer_id: str
    conversation_id: str


class DocumentOut(BaseModel):
    """An ingested document."""

    doc_id: str
    path: str | None = None
    title: str
    doc_type: str
    stand: str | None = None
    jurisdiction: str | None = None
    law: str | None = None
    law_title: str | None = None
    source_url: str | None = None
    chunk_count: int
    warnings: list[str] = []
    ingested_at: float
    file_url: str | None = None
    visibility: Literal["public", "organisation"] = "public"
    organisation: str | None = None


class DocumentDetailOut(DocumentOut):
    """A document with its sections or pages."""

    sections: list[str] = []


class DocumentListOut(BaseModel):
    """A page of documents."""

    documents: list[DocumentOut]
    total: int
    offset: int
    limit: int


class UploadResultOut(BaseModel):
    """Outcome per uploaded file."""

    filename: str
    status: str
    doc_id: str | None = None
    chunks: int = 0
    reason: str | None = None
    warnings: list[str] = []


class UploadOut(BaseModel):
    """Per-file results of an upload."""

    results: list[UploadResultOut]


class FeedbackIn(BaseModel):
    """Feedback on an answer."""

    model_config = ConfigDict(extra="forbid")

    answer_id: str = Field(min_length=1, max_length=100)
    rating: Rating
    tags: list[FeedbackTag] = Field(default_factory=list, max_length=6)
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackOut(BaseModel):
    """Stored feedback id."""

    feedback_id: str


class AnswerRecordOut(BaseModel):
    """What was asked, answered and cited, with feedback."""

    answer_id: str
    conversation_id: str
    question: str
    resolved_question: str
    answer: dict[str, Any]
    created_at: float
    feedback: list[dict[str, Any]]


class ChatMessage(BaseModel):
    """An OpenAI chat message."""

    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionIn(BaseModel):
    """OpenAI-compatible chat completion request (extra fields are ignored)."""

    model: str = "digitallotse"
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    as_of: str | None = Field(
        default=None,
        pattern=DATE_PATTERN,
        description="Rechtsstand am (JJJJ-MM-TT); ohne: die heute geltenden Fassungen",
    )

    @field_validator("as_of")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        return real_date(value)


class CaseIn(BaseModel):
    """A question that needs a person: from a stored answer, or a question of its own."""

    model_config = ConfigDict(extra="forbid")

    answer_id: str | None = Field(default=None, max_length=100)
    question: str | None = Field(default=None, min_length=1, max_length=MAX_QUESTION_CHARS)
    note: str | None = Field(default=None, max_length=4000)
    contact: dict[str, str] = Field(
        default_factory=dict, max_length=5, description="how to reach the asker, e.g. e-mail"
    )


class CaseMoveIn(BaseModel):
    """A new status (along the allowed transitions) or assignee."""

    model_config = ConfigDict(extra="forbid")

    status: CaseStatus | None = None
    assignee: str | None = Field(default=None, max_length=200)


class CaseNoteIn(BaseModel):
    """An internal note of the advisors."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=10_000)


class CaseAnswerIn(BaseModel):
    """The advisor's answer with its sources."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=50_000)
    citations: list[dict[str, Any]] = Field(default_factory=list, max_length=30)
    publish: bool = Field(
        default=False, description="als geprüfte Antwort veröffentlichen (wird wiederverwendet)"
    )
    visibility: Visibility | None = Field(
        default=None, description="public (Standard) oder organisation: nur die fragende"
    )
    valid_days: int | None = Field(
        default=None, ge=1, le=3650, description="Prüfdatum in Tagen (Standard 365)"
    )


class CaseOut(BaseModel):
    """A case: question, the assistant's draft, status, assignee, notes (advisors), answer."""

    model_config = ConfigDict(extra="allow")

    case_id: str
    status: CaseStatus
    question: str
    answer_id: str | None = None
    draft: dict[str, Any]
    topics: list[str] = Field(
        default_factory=list, description="Gesetze bzw. Dokumente, die der Entwurf zitiert"
    )
    created_at: float
    updated_at: float


class CaseListOut(BaseModel):
    """Cases, oldest first."""

    cases: list[CaseOut]


class VerifiedOut(BaseModel):
    """A verified answer: the advisors' published answer with its sources and its state."""

    model_config = ConfigDict(extra="allow")

    verified_id: str
    case_id: str | None = None
    question: str
    text: str
    citations: list[dict[str, Any]]
    visibility: Visibility
    organisation: str | None = None
    doc_id: str | None = None
    published_at: float
    valid_until: float
    state: VerifiedState
    verified: bool
    reason: str | None = None


class VerifiedListOut(BaseModel):
    """Verified answers, newest first."""

    verified: list[VerifiedOut]


class RenewIn(BaseModel):
    """Confirm a verified answer after review."""

    model_config = ConfigDict(extra="forbid")

    valid_days: int | None = Field(default=None, ge=1, le=3650)


class GapOutcomesOut(BaseModel):
    """How the questions of a topic ended."""

    answer: int = Field(description="beantwortet, aber mit 👎 bewertet")
    candidates: int = Field(description="nur Fundstellen zum Prüfen")
    abstain: int = Field(description="keine Antwort aus den Quellen")


class GapGroupOut(BaseModel):
    """A topic the sources do not cover well: what the centre could write next."""

    label: str = Field(description="die kennzeichnenden Begriffe (klassenbasiertes TF-IDF)")
    terms: list[str]
    size: int = Field(description="Zahl der Fragen")
    examples: list[str] = Field(description="bis zu 5 typische Fragen (maskiert)")
    organisations: list[str]
    first_seen: str
    last_seen: str
    outcomes: GapOutcomesOut
    thumbs_down: int
    single: bool = Field(
        default=False,
        description="true: keine Themengruppe, sondern die Einzelfragen (Fragen ohne ähnliche "
        "Frage, bis zu 20 als examples, neueste zuerst), immer als letzter Eintrag",
    )


class GapsOut(BaseModel):
    """The knowledge-gaps report: topics by size, largest first."""

    since: str | None = Field(description="Beginn des Zeitraums (UTC), null: alles Gespeicherte")
    questions: int = Field(description="Fragen im Zeitraum ohne Antwort, mit Fundstellen oder 👎")
    distance: float = Field(description="Kosinus-Abstand, unter dem Fragen ein Thema bilden")
    groups: list[GapGroupOut]


class UsageRowOut(BaseModel):
    """Usage of one organisation in one ISO week (UTC); no user ids."""

    week: str = Field(examples=["2025-W07"])
    organisation: str | None = Field(description="null: Schlüssel ohne Organisation")
    questions: int
    answer: int
    candidates: int
    abstain: int
    answer_share: float
    candidates_share: float
    abstain_share: float
    thumbs_up: int
    thumbs_down: int
    cases_opened: int
    cases_answered: int
    median_hours_to_answer: float | None = Field(
        description="Median der Stunden vom Anlegen bis zur Antwort der in der Woche "
        "beantworteten Fälle"
    )


class UsageOut(BaseModel):
    """The usage report, oldest week first."""

    rows: list[UsageRowOut]


class SourceOut(BaseModel):
    """A source of `lotse sync` with its last run."""

    name: str
    kind: Literal["path", "url", "sitemap", "git"]
    location: str = Field(description="Ordner, Adresse oder Repository (Zugangsdaten maskiert)")
    configured: bool = Field(description="steht (noch) in der Quellendatei")
    status: Literal["ok", "partial", "failed", "never"] = Field(
        description="letzter Lauf: ok, partial (einzelne Einträge fehlgeschlagen), failed "
        "(Quelle nicht erreichbar: nichts gelöscht) oder never"
    )
    started_at: str | None
    finished_at: str | None
    last_success: str | None = Field(description="Ende des letzten nicht fehlgeschlagenen Laufs")
    seconds: float
    items: int = Field(description="bekannte Einträge der Quelle")
    added: int
    updated: int
    unchanged: int
    removed: int = Field(description="in zwei erfolgreichen Läufen nacheinander gefehlt: entfernt")
    missing: int = Field(description="beim letzten Lauf gefehlt (beim nächsten Fehlen entfernt)")
    skipped: int
    failed: int
    errors: list[str]
    removed_items: list[str]
    renamed_from: str | None = Field(
        default=None,
        description="umbenannt von: der alte Name, dessen Zustand, Dateien und Dokumente die "
        "Quelle übernommen hat (gleiche Art und gleicher Ort)",
    )


class SourcesOut(BaseModel):
    """The sources file and each source's last run."""

    config: str = Field(description="die Quellendatei (LOTSE_SYNC_CONFIG)")
    config_error: str | None = Field(description="warum die Quellendatei nicht lesbar ist")
    sources: list[SourceOut]


class SyncStartedOut(BaseModel):
    """A sync run started in the background."""

    started: bool
    config: str = Field(description="die Quellendatei, die der Lauf liest")
