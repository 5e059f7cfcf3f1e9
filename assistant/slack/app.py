"""build_slack_app(assistant): one Bolt app for both transports (HTTP and Socket Mode)."""

from __future__ import annotations

import logging
from functools import partial

from pydantic import SecretStr
from slack_bolt import App
from slack_sdk import WebClient

from assistant.core import Assistant
from assistant.errors import ConfigError
from assistant.slack.advisors import deliver_case
from assistant.slack.handlers import SlackBot
from assistant.slack.state import SlackState

log = logging.getLogger("assistant.slack")

SLACK_API_URL = "https://slack.com/api/"


def secret(value: SecretStr | None) -> str | None:
    """The secret's value, None when unset or blank."""
    if value is None:
        return None
    return value.get_secret_value().strip() or None


def api_url(assistant: Assistant) -> str:
    """Web API base URL (LOTSE_SLACK_API_URL, e.g. for tests or proxies)."""
    configured = assistant.settings.slack_api_url
    url = configured.strip() if configured else SLACK_API_URL
    return url if url.endswith("/") else url + "/"


class SlackLogFilter(logging.Filter):
    """Keeps tokens, secrets and unverified request bodies out of Slack-related log records."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__("slack")
        self.secrets = tuple(s for s in secrets if len(s) >= 6)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = message
        if cleaned.startswith("Invalid request signature detected"):
            cleaned = "Invalid request signature detected (request body not logged)"
        for value in self.secrets:
            cleaned = cleaned.replace(value, "[entfernt]")
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _filtered_logger(name: str, secrets: tuple[str, ...]) -> logging.Logger:
    logger = logging.getLogger(name)
    for old in [f for f in logger.filters if isinstance(f, SlackLogFilter)]:
        logger.removeFilter(old)
    logger.addFilter(SlackLogFilter(secrets))
    return logger


def build_slack_app(
    assistant: Assistant, client: WebClient | None = None, *, socket_mode: bool = False
) -> App:
    """The Bolt app with every listener; HTTP mode verifies Slack's request signatures.

    `client` overrides the Web API client (its token must be the bot token). No Slack call is
    made here: the token is checked with auth.test on the first request.
    """
    settings = assistant.settings
    secrets = settings.secret_values()
    token = secret(settings.slack_bot_token)
    signing_secret = secret(settings.slack_signing_secret)
    if client is None:
        if not token:
            raise ConfigError("LOTSE_SLACK_BOT_TOKEN fehlt (Bot-Token xoxb-…)")
        client = WebClient(
            token=token,
            base_url=api_url(assistant),
            logger=_filtered_logger("assistant.slack.web", secrets),
        )
    elif client.token is None:
        if not token:
            raise ConfigError("LOTSE_SLACK_BOT_TOKEN fehlt (Bot-Token xoxb-…)")
        client.token = token
    if not socket_mode and not signing_secret:
        raise ConfigError("LOTSE_SLACK_SIGNING_SECRET fehlt (Signing Secret der Slack-App)")
    app = App(
        name="digitallotse",
        client=client,
        signing_secret=signing_secret or "",
        token_verification_enabled=False,
        request_verification_enabled=not socket_mode,
        process_before_response=False,
        logger=_filtered_logger("assistant.slack.bolt", secrets),
    )
    _filtered_logger("assistant.slack", secrets)
    state = SlackState(settings.data_dir / "slack.sqlite3")
    assistant.cases.deliveries.register("slack", partial(deliver_case, client))
    SlackBot(assistant, state).register(app)
    app._lotse_state = state  # type: ignore[attr-defined]  # closed with the process
    return app
