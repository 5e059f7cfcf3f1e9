"""OCR of scanned PDF pages: pypdfium2 renders, Tesseract (pytesseract) reads, cached by hash."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytesseract
from PIL import Image

from ingest.limits import OcrOptions

MISSING = "gescannt, OCR nicht verfügbar (tesseract-ocr fehlt)"
NO_LANGUAGE = "gescannt, OCR nicht verfügbar (Sprachpaket tesseract-ocr-{} fehlt)"
SWITCHED_OFF = "kein Textlayer (gescannt?) – OCR ausgeschaltet (LOTSE_OCR=off)"
MAX_PIXELS = 40_000_000  # A3 at 300 dpi has 17 MP: larger pages are rendered at lower dpi
CACHE_VERSION = "1"  # bump when the stored page shape or the Tesseract call changes
TESSERACT_CONFIG = "--psm 3"  # automatic page segmentation (Tesseract's default)
_LOCK = threading.Lock()  # pdfium is not thread-safe; one Tesseract at a time on few cores
# Tesseract's German model reads "§" as "$" (and often as "8" before "5 Abs."/"5 Nr.")
_DOLLAR_SECTION = re.compile(r"\$(\$?)\s*(?=\d)")
_EIGHT_SECTION = re.compile(r"(?<![\w.,§])(88|8) (?=\d+[a-z]?\)? (?:Abs|Nr|Satz|Ziff|ff)\b)")


class OcrFailure(Exception):
    """One page could not be recognised; the message is a short German reason."""


@dataclass
class OcrPage:
    """Recognised text of one page with Tesseract's mean word confidence (0–100)."""

    text: str
    confidence: float
    words: int
    cached: bool = False


@dataclass
class OcrReport:
    """What OCR did for one file: recognised, cached, rejected and left-out pages."""

    pages: dict[int, float] = field(default_factory=dict)  # indexed page → confidence
    cached: int = 0
    rejected: list[int] = field(default_factory=list)  # below the confidence threshold
    failed: list[int] = field(default_factory=list)  # timeouts, Tesseract errors
    not_done: list[int] = field(default_factory=list)  # beyond LOTSE_OCR_MAX_PAGES
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary for the ingest report."""
        values = list(self.pages.values())
        return {
            "pages": len(values),
            "page_numbers": sorted(self.pages),
            "mean_confidence": round(sum(values) / len(values), 1) if values else None,
            "cached": self.cached,
            "rejected": self.rejected,
            "failed": self.failed,
            "not_done": self.not_done,
            "seconds": round(self.seconds, 1),
        }


def unavailable(options: OcrOptions) -> str | None:
    """Why OCR cannot run here (switched off, Tesseract or its language missing), or None."""
    if not options.enabled:
        return SWITCHED_OFF
    return _probe(options.tesseract, options.language)


@lru_cache(maxsize=8)
def _probe(command: str, language: str) -> str | None:
    """Run `tesseract --list-langs` once per binary and language."""
    binary = shutil.which(command)
    if binary is None:
        return MISSING
    try:
        run = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return MISSING
    if run.returncode != 0:
        return MISSING
    installed = {line.strip() for line in run.stdout.splitlines()[1:]}
    for needed in language.split("+"):
        if needed not in installed:
            return NO_LANGUAGE.format(needed)
    return None


def _image_key(image: Image.Image, options: OcrOptions) -> str:
    """Cache key: the rendered page's pixels plus everything that changes the recognition."""
    digest = hashlib.sha256()
    header = f"{CACHE_VERSION}|{options.language}|{TESSERACT_CONFIG}|{image.mode}|{image.size}"
    digest.update(header.encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def normalise(text: str) -> str:
    """Undo Tesseract's usual misreadings of the section sign: '$ 5' / '8 5 Abs.' → '§ 5'."""
    text = _DOLLAR_SECTION.sub(lambda m: "§§ " if m.group(1) else "§ ", text)
    return _EIGHT_SECTION.sub(lambda m: "§§ " if m.group(1) == "88" else "§ ", text)


def _lines(data: dict[str, list[Any]]) -> tuple[str, list[float]]:
    """Text in Tesseract's reading order (paragraphs as blank lines) and the word confidences."""
    paragraphs: list[list[list[str]]] = []
    confidences: list[float] = []
    last_par: tuple[int, int] | None = None
    last_line: tuple[int, int, int] | None = None
    for i, raw in enumerate(data["text"]):
        word = str(raw).strip()
        confidence = float(data["conf"][i])
        if not word or confidence < 0:
            continue
        par = (int(data["block_num"][i]), int(data["par_num"][i]))
        line = (*par, int(data["line_num"][i]))
        if par != last_par:
            paragraphs.append([])
        if line != last_line:
            paragraphs[-1].append([])
        paragraphs[-1][-1].append(word)
        confidences.append(confidence)
        last_par, last_line = par, line
    text = "\n\n".join("\n".join(" ".join(ws) for ws in lines) for lines in paragraphs)
    return text, confidences


@contextmanager
def _single_threaded() -> Iterator[None]:
    """Tesseract's OpenMP threads cost 3–4× on busy cores: one thread unless the user set one."""
    if "OMP_THREAD_LIMIT" in os.environ:
        yield
        return
    os.environ["OMP_THREAD_LIMIT"] = "1"  # pytesseract passes os.environ to Tesseract
    try:
        yield
    finally:
        os.environ.pop("OMP_THREAD_LIMIT", None)


def recognise_image(image: Image.Image, options: OcrOptions) -> OcrPage:
    """Run Tesseract on one image (no cache); OcrFailure on timeout or error."""
    pytesseract.pytesseract.tesseract_cmd = options.tesseract
    try:
        with _single_threaded():
            data = pytesseract.image_to_data(
                image,
                lang=options.language,
                config=TESSERACT_CONFIG,
                timeout=options.timeout,
                output_type=pytesseract.Output.DICT,
            )
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrFailure(MISSING) from exc
    except pytesseract.TesseractError as exc:
        raise OcrFailure(f"Tesseract-Fehler ({exc.status})") from exc
    except RuntimeError as exc:  # pytesseract's timeout
        limit = f"{options.timeout:g} s pro Seite, LOTSE_OCR_TIMEOUT"
        raise OcrFailure(f"OCR-Zeitlimit überschritten ({limit})") from exc
    text, confidences = _lines(data)
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrPage(text=text, confidence=round(mean, 1), words=len(confidences))


class PageReader:
    """Renders and recognises pages of one PDF, through the cache."""

    def __init__(self, path: Path, options: OcrOptions) -> None:
        self.path = path
        self.options = options
        self._document: pdfium.PdfDocument | None = None

    def __enter__(self) -> PageReader:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._document is not None:
            with _LOCK:
                self._document.close()
            self._document = None

    def render(self, number: int) -> Image.Image:
        """Page `number` (1-based) as a grayscale image at the configured dpi (capped in size)."""
        if self._document is None:
            self._document = pdfium.PdfDocument(self.path)
        page = self._document[number - 1]
        try:
            width, height = page.get_size()
            scale = self.options.dpi / 72
            if width * height * scale * scale > MAX_PIXELS:
                scale = math.sqrt(MAX_PIXELS / max(width * height, 1.0))
            return page.render(scale=scale, grayscale=True).to_pil()
        finally:
            page.close()

    def page(self, number: int) -> OcrPage:
        """Recognised page, from the cache when this image was read before."""
        with _LOCK:
            try:
                image = self.render(number)
            except pdfium.PdfiumError as exc:
                raise OcrFailure(f"Seite nicht darstellbar ({exc})"[:120]) from exc
            key = _image_key(image, self.options)
            cached = self._cached(key)
            if cached is None:
                result = recognise_image(image, self.options)
        if cached is not None:
            return OcrPage(normalise(cached.text), cached.confidence, cached.words, True)
        self._store(key, result)
        return OcrPage(normalise(result.text), result.confidence, result.words)

    def _file(self, key: str) -> Path | None:
        folder = self.options.cache_dir
        return folder / key[:2] / f"{key}.json" if folder else None

    def _cached(self, key: str) -> OcrPage | None:
        target = self._file(key)
        if target is None or not target.is_file():
            return None
        try:
            stored = json.loads(target.read_text(encoding="utf-8"))
            return OcrPage(stored["text"], float(stored["confidence"]), int(stored["words"]), True)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a damaged entry is recognised again and rewritten

    def _store(self, key: str, page: OcrPage) -> None:
        target = self._file(key)
        if target is None:
            return
        payload = {"text": page.text, "confidence": page.confidence, "words": page.words}
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, target)
        except OSError:
            pass  # a read-only cache only costs time
