"""Typed results of the core's use cases (adapters format these, never core internals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.answer.models import AskResult


@dataclass
class SearchHit:
    """One search result: redacted text and provenance (no server paths)."""

    chunk_id: str
    score: float
    text: str
    source: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """The search contract."""
        return {
            "chunk_id": self.chunk_id,
            "score": self.score,
            "text": self.text,
            "source": self.source,
        }


@dataclass
class DocumentsPage:
    """A page of the document list."""

    documents: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


@dataclass
class UploadResult:
    """What happened to one uploaded file."""

    filename: str
    status: str
    doc_id: str | None = None
    chunks: int = 0
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class OriginalFile:
    """The bytes of an ingested document, checked against the manifest, text redacted."""

    data: bytes
    media_type: str
    inline: bool
    name: str


@dataclass
class Usage:
    """Token counts (cl100k_base) of a chat exchange."""

    prompt_tokens: int
    completion_tokens: int

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion."""
        return self.prompt_tokens + self.completion_tokens


@dataclass
class ChatReply:
    """An answer to the last user message of a chat, rendered with its sources."""

    result: AskResult
    content: str
    usage: Usage


# -- ask_stream events ------------------------------------------------------------------------


@dataclass
class Sources:
    """The retrieved passages, before the answer text."""

    sources: list[dict[str, Any]]


@dataclass
class Delta:
    """A piece of the answer text."""

    text: str


@dataclass
class Reset:
    """The streamed text so far is void (the LLM failed); the extractive answer follows."""

    notice: str | None


@dataclass
class Done:
    """The stored answer (same object as ask)."""

    result: AskResult


@dataclass
class Failed:
    """The answer could not be produced."""

    code: str
    message: str


StreamEvent = Sources | Delta | Reset | Done | Failed
