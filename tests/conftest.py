"""Shared fixtures: settings on a temp data dir, services, real shared documents.

The real corpora live beside the checkout in ../shared (SHARED). A clone without it still runs
a meaningful suite: tests that only need "some laws" or "some hostile files" use SAMPLE_LAWS and
SAMPLE_HOSTILE, which fall back to the small fixtures in tests/fixtures (written for the tests,
nothing copied from ../shared); tests that need the real corpora are marked `needs_shared` (or
call `require_shared()` in a fixture) and are skipped with SHARED_REASON, summarised at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
HAS_SHARED = all(path.is_dir() for path in (LAWS, HOSTILE, PDFS, WEB))
SHARED_REASON = "../shared fehlt: echte Korpora (gesetze, pdf, web, hostile) nicht vorhanden"
needs_shared = pytest.mark.skipif(not HAS_SHARED, reason=SHARED_REASON)

FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_LAWS = FIXTURES / "gesetze"  # ozg.md, ifg.md, erechv.md: short versions in our own words
FIXTURE_HOSTILE = FIXTURES / "hostile"
FIXTURE_PDF = FIXTURES / "pdf" / "merkblatt_online_antrag.pdf"
FIXTURE_WEB = FIXTURES / "web"
# For tests that need some laws (ozg.md, ifg.md, erechv.md) or some hostile files (the names in
# tests/fixtures/hostile), not particular real content: the real ones whenever ../shared is there.
SAMPLE_LAWS = LAWS if HAS_SHARED else FIXTURE_LAWS
SAMPLE_HOSTILE = HOSTILE if HAS_SHARED else FIXTURE_HOSTILE


def require_shared(what: str = "") -> None:
    """Skip the calling test or fixture (and every test using it) without ../shared."""
    if not HAS_SHARED:
        pytest.skip(f"{SHARED_REASON} ({what})" if what else SHARED_REASON)


def pytest_report_header(config: pytest.Config) -> str:
    """Say which corpora this run uses."""
    if HAS_SHARED:
        return f"Korpora: {SHARED} (alle Tests laufen)"
    return (
        f"Korpora: {SHARED} fehlt – Tests mit echten Korpora werden übersprungen, "
        f"Stichproben aus {FIXTURES.relative_to(ROOT)}"
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name the groups skipped for lack of ../shared (per test file, with counts)."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and SHARED_REASON in str(report.longrepr[2])
    ]
    if not skipped:
        return
    groups = Counter(report.nodeid.split("::")[0] for report in skipped)
    listed = ", ".join(f"{name} ({count})" for name, count in sorted(groups.items()))
    terminalreporter.write_sep("-", "ohne ../shared übersprungen")
    terminalreporter.write_line(
        f"../shared fehlt: {len(skipped)} Tests übersprungen (Gruppen: {listed})"
    )


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
    """A folder with three small laws: real ones (copied per test, never committed) or fixtures."""
    folder = tmp_path / "laws"
    folder.mkdir()
    for name in ("ozg.md", "ifg.md", "erechv.md"):
        shutil.copy(SAMPLE_LAWS / name, folder / name)
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
