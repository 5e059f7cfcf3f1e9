"""App factory for uvicorn workers: each worker builds its own Services from the environment."""

from __future__ import annotations

from fastapi import FastAPI

from assistant.api.app import create_app
from assistant.config import Settings
from assistant.logs import configure_logging
from assistant.services import Services


def app_from_env() -> FastAPI:
    """Settings from LOTSE_* → Services → app (logging with masking, as in `lotse serve`)."""
    configure_logging()
    return create_app(Services.build(Settings()))
