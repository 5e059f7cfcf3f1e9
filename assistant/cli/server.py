"""lotse serve: API and web page with uvicorn."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer

from assistant.cli.common import settings_or_exit
from assistant.errors import LotseError
from assistant.logs import configure_logging

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    """Add the serve command."""

    @app.command()
    def serve(
        host: Annotated[str, typer.Option("--host", help="Adresse")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="Port")] = 8000,
        workers: Annotated[int, typer.Option("--workers", help="uvicorn-Worker")] = 1,
    ) -> None:
        """API (/v1, /docs) und Webseite (/) starten."""
        import uvicorn

        from assistant.api import create_app
        from assistant.services import Services

        configure_logging()
        log = logging.getLogger("assistant.serve")
        settings = settings_or_exit()
        if settings.api_keys is None and host not in LOOPBACK:
            log.warning(
                "Keine API-Schlüssel (LOTSE_API_KEYS) gesetzt: binde nur an 127.0.0.1 statt %s",
                host,
            )
            host = "127.0.0.1"
        elif settings.api_keys is None:
            log.warning("Keine API-Schlüssel gesetzt: API nur lokal auf %s erreichbar", host)
        try:
            services = Services.build(settings)
            services.index.lexical()  # load or build the lexical index before serving
        except LotseError as exc:
            typer.echo(f"Fehler: {exc}", err=True)
            raise typer.Exit(1) from None
        log.info("Digitallotse auf http://%s:%s (API-Doku /docs)", host, port)
        if workers > 1:
            services.close()
            # One model thread per worker unless configured: several workers each running a
            # multi-threaded model on few cores slow each other down (measured 3.5x per query).
            os.environ.setdefault("LOTSE_EMBEDDING_THREADS", "1")
            uvicorn.run(
                "assistant.api.factory:app_from_env",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level="info",
            )
            return
        uvicorn.run(create_app(services), host=host, port=port, log_level="info")
