"""App factory for uvicorn workers: each worker builds its own Services from the environment."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from assistant.api.app import create_app
from assistant.config import load_settings
from assistant.errors import LotseError
from assistant.logs import configure_logging
from assistant.services import Services

log = logging.getLogger("assistant.serve")


def app_from_env() -> FastAPI:
    """Settings from LOTSE_* → Services → app; a start failure is one clear log line, exit 1."""
    configure_logging()
    try:
        return create_app(Services.build(load_settings()))
    except LotseError as exc:  # an invalid setting, an unreachable Chroma server, ...
        log.error("Start abgebrochen: %s", exc)
        raise SystemExit(1) from None
