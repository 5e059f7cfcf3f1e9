"""A real Chroma server dies under a running API and comes back: 503, then recovery by itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings
from tests.api.conftest import ADMIN_KEY, Server, free_port, stop_server
from tests.conftest import ROOT, SAMPLE_LAWS
from tests.reliability.support import ChromaServer, build, start_api, start_chroma, wait_for

QUESTION = "Was ist der Portalverbund nach dem Onlinezugangsgesetz?"
COLLECTION = "reliability-chroma"


@dataclass
class Stack:
    chroma: ChromaServer
    api: Server


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("chroma-server")
    chroma = start_chroma(root / "chroma")
    try:
        settings = Settings(
            data_dir=root / "data",
            embedding_cache=embedding_cache,
            chroma_url=chroma.url,
            collection=COLLECTION,
        )
        build(settings, [SAMPLE_LAWS / "ozg.md"])
        assert not (settings.data_dir / "chroma").exists()  # vectors live in the server
        api = start_api(
            settings.data_dir, embedding_cache,
            LOTSE_CHROMA_URL=chroma.url, LOTSE_COLLECTION=COLLECTION,
        )
        try:
            yield Stack(chroma, api)
        finally:
            stop_server(api)
    finally:
        chroma.kill()


def _client(api: Server) -> httpx.Client:
    return httpx.Client(
        base_url=api.url, headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=60
    )


def _error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert "Traceback" not in response.text
    return str(body["error"]["message"])


def _ready(client: httpx.Client) -> bool:
    return client.get("/readyz").status_code == 200


def test_chroma_outage_gives_503_and_recovers_without_api_restart(stack: Stack) -> None:
    with _client(stack.api) as client:
        assert client.get("/readyz").json()["status"] == "ready"
        before = client.post("/v1/ask", json={"question": QUESTION})
        assert before.status_code == 200 and before.json()["citations"]

        stack.chroma.kill()

        started = time.monotonic()
        message = _error(client.get("/readyz"), 503, "store_unavailable")
        assert "Chroma" in message
        assert time.monotonic() - started < 10  # fails fast, does not hang
        assert client.get("/healthz").status_code == 200  # liveness is unaffected

        started = time.monotonic()
        message = _error(
            client.post("/v1/ask", json={"question": QUESTION}), 503, "store_unavailable"
        )
        assert "Chroma" in message and "nicht verfügbar" in message
        assert time.monotonic() - started < 30
        _error(client.post("/v1/search", json={"query": "Portalverbund"}), 503, "store_unavailable")
        stream = client.post("/v1/ask/stream", json={"question": QUESTION})
        events = [
            json.loads(line[6:]) for line in stream.text.splitlines() if line.startswith("data: ")
        ]
        assert events and events[-1]["error"]["code"] == "store_unavailable", stream.text
        assert stack.api.process.poll() is None  # the API survived the outage

        chroma_up = stack.chroma.start()
        recovered = wait_for(lambda: _ready(client), timeout=60)
        print(f"chroma restart {chroma_up:.2f} s; API ready again {recovered:.2f} s later")
        assert recovered < 30

        after = client.post("/v1/ask", json={"question": QUESTION})
        assert after.status_code == 200, after.text
        body = after.json()
        assert not body["abstained"] and body["citations"]
        assert [c["chunk_id"] for c in body["citations"]] == [
            c["chunk_id"] for c in before.json()["citations"]
        ]
        assert client.post("/v1/search", json={"query": "Portalverbund"}).status_code == 200
        assert client.get("/readyz").json()["documents"] == 1


def test_serve_with_chroma_down_fails_fast_with_a_clear_message(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOTSE_")}
    env.update(LOTSE_DATA_DIR=str(tmp_path / "data"), LOTSE_CHROMA_URL=dead)
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(free_port())],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert "Chroma" in run.stderr and "nicht erreichbar" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert time.monotonic() - started < 60
