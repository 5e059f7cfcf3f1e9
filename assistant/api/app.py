"""create_app(services): the FastAPI application (API v1, health, web page)."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from assistant import __version__
from assistant.api.errors import install_error_handlers
from assistant.api.routes import ask, chat, documents, feedback, health
from assistant.api.security import KeyRing, RateLimiter, parse_api_keys
from assistant.services import Services
from assistant.slack.http import mount_slack
from assistant.web.routes import mount_web

log = logging.getLogger("assistant.api")

DESCRIPTION = """
Digitallotse answers questions on municipal digitalisation from its sources, citing law and §
or document and page. Authenticate with `Authorization: Bearer <key>` (or `X-API-Key`); keys have
scopes `ask` (ask, search, feedback) and `admin` (documents). Every error has the shape
`{"error": {"code", "message"}}`.
"""


def create_app(services: Services) -> FastAPI:
    """Build the app around already-built services."""
    app = FastAPI(title="Digitallotse API", version=__version__, description=DESCRIPTION)
    app.state.services = services
    secret = services.settings.api_keys.get_secret_value() if services.settings.api_keys else ""
    app.state.keyring = KeyRing(parse_api_keys(secret))
    app.state.limiter = RateLimiter(services.settings.rate_limit_per_minute)
    install_error_handlers(app)
    for module in (health, ask, documents, feedback, chat):
        app.include_router(module.router)
    mount_slack(app, services)
    mount_web(app, services)
    return app
