"""Chat completions (OpenAI-compatible): messages and the request."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from assistant.api.schemas.dates import DATE_PATTERN, real_date
from assistant.core import MAX_MESSAGES


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
