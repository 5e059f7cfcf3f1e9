"""Routes of the advisors' web page."""

from __future__ import annotations

from fastapi import FastAPI

from assistant.services import Services


def mount_web(app: FastAPI, services: Services) -> None:
    """Serve the page at / and its assets."""
    return None
