"""Dense coverage: chunks without a vector (deferred, or a collection that is not the index's)
are counted, reported by /readyz and named in every answer instead of silent abstentions."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.core import Assistant
from assistant.http.app import create_app
from assistant.services import Services
from ingest.pipeline import Ingestor
from tests.conftest import cli_env, lotse

QUESTION = "Bis wann müssen Verwaltungsleistungen online angeboten werden?"


def test_deferred_vectors_are_named_until_filled(services: Services, law_dir: Path) -> None:
    with services.writer_lock():
        Ingestor(services.index, services.settings, defer_vectors=True).run([law_dir])
    index = services.index
    embedded, total = index.dense_coverage()
    assert embedded == 0 and total == index.manifest.chunk_count() > 0
    app = create_app(Assistant(services), warm=False)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        ready = client.get("/readyz").json()
    assert (ready["vectors"], ready["vectors_missing"]) == (0, total)
    before = services.engine.answer(QUESTION)
    assert before.notice and "Semantische Suche unvollständig" in before.notice
    assert str(total) not in before.notice  # no counts: they would tell others' upload sizes

    assert index.fill_vectors() == total
    assert index.dense_coverage() == (total, total)
    after = services.engine.answer(QUESTION)
    assert not after.notice or "Semantische Suche" not in after.notice
    assert after.citations and after.citations[0].law == "OZG"


def test_a_collection_that_is_not_the_index_says_so(
    settings: Settings, services: Services, law_dir: Path
) -> None:
    with services.writer_lock():
        Ingestor(services.index, settings).run([law_dir])
    right = lotse("ask", QUESTION, env=cli_env(settings))
    assert right.returncode == 0, right.stderr
    assert "Semantische Suche" not in right.stdout

    other = settings.model_copy(update={"collection": f"{settings.collection}-other"})
    wrong = lotse("ask", QUESTION, env=cli_env(other))
    assert wrong.returncode == 0, wrong.stderr
    assert "keine Vektoren im Vektorspeicher" in wrong.stdout
    assert "LOTSE_COLLECTION" in wrong.stdout
    assert "Traceback" not in wrong.stdout + wrong.stderr
