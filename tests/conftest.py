"""Shared fixtures: settings on a temp data dir, services, real shared documents."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.config import Settings  # noqa: E402
from assistant.services import Services  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LAWS = SHARED / "corpora" / "gesetze"
HOSTILE = SHARED / "corpora" / "hostile"
PDFS = SHARED / "corpora" / "pdf"
WEB = SHARED / "corpora" / "web"

for _name in list(os.environ):
    if _name.startswith("LOTSE_") and _name != "LOTSE_CHROMA_URL":
        del os.environ[_name]


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the whole run: the same text is never embedded twice."""
    return tmp_path_factory.mktemp("cache") / "embeddings.sqlite3"


@pytest.fixture
def settings(tmp_path: Path, embedding_cache: Path) -> Settings:
    """Settings on a fresh data dir (Chroma server when LOTSE_CHROMA_URL is set)."""
    collection = f"test-{tmp_path.name}"[-60:].strip("-_").replace("_", "-")
    return Settings(
        data_dir=tmp_path / "data",
        embedding_cache=embedding_cache,
        collection=collection,
        chroma_url=os.environ.get("LOTSE_CHROMA_URL"),
    )


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    """Services built once per test."""
    built = Services.build(settings)
    yield built
    built.close()


@pytest.fixture
def law_dir(tmp_path: Path) -> Path:
    """A folder with three small real laws (copied per test, never committed)."""
    folder = tmp_path / "laws"
    folder.mkdir()
    for name in ("ozg.md", "ifg.md", "erechv.md"):
        shutil.copy(LAWS / name, folder / name)
    return folder


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    """Environment for `lotse` subprocesses on the same data (no other LOTSE_* leaks in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOTSE_")}
    env.update(
        LOTSE_DATA_DIR=str(settings.data_dir),
        LOTSE_EMBEDDING_CACHE=str(settings.embedding_cache),
        LOTSE_COLLECTION=settings.collection,
        **extra,
    )
    if settings.chroma_url:
        env["LOTSE_CHROMA_URL"] = settings.chroma_url
    return env


def lotse(
    *args: str, env: dict[str, str], timeout: float = 600, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
