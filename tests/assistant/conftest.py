"""A small real index shared by the retrieval and answer tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.services import Services
from ingest.pipeline import Ingestor
from tests.conftest import LAWS, ROOT, require_shared


@pytest.fixture(scope="session")
def indexed(tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path) -> Iterator[Services]:
    """OZG, EGovG, ERechV and two starter-corpus documents, ingested once."""
    require_shared("Antworten und Fundstellen aus den echten Gesetzen OZG, EGovG, ERechV")
    folder = tmp_path_factory.mktemp("retrieval")
    for name in ("ozg.md", "egovg.md", "erechv.md"):
        (folder / name).write_bytes((LAWS / name).read_bytes())
    legal = folder / "legal"
    legal.mkdir()
    for name in ("egovg-e-akte-ersetzendes-scannen.md", "e-rechnung-erechv-xrechnung.md"):
        (legal / name).write_bytes((ROOT / "corpus" / "legal" / name).read_bytes())
    settings = Settings(
        data_dir=folder / "data", embedding_cache=embedding_cache, collection="retrieval-test"
    )
    services = Services.build(settings)
    Ingestor(services.index, settings).run([folder])
    yield services
    services.close()
