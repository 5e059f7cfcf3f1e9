"""Markdown tables become readable sentences, one per row."""

from __future__ import annotations

from pathlib import Path

from ingest.limits import LoadLimits
from ingest.loaders.markdown import load_markdown
from ingest.loaders.tables import render_table

TABLE = """| Merkmal | Angabe |
|---|---|
| Aufstockung 2020 | auf rund 820 Mio. Euro |
| Förderquote | 65 %, bei **Haushaltsnotlage** bis 90 % |"""


def test_two_column_tables_read_as_label_and_value() -> None:
    assert render_table(TABLE) == [
        "Aufstockung 2020: auf rund 820 Mio. Euro.",
        "Förderquote: 65 %, bei Haushaltsnotlage bis 90 %.",
    ]


def test_wider_tables_name_their_columns() -> None:
    table = "| Land | Rang | Punkte |\n|---|---|---|\n| Berlin | 1 | 80 |"
    assert render_table(table) == ["Berlin: Rang 1, Punkte 80."]


def test_loader_renders_tables_without_pipes(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(f"# Titel\n\n## Zahlen\n\nDas Programm:\n\n{TABLE}\n\nDanach Text.\n")
    loaded = load_markdown(path, LoadLimits(10**7, 10, 30))
    text = " ".join(b.text for b in loaded.blocks)
    assert "|" not in text and "Förderquote: 65 %" in text and "Danach Text." in text


def test_phrases_in_cells_are_set_off_from_their_headers() -> None:
    table = (
        "| Bereich | Wirkung | Fundstelle |\n|---|---|---|\n"
        "| E-Vergabe | Plattformen müssen die Standards nutzen | § 10 Abs. 2 VgV |"
    )
    assert render_table(table) == [
        "E-Vergabe – Wirkung: Plattformen müssen die Standards nutzen; Fundstelle: § 10 Abs. 2 VgV."
    ]
