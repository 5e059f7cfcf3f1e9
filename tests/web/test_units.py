"""Pure parts of the web page's backend: quote marking, neighbours, signed links, docx, files."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from docx import Document

from assistant.core.passages import chunk_context, overlap, quote_spans, segments
from assistant.http.links import file_url, link_key, sign, verify
from assistant.store.files import FileUnavailable, media_type, read_document
from assistant.store.manifest import ChunkRecord, DocumentRecord, Manifest
from assistant.web.docx_export import draft_docx


def test_quote_spans_find_each_sentence_across_whitespace() -> None:
    text = "(1) Erster Satz steht hier.\n(2) Zweiter   Satz\nfolgt. Dritter Satz bleibt."
    quote = "(1) Erster Satz steht hier. (2) Zweiter Satz folgt."
    spans = quote_spans(text, quote)
    assert len(spans) == 1  # touching sentences merge into one mark
    assert text[spans[0][0] : spans[0][1]] == text[: text.index(" Dritter")]
    pieces = segments(text, spans)
    assert [p["mark"] for p in pieces] == [True, False]
    assert "".join(p["text"] for p in pieces) == text


def test_quote_spans_separate_sentences_and_misses() -> None:
    text = "Alpha Satz eins. Beta dazwischen. Gamma Satz drei."
    spans = quote_spans(text, "Alpha Satz eins. Gamma Satz drei.")
    assert [text[a:b] for a, b in spans] == ["Alpha Satz eins.", "Gamma Satz drei."]
    assert quote_spans(text, "Nicht enthalten.") == []
    assert quote_spans(text, "") == []
    assert segments(text, []) == [{"text": text, "mark": False}]
    # an LLM quote is the chunk's first 300 characters, cut mid-word
    assert quote_spans(text, "Alpha Satz eins. Beta dazwi") == [(0, 27)]


def test_quote_spans_when_sentences_join_in_lower_case() -> None:
    # the extractive answer joins quoted sentences in rank order; a sentence starting in lower
    # case is not a boundary for the splitter, so pieces are looked up one by one
    text = "x=1 Die Buchung erfolgt online hier . Die Wartezeit beträgt zehn Tage."
    quote = "Die Wartezeit beträgt zehn Tage. x=1 Die Buchung erfolgt online hier ."
    assert quote_spans(text, quote) == [(0, len(text))]


def test_overlap() -> None:
    shared = "ein gemeinsamer Satzteil."
    assert overlap("Vorher steht " + shared, shared + " Danach folgt") == len(shared)
    assert overlap("kurz ab", "ab und mehr") == 0  # too short to be a chunk overlap
    assert overlap("kein gemeinsamer Teil", "ganz anderer Anfang") == 0


def test_chunk_context_trims_overlap_and_marks(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path / "manifest.sqlite3")
    texts = [
        "Der erste Abschnitt endet mit einem langen gemeinsamen Satzteil.",
        "mit einem langen gemeinsamen Satzteil. Der zweite Abschnitt wird zitiert. Danach mehr.",
        "Danach mehr. Der dritte Abschnitt folgt.",
        "Der vierte Abschnitt ist zu weit weg.",
    ]
    chunks = [
        ChunkRecord(f"c{i}", "doc", i, t, "Doc", {"page": i + 1}) for i, t in enumerate(texts)
    ]
    doc = DocumentRecord("doc", str(tmp_path / "doc.pdf"), "hash", "Titel", "other")
    manifest.replace_document(doc, chunks)
    found = chunk_context(manifest, "c1", "Der zweite Abschnitt wird zitiert.", around=1)
    assert found is not None
    _, body = found
    passages = body["passages"]
    assert [p["role"] for p in passages] == ["before", "cited", "after"]
    assert passages[0]["segments"][0]["text"] == "Der erste Abschnitt endet"
    assert passages[2]["segments"][0]["text"] == "Der dritte Abschnitt folgt."
    assert [s["text"] for s in passages[1]["segments"] if s["mark"]] == [
        "Der zweite Abschnitt wird zitiert."
    ]
    assert body["page"] == 2 and body["highlighted"] is True
    assert body["document"]["file_name"] == "doc.pdf"
    assert chunk_context(manifest, "missing") is None
    _, alone = chunk_context(manifest, "c0", "", around=0) or (None, {})
    assert [p["role"] for p in alone["passages"]] == ["cited"]
    manifest.close()


def test_signed_links() -> None:
    key = link_key("k1:ask")
    url = file_url("ozg", key, now=1000)
    assert url.startswith("/web/files/ozg?expires=4600&sig=")
    signature = url.rsplit("=", 1)[1]
    assert verify(key, "ozg", 4600, signature, now=1000)
    assert not verify(key, "ozg", 4600, signature, now=5000)
    assert not verify(key, "ifg", 4600, signature, now=1000)
    assert not verify(link_key("other"), "ozg", 4600, signature, now=1000)
    assert sign(key, "ozg", 1) != sign(key, "ozg", 2)
    assert file_url("a b/c", None) == "/web/files/a%20b%2Fc"


def test_media_types_never_serve_html() -> None:
    assert media_type(Path("x.pdf")) == ("application/pdf", True)
    assert media_type(Path("x.HTML"))[0] == "text/plain; charset=utf-8"
    assert media_type(Path("x.md"))[0] == "text/plain; charset=utf-8"
    assert media_type(Path("x.bin")) == ("application/octet-stream", False)


def test_read_document_checks_the_ingested_hash(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("Inhalt", encoding="utf-8")
    digest = hashlib.sha256(b"Inhalt").hexdigest()
    doc = DocumentRecord("a", str(path), digest, "A", "other")
    assert read_document(doc) == b"Inhalt"
    path.write_text("Geändert", encoding="utf-8")
    with pytest.raises(FileUnavailable, match="geändert"):
        read_document(doc)
    path.unlink()
    with pytest.raises(FileUnavailable, match="nicht mehr"):
        read_document(doc)


def test_draft_docx_structure() -> None:
    data = draft_docx(
        "# Antwort\n\nZeile eins\nZeile zwei **fett**\n\n- Punkt A\n* Punkt B\n\x07Ende\ud800",
        title="T",
    )
    document = Document(io.BytesIO(data))
    styles = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert styles[0] == ("Heading 1", "Antwort")
    assert styles[1] == ("Normal", "Zeile eins\nZeile zwei fett")
    assert ("List Bullet", "Punkt A") in styles and ("List Bullet", "Punkt B") in styles
    assert styles[-1] == ("Normal", "Ende")
