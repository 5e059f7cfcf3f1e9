"""Cases: questions that need a person, their moves, notes and answers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.core import MAX_QUESTION_CHARS
from assistant.domain import CaseStatus, Visibility


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
