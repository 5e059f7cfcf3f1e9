"""Feedback on answers and the stored answer records."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.domain import FeedbackTag, Rating


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
