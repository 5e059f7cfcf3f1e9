"""Shared helpers of the CLI commands."""

from __future__ import annotations

from typing import NoReturn

import typer

from assistant.config import Settings, load_settings
from assistant.errors import ConfigError


def fail(message: str, code: int = 1) -> NoReturn:
    """End the command: the message on stderr, the exit code (never a traceback)."""
    typer.echo(f"Fehler: {message}", err=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    """Settings from LOTSE_*; an invalid value ends the command with exit code 2."""
    try:
        return load_settings()
    except ConfigError as exc:
        fail(str(exc), 2)
