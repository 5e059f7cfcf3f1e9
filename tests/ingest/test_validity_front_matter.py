"""Front matter of versions: valid_from, valid_until, superseded_by, version, series."""

from __future__ import annotations

from pathlib import Path

from assistant.store.validity import Validity
from ingest.limits import LoadLimits
from ingest.loaders import load_document
from ingest.loaders.frontmatter import split_front_matter


def test_validity_fields_are_read_in_iso_and_german_dates() -> None:
    front, body = split_front_matter(
        "---\ntitle: Satzung\nseries: satzung\nversion: 2\nvalid_from: 2024-07-24\n"
        "valid_until: '31.12.2025'\nsuperseded_by: satzung-2026.md\n---\n# Satzung\n\nText.\n"
    )
    assert body.startswith("# Satzung") and front.warnings == []
    assert (front.valid_from, front.valid_until) == ("2024-07-24", "2025-12-31")
    assert (front.series, front.version, front.superseded_by) == ("satzung", "2", "satzung-2026.md")


def test_bad_validity_values_are_warnings_naming_the_field_and_keep_the_rest() -> None:
    front, _ = split_front_matter(
        "---\ntitle: Satzung\nstand: 2023-05-01\nvalid_from: 2024-13-01\nvalid_until: bald\n"
        "series: [a, b]\n---\nText.\n"
    )
    assert front.title == "Satzung" and front.stand == "2023-05-01"  # a bad date stays local
    assert front.valid_from is None and front.valid_until is None and front.series is None
    assert len(front.warnings) == 3
    assert "valid_from ist kein Datum" in front.warnings[0] and "2024-13-01" in front.warnings[0]
    assert "valid_until ist kein Datum" in front.warnings[1] and "bald" in front.warnings[1]
    assert "series ist kein einzelner Wert" in front.warnings[2]
    backwards, _ = split_front_matter(
        "---\nvalid_from: 2024-01-01\nvalid_until: 2023-01-01\n---\nText.\n"
    )
    assert backwards.valid_from == "2024-01-01" and backwards.valid_until is None
    assert backwards.warnings == ["Front Matter: valid_until liegt vor valid_from – ignoriert"]


def test_loaded_document_carries_the_validity(tmp_path: Path) -> None:
    path = tmp_path / "satzung.md"
    path.write_text("---\nseries: s\nvalid_from: 2020-02-01\n---\n# Satzung\n\nText.\n", "utf-8")
    doc = load_document(path, LoadLimits())
    assert doc.validity == Validity(series="s", valid_from="2020-02-01")
    plain = tmp_path / "plain.md"
    plain.write_text("# Ohne\n\nText.\n", "utf-8")
    assert not load_document(plain, LoadLimits()).validity.is_set()
