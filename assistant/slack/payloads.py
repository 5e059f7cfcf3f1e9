"""Slack payloads read: message text as a plain question, the workspace, bot messages, clicks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_USER_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_SPECIAL = re.compile(r"<![^>]*>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto|tel):[^>|]+)(?:\|([^>]*))?>")


def clean_text(text: str) -> str:
    """Slack message text as a plain question: mentions dropped, links and escapes resolved."""
    text = _USER_MENTION.sub(" ", text)
    text = _SPECIAL.sub(" ", text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def extract_team(body: dict[str, Any]) -> str | None:
    """The workspace (team id) a payload comes from, None when it names none."""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    return str(team) if team else (body.get("user") or {}).get("team_id")


def from_bot(event: dict[str, Any]) -> bool:
    """Messages written by bots or integrations (never answered)."""
    return bool(event.get("bot_id") or event.get("bot_profile")) or (
        event.get("subtype") == "bot_message"
    )


@dataclass
class Click:
    """Where a button was clicked and its value."""

    user: str | None
    channel: str | None
    value: str
    ephemeral: bool
    thread_ts: str | None

    @classmethod
    def parse(cls, body: dict[str, Any], action: dict[str, Any]) -> Click:
        """From a block_actions payload."""
        container = body.get("container") or {}
        message = body.get("message") or {}
        ephemeral = bool(container.get("is_ephemeral"))
        ts = message.get("ts") or container.get("message_ts")
        return cls(
            user=(body.get("user") or {}).get("id"),
            channel=(body.get("channel") or {}).get("id") or container.get("channel_id"),
            value=str(action.get("value") or ""),
            ephemeral=ephemeral,
            thread_ts=None if ephemeral else (message.get("thread_ts") or ts),
        )

    @property
    def in_shared_channel(self) -> bool:
        """A public/private channel (not a DM and not a private answer) others can reply in."""
        return not self.ephemeral and bool(self.channel) and str(self.channel)[:1] in "CG"
