"""A real uvicorn process on loopback serving a small real index."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings
from assistant.services import Services
from ingest.pipeline import Ingestor
from tests.conftest import ROOT, SAMPLE_LAWS

ADMIN_KEY = "admin-key-1234567890abcdef"
ASK_KEY = "ask-only-key-7890abcdefghij"
ASK_B_KEY = "ask-other-town-key-5566778899"  # a second municipality
ADVISE_KEY = "advise-key-competence-centre-01"
API_KEYS = (
    f"{ADMIN_KEY}:ask|admin,{ASK_KEY}:ask@musterstadt,{ASK_B_KEY}:ask@beispielhausen,"
    f"{ADVISE_KEY}:ask|advise"
)


@dataclass
class Server:
    """A running API process."""

    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, key: str | None = ADMIN_KEY) -> httpx.Client:
        """HTTP client with a bearer key."""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=180)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_index(data_dir: Path, cache: Path, sources: list[Path]) -> None:
    """Ingest sources into data_dir with the real pipeline."""
    settings = Settings(data_dir=data_dir, embedding_cache=cache)
    with Services.build(settings) as services:
        Ingestor(services.index, settings).run(sources)


def start_server(data_dir: Path, cache: Path, **env: str) -> Server:
    """Start uvicorn with the app factory and wait until it answers."""
    port = free_port()
    log = data_dir.parent / f"server-{port}.log"
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LOTSE_")},
        "LOTSE_DATA_DIR": str(data_dir),
        "LOTSE_EMBEDDING_CACHE": str(cache),
        "LOTSE_API_KEYS": API_KEYS,
        **env,
    }
    if os.environ.get("LOTSE_CHROMA_URL"):
        environ["LOTSE_CHROMA_URL"] = os.environ["LOTSE_CHROMA_URL"]
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "assistant.http.factory:app_from_env", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--no-proxy-headers"],
        cwd=ROOT, env=environ, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return Server(url, data_dir, process, log)
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


def stop_server(server: Server) -> None:
    """Terminate and reap the process."""
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextmanager
def serving(data_dir: Path, cache: Path, corpora: list[Path], **env: str) -> Iterator[Server]:
    """Build an index over the corpora, run the API on it (with extra LOTSE_* env), stop it."""
    build_index(data_dir, cache, corpora)
    running = start_server(data_dir, cache, **env)
    try:
        yield running
    finally:
        stop_server(running)


@pytest.fixture(scope="module")
def api_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three real laws and four starter-corpus documents."""
    folder = tmp_path_factory.mktemp("api-corpus")
    for name in ("ozg.md", "ifg.md", "erechv.md"):
        shutil.copy(SAMPLE_LAWS / name, folder / name)
    legal = folder / "legal"
    legal.mkdir()
    for name in ("ozg-grundlagen.md", "egovg-e-akte-ersetzendes-scannen.md"):
        shutil.copy(ROOT / "corpus" / "legal" / name, legal / name)
    return folder


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path, api_corpus: Path
) -> Iterator[Server]:
    """API process over a freshly built index."""
    with serving(tmp_path_factory.mktemp("api") / "data", embedding_cache, [api_corpus]) as running:
        yield running
