"""lotse slack: the Slack bot in Socket Mode."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading

import typer

from assistant.cli.common import settings_or_exit
from assistant.errors import LotseError


def register(app: typer.Typer) -> None:
    """Add the slack command."""

    @app.command()
    def slack() -> None:
        """Slack-Bot im Socket Mode starten (LOTSE_SLACK_BOT_TOKEN, LOTSE_SLACK_APP_TOKEN)."""
        from slack_sdk.errors import SlackApiError

        from assistant.launch import run_slack

        log = logging.getLogger("assistant.slack")
        settings = settings_or_exit()
        missing = [
            name
            for name, value in (
                ("LOTSE_SLACK_BOT_TOKEN", settings.slack_bot_token),
                ("LOTSE_SLACK_APP_TOKEN", settings.slack_app_token),
            )
            if value is None or not value.get_secret_value().strip()
        ]
        if missing:
            typer.echo(f"Fehler: {' und '.join(missing)} nicht gesetzt", err=True)
            raise typer.Exit(2)
        if not (settings.advisor_channel or "").strip():
            log.warning("LOTSE_ADVISOR_CHANNEL nicht gesetzt: kein Button „Berater*in fragen“")
        stop = threading.Event()
        with contextlib.suppress(ValueError):  # only possible in the main thread
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            run_slack(settings, stop)
        except KeyboardInterrupt:
            typer.echo("beendet", err=True)
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else "unbekannt"
            typer.echo(f"Fehler: Slack lehnt die Verbindung ab ({error})", err=True)
            raise typer.Exit(1) from None
        except LotseError as exc:
            typer.echo(f"Fehler: {exc}", err=True)
            raise typer.Exit(1) from None
