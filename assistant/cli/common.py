"""Shared helpers of the CLI commands."""

from __future__ import annotations

import typer

from assistant.config import Settings


def settings_or_exit() -> Settings:
    """Settings from LOTSE_*; an invalid value ends the command with exit code 2."""
    try:
        return Settings()
    except ValueError as exc:  # pydantic validation names the variable
        typer.echo(f"Fehler: Ungültige Einstellung: {str(exc).splitlines()[0]}", err=True)
        raise typer.Exit(2) from None
