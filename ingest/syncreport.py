"""What a sync run reports: per source its status, counts, errors and removed items."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.sources import mask_credentials

MAX_ERRORS = 50
COUNTS = ("added", "updated", "unchanged", "removed", "failed", "skipped", "missing")


def iso(seconds: float) -> str:
    """Epoch seconds as ISO 8601 in UTC."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


@dataclass
class SourceReport:
    """One source in one run: ok, partial (some items failed) or failed (not reachable)."""

    name: str
    kind: str
    location: str
    status: str = "ok"
    started_at: float = field(default_factory=time.time)
    finished_at: float = 0.0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    errors: list[str] = field(default_factory=list)
    removed_items: list[str] = field(default_factory=list)
    dropped_errors: int = 0
    renamed_from: str | None = None  # the old name whose state this run took over

    def add(self, status: str) -> None:
        """Count one item (an ingest status; duplicates count as skipped)."""
        key = {"duplicate": "skipped"}.get(status, status)
        self.counts[key] = self.counts.get(key, 0) + 1

    def error(self, message: str) -> None:
        """Note an error (the first MAX_ERRORS are kept)."""
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(mask_credentials(message))
        else:
            self.dropped_errors += 1

    @property
    def changed(self) -> bool:
        """Anything added, updated or removed."""
        return any(self.counts[k] for k in ("added", "updated", "removed"))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        errors = list(self.errors)
        if self.dropped_errors:
            errors.append(f"… und {self.dropped_errors} weitere Fehler")
        return {
            "name": self.name,
            "kind": self.kind,
            "location": self.location,
            "status": self.status,
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at or time.time()),
            "seconds": round(max(0.0, (self.finished_at or time.time()) - self.started_at), 2),
            **self.counts,
            "errors": errors,
            "removed_items": list(self.removed_items),
            "renamed_from": self.renamed_from,
        }


@dataclass
class SyncReport:
    """A whole run over the sources file."""

    sources: list[SourceReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[SourceReport]:
        """Sources that failed or had failed items."""
        return [s for s in self.sources if s.status != "ok"]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "sources": [s.as_dict() for s in self.sources],
            "seconds": round(self.seconds, 2),
        }
