"""The advisors' channel: a question handed over as a case, an advisor's answer delivered back."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.errors import LotseError
from assistant.slack.blocks import escape, plain
from assistant.slack.handovers import advisor_message, advisor_note
from assistant.slack.listeners import Listeners, extract_error, new_reference
from assistant.slack.payloads import Click

log = logging.getLogger("assistant.slack")


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
        return False, f"Slack: {extract_error(exc)}"
    where = "im Thread" if contact.get("slack_thread_ts") else "im Kanal"
    return True, f"als Antwort {where} gepostet"


class AdvisorListeners(Listeners):
    """The "ask an advisor" button: question, answer and sources to the advisors' channel."""

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
        record = self.record(self.clicker(body, click), click.value)
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
                log.warning("Slack: chat.getPermalink fehlgeschlagen: %s", extract_error(exc))
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
                extract_error(exc),
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

    def open_case(self, body: dict[str, Any], click: Click, permalink: str | None) -> None:
        """The hand-off becomes a case the advisors track (a failure is logged, never fatal)."""
        principal = self.clicker(body, click)
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
