"""The core facade: adapters (api, web, slack, cli) import from here and nowhere deeper."""

from assistant.answer.engine import MAX_QUESTION_CHARS
from assistant.answer.models import AskResult
from assistant.core.assistant import Assistant
from assistant.core.chat import MAX_MESSAGES, MAX_TOTAL_CHARS, ChatMessage, render
from assistant.core.principal import ApiKey, KeyRing, Principal, local, parse_api_keys
from assistant.core.results import (
    ChatReply,
    Delta,
    DocumentsPage,
    Done,
    Failed,
    OriginalFile,
    Reset,
    SearchHit,
    Sources,
    StreamEvent,
    UploadResult,
    Usage,
)
from assistant.retrieval.results import Filters
from ingest.pipeline import IngestReport

__all__ = [
    "MAX_MESSAGES",
    "MAX_QUESTION_CHARS",
    "MAX_TOTAL_CHARS",
    "ApiKey",
    "AskResult",
    "Assistant",
    "ChatMessage",
    "ChatReply",
    "Delta",
    "DocumentsPage",
    "Done",
    "Failed",
    "Filters",
    "IngestReport",
    "KeyRing",
    "OriginalFile",
    "Principal",
    "Reset",
    "SearchHit",
    "Sources",
    "StreamEvent",
    "UploadResult",
    "Usage",
    "local",
    "parse_api_keys",
    "render",
]
