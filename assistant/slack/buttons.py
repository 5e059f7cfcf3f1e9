"""Buttons under an answer: 👍/👎 and its reasons stored as feedback, a private answer shared."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.core import Principal
from assistant.domain import FeedbackTag, Rating
from assistant.errors import NotFound
from assistant.slack.actions import REASONS
from assistant.slack.answers import answer_message, reason_prompt, reason_thanks
from assistant.slack.blocks import escape, plain
from assistant.slack.listeners import Listeners, extract_error
from assistant.slack.payloads import Click

log = logging.getLogger("assistant.slack")


class ButtonListeners(Listeners):
    """Feedback and share buttons (the advisor button is AdvisorListeners')."""

    def on_feedback_up(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        """👍 stored as feedback (source slack)."""
        ack()
        click = Click.parse(body, action)
        principal = self.clicker(body, click)
        if self.known(principal, click, respond):
            self.assistant.feedback(principal, click.value, Rating.UP)
            self.whisper(respond, click, plain("Danke für Ihre Rückmeldung! 👍"))

    def on_feedback_down(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        """👎 stored at once; then asks for the reason."""
        ack()
        click = Click.parse(body, action)
        principal = self.clicker(body, click)
        if self.known(principal, click, respond):
            feedback_id = self.assistant.feedback(principal, click.value, Rating.DOWN)
            self.whisper(respond, click, reason_prompt(feedback_id))

    def on_reason(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        """A reason button after 👎: adds its tag to the stored feedback."""
        ack()
        click = Click.parse(body, action)
        principal = self.clicker(body, click)
        feedback_id, _, tag = str(action.get("value") or "").partition(":")
        try:
            if tag not in REASONS:
                raise NotFound(tag)
            self.assistant.add_feedback_reason(principal, feedback_id, FeedbackTag(tag))
        except NotFound:
            log.warning("Slack: unbekannte Feedback-Begründung %r", action.get("value"))
            return
        respond(replace_original=True, **reason_thanks(tag).as_kwargs())

    def on_share(
        self,
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
    ) -> None:
        """Post a private /lotse answer in the channel for everyone."""
        ack()
        click = Click.parse(body, action)
        record = self.record(self.clicker(body, click), click.value)
        if record is None or not click.channel:
            self.whisper(respond, click, plain("Diese Antwort ist nicht mehr gespeichert."))
            return
        who = f"<@{click.user}> teilt" if click.user else "Geteilt:"
        heading = f"{who} eine Antwort auf die Frage „{escape(str(record['question']))}“"
        message = answer_message(
            record["answer"], click.value, advisor=bool(self.advisor_channel), heading=heading
        )
        try:
            posted = client.chat_postMessage(
                channel=click.channel,
                unfurl_links=False,
                unfurl_media=False,
                **message.as_kwargs(),
            )
        except SlackApiError as exc:
            # the bot is not a member of the channel: post through the response_url instead
            log.info("Slack: Teilen per chat.postMessage nicht möglich (%s)", extract_error(exc))
            respond(response_type="in_channel", replace_original=False, **message.as_kwargs())
            respond(delete_original=True)
            return
        if posted.get("ts"):
            self.state.link_thread(click.channel, str(posted["ts"]), str(record["conversation_id"]))
        respond(replace_original=True, text="✅ Die Antwort ist jetzt im Kanal sichtbar.")

    def known(self, principal: Principal, click: Click, respond: Respond) -> bool:
        """Whether the clicked answer is stored and this channel's (tells the user when not)."""
        if self.record(principal, click.value) is not None:
            return True
        self.whisper(respond, click, plain("Diese Antwort ist nicht mehr gespeichert."))
        return False
