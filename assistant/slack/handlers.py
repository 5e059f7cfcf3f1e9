"""Slack listeners: parse the Slack payload, call the core, post Block Kit (thin adapters).

Events (``app_mention``, ``message.im``) are answered in a thread; the thread continues the
conversation its first answer started, so follow-ups resolve against the previous question. A
channel (or direct-message channel) of a workspace is the principal: what is asked there is
visible there, never elsewhere. ``/lotse``
answers privately with a share button. Buttons store feedback or hand the question to the
advisors' channel. Every listener acks first; Bolt then runs the slow part in its thread pool.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.core import Assistant, Principal
from assistant.domain import FeedbackTag, Rating, Scope
from assistant.errors import InvalidRequest, LotseError, NotFound
from assistant.slack.blocks import (
    ACTION_ADVISOR,
    ACTION_DOWN,
    ACTION_REASON_PREFIX,
    ACTION_SHARE,
    ACTION_UP,
    REASONS,
    WORKING,
    Message,
    advisor_message,
    advisor_note,
    answer_message,
    error_message,
    escape,
    invalid_message,
    plain,
    reason_prompt,
    reason_thanks,
    usage_message,
)
from assistant.slack.state import SlackState

log = logging.getLogger("assistant.slack")

WORKING_REACTION = "hourglass_flowing_sand"
HELP_WORDS = {"hilfe", "help", "?", "hallo", "hi"}
BLOCK_ERRORS = {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "too_many_blocks"}

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


def new_reference() -> str:
    """A reference id for an error report."""
    return f"ref_{uuid.uuid4().hex[:20]}"


def deliver_case(client: WebClient, case: dict[str, Any]) -> tuple[bool, str]:
    """An advisor's answer as a bot reply in the thread the question was asked in."""
    contact = case.get("contact") or {}
    channel = contact.get("slack_channel")
    if not channel:
        return False, "kein Slack-Kanal am Fall"
    answer = case.get("answer") or {}
    text = f"*Antwort der Beratung* auf „{escape(str(case['question']))}“\n\n" + escape(
        str(answer.get("text", ""))
    )
    try:
        client.chat_postMessage(
            channel=channel,
            thread_ts=contact.get("slack_thread_ts") or None,
            text=text,
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        return False, f"Slack: {_error(exc)}"
    where = "im Thread" if contact.get("slack_thread_ts") else "im Kanal"
    return True, f"als Antwort {where} gepostet"


def parse_organisations(spec: str | None) -> dict[str, str]:
    """LOTSE_SLACK_ORGANISATIONS 'T0TEAM:musterstadt,C0CHANNEL:beispielhausen' → mapping."""
    mapping: dict[str, str] = {}
    for entry in (spec or "").split(","):
        key, _, organisation = entry.partition(":")
        if key.strip() and organisation.strip():
            mapping[key.strip()] = organisation.strip()
    return mapping


def principal_for(
    team: str | None, channel: str | None, organisations: dict[str, str] | None = None
) -> Principal:
    """The principal of a Slack channel: who can read the channel sees what is asked there.

    Its organisation comes from LOTSE_SLACK_ORGANISATIONS (the channel first, then the
    workspace); without one, the channel sees public documents only."""
    known = organisations or {}
    organisation = known.get(channel or "") or known.get(team or "")
    return Principal(
        f"slack-{team or 'T'}-{channel or 'none'}", frozenset({Scope.ASK}), organisation, "slack"
    )


def _team(body: dict[str, Any]) -> str | None:
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


class SlackBot:
    """The listeners of the Digitallotse Slack app around the core services."""

    def __init__(self, assistant: Assistant, state: SlackState) -> None:
        self.assistant = assistant
        self.state = state
        self.advisor_channel = (assistant.settings.advisor_channel or "").strip() or None
        self.organisations = parse_organisations(assistant.settings.slack_organisations)

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

    # -- middleware -----------------------------------------------------------------------------

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

    # -- events ---------------------------------------------------------------------------------

    def on_mention(self, body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        """@Digitallotse in a channel or thread."""
        if not from_bot(event):
            self.answer_in_thread(client, event, _team(body))

    def on_message(
        self, body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        """Direct messages; every other message event is ignored."""
        if event.get("channel_type") != "im" or event.get("subtype") or from_bot(event):
            return
        if event.get("user") and event.get("user") == context.bot_user_id:
            return
        self.answer_in_thread(client, event, _team(body))

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
        principal = principal_for(_team(command), command.get("channel_id"), self.organisations)
        message = self.answer(principal, question, None, share=True, heading=heading)
        respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())

    # -- buttons --------------------------------------------------------------------------------

    def on_feedback_up(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        """👍 stored as feedback (source slack)."""
        ack()
        click = Click.parse(body, action)
        principal = principal_for(_team(body), click.channel, self.organisations)
        if self.known(principal, click, respond):
            self.assistant.feedback(principal, click.value, Rating.UP)
            self.whisper(respond, click, plain("Danke für Ihre Rückmeldung! 👍"))

    def on_feedback_down(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        """👎 stored at once; then asks for the reason."""
        ack()
        click = Click.parse(body, action)
        principal = principal_for(_team(body), click.channel, self.organisations)
        if self.known(principal, click, respond):
            feedback_id = self.assistant.feedback(principal, click.value, Rating.DOWN)
            self.whisper(respond, click, reason_prompt(feedback_id))

    def on_reason(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        """A reason button after 👎: adds its tag to the stored feedback."""
        ack()
        click = Click.parse(body, action)
        principal = principal_for(_team(body), click.channel, self.organisations)
        feedback_id, _, tag = str(action.get("value") or "").partition(":")
        try:
            if tag not in REASONS:
                raise NotFound(tag)
            self.assistant.add_feedback_reason(principal, feedback_id, FeedbackTag(tag))
        except NotFound:
            log.warning("Slack: unbekannte Feedback-Begründung %r", action.get("value"))
            return
        respond(replace_original=True, **reason_thanks(tag).as_kwargs())

    def on_advisor(
        self,
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
    ) -> None:
        """Question, answer and sources to the advisors' channel; a note to the asker."""
        ack()
        click = Click.parse(body, action)
        record = self.record(
            principal_for(_team(body), click.channel, self.organisations), click.value
        )
        if record is None:
            self.whisper(respond, click, plain("Diese Antwort ist nicht mehr gespeichert."))
            return
        if not self.advisor_channel:
            self.whisper(
                respond,
                click,
                plain(
                    "Für Berater*innen ist noch kein Kanal eingerichtet (LOTSE_ADVISOR_CHANNEL)."
                ),
            )
            return
        permalink = None
        if click.in_shared_channel and click.channel and click.thread_ts:
            try:
                found = client.chat_getPermalink(channel=click.channel, message_ts=click.thread_ts)
                permalink = found.get("permalink")
            except SlackApiError as exc:
                log.warning("Slack: chat.getPermalink fehlgeschlagen: %s", _error(exc))
        self.open_case(body, click, permalink)
        forwarded = advisor_message(
            record, user=click.user, channel=click.channel, permalink=permalink
        )
        try:
            client.chat_postMessage(
                channel=self.advisor_channel,
                unfurl_links=False,
                unfurl_media=False,
                **forwarded.as_kwargs(),
            )
        except SlackApiError as exc:
            reference = new_reference()
            log.warning(
                "Slack: Weitergabe an Berater*innen fehlgeschlagen: %s (Referenz %s)",
                _error(exc),
                reference,
            )
            self.whisper(
                respond,
                click,
                plain(
                    "Entschuldigung, die Weitergabe an die Berater*innen ist fehlgeschlagen. "
                    f"Referenz: `{reference}`"
                ),
            )
            return
        if permalink and click.channel and click.thread_ts:
            note = advisor_note(click.user)
            if self.post(client, click.channel, click.thread_ts, note):
                return
        self.whisper(
            respond,
            click,
            plain(
                "Ich habe Ihre Frage an die Berater*innen weitergegeben. "
                "Eine Berater*in meldet sich direkt bei Ihnen."
            ),
        )

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
        record = self.record(
            principal_for(_team(body), click.channel, self.organisations), click.value
        )
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
            log.info("Slack: Teilen per chat.postMessage nicht möglich (%s)", _error(exc))
            respond(response_type="in_channel", replace_original=False, **message.as_kwargs())
            respond(delete_original=True)
            return
        if posted.get("ts"):
            self.state.link_thread(click.channel, str(posted["ts"]), str(record["conversation_id"]))
        respond(replace_original=True, text="✅ Die Antwort ist jetzt im Kanal sichtbar.")

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
            if _error(exc) not in BLOCK_ERRORS:
                log.warning("Slack: chat.postMessage fehlgeschlagen: %s", _error(exc))
                return None
            log.warning("Slack: Blöcke abgelehnt (%s) – sende nur Text", _error(exc))
            try:
                response = client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    text=message.text,
                    unfurl_links=False,
                    unfurl_media=False,
                )
            except SlackApiError as again:
                log.warning("Slack: chat.postMessage fehlgeschlagen: %s", _error(again))
                return None
        ts = response.get("ts")
        return str(ts) if ts else None

    def reaction(self, client: WebClient, verb: str, channel: str, ts: str) -> None:
        """Add or remove the working reaction (failures only logged)."""
        try:
            if verb == "add":
                client.reactions_add(channel=channel, timestamp=ts, name=WORKING_REACTION)
            else:
                client.reactions_remove(channel=channel, timestamp=ts, name=WORKING_REACTION)
        except SlackApiError as exc:
            log.debug("Slack: reactions.%s fehlgeschlagen: %s", verb, _error(exc))

    def open_case(self, body: dict[str, Any], click: Click, permalink: str | None) -> None:
        """The hand-off becomes a case the advisors track (a failure is logged, never fatal)."""
        principal = principal_for(_team(body), click.channel, self.organisations)
        contact = {"slack_channel": click.channel or "", "slack_user": click.user or ""}
        if click.thread_ts:
            contact["slack_thread_ts"] = click.thread_ts
        if permalink:
            contact["slack_permalink"] = permalink
        try:
            case = self.assistant.cases.create(principal, click.value, contact=contact)
            log.info("Slack: Fall %s angelegt", case["case_id"])
        except LotseError as exc:
            log.warning("Slack: Fall nicht angelegt: %s", exc)

    def record(self, principal: Principal, answer_id: str) -> dict[str, Any] | None:
        """A stored answer this channel may see, or None."""
        try:
            return self.assistant.answer(principal, answer_id) if answer_id else None
        except LotseError:
            return None

    def known(self, principal: Principal, click: Click, respond: Respond) -> bool:
        """Whether the clicked answer is stored and this channel's (tells the user when not)."""
        if self.record(principal, click.value) is not None:
            return True
        self.whisper(respond, click, plain("Diese Antwort ist nicht mehr gespeichert."))
        return False

    def whisper(self, respond: Respond, click: Click, message: Message) -> None:
        """An ephemeral message to the clicking user, in the clicked message's thread."""
        respond(
            response_type="ephemeral",
            replace_original=False,
            thread_ts=click.thread_ts,
            **message.as_kwargs(),
        )


def _error(exc: SlackApiError) -> str:
    try:
        return str(exc.response.get("error") or "unknown")
    except AttributeError:
        return "unknown"
