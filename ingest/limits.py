"""Per-file limits applied while loading."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from assistant.errors import LoadError


@dataclass
class LoadLimits:
    """Bounds for one file: size, pages and wall time."""

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 2000
    max_seconds: float = 120.0
    started: float = field(default_factory=time.monotonic)

    def check_time(self, path: object) -> None:
        """Raise LoadError when the file has taken longer than allowed."""
        if time.monotonic() - self.started > self.max_seconds:
            raise LoadError(path, f"Zeitlimit überschritten ({self.max_seconds:.0f} s pro Datei)")
