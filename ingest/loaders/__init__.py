"""Loaders turn a file into a LoadedDocument or raise LoadError with a reason."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from assistant.errors import LoadError
from ingest.limits import LoadLimits
from ingest.loaders.html import load_html
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_text
from ingest.models import LoadedDocument

Loader = Callable[[Path, LoadLimits], LoadedDocument]

LOADERS: dict[str, Loader] = {
    ".pdf": load_pdf,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".mdx": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".txt": load_text,
    ".text": load_text,
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(LOADERS)
MAX_REASON_CHARS = 200

__all__ = ["SUPPORTED_SUFFIXES", "load_document"]


def _unexpected(exc: BaseException) -> str:
    """'<ExceptionClassName>: <first line of the message>' limited to MAX_REASON_CHARS."""
    lines = str(exc).strip().splitlines()
    first = lines[0].strip() if lines else ""
    reason = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return reason[:MAX_REASON_CHARS]


def _check_file(path: Path) -> None:
    """Refuse missing, non-regular (FIFO, device, folder) and empty files before reading.

    Symlinks are followed: whether a link may point outside the corpus is decided by
    discovery, which knows the root folder.
    """
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise LoadError(path, "Datei nicht gefunden") from exc
    except OSError as exc:
        raise LoadError(path, f"Datei nicht lesbar ({type(exc).__name__})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise LoadError(path, "keine reguläre Datei")
    if info.st_size == 0:
        raise LoadError(path, "leere Datei")


def load_document(path: Path, limits: LoadLimits) -> LoadedDocument:
    """Load one file by its suffix; any failure is raised as LoadError with a short reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        raise LoadError(path, f"Dateityp nicht unterstützt ({suffix or 'ohne Endung'})")
    _check_file(path)
    try:
        document = loader(path, limits)
    except LoadError:
        raise
    except RecursionError as exc:
        raise LoadError(path, "RecursionError: Struktur zu tief verschachtelt") from exc
    except MemoryError as exc:
        raise LoadError(path, "MemoryError: Datei zu groß für den Speicher") from exc
    except Exception as exc:
        raise LoadError(path, _unexpected(exc)) from exc
    if not document.blocks:
        raise LoadError(path, "kein Text gefunden")
    return document
