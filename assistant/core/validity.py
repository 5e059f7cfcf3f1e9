"""Versions retrieval sees: those in force on the asked day (`as_of`, default today)."""

from __future__ import annotations

import datetime as dt

from assistant.retrieval.results import Filters
from assistant.store.manifest import Manifest
from assistant.store.validity import Versions


def search_day(filters: Filters | None) -> dt.date:
    """The day whose versions in force are searched: the filter's as_of, else today."""
    return filters.as_of if filters is not None and filters.as_of else dt.date.today()


def not_in_force(manifest: Manifest, day: dt.date) -> set[str]:
    """Ids of documents that are not the version in force on that day."""
    return Versions.load(manifest.rows).not_in_force(day)
