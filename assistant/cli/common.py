"""Shared helpers of the CLI commands."""

from __future__ import annotations

import typer

from assistant.config import Settings, load_settings
from assistant.errors import ConfigError


def settings_or_exit() -> Settings:
    """Settings from LOTSE_*; an invalid value ends the command with exit code 2."""
    try:
        return load_settings()
    except ConfigError as exc:
        typer.echo(f"Fehler: {exc}", err=True)
        raise typer.Exit(2) from None
