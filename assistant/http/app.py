"""create_app(assistant): the FastAPI application (API v1, health, web page, Slack events)."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from assistant import __version__
from assistant.api.routes import (
    ask,
    cases,
    chat,
    documents,
    feedback,
    health,
    metrics,
    models,
    reports,
    sources,
    verified,
)
from assistant.core import Assistant
from assistant.http.auth import Gate
from assistant.http.docs import mount_docs
from assistant.http.errors import install_error_handlers
from assistant.http.metrics import install_metrics
from assistant.http.middleware import EdgeGuard
from assistant.slack.http import mount_slack
from assistant.web.routes import mount_web

log = logging.getLogger("assistant.http")

DESCRIPTION = """
Digitallotse answers questions on municipal digitalisation from its sources, citing law and §
or document and page. Authenticate with `Authorization: Bearer <key>` (or `X-API-Key`); keys have
scopes `ask` (ask, search, feedback, own conversations and answers), `advise` (every question and
answer, original files, reports) and `admin` (documents, purge, reports, `/metrics`). Every
error has the shape `{"error": {"code", "message"}}` with a German message.
"""
MB = 1024 * 1024


def _warm(assistant: Assistant) -> None:
    try:
        assistant.warm()
    except Exception as exc:  # never fatal: the first request does the work instead
        log.warning("warm-up failed: %s", type(exc).__name__)


def _lifespan(assistant: Assistant) -> Any:
    """Sync from sources every LOTSE_SYNC_INTERVAL while the server runs (stopped on shutdown)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        scheduler = assistant.sync.schedule()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.stop()

    return lifespan


def create_app(assistant: Assistant, warm: bool = True) -> FastAPI:
    """Build the app around an already-built assistant (warming it up in the background)."""
    settings = assistant.settings
    app = FastAPI(
        title="Digitallotse API",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(assistant),
    )
    app.state.assistant = assistant
    if warm:
        threading.Thread(target=_warm, args=(assistant,), name="warm-up", daemon=True).start()
    app.state.gate = Gate.from_settings(settings, assistant.keyring)
    install_error_handlers(app)
    mount_docs(app)
    routers = (health, ask, documents, feedback, chat, models, cases, verified, reports, metrics)
    for module in (*routers, sources):
        app.include_router(module.router)
    mount_slack(app, assistant)
    mount_web(app, assistant)
    upload_limit = int(settings.max_upload_mb * MB) * settings.max_upload_files + MB
    app.add_middleware(
        EdgeGuard,  # type: ignore[arg-type]
        allowed_hosts=settings.host_list(),
        cors_origins=settings.cors_list(),
        max_body=int(settings.max_body_mb * MB),
        max_upload=upload_limit,
    )
    if settings.cors_list():
        app.add_middleware(
            CORSMiddleware,  # type: ignore[arg-type]
            allow_origins=settings.cors_list(),
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    install_metrics(app, assistant)  # outermost: requests refused at the edge count too
    return app
