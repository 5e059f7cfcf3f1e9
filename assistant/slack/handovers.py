"""Messages of a question handed over to the advisors: the note to the asker, the channel post."""

from __future__ import annotations

from typing import Any

from assistant.slack.blocks import (
    TEXT_LIMIT,
    Block,
    Message,
    context,
    escape,
    fit,
    plain,
    section,
    to_mrkdwn,
    truncate,
)
from assistant.slack.sources import confidence_note, quotes_add_something, source_blocks

ADVISOR_ANSWER_CHARS = 2800


def advisor_note(user: str | None) -> Message:
    """Told to the asker in their thread after 'Berater*in fragen'."""
    who = f"<@{user}> " if user else ""
    return plain(
        f"{who}Ich habe Ihre Frage an die Berater*innen weitergegeben. "
        "Eine Berater*in antwortet Ihnen hier im Thread."
    )


def advisor_message(
    record: dict[str, Any],
    *,
    user: str | None,
    channel: str | None,
    permalink: str | None,
) -> Message:
    """The question, the bot's answer and its sources for the advisors' channel."""
    payload = record.get("answer") or {}
    question = str(record.get("question") or "")
    resolved = str(record.get("resolved_question") or "")
    who = f"<@{user}>" if user else "Jemand"
    where = f" in <#{channel}>" if channel and channel[:1] in "CG" else ""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Frage an die Berater*innen"}},
        section(f"{who} bittet{where} um Unterstützung.\n*Frage:* {escape(question)}"),
    ]
    if resolved and resolved != question:
        blocks.append(context(f"Im Gesprächsverlauf verstanden als: {escape(resolved)}"))
    answer = truncate(to_mrkdwn(str(payload.get("answer") or "")), ADVISOR_ANSWER_CHARS)
    outcome = payload.get("outcome") or ("abstain" if payload.get("abstained") else "answer")
    label = {"abstain": "Enthaltung", "candidates": "Fundstellen"}.get(outcome, "Antwort")
    blocks.append(section(f"*{label} des Digitallotsen:*\n{answer}"))
    citations = list(payload.get("citations") or [])
    if citations:
        blocks.extend(source_blocks(citations, quotes=quotes_add_something(payload)))
    blocks.append(
        context(f"{confidence_note(payload)} · Antwort-ID `{escape(str(record.get('answer_id')))}`")
    )
    if permalink:
        blocks.append(section(f"<{escape(permalink)}|➡️ Zum Thread> – bitte dort antworten."))
    else:
        blocks.append(section(f"Die Frage kam als private Antwort – bitte {who} direkt antworten."))
    text = f"Frage an die Berater*innen von {who}: {escape(question)}"
    return Message(truncate(text, TEXT_LIMIT), fit(blocks))
