"""Block Kit messages of the Slack bot: stored answer payloads in, Slack message JSON out.

Everything here is pure (no Slack calls). Limits respected: section text ≤ 3000 characters,
≤ 50 blocks per message, button values ≤ 2000 characters, and every message has a top-level
``text`` fallback (notifications, screen readers, clients without Block Kit).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from assistant.domain import confidence_band

Block = dict[str, Any]

SECTION_LIMIT = 3000
CONTEXT_LIMIT = 3000
MAX_BLOCKS = 50
TEXT_LIMIT = 3000
ANSWER_SECTIONS = 5
MAX_SOURCES = 15
QUOTE_CHARS = 240
ADVISOR_ANSWER_CHARS = 2800

ACTION_UP = "lotse_feedback_up"
ACTION_DOWN = "lotse_feedback_down"
ACTION_REASON_PREFIX = "lotse_reason_"
ACTION_ADVISOR = "lotse_ask_advisor"
ACTION_SHARE = "lotse_share"
ACTIONS_BLOCK = "lotse_answer_actions"

REASONS: dict[str, str] = {
    "wrong": "Falsch",
    "incomplete": "Unvollständig",
    "wrong_sources": "Falsche Quellen",
    "outdated": "Veraltet",
}

CUT_NOTE = " … _(gekürzt)_"
USAGE = (
    "Stellen Sie mir eine Frage zur kommunalen Digitalisierung, zum Beispiel "
    "`@Digitallotse Was regelt § 7 EGovG?`, per Direktnachricht oder mit "
    "`/lotse Was ist der Portalverbund?`. Rückfragen im selben Thread beziehen sich auf die "
    "vorherige Frage."
)
WORKING = "⏳ Einen Moment – ich suche in den Quellen …"

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass
class Message:
    """A Slack message: fallback text plus blocks."""

    text: str
    blocks: list[Block]

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage / chat.update / respond."""
        return {"text": self.text, "blocks": self.blocks}


# -- text helpers -------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Escape the three control characters of Slack mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """Engine text (plain or light Markdown) as Slack mrkdwn: escaped, **bold** → *bold*."""
    text = escape(text)
    text = _MD_LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1).replace('|', '/')}>", text)
    return _BOLD.sub(r"*\1*", text)


def truncate(text: str, limit: int, suffix: str = " …") -> str:
    """At most `limit` characters, cut at a word boundary, never inside an &entity;."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(suffix))]
    space = cut.rfind(" ")
    if space > len(cut) * 0.6:
        cut = cut[:space]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + suffix


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split into pieces ≤ limit, preferring paragraph, then sentence, then word boundaries."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for sep in ("\n\n", "\n", ". ", "] ", " "):
            pos = window.rfind(sep)
            if pos > limit // 3:
                cut = pos + len(sep)
                break
        if cut == -1:
            cut = limit
            amp = window.rfind("&")
            if amp > 0 and ";" not in window[amp:]:
                cut = amp
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def pack_lines(lines: list[str], limit: int = SECTION_LIMIT) -> list[str]:
    """Join lines into as few pieces ≤ limit as possible (a too long line is truncated)."""
    pieces: list[str] = []
    current = ""
    for raw in lines:
        line = truncate(raw, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def german_date(value: str) -> str:
    """'2021-07-16' → '16.07.2021'; anything else unchanged."""
    match = _ISO_DATE.match(value.strip())
    if not match:
        return value
    return f"{match.group(3)}.{match.group(2)}.{match.group(1)}"


# -- blocks -------------------------------------------------------------------------------------


def section(text: str) -> Block:
    """A mrkdwn section (text cut to the Block Kit limit)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_LIMIT)}}


def context(text: str) -> Block:
    """A one-element mrkdwn context block."""
    element = {"type": "mrkdwn", "text": truncate(text, CONTEXT_LIMIT)}
    return {"type": "context", "elements": [element]}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    """A button element."""
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text[:75], "emoji": True},
        "action_id": action_id,
        "value": value[:2000],
    }
    if style:
        element["style"] = style
    return element


def fit(blocks: list[Block]) -> list[Block]:
    """At most 50 blocks; the last block (the buttons) always survives."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    return [*blocks[: MAX_BLOCKS - 2], context("… _(gekürzt)_"), blocks[-1]]


# -- sources and confidence ---------------------------------------------------------------------


def source_line(citation: dict[str, Any], quote: bool = True) -> str:
    """'[1] *OZG § 3* · Gesetz … · S. 4 · Stand 16.07.2021 · <url|Quelle öffnen>' (+ quote)."""
    law, sect = citation.get("law"), citation.get("section")
    title = citation.get("title") or citation.get("doc_id") or "Quelle"
    heading = citation.get("heading")
    if law and sect:
        parts = [f"*{escape(f'{law} {sect}')}*"]
        if heading:
            parts[0] += f" {escape(str(heading))}"
        if title:
            parts.append(escape(str(title)))
    else:
        head = str(title) if not sect else f"{title}, {sect}"
        if heading and heading != title:
            head = f"{title} › {heading}"
        parts = [f"*{escape(head)}*"]
    if citation.get("page"):
        parts.append(f"S. {citation['page']}")
    if citation.get("ocr"):
        parts.append("Text per OCR erkannt")
    if citation.get("stand"):
        parts.append(f"Stand {escape(german_date(str(citation['stand'])))}")
    if citation.get("validity_note"):
        parts.append(f"⚠️ {escape(str(citation['validity_note']))}")
    url = citation.get("source_url")
    if isinstance(url, str) and url.startswith(("https://", "http://")) and "|" not in url:
        parts.append(f"<{escape(url)}|Quelle öffnen>")
    line = f"[{citation.get('n', '?')}] " + " · ".join(parts)
    text = str(citation.get("quote") or "").strip()
    if quote and text:
        line += "\n>„" + truncate(escape(" ".join(text.split())), QUOTE_CHARS) + "“"
    return line


def source_label(citation: dict[str, Any]) -> str:
    """Plain label for the fallback text: 'OZG § 3', 'Titel, S. 4'."""
    law, sect, heading = citation.get("law"), citation.get("section"), citation.get("heading")
    if law and sect:
        return f"{law} {sect} {heading}" if heading else f"{law} {sect}"
    label = str(citation.get("title") or citation.get("doc_id") or "Quelle")
    if heading and heading != label:
        label += f" › {heading}"
    elif sect:
        label += f", {sect}"
    if citation.get("page"):
        label += f", S. {citation['page']}"
    return label


def source_blocks(citations: list[dict[str, Any]], quotes: bool = True) -> list[Block]:
    """'*Quellen*' and one line per source, packed into sections ≤ 3000 characters."""
    lines = [source_line(c, quotes) for c in citations[:MAX_SOURCES]]
    if len(citations) > MAX_SOURCES:
        lines.append(f"_… und {len(citations) - MAX_SOURCES} weitere Quellen_")
    return [section(piece) for piece in pack_lines(["*Quellen*", *lines])]


def _quotes_add_something(payload: dict[str, Any]) -> bool:
    """Extractive answers consist of the quoted sentences already; LLM answers do not."""
    return payload.get("mode") != "extractive"


def confidence_note(payload: dict[str, Any]) -> str:
    """One line: how sure the answer is and how it was made."""
    outcome = payload.get("outcome") or ("abstain" if payload.get("abstained") else "answer")
    if outcome == "abstain":
        return (
            ":grey_question: Keine belastbare Antwort in den Quellen – Berater*innen helfen weiter."
        )
    level = payload.get("confidence_band") or confidence_band(float(payload.get("confidence") or 0))
    if outcome == "candidates":
        return f":mag: Fundstellen zum Prüfen – keine eindeutige Antwort · Sicherheit: {level}"
    how = (
        "von einem Sprachmodell formuliert, Belege geprüft"
        if payload.get("mode") == "llm"
        else "wörtlich aus den Quellen zusammengestellt"
    )
    return f":bar_chart: Sicherheit: {level} · {how}"


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


# -- messages -----------------------------------------------------------------------------------


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
        blocks.extend(source_blocks(citations, quotes=_quotes_add_something(payload)))
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


def plain(text: str) -> Message:
    """A single-section message."""
    return Message(truncate(text, TEXT_LIMIT), [section(text)])


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
        blocks.extend(source_blocks(citations, quotes=_quotes_add_something(payload)))
    blocks.append(
        context(f"{confidence_note(payload)} · Antwort-ID `{escape(str(record.get('answer_id')))}`")
    )
    if permalink:
        blocks.append(section(f"<{escape(permalink)}|➡️ Zum Thread> – bitte dort antworten."))
    else:
        blocks.append(section(f"Die Frage kam als private Antwort – bitte {who} direkt antworten."))
    text = f"Frage an die Berater*innen von {who}: {escape(question)}"
    return Message(truncate(text, TEXT_LIMIT), fit(blocks))
