"""The same bot over Socket Mode (what `lotse slack` runs): a real WebSocket to the fake Slack."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.slack import register
from assistant.core import Assistant
from assistant.slack.actions import ACTION_SHARE
from assistant.slack.socket_mode import run_socket_mode
from tests.slack.conftest import ASKER, SlackEnv, new_ts

QUESTION = "Was ist der Portalverbund nach dem Onlinezugangsgesetz?"


@pytest.fixture
def socket_bot(slack_env: SlackEnv) -> Iterator[SlackEnv]:
    """run_socket_mode() in a thread, connected to the fake Slack's WebSocket."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            run_socket_mode(Assistant(slack_env.services), stop)
        except BaseException as exc:  # surfaced in the test
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    slack_env.fake.wait_connected(timeout=20)
    yield slack_env
    stop.set()
    thread.join(15)
    assert not thread.is_alive() and not errors, errors


def test_socket_mode_answers_mentions_and_commands(socket_bot: SlackEnv) -> None:
    fake = socket_bot.fake
    opened = fake.calls_to("apps.connections.open")
    assert opened and opened[-1].token == fake.app_token
    ts = new_ts()
    event = {"type": "app_mention", "user": ASKER, "text": f"<@{fake.bot_user_id}> {QUESTION}",
             "ts": ts, "channel": "C0SOCKET1", "event_ts": ts}
    body = {"type": "event_callback", "team_id": fake.team_id, "api_app_id": "A0FAKEAPP",
            "event": event, "event_id": "Ev0SOCKET0001", "event_time": 1}
    envelope = fake.send_envelope("events_api", body)
    fake.wait_for("socket_mode.ack", envelope_id=envelope)
    post = fake.wait_for("chat.postMessage", channel="C0SOCKET1", thread_ts=ts)[0]
    assert "[1]" in post.params["text"]
    retry = fake.send_envelope("events_api", body, retry_attempt=1)
    fake.wait_for("socket_mode.ack", envelope_id=retry)
    later = new_ts()
    sentinel = {**body, "event_id": "Ev0SOCKET0002",
                "event": {**event, "channel": "C0SOCKET2", "ts": later, "event_ts": later}}
    fake.send_envelope("events_api", sentinel)
    fake.wait_for("chat.postMessage", channel="C0SOCKET2", thread_ts=later)
    assert len(fake.calls_to("chat.postMessage", channel="C0SOCKET1")) == 1

    key = socket_bot.key("socket-cmd")
    command = {"command": "/lotse", "text": QUESTION, "channel_id": "C0SOCKET1",
               "user_id": ASKER, "team_id": fake.team_id,
               "response_url": fake.response_url(key), "trigger_id": "1.2.3"}
    acked = fake.send_envelope("slash_commands", command)
    ack = fake.wait_for("socket_mode.ack", envelope_id=acked)[0]
    assert ack.params["payload"]["response_type"] == "ephemeral"
    private = socket_bot.responded(key)[0]
    assert any(e["action_id"] == ACTION_SHARE for b in private.params["blocks"]
               if b["type"] == "actions" for e in b["elements"])
    assert len(fake.calls_to("chat.postMessage", channel="C0SOCKET1")) == 1


def test_lotse_slack_needs_both_tokens(tmp_path: Path) -> None:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """lotse"""

    register(app)
    result = CliRunner().invoke(
        app, ["slack"], env={"LOTSE_DATA_DIR": str(tmp_path), "LOTSE_SLACK_BOT_TOKEN": "xoxb-1"}
    )
    assert result.exit_code == 2
    assert "LOTSE_SLACK_APP_TOKEN" in result.output and "xoxb-1" not in result.output
