"""Signed webhooks to integrators (case answered): HMAC-SHA256, retries with backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from assistant.config import Settings

SIGNATURE_HEADER = "X-Lotse-Signature"
ATTEMPTS = 4
FIRST_WAIT = 0.5


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """'sha256=<hex>' over '<timestamp>.<body>' (the receiver checks both)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@dataclass
class WebhookSender:
    """POSTs events to one URL; each attempt is reported back for the delivery log."""

    url: str
    secret: str
    timeout: float = 5.0
    attempts: int = ATTEMPTS
    first_wait: float = FIRST_WAIT

    def send(self, event: str, data: dict[str, Any]) -> tuple[bool, str]:
        """(delivered, what happened); never raises."""
        body = json.dumps({"event": event, "data": data}, ensure_ascii=False).encode()
        detail = ""
        wait = self.first_wait
        for attempt in range(1, self.attempts + 1):
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "X-Lotse-Event": event,
                "X-Lotse-Timestamp": stamp,
                SIGNATURE_HEADER: signature(self.secret, stamp, body),
            }
            try:
                response = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout)
                if 200 <= response.status_code < 300:
                    return True, f"zugestellt (Versuch {attempt}, HTTP {response.status_code})"
                detail = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                detail = type(exc).__name__
            if attempt < self.attempts:
                time.sleep(wait)
                wait *= 2
        return False, f"nicht zugestellt nach {self.attempts} Versuchen ({detail})"


def build_webhook(settings: Settings) -> WebhookSender | None:
    """The configured webhook (LOTSE_WEBHOOK_URL), or None."""
    if not settings.webhook_url:
        return None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    return WebhookSender(settings.webhook_url, secret, settings.webhook_timeout)
