"""Ingest end to end: real files, real Chroma, real embeddings."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from assistant.services import Services
from ingest.pipeline import Ingestor
from tests.conftest import HAS_SHARED, ROOT, SAMPLE_HOSTILE, cli_env, lotse


def consistent(services: Services) -> None:
    """Manifest, Chroma and the lexical index hold exactly the same complete documents."""
    manifest_ids = services.manifest.chunk_ids()
    assert services.vectors.all_ids() == manifest_ids
    lexical = services.index.lexical()
    assert set(lexical.chunk_ids) == manifest_ids
    for doc in services.manifest.documents():
        chunks = services.manifest.document_chunks(doc.doc_id)
        assert len(chunks) == doc.chunk_count > 0
        assert [c.position for c in chunks] == list(range(doc.chunk_count))


def test_laws_carry_sections_and_reingest_is_free(services: Services, law_dir: Path) -> None:
    ingestor = Ingestor(services.index, services.settings)
    first = ingestor.run([law_dir])
    assert first.count("added") == 3 and not first.failed
    ozg = services.manifest.document_chunks("ozg")
    sections = {c.metadata.get("section") for c in ozg}
    assert {"§ 1", "§ 9"} <= sections
    nine = next(c for c in ozg if c.metadata.get("section") == "§ 9")
    assert nine.metadata["law"] == "OZG" and nine.metadata["doc_type"] == "legal_framework"
    assert nine.breadcrumb.startswith("OZG – Gesetz zur Verbesserung des Onlinezugangs")
    consistent(services)

    again = ingestor.run([law_dir])
    assert again.embedded == 0 and again.count("unchanged") == 3


def test_edit_reembeds_only_that_file_and_prune_removes(services: Services, law_dir: Path) -> None:
    ingestor = Ingestor(services.index, services.settings)
    ingestor.run([law_dir])
    before = {d.doc_id: d for d in services.manifest.documents()}
    target = law_dir / "erechv.md"
    target.write_text(
        target.read_text(encoding="utf-8") + "\n\n## § 99 Testnachtrag\n\nGanz neuer Absatz.\n",
        encoding="utf-8",
    )
    edited = ingestor.run([law_dir])
    statuses = {Path(f.path).name: f.status for f in edited.files}
    assert statuses == {"erechv.md": "updated", "ozg.md": "unchanged", "ifg.md": "unchanged"}
    assert 1 <= edited.embedded <= 2  # only the new section's text is new
    assert services.manifest.get_document("erechv").chunk_count == before["erechv"].chunk_count + 1
    consistent(services)

    (law_dir / "ifg.md").unlink()
    listed = ingestor.run([law_dir])
    assert [f.status for f in listed.files if f.doc_id == "ifg"] == ["missing"]
    assert services.manifest.get_document("ifg") is not None
    pruned = ingestor.run([law_dir], prune=True)
    assert [f.status for f in pruned.files if f.doc_id == "ifg"] == ["removed"]
    assert services.manifest.get_document("ifg") is None
    consistent(services)


def test_hostile_inputs_are_reported_and_nothing_is_lost(settings, law_dir, tmp_path) -> None:
    env = cli_env(settings)
    assert lotse("ingest", str(law_dir), "--quiet", env=env).returncode == 0
    hostile = tmp_path / "hostile"  # the real hostile files, or the fixture subset without them
    shutil.copytree(SAMPLE_HOSTILE, hostile, symlinks=True)
    (hostile / "symlink_to_etc_passwd.md").unlink(missing_ok=True)
    (hostile / "symlink_to_etc_passwd.md").symlink_to("/etc/passwd")
    run = lotse("ingest", str(hostile), "--json", env=env)
    assert run.returncode == 3, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    report = json.loads(run.stdout)
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert set(by_name) == {p.name for p in hostile.iterdir()}
    for name, item in by_name.items():
        assert item["status"] in ("added", "failed", "duplicate", "skipped"), name
        if item["status"] != "added":
            assert item["reason"], name
    assert by_name["symlink_to_etc_passwd.md"]["status"] == "failed"
    assert "Link" in by_name["symlink_to_etc_passwd.md"]["reason"]
    assert "duplicate" in {by_name["duplicate_a.md"]["status"], by_name["duplicate_b.md"]["status"]}
    for bad in (
        "empty.pdf",
        "encrypted.pdf",
        "not_really_a.pdf",
        "truncated.pdf",
        "binary_garbage.md",
        "huge_single_line.txt",
        "three_thousand_blank_pages.pdf",
    ):
        if HAS_SHARED or bad in by_name:  # the fixtures have empty.pdf, not_really_a.pdf, binary…
            assert by_name[bad]["status"] == "failed", bad
    assert by_name["latin1_encoded.txt"]["status"] == "added"
    with Services.build(settings) as services:
        for doc_id in ("ozg", "ifg", "erechv"):
            assert services.manifest.get_document(doc_id) is not None
        consistent(services)


def _generated_corpus(folder: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    vocab = (
        "Verwaltung Kommune Antrag Portal Bürger Akte Daten Frist Amt Dienst Gebühr Satzung "
        "Register Nachweis Schnittstelle Sicherheit Konto Formular Bescheid Signatur"
    ).split()
    folder.mkdir()
    for n in range(count):
        paragraphs = [
            " ".join(rng.choice(vocab) for _ in range(40)) + f" Fall {seed}-{n}-{p}."
            for p in range(3)
        ]
        body = "\n\n".join(f"## Abschnitt {p}\n\n{text}" for p, text in enumerate(paragraphs))
        (folder / f"dok-{n:03d}.md").write_text(f"# Dokument {n}\n\n{body}\n", encoding="utf-8")


def test_kill_during_ingest_leaves_a_consistent_index(settings, tmp_path) -> None:
    env = cli_env(settings)
    folder = tmp_path / "gen"
    _generated_corpus(folder, 40, seed=int(time.time()))
    for delay in (2.0, 4.5):
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--quiet"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with Services.build(settings) as services:
            services.index.repair()
            consistent(services)
    finished = lotse("ingest", str(folder), "--json", env=env)
    assert finished.returncode == 0, finished.stderr
    with Services.build(settings) as services:
        consistent(services)
        assert len(services.manifest.documents()) == 40


def test_changed_chunking_settings_rechunk_unchanged_files(settings, law_dir) -> None:
    with Services.build(settings) as services:
        Ingestor(services.index, services.settings).run([law_dir])
        before = services.manifest.get_document("ifg").chunk_count
    smaller = settings.model_copy(update={"chunk_tokens": 120, "chunk_overlap": 20})
    with Services.build(smaller) as services:
        report = Ingestor(services.index, smaller).run([law_dir])
        assert report.count("updated") == 3
        assert services.manifest.get_document("ifg").chunk_count > before
        consistent(services)
