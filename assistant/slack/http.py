"""HTTP transport of the Slack bot: /slack/events in the FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI

from assistant.services import Services


def mount_slack(app: FastAPI, services: Services) -> None:
    """Mount /slack/events when a signing secret and bot token are configured."""
    return None
