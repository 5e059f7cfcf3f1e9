"""The question-free check of every quotable thought of an index."""

from __future__ import annotations

from pathlib import Path

from assistant.services import Services
from evals.quotable import faults, scan, scan_files
from ingest.pipeline import Ingestor


def test_faults_name_each_check_a_thought_fails() -> None:
    assert faults("Der Bund stellt rund 820 Mio.") == ["cut"]
    assert faults("4. die Kennzeichnung des Antrags.") == ["headless_item"]
    assert faults("Dort gilt die Frist von drei Monaten.") == ["opens_with_reference"]
    assert faults("Der Bund stellt rund 820 Mio. Euro bereit.") == []


def test_scan_counts_every_chunk_and_thought(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "regeln.md").write_text(
        "# Regeln\n\n## Geltung\n\nDie Vorschriften dieses Kapitels gelten für alle Behörden "
        "des Landes. Die Behörde entscheidet über jeden Antrag binnen eines Monats.\n\n"
        "## Formular\n\nBitte geben Sie an, ob bereits ein Verfahren läuft.\n"
        "- Ort des Gerichts: ( ) Hilfe bei einem Streit über ein schon ergangenes Urteil? "
        "In diesem Fall sind anzugeben:\n- Datum des Urteils:\n",
        encoding="utf-8",
    )
    Ingestor(services.index, services.settings).run([folder])
    found = scan(services)
    assert found["chunks"] == services.retriever.index.manifest.chunk_count() > 0
    assert found["thoughts"] >= 3
    assert found["cut"] == 0  # the form's item ending in "anzugeben:" is not quotable
    assert found["opens_with_reference"] == 1  # "dieses Kapitels": the check is stricter
    assert len(found["examples"]["opens_with_reference"]) == 1


def test_scan_files_loads_and_chunks_without_storing(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "leer.md").write_text("   \n", encoding="utf-8")
    (folder / "handbuch.md").write_text(
        "# Handbuch\n\n## Kapitel 2\n\nDie Vorschriften dieses Kapitels gelten für alle Teams. "
        "Das Team trifft sich jede Woche zu einem festen Termin.\n",
        encoding="utf-8",
    )
    found = scan_files([folder], services.settings)
    assert found["chunks"] >= 1 and found["thoughts"] >= 2
    assert found["opens_with_reference"] == 1 and found["cut"] == 0
    assert found["unreadable"] == ["leer.md: kein Text gefunden"]
    assert services.retriever.index.manifest.chunk_count() == 0  # nothing stored
