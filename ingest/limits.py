"""Per-file limits applied while loading."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import LoadError


@dataclass(frozen=True)
class OcrOptions:
    """How scanned PDF pages are recognised (LOTSE_OCR_* settings); None in LoadLimits: no OCR."""

    enabled: bool = True
    tesseract: str = "tesseract"
    language: str = "deu"
    dpi: int = 300
    max_pages: int = 100  # pages recognised per file; further scanned pages are reported
    timeout: float = 60.0  # seconds per page (Tesseract is stopped)
    min_confidence: float = 60.0  # mean word confidence 0–100; pages below are not indexed
    cache_dir: Path | None = None  # recognised pages by image hash; None: no cache


@dataclass
class LoadLimits:
    """Bounds for one file: size, pages and wall time (OCR time is bounded by OcrOptions)."""

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 2000
    max_seconds: float = 120.0
    started: float = field(default_factory=time.monotonic)
    ocr: OcrOptions | None = None

    def exclude(self, seconds: float) -> None:
        """Do not count these seconds (OCR, limited per page instead) against max_seconds."""
        self.started += seconds

    def check_time(self, path: object) -> None:
        """Raise LoadError when the file has taken longer than allowed."""
        if time.monotonic() - self.started > self.max_seconds:
            raise LoadError(path, f"Zeitlimit überschritten ({self.max_seconds:.0f} s pro Datei)")
