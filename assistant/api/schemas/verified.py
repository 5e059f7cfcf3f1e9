"""Verified answers: the advisors' published answers and their renewal."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.domain import VerifiedState, Visibility


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
