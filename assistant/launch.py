"""Entry points that hand a built assistant to a transport (the composition root of the CLI)."""

from __future__ import annotations

import logging
import os
import threading

from assistant.config import Settings
from assistant.core import Assistant
from assistant.logs import configure_logging

log = logging.getLogger("assistant.serve")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def bind_host(assistant: Assistant, host: str) -> str:
    """Without API keys the server listens on loopback only, whatever was asked, and says so."""
    if assistant.keyring.enabled:
        return host
    if host not in LOOPBACK:
        log.warning(
            "Keine API-Schlüssel (LOTSE_API_KEYS) gesetzt: binde nur an 127.0.0.1 statt %s", host
        )
        return "127.0.0.1"
    log.warning("Keine API-Schlüssel gesetzt: API nur lokal auf %s erreichbar", host)
    return host


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """API and page with uvicorn (LotseError when the assistant cannot be built)."""
    import uvicorn

    from assistant.http.app import create_app

    configure_logging(secrets=settings.secret_values(), json_format=settings.log_format == "json")
    assistant = Assistant.build(settings)
    try:
        host = bind_host(assistant, host)
    except BaseException:
        assistant.close()
        raise
    log.info("Digitallotse auf http://%s:%s (API-Doku /docs)", host, port)
    if workers > 1:
        assistant.close()
        # One model thread per worker unless configured: several workers each running a
        # multi-threaded model on few cores slow each other down (measured 3.5x per query).
        os.environ.setdefault("LOTSE_EMBEDDING_THREADS", "1")
        uvicorn.run(
            "assistant.http.factory:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            proxy_headers=False,  # X-Forwarded-For only from LOTSE_TRUSTED_PROXIES (our gate)
        )
        return
    uvicorn.run(
        create_app(assistant), host=host, port=port, log_config=None, proxy_headers=False
    )


def run_slack(settings: Settings, stop: threading.Event) -> None:
    """The Slack bot in Socket Mode until stop is set."""
    from assistant.slack.socket_mode import run_socket_mode

    configure_logging(secrets=settings.secret_values(), json_format=settings.log_format == "json")
    with Assistant.build(settings) as assistant:
        assistant.warm()
        run_socket_mode(assistant, stop)
