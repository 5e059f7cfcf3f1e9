from pathlib import Path

from ingest.chunking import Chunker, breadcrumb_for, chunk_id_for, count_tokens, stand_number
from ingest.models import Block, LoadedDocument


def _law(blocks: list[Block]) -> LoadedDocument:
    return LoadedDocument(
        path=Path("vwvfg.md"),
        title="Verwaltungsverfahrensgesetz",
        blocks=blocks,
        law="VwVfG",
        law_title="Verwaltungsverfahrensgesetz",
    )


def test_long_section_splits_within_token_budget_with_overlap() -> None:
    sentence = "Die Behörde prüft den Antrag sorgfältig und entscheidet binnen drei Monaten. "
    block = Block(sentence * 60, headings=["Teil II"], section="§ 10", section_title="Test")
    chunker = Chunker(chunk_tokens=120, overlap=30)
    chunks = chunker.split_document(_law([block]), "vwvfg", "legal_framework", "/x/vwvfg.md")
    assert len(chunks) > 3
    assert all(count_tokens(c.text) <= 120 for c in chunks)
    first_tail = chunks[0].text.split(". ")[-1]
    assert first_tail.split()[0] in chunks[1].text  # overlap carries sentences over


def test_chunks_never_span_two_sections_and_carry_metadata() -> None:
    blocks = [
        Block(
            "Die Übermittlung elektronischer Dokumente ist zulässig.",
            [],
            "§ 3a",
            "Elektronische Kommunikation",
        ),
        Block(
            "Ein Verwaltungsakt kann vollständig automatisiert erlassen werden.",
            [],
            "§ 35a",
            "Vollständig automatisierter Erlass eines Verwaltungsaktes",
        ),
    ]
    chunks = Chunker(200, 20).split_document(_law(blocks), "vwvfg", "legal_framework", "/p")
    assert [c.metadata["section"] for c in chunks] == ["§ 3a", "§ 35a"]
    assert chunks[0].breadcrumb == (
        "VwVfG – Verwaltungsverfahrensgesetz › § 3a Elektronische Kommunikation"
    )
    assert chunks[1].metadata["law"] == "VwVfG"
    assert "35a" not in chunks[0].text


def test_pages_appear_in_breadcrumb_and_metadata() -> None:
    doc = LoadedDocument(Path("r.pdf"), "Bericht", [Block("Text auf Seite vier.", page=4)])
    chunk = Chunker().split_document(doc, "r", "other", "/r.pdf")[0]
    assert chunk.metadata["page"] == 4
    assert breadcrumb_for(doc, doc.blocks[0]) == "Bericht › Seite 4"


def test_ids_are_stable_and_content_sensitive() -> None:
    assert chunk_id_for("d", 0, "a") == chunk_id_for("d", 0, "a")
    assert chunk_id_for("d", 0, "a") != chunk_id_for("d", 0, "b")
    assert chunk_id_for("d", 0, "a") != chunk_id_for("d", 1, "a")


def test_stand_number() -> None:
    assert stand_number("2024-07-24") == 20240724
    assert stand_number("2023-05") == 20230501
    assert stand_number("bald") is None
