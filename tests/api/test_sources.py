"""GET /v1/sources and the server's sync schedule (LOTSE_SYNC_INTERVAL): the real app served by
uvicorn in a thread (the model is already loaded in this process)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr

from assistant.config import Settings
from assistant.core import Assistant
from assistant.http.app import create_app
from assistant.services import Services
from tests.api.conftest import ADMIN_KEY, API_KEYS, ASK_KEY, free_port

TEXT = "# Datenschutz\n\nDie DSGVO gilt auch für Kommunen.\n"  # as in tests/ingest/test_sync.py


def _by_name(response: httpx.Response) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.text
    return {s["name"]: s for s in response.json()["sources"]}


def _sync_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sync" and t.is_alive()]


def test_the_server_syncs_on_schedule_and_lists_sources_for_admins(
    settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "datenschutz.md").write_text(TEXT, encoding="utf-8")
    config = tmp_path / "sources.yaml"
    config.write_text(
        "sources:\n  - {name: ordner, path: docs}\n  - {name: tot, path: fehlt}\n",
        encoding="utf-8",
    )
    served = settings.model_copy(
        update={
            "api_keys": SecretStr(API_KEYS),
            "sync_interval": 600.0,  # a run at start, the next one in ten minutes
            "sync_config": config,
            "embedding_threads": 1,
        }
    )
    assistant = Assistant(Services.build(served))
    try:
        port = free_port()
        app = create_app(assistant, warm=False)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while not server.started:
                assert time.monotonic() < deadline, "uvicorn did not start"
                time.sleep(0.05)
            assert len(_sync_threads()) == 1
            url = f"http://127.0.0.1:{port}"
            with httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {ASK_KEY}"}
            ) as asker:
                refused = asker.get("/v1/sources")
                assert refused.status_code == 403
                assert refused.json()["error"]["code"] == "forbidden"
            headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
            with httpx.Client(base_url=url, headers=headers, timeout=30) as admin:
                sources = _by_name(admin.get("/v1/sources"))
                while "never" in {s["status"] for s in sources.values()}:
                    assert time.monotonic() < deadline + 30, sources
                    time.sleep(0.1)
                    sources = _by_name(admin.get("/v1/sources"))
                ordner, tot = sources["ordner"], sources["tot"]
                assert ordner["status"] == "ok" and ordner["added"] == 1 and ordner["items"] == 1
                assert ordner["configured"] and ordner["last_success"] == ordner["finished_at"]
                assert tot["status"] == "failed" and "Ordner nicht lesbar" in tot["errors"][0]
                documents = admin.get("/v1/documents").json()["documents"]
                assert [d["doc_id"] for d in documents] == ["datenschutz"]
                # an admin starts a run now instead of waiting for the next one
                (tmp_path / "docs" / "e-akte.md").write_text("# E-Akte\n\nNeu.\n", "utf-8")
                asker = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {ASK_KEY}"})
                with asker:
                    assert asker.post("/v1/sources/sync").status_code == 403
                started = admin.post("/v1/sources/sync")
                assert started.status_code == 202 and started.json()["config"] == str(config)
                again = admin.post("/v1/sources/sync")  # 409 while that run goes on
                assert again.status_code in (202, 409), again.text
                if again.status_code == 409:
                    assert again.json()["error"]["code"] == "busy"
                while _by_name(admin.get("/v1/sources"))["ordner"]["items"] != 2:
                    assert time.monotonic() < deadline + 90, "the started run did not ingest"
                    time.sleep(0.1)
                documents = admin.get("/v1/documents").json()["documents"]
                assert sorted(d["doc_id"] for d in documents) == ["datenschutz", "e-akte"]
                config.write_text("sources:\n  - {name: kaputt}\n", encoding="utf-8")
                refused = admin.post("/v1/sources/sync")
                assert refused.status_code == 409, refused.text
                error = refused.json()["error"]
                assert error["code"] == "sources_invalid" and "sources[0]" in error["message"]
        finally:
            server.should_exit = True
            thread.join(30)
        assert not thread.is_alive() and not _sync_threads()  # the schedule stopped with it
    finally:
        assistant.close()
