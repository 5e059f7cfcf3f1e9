"""Slack listeners: parse the Slack payload, call the core, post Block Kit (thin adapters).

The listeners live by concern: questions (events, ``/lotse``), buttons (feedback, sharing) and
advisors (hand-off to the advisors' channel); ``SlackBot`` joins them and registers them with a
Bolt app, with the event dedupe middleware and the last-resort error handler. Every listener acks
first; Bolt then runs the slow part in its thread pool.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse, Respond

from assistant.slack.actions import (
    ACTION_ADVISOR,
    ACTION_DOWN,
    ACTION_REASON_PREFIX,
    ACTION_SHARE,
    ACTION_UP,
)
from assistant.slack.advisors import AdvisorListeners
from assistant.slack.answers import error_message
from assistant.slack.buttons import ButtonListeners
from assistant.slack.listeners import new_reference
from assistant.slack.questions import QuestionListeners

log = logging.getLogger("assistant.slack")


class SlackBot(QuestionListeners, ButtonListeners, AdvisorListeners):
    """The listeners of the Digitallotse Slack app around the core services."""

    def register(self, app: App) -> None:
        """Attach middleware and listeners to a Bolt app."""
        app.middleware(self.skip_duplicates)
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.command("/lotse")(self.on_command)
        app.action(ACTION_UP)(self.on_feedback_up)
        app.action(ACTION_DOWN)(self.on_feedback_down)
        app.action(re.compile(f"^{ACTION_REASON_PREFIX}"))(self.on_reason)
        app.action(ACTION_ADVISOR)(self.on_advisor)
        app.action(ACTION_SHARE)(self.on_share)
        app.error(self.on_error)

    def skip_duplicates(
        self, body: dict[str, Any], next_: Callable[[], None]
    ) -> BoltResponse | None:
        """Ack an Events API delivery whose event_id was already handled (Slack retries)."""
        event_id = body.get("event_id")
        if body.get("type") == "event_callback" and isinstance(event_id, str) and event_id:
            try:
                first = self.state.claim_event(event_id)
            except Exception:  # better a rare duplicate than silence
                log.exception("Slack: Event-Dedupe nicht möglich – bearbeite %s trotzdem", event_id)
                first = True
            if not first:
                log.info("Slack-Event %s schon bearbeitet (Wiederholung) – übersprungen", event_id)
                return BoltResponse(status=200, body="")
        next_()
        return None

    def on_error(self, error: Exception, respond: Respond | None) -> None:
        """Last resort for listener errors: log with a reference (never the payload) and tell
        the user when Slack gave a response_url (commands, buttons)."""
        reference = new_reference()
        log.error(
            "Slack: Fehler im Listener (Referenz %s): %s",
            reference,
            type(error).__name__,
            exc_info=error,
        )
        if respond is not None and respond.response_url:
            try:
                message = error_message(reference)
                respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())
            except Exception:
                log.warning("Slack: Fehlermeldung über response_url nicht zustellbar")
