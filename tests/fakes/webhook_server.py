"""A webhook receiver on 127.0.0.1 that checks the HMAC signature, as an integrator would.

``failures`` answers that many requests with 500 first (to see retries); every request is
recorded with whether its signature was valid.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One webhook request."""

    event: str
    body: dict[str, Any]
    signed: bool


@dataclass
class FakeWebhook:
    """Run with `with FakeWebhook(secret) as hook:`; `hook.url` receives the events."""

    secret: str
    failures: int = 0
    received: list[Received] = field(default_factory=list)
    attempts: int = 0

    def __enter__(self) -> FakeWebhook:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                fake.attempts += 1
                if fake.failures > 0:
                    fake.failures -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                stamp = self.headers.get("X-Lotse-Timestamp", "")
                expected = (
                    "sha256="
                    + hmac.new(
                        fake.secret.encode(), stamp.encode() + b"." + raw, hashlib.sha256
                    ).hexdigest()
                )
                signed = hmac.compare_digest(expected, self.headers.get("X-Lotse-Signature", ""))
                fake.received.append(
                    Received(self.headers.get("X-Lotse-Event", ""), json.loads(raw), signed)
                )
                self.send_response(204 if signed else 401)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        """Where the server listens."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/lotse"

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
