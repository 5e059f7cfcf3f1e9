"""Build the Chroma client: embedded in the data dir, or an HTTP client to a server."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

from assistant.config import Settings
from assistant.errors import ConfigError, StoreUnavailable


def build_chroma_client(settings: Settings) -> Any:
    """Return a chromadb client with telemetry off; never uses Chroma's own embeddings."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not settings.chroma_url:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    url = urlparse(settings.chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(f"LOTSE_CHROMA_URL ungültig: {settings.chroma_url!r} (http://host:port)")
    port = url.port or (443 if url.scheme == "https" else 8000)
    try:
        return chromadb.HttpClient(
            host=url.hostname, port=port, ssl=url.scheme == "https", settings=chroma_settings
        )
    except Exception as exc:  # chromadb raises plain exceptions when the server is down
        raise StoreUnavailable(f"Chroma-Server nicht erreichbar ({url.hostname}:{port})") from exc


def reopen_chroma_client(stale: Any, settings: Settings) -> Any:
    """A fresh embedded client that sees what other processes wrote since `stale` was opened.

    Chroma caches one system (with its in-memory HNSW index) per path and process; the stale one
    is dropped from that cache, not stopped, so queries still running on it finish normally.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = str(getattr(stale, "_identifier", ""))
    SharedSystemClient._identifier_to_system.pop(identifier, None)
    SharedSystemClient._identifier_to_refcount.pop(identifier, None)
    return build_chroma_client(settings)
