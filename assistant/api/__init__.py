"""HTTP API v1 (FastAPI adapter over the core services)."""

from assistant.api.app import create_app

__all__ = ["create_app"]
