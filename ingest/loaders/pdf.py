"""PDF loader (pypdf): one block per page, garbage and scan detection, OCR, hostile-file checks."""

from __future__ import annotations

import logging
import time
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
from ingest.ocr import OcrFailure, OcrReport, PageReader, unavailable

SIGNATURE_WINDOW = 1024
MAX_PAGE_WARNINGS = 50
IMAGE_PROBE_PAGES = 20
MIN_DRAWING_BYTES = 200
NO_TEXT_LAYER = "kein Textlayer (gescannt?) – OCR nötig"
ONLY_GARBAGE = "nur unlesbarer Text (Schriftkodierung)"
ENCRYPTED = "PDF ist verschlüsselt (Passwort nötig)"
BLANK_PAGES = "nur leere Seiten, kein Text"
# stamps on the first page of court decisions and files, never a title (with an OCR misreading)
COVER_STAMPS = frozenset({"abschrift", "ahschrift", "ausfertigung", "beglaubigte abschrift"})


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


def _page_has_images(reader: PdfReader, number: int) -> bool:
    """Does page `number` (1-based) carry images or drawings (a scan) rather than nothing?"""
    try:
        page = reader.pages[number - 1]
        contents = page.get_contents()
        if contents is not None and len(contents.get_data()) > MIN_DRAWING_BYTES:
            return True  # inline images or vector outlines of text
        resources: Any = page.get("/Resources")
        xobjects: Any = resources.get_object().get("/XObject") if resources else None
        if not xobjects:
            return False
        return any(
            ref.get_object().get("/Subtype") in ("/Image", "/Form")
            for ref in xobjects.get_object().values()
        )
    except Exception:  # unsure: assume a scan, the more helpful message
        return True


def _has_images(reader: PdfReader, pages: int) -> bool:
    """Do the first pages carry images or drawings (a scan) rather than being blank?"""
    return any(_page_has_images(reader, n) for n in range(1, min(pages, IMAGE_PROBE_PAGES) + 1))


def _metadata_title(reader: PdfReader) -> str | None:
    """/Title from the document information, if it is a real title."""
    try:
        metadata: Any = reader.metadata
        return sensible_title(metadata.get("/Title")) if metadata else None
    except Exception:  # broken info dictionaries are common and harmless
        return None


def _extract(
    path: Path, reader: PdfReader, pages: int, limits: LoadLimits
) -> tuple[dict[int, str], dict[int, str], dict[PageStatus, int], list[str]]:
    """Per-page text; one warning per empty, unreadable or failing page."""
    texts: dict[int, str] = {}
    notes: dict[int, str] = {}
    statuses = {status: 0 for status in PageStatus}
    errors: list[str] = []
    for number in range(1, pages + 1):
        limits.check_time(path)
        try:
            raw = reader.pages[number - 1].extract_text() or ""
        except Exception as exc:  # one bad page must not sink the document
            errors.append(type(exc).__name__)
            notes[number] = f"Seite {number}: Text nicht extrahierbar ({type(exc).__name__})"
            continue
        page = clean_page(raw)
        statuses[page.status] += 1
        if page.status is PageStatus.EMPTY:
            notes[number] = f"Seite {number}: kein Text"
        elif page.status is PageStatus.GARBAGE:
            notes[number] = f"Seite {number}: unlesbarer Text (Schriftkodierung), übersprungen"
        else:
            texts[number] = page.text
            if page.dropped_lines:
                notes[number] = (
                    f"Seite {number}: {page.dropped_lines} unlesbare Zeilen "
                    "(Schriftkodierung) entfernt"
                )
    return texts, notes, statuses, errors


def _ocr(
    path: Path, reader: PdfReader, unread: list[int], notes: dict[int, str], limits: LoadLimits
) -> tuple[dict[int, tuple[str, float]], OcrReport | None, str | None]:
    """OCR of unread pages that carry images: texts with confidence, report, reason if none."""
    options = limits.ocr
    scanned = [n for n in unread if options is not None and _page_has_images(reader, n)]
    if options is None or not scanned:
        return {}, None, None
    why = unavailable(options)
    if why:
        for number in scanned:
            notes[number] = f"Seite {number}: {why}"
        return {}, None, why
    report, done = OcrReport(), {}
    with PageReader(path, options) as pages:
        for attempt, number in enumerate(scanned):
            if attempt >= options.max_pages:
                report.not_done.append(number)
                notes[number] = f"Seite {number}: nicht erkannt (höchstens {options.max_pages} "
                notes[number] += "OCR-Seiten pro Datei, LOTSE_OCR_MAX_PAGES)"
                continue
            limits.check_time(path)
            started = time.monotonic()
            try:
                page = pages.page(number)
            except OcrFailure as exc:
                report.failed.append(number)
                notes[number] = f"Seite {number}: {exc}"
                continue
            finally:
                limits.exclude(time.monotonic() - started)  # bounded by LOTSE_OCR_TIMEOUT
                report.seconds += time.monotonic() - started
            report.cached += page.cached
            cleaned = clean_page(page.text)
            if page.confidence < options.min_confidence or cleaned.status is not PageStatus.OK:
                report.rejected.append(number)
                notes[number] = (
                    f"Seite {number}: OCR-Konfidenz {page.confidence:.0f} unter "
                    f"{options.min_confidence:.0f} (LOTSE_OCR_MIN_CONFIDENCE) – nicht indexiert"
                    if page.confidence < options.min_confidence
                    else f"Seite {number}: OCR ergab keinen lesbaren Text – nicht indexiert"
                )
                continue
            done[number] = (cleaned.text, page.confidence)
            report.pages[number] = page.confidence
            notes.pop(number, None)
    reason = None if done else _nothing_recognised(report, notes, options.min_confidence)
    return done, report, reason


def _nothing_recognised(report: OcrReport, notes: dict[int, str], threshold: float) -> str:
    """Why a scanned file has no text after OCR: counts of rejected, failed, left-out pages."""
    parts = []
    if report.rejected:
        parts.append(
            f"{len(report.rejected)} Seite(n) unter OCR-Konfidenz {threshold:.0f} oder unlesbar"
        )
    if report.failed:
        first = notes[report.failed[0]].split(": ", 1)[-1]
        parts.append(f"{len(report.failed)} Seite(n) fehlgeschlagen: {first}")
    if report.not_done:
        parts.append(f"{len(report.not_done)} Seite(n) über LOTSE_OCR_MAX_PAGES")
    return f"gescannt, kein verwertbarer OCR-Text ({'; '.join(parts)})"


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
        unread = [n for n in range(1, pages + 1) if n not in texts]
        recognised, ocr, ocr_reason = _ocr(path, reader, unread, notes, limits)
        meta_title = _metadata_title(reader)
        if not texts and not recognised:
            if ocr_reason:
                raise LoadError(path, ocr_reason)
            if statuses[PageStatus.GARBAGE]:
                raise LoadError(path, ONLY_GARBAGE)
            if errors and not statuses[PageStatus.EMPTY]:
                raise LoadError(path, f"Text nicht extrahierbar ({errors[0]})")
            raise LoadError(path, NO_TEXT_LAYER if _has_images(reader, pages) else BLANK_PAGES)
    texts.update({n: text for n, (text, _) in recognised.items()})
    numbers = sorted(texts)
    pages_text = [texts[n] for n in numbers]
    cleaned = remove_running_lines(pages_text)
    blocks = [
        Block(text=text, page=n, ocr_confidence=recognised[n][1] if n in recognised else None)
        for n, text in zip(numbers, cleaned, strict=True)
        if text
    ]
    if not meta_title and blocks:
        meta_title = first_line_title(blocks[0].text, repeated_lines(pages_text) | COVER_STAMPS)
    title = meta_title or path.stem
    warnings = _cap([notes[n] for n in sorted(notes)])
    summary = ocr.as_dict() if ocr else None
    return LoadedDocument(path=path, title=title, blocks=blocks, warnings=warnings, ocr=summary)
