"""Chat (OpenAI-style messages): limits, follow-ups from earlier turns, rendering, token usage."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answer.engine import AnswerEngine
from assistant.answer.models import Answer, Citation
from assistant.answer.verified import offer_text
from assistant.core.results import ChatReply, Usage
from assistant.errors import InvalidRequest
from assistant.retrieval.results import Filters
from assistant.store.records import Owner
from ingest.chunking import encoding

MAX_MESSAGES = 50
MAX_TOTAL_CHARS = 60_000


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat: role and its text."""

    role: str
    text: str


def source_line(citation: Citation) -> str:
    """'[1] VwVfG § 3a Elektronische Kommunikation – Verwaltungsverfahrensgesetz, Stand …',
    with the validity warning in brackets ('(Fassung bis 23.07.2024; neuere Fassung: …)')."""
    stand = f", Stand {citation.stand}" if citation.stand else ""
    note = f" ({citation.validity_note})" if citation.validity_note else ""
    return f"[{citation.n}] {citation.label()} – {citation.title}{stand}{note}"


def render(answer: Answer) -> str:
    """Answer text with its sources appended as a list (the one citation renderer for text)."""
    lines = [answer.answer]
    if answer.notice:
        lines += ["", f"Hinweis: {answer.notice}"]
    if answer.verified_answer and not answer.verified:
        lines += ["", offer_text(answer.verified_answer)]
    if answer.citations:
        lines += ["", "Quellen:"]
        lines.extend(source_line(c) for c in answer.citations)
    return "\n".join(lines)


def _check(messages: Sequence[ChatMessage]) -> list[str]:
    if len(messages) > MAX_MESSAGES:
        raise InvalidRequest("messages", f"höchstens {MAX_MESSAGES} Nachrichten")
    total = sum(len(m.text) for m in messages)
    if total > MAX_TOTAL_CHARS:
        raise InvalidRequest(
            "messages", f"zusammen höchstens {MAX_TOTAL_CHARS} Zeichen (hier {total})"
        )
    users = [m.text.strip() for m in messages if m.role == "user" and m.text.strip()]
    if not users:
        raise InvalidRequest("messages", "keine Nachricht mit role 'user'")
    return users


def count_tokens(texts: Sequence[str]) -> int:
    """Tokens of the texts in cl100k_base (offline)."""
    tokens = encoding()
    return sum(len(tokens.encode(t, disallowed_special=())) for t in texts)


def chat_reply(
    engine: AnswerEngine,
    messages: Sequence[ChatMessage],
    owner: Owner,
    filters: Filters | None = None,
    verified: Callable[[str], tuple[Answer | None, dict[str, Any] | None]] | None = None,
) -> ChatReply:
    """Answer the last user message (an advisors' verified answer first, when one means the
    same); never truncates: over a limit is a 422 naming it."""
    users = _check(messages)
    known, offer = verified(users[-1]) if verified else (None, None)
    if known is not None:
        result = engine.store(known, None, owner)
    else:
        answer = engine.answer(users[-1], filters=filters, history=users[:-1])
        answer.verified_answer = offer
        result = engine.store(answer, None, owner)
    content = render(result.answer)
    usage = Usage(count_tokens([m.text for m in messages]), count_tokens([content]))
    return ChatReply(result, content, usage)
