"""Helpers for the reliability tests: a real Chroma server, index building, the lotse CLI."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from assistant.config import Settings
from assistant.services import Services
from ingest.pipeline import Ingestor
from tests.api.conftest import Server, free_port, start_server
from tests.conftest import ROOT, cli_env, lotse  # noqa: F401 (re-exported for the tests)

CHROMA = Path(sys.executable).with_name("chroma")


@dataclass
class ChromaServer:
    """A `chroma run` process on loopback with its own data folder."""

    path: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> float:
        """Start (or restart on the same port and path); seconds until the heartbeat answers."""
        started = time.monotonic()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    str(CHROMA),
                    "run",
                    "--path",
                    str(self.path),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                cwd=self.path.parent,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
            )
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("chroma did not start")

    def kill(self) -> None:
        """SIGKILL the server (a crash, not a shutdown) and reap it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)
        self.process = None


def start_chroma(folder: Path) -> ChromaServer:
    """A fresh Chroma server on a free loopback port."""
    folder.mkdir(parents=True, exist_ok=True)
    server = ChromaServer(folder / "chroma-data", free_port(), folder / "chroma.log")
    server.start()
    return server


def build(settings: Settings, sources: list[Path]) -> None:
    """Ingest sources with the real pipeline under these settings."""
    with Services.build(settings) as services, services.writer_lock():
        report = Ingestor(services.index, settings).run(sources)
        assert not report.failed, report.failed


VOCAB = (
    "Verwaltung Kommune Antrag Portal Bürgerin Akte Daten Frist Amt Dienst Gebühr Satzung "
    "Register Nachweis Schnittstelle Sicherheit Konto Formular Bescheid Signatur Leitstelle "
    "Bauhof Friedhof Wasserwerk Gewerbe Hundesteuer Wahlamt Standesamt Kita Schule"
).split()


def generated_markdown(seed: int, number: int, paragraphs: int = 4) -> str:
    """A Markdown document whose text no cache has seen (seeded by the caller)."""
    rng = random.Random(f"{seed}-{number}")
    parts = [f"# Testdokument {seed}-{number}"]
    for p in range(paragraphs):
        words = " ".join(rng.choice(VOCAB) for _ in range(70))
        parts.append(f"## Abschnitt {p}\n\n{words} Kennung {seed}-{number}-{p}.")
    return "\n\n".join(parts) + "\n"


def write_generated(folder: Path, seed: int, count: int, paragraphs: int = 4) -> list[Path]:
    """Write `count` generated Markdown files into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"gen-{seed}-{n:02d}.md"
        path.write_text(generated_markdown(seed, n, paragraphs), encoding="utf-8")
        paths.append(path)
    return paths


def snapshot(services: Services) -> dict[str, Any]:
    """Documents with their chunk ids, for 'unchanged' comparisons."""
    return {
        doc.doc_id: [c.chunk_id for c in services.manifest.document_chunks(doc.doc_id)]
        for doc in services.manifest.documents()
    }


def wait_for(check: Any, timeout: float, interval: float = 0.2) -> float:
    """Poll check() until truthy; seconds it took (AssertionError on timeout)."""
    started = time.monotonic()
    last: Any = None
    while time.monotonic() - started < timeout:
        last = check()
        if last:
            return time.monotonic() - started
        time.sleep(interval)
    raise AssertionError(f"not reached within {timeout} s (last: {last!r})")


def start_api(data_dir: Path, cache: Path, **env: str) -> Server:
    """start_server from tests/api; an explicit LOTSE_CHROMA_URL in env wins over the global one."""
    saved = os.environ.pop("LOTSE_CHROMA_URL", None) if "LOTSE_CHROMA_URL" in env else None
    try:
        return start_server(data_dir, cache, **env)
    finally:
        if saved is not None:
            os.environ["LOTSE_CHROMA_URL"] = saved


def suite_settings(data_dir: Path, cache: Path, collection: str) -> Settings:
    """Settings like tests/conftest.py: the suite's Chroma server when LOTSE_CHROMA_URL is set."""
    return Settings(
        data_dir=data_dir,
        embedding_cache=cache,
        collection=collection,
        chroma_url=os.environ.get("LOTSE_CHROMA_URL"),
    )


@contextmanager
def open_services(settings: Settings) -> Iterator[Services]:
    """Services on data other processes wrote meanwhile (no cached embedded Chroma system)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    services = Services.build(settings)
    try:
        yield services
    finally:
        services.close()
        SharedSystemClient.clear_system_cache()
