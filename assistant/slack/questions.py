"""Questions to the bot: mentions and direct messages answered in a thread, ``/lotse`` privately.

The thread continues the conversation its first answer started, so follow-ups resolve against
the previous question. A channel (or direct-message channel) of a workspace is the principal:
what is asked there is visible there, never elsewhere. ``/lotse`` answers privately with a share
button.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.core import Principal
from assistant.errors import InvalidRequest, NotFound
from assistant.slack.answers import (
    WORKING,
    answer_message,
    error_message,
    invalid_message,
    usage_message,
)
from assistant.slack.blocks import Message, escape
from assistant.slack.listeners import Listeners, extract_error, new_reference
from assistant.slack.payloads import clean_text, extract_team, from_bot
from assistant.slack.principals import principal_for

log = logging.getLogger("assistant.slack")

WORKING_REACTION = "hourglass_flowing_sand"
HELP_WORDS = {"hilfe", "help", "?", "hallo", "hi"}


class QuestionListeners(Listeners):
    """Events and the slash command that ask the core a question."""

    # -- events ---------------------------------------------------------------------------------

    def on_mention(self, body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        """@Digitallotse in a channel or thread."""
        if not from_bot(event):
            self.answer_in_thread(client, event, extract_team(body))

    def on_message(
        self, body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        """Direct messages; every other message event is ignored."""
        if event.get("channel_type") != "im" or event.get("subtype") or from_bot(event):
            return
        if event.get("user") and event.get("user") == context.bot_user_id:
            return
        self.answer_in_thread(client, event, extract_team(body))

    def answer_in_thread(
        self, client: WebClient, event: dict[str, Any], team: str | None = None
    ) -> None:
        """Working reaction, answer in the thread, reaction removed."""
        channel, ts = str(event["channel"]), str(event["ts"])
        thread_ts = str(event.get("thread_ts") or ts)
        question = clean_text(str(event.get("text") or ""))
        if not question or question.lower() in HELP_WORDS:
            self.post(client, channel, thread_ts, usage_message())
            return
        self.reaction(client, "add", channel, ts)
        principal = principal_for(team, channel, self.organisations)
        try:
            message = self.answer(
                principal,
                question,
                self.conversation(channel, thread_ts),
                thread=(channel, thread_ts),
            )
            self.post(client, channel, thread_ts, message)
        finally:
            self.reaction(client, "remove", channel, ts)

    def conversation(self, channel: str, thread_ts: str) -> str | None:
        """The conversation the thread continues (None: the thread's first question)."""
        try:
            return self.state.thread_conversation(channel, thread_ts)
        except Exception:
            log.warning("Slack: Thread-Zuordnung nicht lesbar", exc_info=True)
            return None

    # -- slash command --------------------------------------------------------------------------

    def on_command(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """/lotse <frage>: a private answer with a button to share it in the channel."""
        question = clean_text(str(command.get("text") or ""))
        if not question or question.lower() in HELP_WORDS:
            ack(response_type="ephemeral", **usage_message().as_kwargs())
            return
        ack(response_type="ephemeral", text=WORKING)
        heading = f"*Ihre Frage:* {escape(question)}"
        principal = principal_for(
            extract_team(command), command.get("channel_id"), self.organisations
        )
        message = self.answer(principal, question, None, share=True, heading=heading)
        respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())

    # -- helpers --------------------------------------------------------------------------------

    def answer(
        self,
        principal: Principal,
        question: str,
        conversation: str | None,
        *,
        share: bool = False,
        heading: str | None = None,
        thread: tuple[str, str] | None = None,
    ) -> Message:
        """Ask the core; the answer message, or a short apology with a reference id."""
        try:
            try:
                result = self.assistant.ask(principal, question, conversation)
            except NotFound:  # the thread's conversation was purged: start afresh
                result = self.assistant.ask(principal, question, None)
            if thread is not None and conversation != result.conversation_id:
                self.state.link_thread(thread[0], thread[1], result.conversation_id)
        except InvalidRequest as exc:
            return invalid_message(str(exc).split(": ", 1)[-1])
        except Exception:  # any core failure becomes an apology, never silence
            reference = new_reference()
            log.exception("Slack: Antwort fehlgeschlagen (Referenz %s)", reference)
            return error_message(reference)
        return answer_message(
            result.as_dict(),
            result.answer_id,
            advisor=bool(self.advisor_channel),
            share=share,
            heading=heading,
        )

    def reaction(self, client: WebClient, verb: str, channel: str, ts: str) -> None:
        """Add or remove the working reaction (failures only logged)."""
        try:
            if verb == "add":
                client.reactions_add(channel=channel, timestamp=ts, name=WORKING_REACTION)
            else:
                client.reactions_remove(channel=channel, timestamp=ts, name=WORKING_REACTION)
        except SlackApiError as exc:
            log.debug("Slack: reactions.%s fehlgeschlagen: %s", verb, extract_error(exc))
