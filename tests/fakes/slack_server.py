"""A fake Slack on 127.0.0.1: Web API methods, response_url sink and a Socket Mode WebSocket.

slack_sdk talks to it over real sockets exactly as it talks to slack.com::

    with FakeSlack() as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        client.chat_postMessage(channel="C1", text="hi")
        assert slack.calls_to("chat.postMessage")[0].params["text"] == "hi"

* ``POST /api/<method>`` (form or JSON bodies, token in ``Authorization: Bearer``) answers like
  Slack for auth.test, chat.postMessage/update/postEphemeral/getPermalink, reactions.add/remove,
  conversations.open/info, views.open and apps.connections.open; anything else is
  ``unknown_method``. A wrong token gets ``invalid_auth``. ``errors`` scripts failures:
  ``slack.errors["chat.postMessage"] = "not_in_channel"`` (optionally ``"method:CHANNEL"``).
* ``POST /respond/<key>`` records what Bolt's ``respond()`` sends to a ``response_url``
  (``slack.response_url("k")`` builds one); recorded as method ``"response_url"``.
* ``GET /socket-mode`` is a minimal RFC 6455 server for Socket Mode: it greets with ``hello``,
  ``send_envelope()`` pushes events, commands or interactions, and acks are recorded as method
  ``"socket_mode.ack"``.

Every call is recorded in ``calls`` (method, params with ``blocks`` decoded, path, token);
``wait_for()`` blocks until matching calls arrived (the bot answers in background threads).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
JSON_PARAMS = ("blocks", "attachments", "metadata", "view")


@dataclass
class SlackCall:
    """One call the fake received."""

    method: str
    params: dict[str, Any]
    path: str = ""
    token: str | None = None
    response: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    def matches(self, **expected: Any) -> bool:
        """Whether every expected param has that value (None means 'absent')."""
        for key, value in expected.items():
            if value is None:
                if self.params.get(key) is not None:
                    return False
            elif self.params.get(key) != value:
                return False
        return True

    def block_texts(self) -> list[str]:
        """Every text in the blocks (sections, contexts, headers, buttons), in order."""
        return list(_texts(self.params.get("blocks") or []))


def _texts(node: Any) -> Any:
    if isinstance(node, dict):
        text = node.get("text")
        if isinstance(text, str):
            yield text
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


class FakeSlack:
    """Fake Slack server; start()/stop() or use as a context manager."""

    def __init__(
        self,
        bot_token: str = "xoxb-fake-0000-bot-token",
        app_token: str = "xapp-1-fake-app-token",
        bot_user_id: str = "U0LOTSEBOT",
        bot_id: str = "B0LOTSEBOT",
        team_id: str = "T0FAKETEAM",
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.team_id = team_id
        self.errors: dict[str, str] = {}
        self.calls: list[SlackCall] = []
        self._cond = threading.Condition()
        self._ts = 0
        self._sockets: list[socket.socket] = []
        self._ws_lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT"""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """Base URL for WebClient(base_url=...)."""
        return f"{self.url}/api/"

    def response_url(self, key: str) -> str:
        """A response_url whose posts are recorded under this key."""
        return f"{self.url}/respond/{key}"

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        for sock in list(self._sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- inspection -----------------------------------------------------------------------------

    def record(self, call: SlackCall) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def calls_to(self, method: str, **expected: Any) -> list[SlackCall]:
        """Recorded calls of a method whose params match."""
        with self._cond:
            return [c for c in self.calls if c.method == method and c.matches(**expected)]

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 30.0, **expected: Any
    ) -> list[SlackCall]:
        """Block until `count` matching calls arrived; AssertionError after `timeout`."""
        return self.wait_until(
            lambda: [c for c in self.calls if c.method == method and c.matches(**expected)],
            count,
            timeout,
            f"{count}× {method} {expected}",
        )

    def wait_until(
        self,
        select: Callable[[], list[SlackCall]],
        count: int = 1,
        timeout: float = 30.0,
        what: str = "calls",
    ) -> list[SlackCall]:
        """Block until select() returns at least `count` calls."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = select()
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.params.get("channel")) for c in self.calls[-20:]]
                    raise AssertionError(f"timed out waiting for {what}; last calls: {seen}")
                self._cond.wait(left)

    # -- Web API --------------------------------------------------------------------------------

    def next_ts(self) -> str:
        with self._cond:
            self._ts += 1
            return f"{int(time.time())}.{self._ts:06d}"

    def api(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """Slack's answer to one Web API call."""
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return {"ok": False, "error": "invalid_auth" if token else "not_authed"}
        channel = str(params.get("channel") or "")
        error = self.errors.get(f"{method}:{channel}") or self.errors.get(method)
        if error:
            return {"ok": False, "error": error}
        ts = self.next_ts()
        if method == "auth.test":
            return {
                "ok": True, "url": "https://fake.slack.test/", "team": "Fake",
                "user": "digitallotse", "team_id": self.team_id, "user_id": self.bot_user_id,
                "bot_id": self.bot_id, "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            message = {"type": "message", "user": self.bot_user_id, "bot_id": self.bot_id,
                       "text": params.get("text"), "ts": ts}
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": params.get("ts"),
                    "text": params.get("text")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "chat.getPermalink":
            stamp = str(params.get("message_ts") or "").replace(".", "")
            return {"ok": True, "channel": channel,
                    "permalink": f"https://fake.slack.test/archives/{channel}/p{stamp}"}
        if method in ("reactions.add", "reactions.remove", "views.open"):
            return {"ok": True}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D0" + str(params.get("users", "X"))[:8]}}
        if method == "conversations.info":
            return {"ok": True, "channel": {"id": channel, "is_member": True}}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://{self.url.split('://', 1)[1]}/socket-mode"}
        return {"ok": False, "error": "unknown_method"}

    # -- Socket Mode ----------------------------------------------------------------------------

    def wait_connected(self, timeout: float = 30.0) -> None:
        """Until a Socket Mode client completed the handshake."""
        self.wait_for("socket_mode.connect", timeout=timeout)

    def send_envelope(
        self, kind: str, payload: dict[str, Any], retry_attempt: int = 0
    ) -> str:
        """Push an envelope (events_api, slash_commands, interactive) to connected clients."""
        envelope_id = str(uuid.uuid4())
        message = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        for sock in list(self._sockets):
            self.ws_send(sock, 0x1, json.dumps(message).encode())
        return envelope_id

    def ws_send(self, sock: socket.socket, opcode: int, data: bytes) -> None:
        length = len(data)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self._ws_lock:
            sock.sendall(header + data)

    def ws_session(self, sock: socket.socket, reader: Any) -> None:
        """Serve one WebSocket connection until it closes."""
        self._sockets.append(sock)
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0FAKE"},
                 "debug_info": {"host": "fake", "approximate_connection_time": 18060}}
        self.ws_send(sock, 0x1, json.dumps(hello).encode())
        self.record(SlackCall("socket_mode.connect", {}, "/socket-mode"))
        try:
            while True:
                head = reader.read(2)
                if len(head) < 2:
                    return
                opcode, length = head[0] & 0x0F, head[1] & 0x7F
                if length == 126:
                    length = struct.unpack("!H", reader.read(2))[0]
                elif length == 127:
                    length = struct.unpack("!Q", reader.read(8))[0]
                mask = reader.read(4) if head[1] & 0x80 else b"\0\0\0\0"
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(reader.read(length)))
                if opcode == 0x8:
                    self.ws_send(sock, 0x8, data[:2])
                    return
                if opcode == 0x9:
                    self.ws_send(sock, 0xA, data)
                elif opcode == 0x1:
                    self.record(SlackCall("socket_mode.ack", json.loads(data), "/socket-mode"))
        except (OSError, ValueError):
            return
        finally:
            self._sockets.remove(sock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    @property
    def fake(self) -> FakeSlack:
        return self.server.fake  # type: ignore[attr-defined,no-any-return]

    def do_GET(self) -> None:
        if self.path.startswith("/socket-mode") and "websocket" in self.headers.get(
            "Upgrade", ""
        ).lower():
            key = self.headers.get("Sec-WebSocket-Key", "")
            accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
            self.send_response(101, "Switching Protocols")
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.end_headers()
            self.wfile.flush()
            self.fake.ws_session(self.connection, self.rfile)
            self.close_connection = True
            return
        self._send(404, b"not found", "text/plain")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        params: dict[str, Any]
        if "json" in content_type:
            params = json.loads(raw or b"{}")
        else:
            params = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        for key in JSON_PARAMS:
            if isinstance(params.get(key), str) and params[key][:1] in "[{":
                params[key] = json.loads(params[key])
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else params.pop("token", None)
        if self.path.startswith("/respond/"):
            self.fake.record(SlackCall("response_url", params, self.path))
            self._send(200, b"ok", "text/plain")
            return
        if not self.path.startswith("/api/"):
            self._send(404, b"not found", "text/plain")
            return
        method = self.path[len("/api/"):].split("?", 1)[0]
        answer = self.fake.api(method, params, token)
        self.fake.record(SlackCall(method, params, self.path, token, answer))
        self._send(200, json.dumps(answer).encode(), "application/json; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
