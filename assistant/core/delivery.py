"""The way back: an advisor's answer returns through the channel its question came from."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from assistant.providers.webhook import WebhookSender
from assistant.store.cases import CaseStore

log = logging.getLogger("assistant.cases")

# a channel's way back: (delivered, what happened) for a case with its answer
Deliver = Callable[[dict[str, Any]], tuple[bool, str]]
EVENT = "case.answered"


class Deliveries:
    """Deliverers by channel (Slack registers its own); a webhook for API callers."""

    def __init__(self, store: CaseStore, webhook: WebhookSender | None) -> None:
        self.store = store
        self.webhook = webhook
        self._by_channel: dict[str, Deliver] = {}
        self._threads: list[threading.Thread] = []

    def register(self, channel: str, deliver: Deliver) -> None:
        """Let a channel adapter deliver answers to its askers."""
        self._by_channel[channel] = deliver

    def start(self, case: dict[str, Any]) -> None:
        """Deliver in the background; every attempt ends up in the case's delivery log."""
        thread = threading.Thread(target=self.deliver, args=(case,), daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def deliver(self, case: dict[str, Any]) -> None:
        """Each way back for this case, logged (failures too, never silent)."""
        channel = str(case.get("channel") or "api")
        targets: list[tuple[str, Deliver]] = []
        if channel in self._by_channel:
            targets.append((channel, self._by_channel[channel]))
        if self.webhook is not None and channel == "api":
            sender = self.webhook
            targets.append(("webhook", lambda c: sender.send(EVENT, _payload(c))))
        if not targets:
            self.store.add_delivery(
                case["case_id"], "abruf", True, "bereit zum Abruf (GET /v1/cases/{id}, Webseite)"
            )
            return
        for name, deliver in targets:
            try:
                ok, detail = deliver(case)
            except Exception as exc:  # a channel's failure is logged on the case
                ok, detail = False, f"Fehler: {type(exc).__name__}"
            if not ok:
                log.warning("delivery of %s via %s failed: %s", case["case_id"], name, detail)
            self.store.add_delivery(case["case_id"], name, ok, detail)

    def wait(self, timeout: float = 30.0) -> None:
        """Let running deliveries finish (at shutdown)."""
        for thread in self._threads:
            thread.join(timeout)


def _payload(case: dict[str, Any]) -> dict[str, Any]:
    """What an integrator receives: the case without internal notes."""
    return {
        "case_id": case["case_id"],
        "status": case["status"],
        "question": case["question"],
        "answer_id": case.get("answer_id"),
        "organisation": case.get("organisation"),
        "answer": case.get("answer"),
    }
