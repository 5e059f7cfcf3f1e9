"""Loaders on real documents (laws, PDFs, web pages) and hostile files; no mocks.

Tests on the real corpora in ../shared are marked `needs_shared`; the fixtures in tests/fixtures
(our own short documents) are loaded by the tests at the end and run on every clone.
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from assistant.errors import LoadError
from ingest.limits import LoadLimits
from ingest.loaders import SUPPORTED_SUFFIXES, _unexpected, load_document
from ingest.loaders.pdf import NO_TEXT_LAYER
from ingest.loaders.pdftext import PageStatus, clean_page, join_hyphenation
from ingest.loaders.sections import parse_section_heading
from ingest.models import Block, LoadedDocument
from tests.conftest import (
    FIXTURE_HOSTILE,
    FIXTURE_LAWS,
    FIXTURE_PDF,
    FIXTURE_WEB,
    HAS_SHARED,
    HOSTILE,
    LAWS,
    PDFS,
    WEB,
    needs_shared,
)

HEADING_LINE = re.compile(r"^#{1,6}\s", re.MULTILINE)
SECTION_HEADING = re.compile(r"^#{1,6}\s+(?:\(X+\)\s*)?(§§?\s*\d+[a-z]*)", re.MULTILINE)


def load(path: Path, **limits: float) -> LoadedDocument:
    """Load with default (or overridden) limits."""
    return load_document(path, LoadLimits(**limits))  # type: ignore[arg-type]


def reason_of(path: Path, **limits: float) -> str:
    """The LoadError reason for a file that must fail."""
    with pytest.raises(LoadError) as info:
        load(path, **limits)
    return info.value.reason


def section(doc: LoadedDocument, name: str) -> Block:
    """The one block of a law section."""
    found = [b for b in doc.blocks if b.section == name]
    assert len(found) == 1, f"{name}: {len(found)} blocks"
    return found[0]


def all_text(doc: LoadedDocument) -> str:
    """Title, headings and text of every block."""
    parts = [doc.title]
    for block in doc.blocks:
        parts += [*block.headings, block.section_title or "", block.text]
    return "\n".join(parts)


# --- laws -------------------------------------------------------------------------------


@needs_shared
def test_vwvfg_sections_titles_and_parts() -> None:
    doc = load(LAWS / "vwvfg.md")
    assert doc.law == "VwVfG" and doc.law_title == "Verwaltungsverfahrensgesetz"
    assert doc.title == "Verwaltungsverfahrensgesetz"
    three_a = section(doc, "§ 3a")
    assert three_a.section_title == "Elektronische Kommunikation"
    assert "elektronischer Dokumente" in three_a.text
    assert three_a.headings[0].startswith("Teil I - Anwendungsbereich")
    assert three_a.headings[1].startswith("Abschnitt 1 - Anwendungsbereich")
    assert section(doc, "§ 35a").section_title.startswith("Vollständig automatisierter Erlass")
    preamble = doc.blocks[0]
    assert preamble.section is None and "Ausfertigungsdatum: 1976-05-25" in preamble.text


@needs_shared
def test_ozg_and_egovg_sections() -> None:
    ozg = load(LAWS / "ozg.md")
    assert ozg.law == "OZG"
    assert section(ozg, "§ 9").section_title == "Bekanntgabe des Verwaltungsaktes"
    egovg = load(LAWS / "egovg.md")
    twelve_a = section(egovg, "§ 12a")
    assert twelve_a.section_title == "Offene Daten des Bundes, Verordnungsermächtigung"
    assert twelve_a.headings == []  # EGovG has no parts above its sections


@needs_shared
@pytest.mark.parametrize("name", ["vwvfg.md", "ozg.md", "egovg.md", "bdsg_2018.md", "vgv_2016.md"])
def test_no_block_spans_two_sections(name: str) -> None:
    raw = (LAWS / name).read_text(encoding="utf-8")
    expected = [" ".join(m.split()) for m in SECTION_HEADING.findall(raw)]
    doc = load(LAWS / name)
    got = [b.section for b in doc.blocks if b.section and b.section.startswith("§")]
    # Every § heading gives exactly one block (empty ones such as "§ 10" in the OZG excepted).
    assert len(got) == len(set(got))
    assert set(got) <= set(expected) and len(got) >= len(expected) - 2
    for block in doc.blocks:
        assert not HEADING_LINE.search(block.text), block.section


@needs_shared
def test_repealed_section_keeps_its_text_and_annexes_are_units() -> None:
    doc = load(LAWS / "vgv_2016.md")
    assert section(doc, "§ 68").text == "(weggefallen)"
    annex = section(doc, "Anlage 1")
    assert annex.section_title == "Technische Anforderungen, Begriffsbestimmungen"
    assert doc.doc_type is None  # the pipeline derives legal_framework from `law`


@needs_shared
def test_articles_are_normalised_and_give_context_to_their_sections() -> None:
    doc = load(LAWS / "hstruktg_2.md")  # an omnibus law: "## Art 2 …" then "## § 2 …"
    assert section(doc, "Art. 1").section_title == "Bundesbesoldungsgesetz"
    assert section(doc, "Art. 1").text.startswith("1.\n\n2. a)")  # "1\\." unescaped
    first_two = next(b for b in doc.blocks if b.section == "§ 2")
    assert first_two.headings == ["Art 2 - Beamtenversorgungsgesetz"]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("§ 3a Elektronische Kommunikation", ("§ 3a", "Elektronische Kommunikation")),
        ("(XXXX) §§ 2 bis 6 (weggefallen)", ("§§ 2 bis 6", "(weggefallen)")),
        ("§§ 26 u. 27", ("§§ 26 u. 27", None)),
        ("Art 27 - Gesetz zum Abbau", ("Art. 27", "Gesetz zum Abbau")),
        ("Artikel 1 Änderung", ("Art. 1", "Änderung")),
        ("Anlage (zu § 1 Absatz 2)", ("Anlage", "(zu § 1 Absatz 2)")),
        ("Eingangsformel", (None, "Eingangsformel")),
        ("Abschnitt 2 - Vergabeverfahren", None),
        ("Anlagenbau", None),
    ],
)
def test_section_headings(heading: str, expected: tuple[str | None, str | None] | None) -> None:
    parsed = parse_section_heading(heading)
    assert (None if parsed is None else (parsed.section, parsed.title)) == expected


@needs_shared
def test_title_lines_before_front_matter_are_repaired() -> None:
    doc = load(LAWS / "aufenthg_2004.md")  # "Gesetz\nüber den …\n---\nTitle: und die …"
    assert doc.law == "AufenthG 2004"
    assert doc.law_title == (
        "Gesetz über den Aufenthalt, die Erwerbstätigkeit und die Integration von Ausländern "
        "im Bundesgebiet"
    )


@needs_shared
def test_every_law_loads_with_sections() -> None:
    laws = sorted(LAWS.glob("*.md"))
    assert len(laws) >= 100
    for path in laws:
        doc = load(path)
        assert doc.law and doc.law_title and not doc.warnings, path.name
        if path.name != "zelterplrl.md":  # a decree without any §, Art. or Anlage
            assert any(b.section for b in doc.blocks), path.name
        assert all(b.text.strip() for b in doc.blocks), path.name


# --- markdown and mdx ----------------------------------------------------------------------


def test_markdown_front_matter_and_heading_paths(tmp_path: Path) -> None:
    path = tmp_path / "fall.md"
    path.write_text(
        "---\ntitle: Digitale Akte in Musterstadt\ntype: Case_Study\ndate: 2024-03-01\n"
        "jurisdiction: Musterland\nurl: https://example.org/akte\nsources: [a, b]\n---\n"
        "# Überschrift\n\nEinleitung mit [Link](https://x.invalid) und **fett**.\n\n"
        "## Ausgangslage\n\nText A\nzweite Zeile.\n\n### Details\n\n- Punkt 1\n- Punkt 2\n\n"
        "## Ergebnis\n\n<!-- interner Kommentar -->\nText C\n\n## Leer\n",
        encoding="utf-8",
    )
    doc = load(path)
    assert doc.title == "Digitale Akte in Musterstadt"
    assert (doc.doc_type, doc.stand, doc.jurisdiction) == ("case_study", "2024-03-01", "Musterland")
    assert doc.source_url == "https://example.org/akte" and doc.law is None
    # The single H1 is the document's own heading: it is not repeated in every path.
    assert [b.headings for b in doc.blocks] == [
        [],
        ["Ausgangslage"],
        ["Ausgangslage", "Details"],
        ["Ergebnis"],
    ]
    assert doc.blocks[0].text == "Einleitung mit Link und fett."
    assert doc.blocks[1].text == "Text A zweite Zeile."
    assert doc.blocks[2].text == "- Punkt 1\n- Punkt 2"
    assert "Kommentar" not in all_text(doc)


@needs_shared
def test_real_markdown_with_jekyll_front_matter() -> None:
    doc = load(WEB / "citylab_kleine-anfragen.md")
    assert doc.title == "Schriftliche Anfragen analysiert"
    assert doc.stand == "2019-05-06" and doc.doc_type is None  # type "publication" is not ours
    paths = [b.headings for b in doc.blocks]
    assert ["Die gefragtesten Themen", "Bildung und Kinderbetreuung"] in paths  # setext + ATX
    lorawan = load(WEB / "citylab_lorawan.md")
    assert lorawan.doc_type is None and lorawan.stand == "2019-09-30"


@needs_shared
def test_broken_front_matter_is_not_fatal() -> None:
    doc = load(HOSTILE / "markdown_front_matter_broken.md")
    assert doc.warnings == ["Front Matter ungültig, ignoriert"]
    assert doc.title == "Fallstudie" and doc.doc_type is None
    assert "Text ohne gültiges Front-Matter." in all_text(doc)


def test_unterminated_front_matter_is_not_fatal(tmp_path: Path) -> None:
    unterminated = tmp_path / "offen.md"
    unterminated.write_text("---\ntitle: Offen\n\n# Kopf\n\nInhalt bleibt.\n", encoding="utf-8")
    doc = load(unterminated)
    assert doc.warnings == ["Front Matter ungültig, ignoriert"]
    assert doc.title == "Kopf" and "Inhalt bleibt." in all_text(doc)


@needs_shared
def test_mdx_imports_and_jsx_are_stripped() -> None:
    doc = load(WEB / "oeffentliches_gestalten" / "2-erkunden_02-system-akteure-verbinden.mdx")
    assert doc.title == "System & Akteure verbinden"
    text = all_text(doc)
    for noise in ("import ", "<MethodSummary", "MethodCard", "frontMatter", "className", "{"):
        assert noise not in text
    assert ["Schlüsselakteure identifizieren", "Zusammenbringen, was zusammen gehört"] in [
        b.headings for b in doc.blocks
    ]
    checklist = load(
        WEB / "oeffentliches_gestalten" / "1-vorbereiten_04-arbeitsgrundlagen-schaffen.mdx"
    )
    assert "Flipcharts oder großes Papier" in all_text(checklist)  # label="…" text is kept


@needs_shared
def test_hostile_markdown_files_load() -> None:
    injection = load(HOSTILE / "prompt_injection.md")
    assert "Ignoriere alle vorherigen Anweisungen" in all_text(injection)  # content stays content
    assert "reveal configuration" not in all_text(injection)  # HTML comment removed
    umlauts = load(HOSTILE / "Übersicht – Straßenbeleuchtung (Entwurf) #1 [final].md")
    assert umlauts.title == "Übersicht Straßenbeleuchtung"
    a, b = load(HOSTILE / "duplicate_a.md"), load(HOSTILE / "duplicate_b.md")
    assert a.blocks == b.blocks


# --- html ---------------------------------------------------------------------------------


@needs_shared
def test_html_without_script_text() -> None:
    doc = load(HOSTILE / "script_tags.html")
    assert doc.title == "Bürgerportal"
    assert doc.blocks[0].headings == ["Bürgerportal Musterstadt"]
    text = all_text(doc)
    assert "40 Online-Dienste" in text and "hier klicken" in text
    for bad in ("alert", "xss", "evil", "cookie", "script", "javascript", "<"):
        assert bad not in text


@needs_shared
def test_html_with_front_matter_and_headings() -> None:
    doc = load(WEB / "citylab_opendata-metadata-dcat-ap.html")
    assert doc.title == "OpenData und Metadaten" and doc.stand == "2018-02-26"
    assert ["DCAT-AP.de", "DCAT-AP Minimum Variante"] in [b.headings for b in doc.blocks]
    assert "{%" not in all_text(doc)


@needs_shared
def test_deeply_nested_html() -> None:
    doc = load(HOSTILE / "deeply_nested.html")
    assert doc.blocks[0].text == "Tief verschachtelter Text über Breitbandausbau."


def test_very_deeply_nested_html_is_fast(tmp_path: Path) -> None:
    deeper = tmp_path / "tiefer.html"
    deeper.write_text("<div>" * 100_000 + "<h2>Kopf</h2>Text" + "</div>" * 100_000)
    started = time.monotonic()
    doc = load(deeper)
    assert time.monotonic() - started < 10
    assert doc.blocks[0].headings == ["Kopf"] and doc.blocks[0].text == "Text"


# --- plain text ---------------------------------------------------------------------------


@needs_shared
def test_latin1_file() -> None:
    text = all_text(load(HOSTILE / "latin1_encoded.txt"))
    assert "Musterstädt" in text and "Größere" in text


def test_other_encodings(tmp_path: Path) -> None:
    cp1252 = tmp_path / "euro.txt"
    cp1252.write_bytes("Kosten: 5 € – „Angebot“\r\n\r\nZweiter Absatz".encode("cp1252"))
    doc = load(cp1252)
    assert doc.blocks[0].text == "Kosten: 5 € – „Angebot“\n\nZweiter Absatz"
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffÜberschrift\nText".encode())
    assert load(bom).title == "Überschrift"
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Grüße aus UTF-16".encode("utf-16"))
    assert load(utf16).title == "Grüße aus UTF-16"


@needs_shared
def test_binary_and_huge_line_are_refused() -> None:
    assert reason_of(HOSTILE / "binary_garbage.md") == "Binärdaten, kein Text"
    assert reason_of(HOSTILE / "huge_single_line.txt") == (
        "Zeile mit 11.200.000 Zeichen – kein Fließtext"
    )


# --- pdf ----------------------------------------------------------------------------------


@needs_shared
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty.pdf", "leere Datei"),
        ("truncated.pdf", "beschädigte oder unvollständige PDF-Datei"),
        ("encrypted.pdf", "verschlüsselt"),
        ("not_really_a.pdf", "keine gültige PDF-Datei (Signatur fehlt)"),
        ("three_thousand_blank_pages.pdf", "zu viele Seiten (3000 > 2000)"),
    ],
)
def test_hostile_pdfs(name: str, expected: str) -> None:
    reason = reason_of(HOSTILE / name)
    assert expected in reason
    assert "Traceback" not in reason and "\n" not in reason and len(reason) < 120


@needs_shared
@pytest.mark.parametrize("name", sorted(p.name for p in PDFS.glob("*_SCAN.pdf")))
def test_scanned_pdfs_need_ocr(name: str) -> None:
    assert reason_of(PDFS / name) == NO_TEXT_LAYER
    assert "Textlayer" in NO_TEXT_LAYER


@needs_shared
def test_good_pdf_has_one_block_per_page() -> None:
    doc = load(PDFS / "bund_VgV_Vergabeverordnung.pdf")
    assert doc.title == "Verordnung über die Vergabe öffentlicher Aufträge"
    assert [b.page for b in doc.blocks] == list(range(1, 46))
    assert not doc.warnings
    text = all_text(doc)
    assert "Schätzung des Auftragswerts" in text
    assert "Ein Service des Bundesministeriums der Justiz" not in text  # running header
    assert "Seite 3 von 45" not in text


@needs_shared
def test_pdf_limits() -> None:
    vgv = PDFS / "bund_VgV_Vergabeverordnung.pdf"
    assert reason_of(vgv, max_pages=10) == "zu viele Seiten (45 > 10)"
    assert reason_of(vgv, max_seconds=0).startswith("Zeitlimit überschritten")
    assert reason_of(vgv, max_bytes=1000).startswith("Datei zu groß")


@needs_shared
def test_citylab_factsheet_loses_garbage_lines_not_pages() -> None:
    # The factsheets mix readable lines with lines of control-character glyphs; every page
    # still has mostly readable text, so pages are kept and only the garbage lines dropped.
    doc = load(PDFS / "citylab_SmartCity_Amsterdam.pdf")
    assert [b.page for b in doc.blocks] == [1, 2]
    assert doc.warnings and all(
        "unlesbare Zeilen (Schriftkodierung) entfernt" in w for w in doc.warnings
    )
    text = all_text(doc)
    assert "Verkehrssituationen oder Störungen gemeldet werden können" in text
    assert not any(unicodedata.category(ch) in ("Cc", "Co") for ch in text if ch != "\n")
    boston = load(PDFS / "citylab_SmartCity_Boston.pdf")
    assert [b.page for b in boston.blocks] == [1, 2, 3]
    assert "Gefördert von der Senatsverwaltung" not in all_text(boston)  # header on every page


@needs_shared
def test_page_of_only_garbage_glyphs_is_dropped() -> None:
    raw = PdfReader(PDFS / "citylab_SmartCity_Amsterdam.pdf").pages[1].extract_text()
    garbage = [line for line in raw.split("\n") if sum(ord(c) < 32 for c in line) > len(line) / 2]
    assert len(garbage) >= 5
    assert clean_page("\n".join(garbage)).status is PageStatus.GARBAGE
    assert clean_page(raw).status is PageStatus.OK
    assert clean_page("   \n \n").status is PageStatus.EMPTY


def write_pdf(path: Path, pages: list[list[bytes]]) -> Path:
    """A real PDF written by pypdf: one Helvetica text line per bytes item."""
    writer = PdfWriter()
    for lines in pages:
        page = writer.add_blank_page(595, 842)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        fonts = DictionaryObject({NameObject("/F1"): font})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        content = DecodedStreamObject()
        shown = b" ".join(b"(" + line + b") Tj T*" for line in lines)
        content.set_data(b"BT /F1 12 Tf 72 800 Td 14 TL " + shown + b" ET")
        page.replace_contents(content)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


GLYPHS = bytes(range(1, 9))  # what a font without a usable encoding yields
GOOD = b"Die Verwaltung digitalisiert ihre Akten und Verfahren."


def test_garbage_and_empty_pages_are_skipped_with_warnings(tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "gemischt.pdf", [[GOOD] * 3, [GLYPHS] * 10, [], [b"Letzte Seite.", GLYPHS]]
    )
    doc = load(pdf)
    assert [b.page for b in doc.blocks] == [1, 4]
    assert doc.warnings == [
        "Seite 2: unlesbarer Text (Schriftkodierung), übersprungen",
        "Seite 3: kein Text",
        "Seite 4: 1 unlesbare Zeilen (Schriftkodierung) entfernt",
    ]
    assert doc.title == "Die Verwaltung digitalisiert ihre Akten und Verfahren."


def test_pdf_without_usable_text(tmp_path: Path) -> None:
    garbage = write_pdf(tmp_path / "nur-muell.pdf", [[GLYPHS] * 10, [GLYPHS] * 5])
    assert reason_of(garbage) == "nur unlesbarer Text (Schriftkodierung)"
    consonants = write_pdf(tmp_path / "verschoben.pdf", [[b"Xbtq rkdt mnbv qwrt pltz skdf"] * 5])
    assert reason_of(consonants) == "nur unlesbarer Text (Schriftkodierung)"


@needs_shared
def test_pdf_of_blank_pages() -> None:
    blank = HOSTILE / "three_thousand_blank_pages.pdf"
    assert reason_of(blank, max_pages=5000) == "nur leere Seiten, kein Text"


def test_hyphenation_is_joined() -> None:
    text = "Die Verwal-\ntung nutzt E-\nMail sowie Informations-\nund Kommunikationstechnik."
    assert join_hyphenation(text) == (
        "Die Verwaltung nutzt E-Mail sowie Informations- und Kommunikationstechnik."
    )


@needs_shared
@pytest.mark.slow
def test_every_pdf_loads_or_fails_cleanly() -> None:
    for path in sorted(PDFS.glob("*.pdf")):
        try:
            doc = load(path)
        except LoadError as exc:
            assert path.name.endswith("_SCAN.pdf"), f"{path.name}: {exc.reason}"
            continue
        assert doc.title and doc.blocks, path.name
        assert all(b.page for b in doc.blocks), path.name


# --- dispatch -----------------------------------------------------------------------------


def test_dispatch_and_file_checks(tmp_path: Path) -> None:
    (tmp_path / "brief.docx").write_bytes(b"PK\x03\x04")
    assert reason_of(tmp_path / "brief.docx") == "Dateityp nicht unterstützt (.docx)"
    (tmp_path / "LIESMICH").write_text("Text")
    assert reason_of(tmp_path / "LIESMICH") == "Dateityp nicht unterstützt (ohne Endung)"
    (tmp_path / "leer.md").write_bytes(b"")
    assert reason_of(tmp_path / "leer.md") == "leere Datei"
    (tmp_path / "weiss.txt").write_text(" \n\n\t\n")
    assert reason_of(tmp_path / "weiss.txt") == "kein Text gefunden"
    (tmp_path / "ordner.md").mkdir()
    assert reason_of(tmp_path / "ordner.md") == "keine reguläre Datei"
    assert reason_of(tmp_path / "fehlt.md") == "Datei nicht gefunden"
    (tmp_path / "GROSS.MD").write_text("# Titel\n\nText")
    assert load(tmp_path / "GROSS.MD").title == "Titel"
    expected = {".pdf", ".md", ".markdown", ".mdx", ".html", ".htm", ".txt", ".text"}
    assert expected == SUPPORTED_SUFFIXES


@needs_shared
def test_real_page_without_text() -> None:
    assert reason_of(WEB / "baydig_wiki" / "allgemeines_index.md") == "kein Text gefunden"


def test_real_symlinks(tmp_path: Path) -> None:
    target = tmp_path / "ziel.md"
    target.write_text("# Ziel\n\nInhalt")
    (tmp_path / "link.md").symlink_to(target)
    assert load(tmp_path / "link.md").title == "Ziel"  # containment is decided by discovery
    (tmp_path / "kaputt.md").symlink_to(tmp_path / "gibt-es-nicht.md")
    assert reason_of(tmp_path / "kaputt.md") == "Datei nicht gefunden"
    (tmp_path / "dir.md").symlink_to(tmp_path, target_is_directory=True)
    assert reason_of(tmp_path / "dir.md") == "keine reguläre Datei"
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert reason_of(fifo) == "keine reguläre Datei"  # would block a reader forever


def test_unexpected_errors_become_short_reasons() -> None:
    assert _unexpected(ValueError("erste Zeile\nzweite Zeile")) == "ValueError: erste Zeile"
    assert _unexpected(KeyError()) == "KeyError"
    assert len(_unexpected(RuntimeError("x" * 1000))) == 200


# --- fuzzing: arbitrary bytes never raise anything but LoadError --------------------------


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def outcome(path: Path) -> None:
    """Loading either succeeds with blocks or raises LoadError; nothing else escapes."""
    try:
        doc = load(path, max_seconds=30)
    except LoadError as exc:
        assert exc.reason and "\n" not in exc.reason
        return
    assert doc.blocks and isinstance(doc.title, str)


FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SNIPPETS = st.sampled_from(
    [
        "---\n",
        "# ",
        "## § 1 ",
        "<div>",
        "</p>",
        "<script>",
        "<!--",
        "{/*",
        "```\n",
        "[a](",
        "\x00",
        "\r\n",
        "ä",
        "\ufeff",
        "<h1>",
        "title: x\n",
        "jurabk: X\n",
        ":   ",
        "<Foo a={<b/>}",
        "%PDF-",
    ]
)


@pytest.mark.parametrize("suffix", sorted(SUPPORTED_SUFFIXES))
@FUZZ
@given(data=st.binary(max_size=3000))
def test_fuzz_bytes(fuzz_dir: Path, suffix: str, data: bytes) -> None:
    path = fuzz_dir / f"bytes{suffix}"
    path.write_bytes(data)
    outcome(path)


@pytest.mark.parametrize("suffix", [".md", ".mdx", ".html", ".txt"])
@FUZZ
@given(parts=st.lists(st.one_of(SNIPPETS, st.text(max_size=40)), max_size=60))
def test_fuzz_markup(fuzz_dir: Path, suffix: str, parts: list[str]) -> None:
    path = fuzz_dir / f"text{suffix}"
    path.write_text("".join(parts), encoding="utf-8", errors="surrogatepass")
    outcome(path)


# a real PDF from ../shared, else the fixture PDF (much smaller: flips wrap around)
FUZZ_PDF = PDFS / "muenchen_MucGPT_Cheatsheet.pdf" if HAS_SHARED else FIXTURE_PDF


@FUZZ
@given(
    cut=st.integers(min_value=0, max_value=33_000),
    flips=st.lists(st.tuples(st.integers(0, 33_000), st.integers(0, 255)), max_size=20),
)
def test_fuzz_damaged_real_pdf(fuzz_dir: Path, cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(FUZZ_PDF.read_bytes())
    for position, value in flips:
        data[position % len(data)] = value
    path = fuzz_dir / "kaputt.pdf"
    path.write_bytes(bytes(data[: max(cut, 10)] if cut < len(data) else data))
    outcome(path)


# --- fixtures: small documents of our own in tests/fixtures (run without ../shared too) ------


@pytest.mark.parametrize(
    ("name", "law"), [("ozg.md", "OZG"), ("ifg.md", "IFG"), ("erechv.md", "ERechV")]
)
def test_fixture_laws_load_with_sections(name: str, law: str) -> None:
    raw = (FIXTURE_LAWS / name).read_text(encoding="utf-8")
    doc = load(FIXTURE_LAWS / name)
    assert doc.law == law
    assert doc.law_title and doc.title == doc.law_title and not doc.warnings
    expected = [" ".join(m.split()) for m in SECTION_HEADING.findall(raw)]
    got = [b.section for b in doc.blocks if b.section]
    assert got == expected and len(got) >= 6
    assert doc.blocks[0].section is None and "Ausfertigungsdatum: " in doc.blocks[0].text
    for block in doc.blocks:
        assert block.text.strip() and not HEADING_LINE.search(block.text), block.section


def test_fixture_hostile_files_load_or_fail_cleanly() -> None:
    injection = all_text(load(FIXTURE_HOSTILE / "prompt_injection.md"))
    assert "Ignoriere alle vorherigen Anweisungen" in injection  # content stays content
    assert "2021" in injection and "reveal configuration" not in injection  # comment removed
    html = load(FIXTURE_HOSTILE / "script_tags.html")
    assert html.title == "Serviceportal" and html.blocks[0].headings == ["Serviceportal Musterdorf"]
    text = all_text(html)
    assert "25 Anträge online" in text and "Kontaktformular öffnen" in text
    for bad in ("alert", "evil", "cookie", "script", "javascript", "<"):
        assert bad not in text
    a, b = load(FIXTURE_HOSTILE / "duplicate_a.md"), load(FIXTURE_HOSTILE / "duplicate_b.md")
    assert a.blocks == b.blocks
    broken = load(FIXTURE_HOSTILE / "markdown_front_matter_broken.md")
    assert broken.warnings == ["Front Matter ungültig, ignoriert"]
    assert broken.title == "Musterbericht"
    latin1 = FIXTURE_HOSTILE / "latin1_encoded.txt"
    assert latin1.read_bytes().decode("latin-1").strip() in all_text(load(latin1))
    assert reason_of(FIXTURE_HOSTILE / "binary_garbage.md") == "Binärdaten, kein Text"
    assert reason_of(FIXTURE_HOSTILE / "empty.pdf") == "leere Datei"
    assert "Signatur fehlt" in reason_of(FIXTURE_HOSTILE / "not_really_a.pdf")


def test_fixture_pdf_has_one_block_per_page() -> None:
    doc = load(FIXTURE_PDF)
    assert doc.title == "Merkblatt Online-Antrag Musterdorf" and not doc.warnings
    assert [b.page for b in doc.blocks] == [1, 2]
    assert "Anwohnerparkausweis" in doc.blocks[0].text and "Postfach" in doc.blocks[1].text
    assert reason_of(FIXTURE_PDF, max_pages=1) == "zu viele Seiten (2 > 1)"


def test_fixture_html_with_front_matter_and_headings() -> None:
    doc = load(FIXTURE_WEB / "musterdorf_offene-daten.html")
    assert doc.title == "Offene Daten in Musterdorf" and doc.stand == "2023-04-12"
    assert ["Datensätze", "Haushalt"] in [b.headings for b in doc.blocks]
    assert "{%" not in all_text(doc)
