"""Messages to the asker: the answer with sources and buttons, the 👎 follow-up, usage, errors."""

from __future__ import annotations

import time
from typing import Any

from assistant.slack.actions import (
    ACTION_ADVISOR,
    ACTION_DOWN,
    ACTION_REASON_PREFIX,
    ACTION_SHARE,
    ACTION_UP,
    ACTIONS_BLOCK,
    REASONS,
)
from assistant.slack.blocks import (
    SECTION_LIMIT,
    TEXT_LIMIT,
    Block,
    Message,
    button,
    context,
    escape,
    fit,
    plain,
    section,
    split_text,
    to_mrkdwn,
    truncate,
)
from assistant.slack.sources import (
    confidence_note,
    quotes_add_something,
    source_blocks,
    source_label,
)

ANSWER_SECTIONS = 5

CUT_NOTE = " … _(gekürzt)_"
USAGE = (
    "Stellen Sie mir eine Frage zur kommunalen Digitalisierung, zum Beispiel "
    "`@Digitallotse Was regelt § 7 EGovG?`, per Direktnachricht oder mit "
    "`/lotse Was ist der Portalverbund?`. Rückfragen im selben Thread beziehen sich auf die "
    "vorherige Frage."
)
WORKING = "⏳ Einen Moment – ich suche in den Quellen …"


def fallback_text(payload: dict[str, Any], heading: str | None = None) -> str:
    """Top-level text: the answer and its source labels, short."""
    answer = escape(str(payload.get("answer") or ""))
    labels = "; ".join(
        f"[{c.get('n')}] {escape(source_label(c))}" for c in payload.get("citations") or []
    )
    text = truncate(answer, TEXT_LIMIT - min(len(labels), 600) - 20)
    if labels:
        text += "\nQuellen: " + truncate(labels, 600)
    if heading:
        text = f"{truncate(heading, 300)}\n{text}"
    return truncate(text, TEXT_LIMIT)


def answer_message(
    payload: dict[str, Any],
    answer_id: str,
    *,
    advisor: bool,
    share: bool = False,
    heading: str | None = None,
) -> Message:
    """The answer with [n] markers, sources, a confidence line and the buttons."""
    blocks: list[Block] = []
    if heading:
        blocks.append(context(heading))
    parts = split_text(to_mrkdwn(str(payload.get("answer") or "")))
    if len(parts) > ANSWER_SECTIONS:
        parts = parts[:ANSWER_SECTIONS]
        parts[-1] = truncate(parts[-1], SECTION_LIMIT - len(CUT_NOTE), "") + CUT_NOTE
    blocks.extend(section(part) for part in parts)
    if payload.get("notice"):
        blocks.append(context(f":warning: {escape(str(payload['notice']))}"))
    offer = payload.get("verified_answer")
    if offer and not payload.get("verified"):  # a verified answer to a similar question
        day = time.strftime("%d.%m.%Y", time.localtime(float(offer["published_at"])))
        blocks.append(
            section(
                truncate(
                    f":white_check_mark: *Geprüfte Antwort der Beratung vom {day}* zu der "
                    f"ähnlichen Frage „{escape(str(offer['question']))}“ – passt sie zu Ihrer "
                    f"Frage?\n{escape(str(offer['text']))}",
                    SECTION_LIMIT,
                )
            )
        )
    citations = list(payload.get("citations") or [])
    if citations:
        blocks.append({"type": "divider"})
        blocks.extend(source_blocks(citations, quotes=quotes_add_something(payload)))
    blocks.append(context(confidence_note(payload)))
    abstained = bool(payload.get("abstained"))
    elements: list[Block] = []
    if share:
        elements.append(button("📣 Im Kanal teilen", ACTION_SHARE, answer_id, "primary"))
    elements.append(button("👍 Hilfreich", ACTION_UP, answer_id))
    elements.append(button("👎 Nicht hilfreich", ACTION_DOWN, answer_id))
    if advisor:
        style = "primary" if abstained and not share else None
        elements.append(button("🧑‍💼 Berater*in fragen", ACTION_ADVISOR, answer_id, style))
    if elements:
        blocks.append({"type": "actions", "block_id": ACTIONS_BLOCK, "elements": elements})
    return Message(fallback_text(payload, heading), fit(blocks))


def reason_prompt(feedback_id: str) -> Message:
    """After 👎: what was wrong? (one button per reason)."""
    elements = [
        button(label, f"{ACTION_REASON_PREFIX}{tag}", f"{feedback_id}:{tag}")
        for tag, label in REASONS.items()
    ]
    text = "Danke für Ihre Rückmeldung! Was stimmt an der Antwort nicht?"
    return Message(
        text,
        [section(text), {"type": "actions", "block_id": "lotse_reasons", "elements": elements}],
    )


def reason_thanks(tag: str) -> Message:
    """Confirmation after a reason was chosen."""
    text = f"Danke! Vermerkt: {REASONS.get(tag, tag)}. Die Redaktion sieht sich die Antwort an."
    return Message(text, [section(text)])


def usage_message() -> Message:
    """How to ask."""
    return plain(USAGE)


def error_message(reference: str) -> Message:
    """Apology after an internal error, with a reference id for the logs."""
    return plain(
        ":warning: Entschuldigung, beim Beantworten ist ein interner Fehler aufgetreten. "
        f"Bitte versuchen Sie es später noch einmal. Referenz: `{reference}`"
    )


def invalid_message(reason: str) -> Message:
    """The question was rejected (empty, too long …)."""
    return plain(f"Diese Frage kann ich nicht bearbeiten: {escape(reason)}")
