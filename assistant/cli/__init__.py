"""The `lotse` command line (an adapter: parse, call the core, format)."""

from assistant.cli.app import app, main

__all__ = ["app", "main"]
