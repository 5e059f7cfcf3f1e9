"""The real app (FastAPI + Bolt) in uvicorn on loopback, a real small index, and a fake Slack.

Requests are signed exactly like Slack signs them (HMAC-SHA256 over ``v0:{ts}:{body}``); the bot's
Web API calls and response_url posts land in ``FakeSlack`` and are asserted there.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from pydantic import SecretStr

from assistant.config import Settings
from assistant.core import Assistant
from assistant.http.app import create_app
from assistant.services import Services
from tests.api.conftest import build_index, free_port
from tests.conftest import ROOT, SAMPLE_LAWS
from tests.fakes.slack_server import FakeSlack, SlackCall

SIGNING_SECRET = "8f2b6c0e5d4a3b2c1d0e9f8a7b6c5d4e"
ADVISORS = "C0ADVISORS"
ASKER = "U0ASKER01"
EGOVG_URL = "https://www.gesetze-im-internet.de/egovg/__7.html"
_counter = itertools.count(1)


def new_ts() -> str:
    """A fresh Slack message timestamp."""
    return f"{int(time.time())}.{next(_counter):06d}"


def sign(body: str, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Slack's request signature headers for a body."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class SlackEnv:
    """The running app, its services and the fake Slack it talks to."""

    url: str
    fake: FakeSlack
    services: Services
    http: httpx.Client
    keys: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def bot(self) -> str:
        return self.fake.bot_user_id

    # -- raw requests ---------------------------------------------------------------------------

    def post(
        self, body: str, content_type: str, headers: dict[str, str] | None = None,
        signed: bool = True,
    ) -> httpx.Response:
        """POST /slack/events with Slack's signature headers."""
        all_headers = {"Content-Type": content_type, **(sign(body) if signed else {})}
        all_headers.update(headers or {})
        return self.http.post("/slack/events", content=body.encode(), headers=all_headers)

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> str:
        """An Events API envelope as JSON."""
        return json.dumps({
            "token": "legacy-verification-token",
            "team_id": self.fake.team_id,
            "api_app_id": "A0FAKEAPP",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:12].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": self.fake.team_id, "user_id": self.bot, "is_bot": True}
            ],
        })

    def send_event(
        self, event: dict[str, Any], event_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        response = self.post(self.event_body(event, event_id), "application/json", headers)
        assert response.status_code == 200, response.text
        return response

    # -- what users do --------------------------------------------------------------------------

    def mention(
        self, channel: str, text: str, ts: str | None = None, thread_ts: str | None = None,
        user: str = ASKER, **extra: Any,
    ) -> dict[str, Any]:
        """Send an app_mention '<@bot> text'; returns the event."""
        ts = ts or new_ts()
        event = {"type": "app_mention", "user": user, "text": f"<@{self.bot}> {text}", "ts": ts,
                 "channel": channel, "event_ts": ts, "team": self.fake.team_id, **extra}
        if thread_ts:
            event["thread_ts"] = thread_ts
        self.send_event(event)
        return event

    def dm(self, channel: str, text: str, user: str = ASKER, **extra: Any) -> dict[str, Any]:
        """Send a message.im event; returns the event."""
        ts = new_ts()
        event = {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
                 "channel": channel, "event_ts": ts, "team": self.fake.team_id, **extra}
        self.send_event(event)
        return event

    def command(self, channel: str, text: str, key: str, user: str = ASKER) -> httpx.Response:
        """/lotse text; the answer goes to response_url key."""
        body = urlencode({
            "token": "legacy-verification-token", "team_id": self.fake.team_id,
            "team_domain": "fake", "channel_id": channel, "channel_name": "test",
            "user_id": user, "user_name": "asker", "command": "/lotse", "text": text,
            "api_app_id": "A0FAKEAPP", "is_enterprise_install": "false",
            "response_url": self.fake.response_url(key), "trigger_id": "1.2.3",
        })
        return self.post(body, "application/x-www-form-urlencoded")

    def click(
        self, message: SlackCall, action_id: str, key: str, user: str = ASKER,
        channel: str | None = None,
    ) -> httpx.Response:
        """Click the button `action_id` of a message the bot sent (posted or ephemeral)."""
        button, block_id = find_button(message.params.get("blocks") or [], action_id)
        ephemeral = message.method == "response_url" and message.params.get(
            "response_type", "ephemeral"
        ) == "ephemeral"
        channel = channel or message.params.get("channel")
        assert channel, "channel needed for ephemeral messages"
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "username": "asker", "team_id": self.fake.team_id},
            "api_app_id": "A0FAKEAPP",
            "token": "legacy-verification-token",
            "trigger_id": "1.2.3",
            "team": {"id": self.fake.team_id, "domain": "fake"},
            "channel": {"id": channel, "name": "test"},
            "response_url": self.fake.response_url(key),
            "actions": [{
                "action_id": action_id, "block_id": block_id, "text": button["text"],
                "value": button["value"], "type": "button", "action_ts": new_ts(),
            }],
        }
        if ephemeral:
            payload["container"] = {"type": "message", "message_ts": new_ts(),
                                    "channel_id": channel, "is_ephemeral": True}
        else:
            ts = message.params.get("ts") or message.response.get("ts")
            posted = {"type": "message", "ts": ts, "text": message.params.get("text"),
                      "user": self.bot, "bot_id": self.fake.bot_id,
                      "blocks": message.params.get("blocks")}
            container = {"type": "message", "message_ts": ts, "channel_id": channel,
                         "is_ephemeral": False}
            if message.params.get("thread_ts"):
                posted["thread_ts"] = container["thread_ts"] = message.params["thread_ts"]
            payload["container"] = container
            payload["message"] = posted
        body = urlencode({"payload": json.dumps(payload)})
        response = self.post(body, "application/x-www-form-urlencoded")
        assert response.status_code == 200, response.text
        return response

    def key(self, name: str) -> str:
        """A unique response_url key."""
        return f"{name}-{next(self.keys)}"

    def responded(self, key: str, count: int = 1) -> list[SlackCall]:
        """Wait for `count` posts to the response_url with that key."""
        path = f"/respond/{key}"
        return self.fake.wait_until(
            lambda: [c for c in self.fake.calls if c.method == "response_url" and c.path == path],
            count,
            what=f"response_url {key}",
        )

    def answers_in(self, channel: str, thread_ts: str | None = None,
                   count: int = 1) -> list[SlackCall]:
        """Wait for `count` chat.postMessage calls to a channel (and thread)."""
        return self.fake.wait_for("chat.postMessage", count, channel=channel, thread_ts=thread_ts)


def find_button(blocks: list[dict[str, Any]], action_id: str) -> tuple[dict[str, Any], str]:
    """The button element with that action_id and its block_id."""
    for block in blocks:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and element.get("action_id") == action_id:
                return element, str(block.get("block_id") or "")
    raise AssertionError(f"no button {action_id} in {json.dumps(blocks)[:500]}")


@pytest.fixture(scope="package")
def slack_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The OZG and the EGovG §§ 6–8 starter document (with a source_url)."""
    folder = tmp_path_factory.mktemp("slack-corpus")
    shutil.copy(SAMPLE_LAWS / "ozg.md", folder / "ozg.md")
    text = (ROOT / "corpus" / "legal" / "egovg-e-akte-ersetzendes-scannen.md").read_text("utf-8")
    text = text.replace("\nstand: ", f"\nsource_url: {EGOVG_URL}\nstand: ", 1)
    (folder / "egovg-e-akte-ersetzendes-scannen.md").write_text(text, "utf-8")
    return folder


@pytest.fixture(scope="package")
def fake_slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API for the whole package."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="package")
def slack_settings(
    tmp_path_factory: pytest.TempPathFactory,
    embedding_cache: Path,
    slack_corpus: Path,
    fake_slack: FakeSlack,
) -> Settings:
    """Settings over a freshly built index, pointing the bot at the fake Slack."""
    data_dir = tmp_path_factory.mktemp("slack") / "data"
    build_index(data_dir, embedding_cache, [slack_corpus])
    return Settings(
        data_dir=data_dir,
        embedding_cache=embedding_cache,
        slack_bot_token=SecretStr(fake_slack.bot_token),
        slack_app_token=SecretStr(fake_slack.app_token),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        advisor_channel=ADVISORS,
        slack_api_url=fake_slack.api_url,
    )


@pytest.fixture(scope="package")
def slack_env(slack_settings: Settings, fake_slack: FakeSlack) -> Iterator[SlackEnv]:
    """create_app(Services.build(settings)) served by uvicorn in a thread."""
    assistant = Assistant.build(slack_settings)
    assistant.warm()  # the first answer would otherwise wait for it (longer than Slack's 30 s)
    services = assistant.services
    port = free_port()
    app = create_app(assistant, warm=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=url, timeout=30) as http:
        yield SlackEnv(url, fake_slack, services, http)
    server.should_exit = True
    thread.join(15)
    services.close()
