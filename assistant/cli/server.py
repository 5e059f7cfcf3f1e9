"""lotse serve: API and web page with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.common import settings_or_exit
from assistant.errors import LotseError
from assistant.launch import serve as run_server


def register(app: typer.Typer) -> None:
    """Add the serve command."""

    @app.command()
    def serve(
        host: Annotated[str, typer.Option("--host", help="Adresse")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="Port")] = 8000,
        workers: Annotated[int, typer.Option("--workers", help="uvicorn-Worker")] = 1,
    ) -> None:
        """API (/v1, /docs) und Webseite (/) starten (ohne API-Schlüssel nur auf 127.0.0.1)."""
        settings = settings_or_exit()
        try:
            run_server(settings, host, port, workers)
        except LotseError as exc:
            typer.echo(f"Fehler: {exc}", err=True)
            raise typer.Exit(1) from None
