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

    Chroma keeps one system (with its in-memory HNSW index) per path and process, so a new
    PersistentClient on the same path would reuse the stale one. `clear_system_cache()` (public
    API of chromadb's ClientAPI) forgets those systems without stopping them: clients and
    collections already handed out keep their own handle to their system, so queries still
    running on `stale` finish normally, and the old system is freed once nothing uses it.
    `stale` must never be closed afterwards (its refcount bookkeeping is gone).

    It clears the cache of the whole process: further embedded clients on another path in the
    same process get a new system too (harmless, just not shared). Chroma servers need none of
    this (reopen is only used for the embedded store).
    """
    stale.clear_system_cache()
    return build_chroma_client(settings)
