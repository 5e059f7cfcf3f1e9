"""Renamed sources of `lotse sync`: a new name takes over the state of the old one.

A configured source without state of its own adopts the one recorded source that is no longer
configured and was read from the same place (kind, location, branch, include): its items with
their validators and missing counts, its sitemaps, last run and folder under DATA_DIR/sync
become the new name's in one transaction. Files stay where they are, so nothing is fetched or
ingested anew. Several candidates (or several new names for one old) are never guessed at."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from assistant.store.sync import SyncState
from ingest.sources import Source

log = logging.getLogger(__name__)

# kinds whose last run report alone says what they were read from (no branch, no include)
WHOLE_LOCATION = ("url", "sitemap")


def _identify(report: dict[str, Any]) -> dict[str, Any] | None:
    """The identity of a source synced before identities were kept, if its report tells it."""
    if report.get("kind") not in WHOLE_LOCATION or not report.get("location"):
        return None
    return {"kind": report["kind"], "location": report["location"], "branch": None, "include": []}


def adopt_renames(state: SyncState, sources: list[Source]) -> dict[str, str]:
    """Let each renamed source take over its old name's state; new name → old name."""
    recorded = state.recorded()
    runs = state.runs()
    configured = {source.name for source in sources}
    unconfigured: dict[str, dict[str, Any]] = {}
    for name, record in recorded.items():
        identity = record.identity or _identify(runs.get(name, {}))
        if name not in configured and identity is not None:
            unconfigured[name] = identity
    candidates = {
        source.name: [old for old, identity in unconfigured.items() if identity == source.identity]
        for source in sources
        if source.name not in recorded
    }
    claims = Counter(old for found in candidates.values() for old in found)
    adopted: dict[str, str] = {}
    for source in sources:
        found = candidates.get(source.name, [])
        if len(found) != 1 or claims[found[0]] != 1:
            if found:  # several old names, or one old name for several new ones
                log.warning("sync %s: Umbenennung nicht eindeutig (%s)", source.name, found)
            continue
        if state.adopt(found[0], source.name, source.identity):
            log.info("sync %s: umbenannt von %s, Zustand übernommen", source.name, found[0])
            adopted[source.name] = found[0]
    return adopted
