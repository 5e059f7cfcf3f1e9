"""Shared ground of the Slack listeners: the core, the Slack state and the Slack calls they make.

Every listener acks first; Bolt then runs the slow part in its thread pool.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.core import Assistant, Principal
from assistant.errors import LotseError
from assistant.slack.blocks import Message
from assistant.slack.payloads import Click, extract_team
from assistant.slack.principals import parse_organisations, principal_for
from assistant.slack.state import SlackState

log = logging.getLogger("assistant.slack")

BLOCK_ERRORS = {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "too_many_blocks"}


def new_reference() -> str:
    """A reference id for an error report."""
    return f"ref_{uuid.uuid4().hex[:20]}"


def extract_error(exc: SlackApiError) -> str:
    """Slack's error code of a failed Web API call ("unknown" when it gave none)."""
    try:
        return str(exc.response.get("error") or "unknown")
    except AttributeError:
        return "unknown"


class Listeners:
    """Base of the listener groups: the core services, the Slack state and shared Slack calls."""

    def __init__(self, assistant: Assistant, state: SlackState) -> None:
        self.assistant = assistant
        self.state = state
        self.advisor_channel = (assistant.settings.advisor_channel or "").strip() or None
        self.organisations = parse_organisations(assistant.settings.slack_organisations)

    def clicker(self, body: dict[str, Any], click: Click) -> Principal:
        """The principal of whoever clicked a button (workspace and channel)."""
        return principal_for(extract_team(body), click.channel, self.organisations)

    def post(self, client: WebClient, channel: str, thread_ts: str, message: Message) -> str | None:
        """chat.postMessage in a thread (text only when Slack rejects the blocks); its ts."""
        try:
            response = client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
                **message.as_kwargs(),
            )
        except SlackApiError as exc:
            if extract_error(exc) not in BLOCK_ERRORS:
                log.warning("Slack: chat.postMessage fehlgeschlagen: %s", extract_error(exc))
                return None
            log.warning("Slack: Blöcke abgelehnt (%s) – sende nur Text", extract_error(exc))
            try:
                response = client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    text=message.text,
                    unfurl_links=False,
                    unfurl_media=False,
                )
            except SlackApiError as again:
                log.warning("Slack: chat.postMessage fehlgeschlagen: %s", extract_error(again))
                return None
        ts = response.get("ts")
        return str(ts) if ts else None

    def record(self, principal: Principal, answer_id: str) -> dict[str, Any] | None:
        """A stored answer this channel may see, or None."""
        try:
            return self.assistant.answer(principal, answer_id) if answer_id else None
        except LotseError:
            return None

    def whisper(self, respond: Respond, click: Click, message: Message) -> None:
        """An ephemeral message to the clicking user, in the clicked message's thread."""
        respond(
            response_type="ephemeral",
            replace_original=False,
            thread_ts=click.thread_ts,
            **message.as_kwargs(),
        )
