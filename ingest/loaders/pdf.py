"""PDF loader (pypdf): one block per page, garbage and scan detection, hostile-file checks."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from assistant.errors import LoadError
from ingest.limits import LoadLimits
from ingest.loaders.pdftext import (
    PageStatus,
    clean_page,
    first_line_title,
    remove_running_lines,
    repeated_lines,
    sensible_title,
)
from ingest.loaders.text import format_size
from ingest.models import Block, LoadedDocument

SIGNATURE_WINDOW = 1024
MAX_PAGE_WARNINGS = 50
IMAGE_PROBE_PAGES = 20
MIN_DRAWING_BYTES = 200
NO_TEXT_LAYER = "kein Textlayer (gescannt?) – OCR nötig"
ONLY_GARBAGE = "nur unlesbarer Text (Schriftkodierung)"
ENCRYPTED = "PDF ist verschlüsselt (Passwort nötig)"
BLANK_PAGES = "nur leere Seiten, kein Text"


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's logger (below ERROR) and Python warnings while loading."""
    logger = logging.getLogger("pypdf")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(previous)


def _check_signature(path: Path, limits: LoadLimits) -> None:
    """Refuse files that are too big or do not start like a PDF."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise LoadError(
            path, f"Datei zu groß ({format_size(size)} > {format_size(limits.max_bytes)})"
        )
    with path.open("rb") as handle:
        head = handle.read(SIGNATURE_WINDOW)
    if b"%PDF-" not in head:
        raise LoadError(path, "keine gültige PDF-Datei (Signatur fehlt)")


def _broken(exc: BaseException) -> str:
    """Short reason for a PDF that pypdf cannot parse."""
    return f"beschädigte oder unvollständige PDF-Datei ({type(exc).__name__})"


def _open(path: Path, limits: LoadLimits) -> tuple[PdfReader, int]:
    """Open the PDF, decrypt with an empty password if needed, count and limit pages."""
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                decrypted = bool(reader.decrypt(""))
            except (DependencyError, NotImplementedError, PdfReadError):
                decrypted = False
            if not decrypted:
                raise LoadError(path, ENCRYPTED)
        pages = len(reader.pages)
    except LoadError:
        raise
    except FileNotDecryptedError as exc:
        raise LoadError(path, ENCRYPTED) from exc
    except Exception as exc:  # pypdf raises many types on broken files
        raise LoadError(path, _broken(exc)) from exc
    if pages > limits.max_pages:
        raise LoadError(path, f"zu viele Seiten ({pages} > {limits.max_pages})")
    if pages == 0:
        raise LoadError(path, "PDF ohne Seiten")
    return reader, pages


def _has_images(reader: PdfReader, pages: int) -> bool:
    """Do the first pages carry images or drawings (a scan) rather than being blank?"""
    try:
        for number in range(min(pages, IMAGE_PROBE_PAGES)):
            page = reader.pages[number]
            contents = page.get_contents()
            if contents is not None and len(contents.get_data()) > MIN_DRAWING_BYTES:
                return True  # inline images or vector outlines of text
            resources: Any = page.get("/Resources")
            xobjects: Any = resources.get_object().get("/XObject") if resources else None
            if not xobjects:
                continue
            for ref in xobjects.get_object().values():
                if ref.get_object().get("/Subtype") in ("/Image", "/Form"):
                    return True
    except Exception:  # unsure: assume a scan, the more helpful message
        return True
    return False


def _metadata_title(reader: PdfReader) -> str | None:
    """/Title from the document information, if it is a real title."""
    try:
        metadata: Any = reader.metadata
        return sensible_title(metadata.get("/Title")) if metadata else None
    except Exception:  # broken info dictionaries are common and harmless
        return None


def _extract(
    path: Path, reader: PdfReader, pages: int, limits: LoadLimits
) -> tuple[dict[int, str], list[str], dict[PageStatus, int], list[str]]:
    """Per-page text; warnings for empty, unreadable or failing pages."""
    texts: dict[int, str] = {}
    notes: list[str] = []
    statuses = {status: 0 for status in PageStatus}
    errors: list[str] = []
    for number in range(1, pages + 1):
        limits.check_time(path)
        try:
            raw = reader.pages[number - 1].extract_text() or ""
        except Exception as exc:  # one bad page must not sink the document
            errors.append(type(exc).__name__)
            notes.append(f"Seite {number}: Text nicht extrahierbar ({type(exc).__name__})")
            continue
        page = clean_page(raw)
        statuses[page.status] += 1
        if page.status is PageStatus.EMPTY:
            notes.append(f"Seite {number}: kein Text")
        elif page.status is PageStatus.GARBAGE:
            notes.append(f"Seite {number}: unlesbarer Text (Schriftkodierung), übersprungen")
        else:
            texts[number] = page.text
            if page.dropped_lines:
                notes.append(
                    f"Seite {number}: {page.dropped_lines} unlesbare Zeilen "
                    "(Schriftkodierung) entfernt"
                )
    return texts, notes, statuses, errors


def _cap(notes: list[str]) -> list[str]:
    """At most MAX_PAGE_WARNINGS page warnings plus a summary line."""
    if len(notes) <= MAX_PAGE_WARNINGS:
        return notes
    rest = len(notes) - MAX_PAGE_WARNINGS
    return [*notes[:MAX_PAGE_WARNINGS], f"… {rest} weitere Seitenwarnungen ausgelassen"]


def load_pdf(path: Path, limits: LoadLimits) -> LoadedDocument:
    """Load a PDF: one block per readable page (1-based page numbers), warnings for the rest."""
    _check_signature(path, limits)
    with _quiet_pypdf():
        reader, pages = _open(path, limits)
        texts, notes, statuses, errors = _extract(path, reader, pages, limits)
        meta_title = _metadata_title(reader)
        if not texts:
            if statuses[PageStatus.GARBAGE]:
                raise LoadError(path, ONLY_GARBAGE)
            if errors and not statuses[PageStatus.EMPTY]:
                raise LoadError(path, f"Text nicht extrahierbar ({errors[0]})")
            raise LoadError(path, NO_TEXT_LAYER if _has_images(reader, pages) else BLANK_PAGES)
    numbers = sorted(texts)
    pages_text = [texts[n] for n in numbers]
    cleaned = remove_running_lines(pages_text)
    blocks = [Block(text=text, page=n) for n, text in zip(numbers, cleaned, strict=True) if text]
    if not meta_title and blocks:
        meta_title = first_line_title(blocks[0].text, repeated_lines(pages_text))
    title = meta_title or path.stem
    return LoadedDocument(path=path, title=title, blocks=blocks, warnings=_cap(notes))
