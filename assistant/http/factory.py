"""App factory for uvicorn workers: each worker builds its own assistant from the environment."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from assistant.config import load_settings
from assistant.core import Assistant
from assistant.errors import LotseError
from assistant.http.app import create_app
from assistant.logs import configure_logging

log = logging.getLogger("assistant.serve")


def app_from_env() -> FastAPI:
    """Settings from LOTSE_* → Assistant → app; a start failure is one clear log line, exit 1."""
    settings = None
    try:
        settings = load_settings()
        configure_logging(
            secrets=settings.secret_values(), json_format=settings.log_format == "json"
        )
        return create_app(Assistant.build(settings))
    except LotseError as exc:  # an invalid setting, an unreachable Chroma server, ...
        if settings is None:
            configure_logging()
        log.error("Start abgebrochen: %s", exc)
        raise SystemExit(1) from None
