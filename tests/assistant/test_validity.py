"""Versions and validity: which version is in force, `as_of` in ask/search/CLI, citation notes."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.answer.models import Citation
from assistant.answer.validity import ValidityNotes
from assistant.cli.app import app
from assistant.config import Settings
from assistant.core import Assistant, Filters, local, render
from assistant.domain import VerifiedState
from assistant.services import Services
from assistant.store.manifest import ChunkRecord, DocumentRecord, Manifest
from assistant.store.validity import Validity, Versions
from assistant.store.verified import VerifiedRecord
from ingest.pipeline import Ingestor
from tests.conftest import cli_env, lotse

day = dt.date
PARKING = "Wie hoch ist die Gebühr für einen Bewohnerparkausweis?"


def _store(
    manifest: Manifest,
    doc_id: str,
    title: str,
    validity: Validity | None = None,
    law: str | None = None,
    header: str = "Text.",
) -> None:
    record = DocumentRecord(doc_id, f"/korpus/{doc_id}.md", doc_id, title, "other", law=law)
    chunk = ChunkRecord(f"{doc_id}-0", doc_id, 0, header, title, {})
    manifest.replace_document(record, [chunk], validity)


@pytest.fixture
def manifest(tmp_path: Path) -> Iterator[Manifest]:
    """A manifest with a series of three versions, a replaced leaflet and an expired offer."""
    built = Manifest(tmp_path / "manifest.sqlite3")
    _store(built, "s-2015", "Satzung 2015", Validity("s", "2015", "2015-01-01"))
    _store(built, "s-2024", "Satzung 2024", Validity("s", "2024", "2024-03-01"))
    _store(built, "s-2099", "Satzung 2099", Validity("s", "2099", "2099-01-01"))
    _store(built, "merkblatt-alt", "Merkblatt alt", Validity(superseded_by="merkblatt-neu.md"))
    _store(built, "merkblatt-neu", "Merkblatt neu", Validity(valid_from="2019-01-01"))
    _store(built, "aktion", "Aktion", Validity(valid_until="2020-12-31"))
    _store(built, "ohne", "Ohne Angaben")
    yield built
    built.close()


def test_the_version_in_force_on_a_day(manifest: Manifest) -> None:
    versions = Versions.load(manifest.rows)
    out = versions.not_in_force
    assert out(day(2014, 6, 1)) == {"s-2015", "s-2024", "s-2099", "merkblatt-neu"}
    assert out(day(2020, 1, 1)) == {"s-2024", "s-2099", "merkblatt-alt"}
    assert out(day(2024, 2, 29)) == {"s-2024", "s-2099", "merkblatt-alt", "aktion"}
    assert out(day(2024, 3, 1)) == {"s-2015", "s-2099", "merkblatt-alt", "aktion"}
    assert out(day(2100, 1, 1)) == {"s-2015", "s-2024", "merkblatt-alt", "aktion"}
    assert versions.ends("s-2015") == day(2024, 2, 29) and versions.ends("s-2099") is None
    named = versions.successor("merkblatt-alt")  # superseded_by names the file
    assert named is not None and named.doc_id == "merkblatt-neu"
    assert versions.ends("merkblatt-alt") == day(2018, 12, 31)
    manifest.remove_document("s-2024")
    _store(manifest, "aktion", "Aktion")  # stored again without validity fields
    assert set(Versions.load(manifest.rows).entries) == {
        "s-2015",
        "s-2099",
        "merkblatt-alt",
        "merkblatt-neu",
    }


def _cite(doc_id: str, stand: str | None = None, law: str | None = None) -> Citation:
    return Citation(1, f"{doc_id}-0", doc_id, None, doc_id, law, None, None, "…", stand=stand)


def test_citation_notes_name_the_end_and_the_newer_version(manifest: Manifest) -> None:
    _store(manifest, "ozg", "OZG", law="OZG", header="Zuletzt geändert durch: Art. 16 G v. 2021")
    _store(manifest, "ozg-neu", "OZG", law="OZG", header="Änderung durch: BGBl.\n2024 I Nr. 245")
    cited = [
        _cite("s-2015"),
        _cite("s-2024"),
        _cite("s-2099"),
        _cite("merkblatt-alt"),
        _cite("aktion"),
        _cite("ozg", law="OZG"),
        _cite("ozg-neu", law="OZG"),
        _cite("ohne", stand="2017-10-26"),
        _cite("ohne", stand="2024-01-01"),
    ]
    ValidityNotes(manifest, stale_after_years=5).annotate(cited, today=day(2026, 12, 1))
    notes = [c.validity_note for c in cited]
    assert notes == [
        "Fassung bis 29.02.2024; neuere Fassung: Satzung 2024",
        "Fassung bis 31.12.2098; neuere Fassung ab 01.01.2099: Satzung 2099",
        "Fassung ab 01.01.2099 – noch nicht in Kraft",
        "Fassung bis 31.12.2018; neuere Fassung: Merkblatt neu",
        "Fassung bis 31.12.2020 – nicht mehr in Kraft",
        "Fassung bis 23.07.2024; neuere Fassung: OZG in der Fassung des OZG-Änderungsgesetzes "
        "(BGBl. 2024 I Nr. 245), in Kraft seit 24.07.2024",
        None,  # its text names the amendment
        "Stand 2017 – Aktualität prüfen",
        None,
    ]
    old = cited[0]
    assert (old.version, old.valid_from, old.valid_until, old.superseded_by) == (
        "2015",
        "2015-01-01",
        "2024-02-29",
        "s-2024",
    )
    assert cited[5].valid_until == "2024-07-23" and cited[5].version
    unchecked = [_cite("ohne", stand="2017-10-26")]
    ValidityNotes(manifest, stale_after_years=0).annotate(unchecked, today=day(2026, 12, 1))
    assert unchecked[0].validity_note is None


DOCS = {
    "satzung-2015.md": "series: parkgebuehren\nversion: '2015'\nvalid_from: 2015-01-01\n"
    "title: Gebührensatzung Musterstadt (Fassung 2015)\n---\n# Gebührensatzung\n\n"
    "Die Gebühr für einen Bewohnerparkausweis beträgt 30 Euro im Jahr.\n",
    "satzung-2024.md": "series: parkgebuehren\nversion: '2024'\nvalid_from: 01.03.2024\n"
    "title: Gebührensatzung Musterstadt (Fassung 2024)\n---\n# Gebührensatzung\n\n"
    "Die Gebühr für einen Bewohnerparkausweis beträgt 120 Euro im Jahr.\n",
    "leitfaden.md": "title: Leitfaden Aktenablage\nstand: 2012-05-01\n---\n# Leitfaden\n\n"
    "Papierakten werden nach zehn Jahren dem Stadtarchiv zur Übernahme angeboten.\n",
}


@pytest.fixture(scope="module")
def versioned(
    tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path
) -> Iterator[Assistant]:
    """Two versions of a fee statute (valid_from 2015 and 2024) and an old guide, ingested."""
    folder = tmp_path_factory.mktemp("versions")
    for name, text in DOCS.items():
        (folder / "docs").mkdir(exist_ok=True)
        (folder / "docs" / name).write_text("---\n" + text, encoding="utf-8")
    settings = Settings(
        data_dir=folder / "data", embedding_cache=embedding_cache, collection="versions-test"
    )
    services = Services.build(settings)
    Ingestor(services.index, settings).run([folder / "docs"])
    with Assistant(services) as assistant:
        yield assistant


def test_as_of_picks_the_version_in_ask_and_search(versioned: Assistant) -> None:
    me, then = local(), Filters(as_of=day(2020, 1, 1))
    now_ids = [h.source["doc_id"] for h in versioned.search(me, "Gebühr Bewohnerparkausweis", 5)]
    then_ids = [
        h.source["doc_id"] for h in versioned.search(me, "Gebühr Bewohnerparkausweis", 5, then)
    ]
    assert now_ids[0] == "satzung-2024" and "satzung-2015" not in now_ids
    assert then_ids[0] == "satzung-2015" and "satzung-2024" not in then_ids
    current = {c.doc_id: c for c in versioned.ask(me, PARKING).answer.citations}
    assert "satzung-2015" not in current and current["satzung-2024"].validity_note is None
    assert current["satzung-2024"].version == "2024"
    earlier = versioned.ask(me, PARKING, filters=then)
    old = {c.doc_id: c for c in earlier.answer.citations}["satzung-2015"]
    note = "Fassung bis 29.02.2024; neuere Fassung: Gebührensatzung Musterstadt (Fassung 2024)"
    assert old.validity_note == note and old.superseded_by == "satzung-2024"
    assert "satzung-2024" not in {c.doc_id for c in earlier.answer.citations}
    assert f"({note})" in render(earlier.answer)  # the text rendering of CLI and chat
    assert any(c["validity_note"] == note for c in earlier.as_dict()["citations"])


def test_an_old_stand_says_check_currency(versioned: Assistant) -> None:
    answer = versioned.ask(local(), "Wann werden Papierakten dem Stadtarchiv angeboten?").answer
    guide = {c.doc_id: c for c in answer.citations}["leitfaden"]
    assert guide.validity_note == "Stand 2012 – Aktualität prüfen"


def test_a_verified_answer_citing_a_superseded_version_goes_to_review(
    versioned: Assistant,
) -> None:
    desk, manifest = versioned.verified, versioned.services.manifest

    def citing(doc_id: str) -> VerifiedRecord:
        doc = manifest.get_document(doc_id)
        assert doc is not None
        return VerifiedRecord(
            f"v-{doc_id}", None, PARKING, "Siehe Satzung.", [], {doc_id: doc.content_hash},
            "advisor", "public", None, None, time.time(), time.time() + 86400,
        )

    assert desk.state(citing("satzung-2024")) == (VerifiedState.VALID, "")
    state, reason = desk.state(citing("satzung-2015"))
    assert state == VerifiedState.SOURCE_CHANGED
    assert reason == "Quelle Gebührensatzung Musterstadt (Fassung 2015) nicht mehr in Kraft"


def test_cli_as_of(versioned: Assistant) -> None:
    for command in ("ask", "search"):
        bad = CliRunner().invoke(app, [command, "x", "--as-of", "2023-02-30"])
        assert bad.exit_code == 2, bad.output
        assert bad.exception is None or isinstance(bad.exception, SystemExit)
        assert "--as-of: kein gültiges Datum (JJJJ-MM-TT): '2023-02-30'" in bad.stderr
    env = cli_env(versioned.settings)
    found = lotse(
        "search", "Gebühr Bewohnerparkausweis", "--as-of", "2020-01-01", "--json", env=env
    )
    assert found.returncode == 0, found.stderr
    ids = [r["source"]["doc_id"] for r in json.loads(found.stdout)["results"]]
    assert ids[0] == "satzung-2015" and "satzung-2024" not in ids
