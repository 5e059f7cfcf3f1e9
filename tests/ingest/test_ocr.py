"""OCR of scanned PDFs with real Tesseract: indexed with pages, cached, low confidence refused."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from assistant.answer.models import Citation
from assistant.config import Settings
from assistant.retrieval.results import Hit
from assistant.services import Services
from ingest.limits import LoadLimits, OcrOptions
from ingest.loaders import load_document
from ingest.ocr import MISSING, SWITCHED_OFF, normalise, unavailable
from ingest.pipeline import Ingestor

needs_tesseract = pytest.mark.skipif(
    unavailable(OcrOptions()) is not None, reason="tesseract-ocr mit Sprachpaket deu fehlt"
)

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINES = [
    "Satzung über die Wärmestube der Gemeinde Nordheide",
    "",
    "Die Wärmestube öffnet von November bis März täglich ab 14 Uhr.",
    "Hunde dürfen nur angeleint mitgebracht werden.",
    "Für Getränke wird ein Kostenbeitrag von 50 Cent erhoben.",
]
SIZE = (1240, 1754)  # A4 at 150 dpi


def _text_page() -> Image.Image:
    font = ImageFont.truetype(str(DEJAVU), 30) if DEJAVU.exists() else None
    page = Image.new("L", SIZE, 255)
    draw = ImageDraw.Draw(page)
    for n, line in enumerate(LINES):
        draw.text((110, 150 + 60 * n), line, fill=0, font=font or ImageFont.load_default(30))
    return page


def _noise_page() -> Image.Image:
    rng = random.Random(7)
    page = Image.new("L", SIZE, 255)
    draw = ImageDraw.Draw(page)
    for _ in range(3000):
        x, y = rng.randrange(SIZE[0]), rng.randrange(SIZE[1])
        draw.rectangle([x, y, x + rng.randrange(1, 6), y + rng.randrange(1, 6)], fill=0)
    for _ in range(200):
        x, y = rng.randrange(SIZE[0]), rng.randrange(SIZE[1])
        draw.line([x, y, x + rng.randrange(-30, 30), y + rng.randrange(-30, 30)], fill=0, width=2)
    return page


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An image-only PDF: page 1 a typed notice, page 2 specks and scratches."""
    path = tmp_path_factory.mktemp("scan") / "waermestube_scan.pdf"
    _text_page().save(path, "PDF", resolution=150, save_all=True, append_images=[_noise_page()])
    return path


@needs_tesseract
def test_scan_is_recognised_indexed_with_pages_cited_as_ocr_and_cached(
    services: Services, scan: Path
) -> None:
    settings = services.settings
    report = Ingestor(services.index, settings).run([scan])
    result = report.files[0]
    assert result.status == "added", result.reason
    assert result.ocr is not None
    assert result.ocr["page_numbers"] == [1] and result.ocr["rejected"] == [2]
    assert result.ocr["cached"] == 0  # both pages went through Tesseract
    assert result.ocr["mean_confidence"] >= settings.ocr_min_confidence
    assert any(w.startswith("Seite 2:") and "nicht indexiert" in w for w in result.warnings)
    assert report.as_dict()["files"][0]["ocr"]["pages"] == 1

    chunks = services.manifest.document_chunks(result.doc_id or "")
    assert chunks and all(c.metadata["page"] == 1 and c.metadata["ocr"] for c in chunks)
    assert "Nordheide" in chunks[0].text and "angeleint" in chunks[0].text

    # the BM25 index (the engine's first search would embed ~600 bundled examples when cold)
    ranked = services.index.lexical().search("Dürfen Hunde in die Wärmestube in Nordheide?", k=5)
    top = Hit(services.manifest.chunks([ranked[0][0]])[ranked[0][0]], ranked[0][1])
    assert top.chunk.doc_id == result.doc_id
    source = top.source()
    assert source["page"] == 1 and source["ocr"] is True
    assert source["ocr_confidence"] >= settings.ocr_min_confidence
    citation = Citation.from_hit(1, top, "Hunde dürfen nur angeleint mitgebracht werden.")
    assert citation.ocr and citation.label().endswith("S. 1 (OCR)")

    # both pages (the refused one too) are in the cache: loading again runs no Tesseract
    cached = list(settings.ocr_cache_dir.rglob("*.json"))
    assert len(cached) == 2
    options = OcrOptions(cache_dir=settings.ocr_cache_dir)
    again = load_document(scan, LoadLimits(ocr=options))
    assert again.ocr is not None and again.ocr["cached"] == 2
    assert [b.page for b in again.blocks] == [1]
    assert sorted(settings.ocr_cache_dir.rglob("*.json")) == sorted(cached)


def test_missing_tesseract_or_ocr_off_is_reported_not_crashed(
    settings: Settings, scan: Path
) -> None:
    for changes, reason in (
        ({"ocr_tesseract": str(scan.parent / "kein-tesseract")}, MISSING),
        ({"ocr": False}, SWITCHED_OFF),
    ):
        changed = settings.model_copy(update=changes)
        with Services.build(changed) as services:
            report = Ingestor(services.index, changed).run([scan])
        assert [(f.status, f.reason) for f in report.files] == [("failed", reason)]


def test_section_signs_misread_by_tesseract_are_restored() -> None:
    assert normalise("nach $ 5 Nr. 5 IFG und $$ 708 ff.") == "nach § 5 Nr. 5 IFG und §§ 708 ff."
    assert normalise("weder durch 8 5 Nr. 2 noch aus 8 29 Abs. 1") == (
        "weder durch § 5 Nr. 2 noch aus § 29 Abs. 1"
    )
    assert normalise("nach 88 87 ff. SachenRBerG") == "nach §§ 87 ff. SachenRBerG"
    assert normalise("Streitwert 8.000 DM, am 8 5 Tage") == "Streitwert 8.000 DM, am 8 5 Tage"
