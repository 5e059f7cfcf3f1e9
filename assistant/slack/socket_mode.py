"""Socket Mode transport of the Slack bot (`lotse slack`): no public URL needed."""

from __future__ import annotations

import logging
import threading

from slack_bolt.adapter.socket_mode import SocketModeHandler

from assistant.core import Assistant
from assistant.errors import ConfigError
from assistant.slack.app import build_slack_app, secret

log = logging.getLogger("assistant.slack")


def run_socket_mode(assistant: Assistant, stop: threading.Event | None = None) -> None:
    """Connect with the app-level token and serve until `stop` is set (or forever)."""
    app_token = secret(assistant.settings.slack_app_token)
    if not app_token:
        raise ConfigError("LOTSE_SLACK_APP_TOKEN fehlt (App-Token xapp-… mit connections:write)")
    app = build_slack_app(assistant, socket_mode=True)
    handler = SocketModeHandler(app, app_token=app_token, logger=log)
    handler.connect()
    log.info("Slack: Socket Mode verbunden – warte auf Nachrichten")
    try:
        (stop or threading.Event()).wait()
    finally:
        handler.close()
        log.info("Slack: Socket Mode beendet")
