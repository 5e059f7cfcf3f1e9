"""Block Kit building blocks of the Slack bot: mrkdwn text, sections, context, buttons, messages.

Everything here is pure (no Slack calls). Limits respected: section text ≤ 3000 characters,
≤ 50 blocks per message, button values ≤ 2000 characters, and every message has a top-level
``text`` fallback (notifications, screen readers, clients without Block Kit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Block = dict[str, Any]

SECTION_LIMIT = 3000
CONTEXT_LIMIT = 3000
MAX_BLOCKS = 50
TEXT_LIMIT = 3000

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


def plain(text: str) -> Message:
    """A single-section message."""
    return Message(truncate(text, TEXT_LIMIT), [section(text)])
