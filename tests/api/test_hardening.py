"""The edges hardened (issue 14): each attack tried against a real server on loopback."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from assistant.core import Assistant, parse_api_keys
from assistant.errors import ConfigError
from assistant.http.app import create_app
from assistant.services import Services
from tests.api.conftest import (
    ADMIN_KEY,
    ADVISE_KEY,
    ASK_B_KEY,
    ASK_KEY,
    Server,
    start_server,
    stop_server,
)
from tests.conftest import ROOT

QUESTION = "Was ist der Portalverbund nach dem Onlinezugangsgesetz?"
EVIL = "http://evil.example"


def _error(response: httpx.Response, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return dict(body["error"])


@pytest.fixture(scope="module")
def open_server(server: Server, embedding_cache: Path) -> Iterator[Server]:
    """The same index served without keys (loopback only), with a small request limit."""
    running = start_server(
        server.data_dir, embedding_cache, LOTSE_API_KEYS="", LOTSE_RATE_LIMIT_PER_MINUTE="40"
    )
    yield running
    stop_server(running)


# -- configuration that cannot work never starts open ---------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        ",",
        " , ",
        "kurz:ask",
        f"{ASK_KEY}:ask,{ASK_KEY}:admin",
        f"{ASK_KEY}:root",
        f"{ASK_KEY}:ask,,{ADMIN_KEY}:admin",
    ],
)
def test_unusable_key_lists_are_config_errors(spec: str) -> None:
    with pytest.raises(ConfigError, match="LOTSE_API_KEYS"):
        parse_api_keys(spec)


def test_serve_refuses_to_start_on_a_key_list_without_keys(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in __import__("os").environ.items() if not k.startswith("LOTSE_")},
        "LOTSE_DATA_DIR": str(tmp_path / "data"),
        "LOTSE_API_KEYS": ",",
    }
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "serve", "--host", "0.0.0.0", "--port", "9"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "LOTSE_API_KEYS" in done.stderr and "Traceback" not in done.stderr


def test_keys_scopes_and_organisation_parse() -> None:
    keys = parse_api_keys(f"{ASK_KEY}:ask@musterstadt, {ADVISE_KEY}:advise")
    asker, advisor = (k.principal() for k in keys)
    assert asker.organisation == "musterstadt" and not asker.sees_all
    assert advisor.sees_all and asker.id != advisor.id and ASK_KEY not in asker.id


# -- DNS rebinding and cross-site writes ----------------------------------------------------------


def test_foreign_host_names_are_refused(open_server: Server) -> None:
    response = httpx.get(
        f"{open_server.url}/healthz", headers={"Host": "attacker.example"}, timeout=30
    )
    assert _error(response, 400)["code"] == "host_not_allowed"
    assert httpx.get(f"{open_server.url}/healthz", timeout=30).status_code == 200


def test_cross_site_writes_are_refused_even_without_keys(open_server: Server) -> None:
    planted = {
        "files": ("plan.md", b"# Plan\n\nDie Parkgebuehr betraegt 99 Euro.", "text/markdown")
    }
    with httpx.Client(base_url=open_server.url, timeout=60) as client:
        no_cors_form = client.post("/v1/documents", files=planted, headers={"Origin": EVIL})
        assert _error(no_cors_form, 403)["code"] == "cross_site"
        fetch_metadata = client.post(
            "/v1/documents", files=planted, headers={"Sec-Fetch-Site": "cross-site"}
        )
        assert _error(fetch_metadata, 403)["code"] == "cross_site"
        asked = client.post("/v1/ask", json={"question": QUESTION}, headers={"Origin": EVIL})
        assert asked.status_code == 403
        deleted = client.delete("/v1/documents/ozg", headers={"Origin": "null"})
        assert deleted.status_code == 403
        same_origin = client.post(
            "/v1/search",
            json={"query": "Portalverbund"},
            headers={"Origin": open_server.url, "Sec-Fetch-Site": "same-origin"},
        )
        assert same_origin.status_code == 200
        assert "access-control-allow-origin" not in same_origin.headers  # CORS stays off


# -- sizes ----------------------------------------------------------------------------------------


def test_bodies_over_the_limit_are_refused_before_parsing(server: Server) -> None:
    with server.client(ASK_KEY) as client:
        big = client.post(
            "/v1/ask",
            content=b'{"question": "' + b"a" * 2_000_000 + b'"}',
            headers={"Content-Type": "application/json"},
        )
        assert _error(big, 413)["code"] == "too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
            yield b'{"question": "'
            for _ in range(40):
                yield b"b" * 65536
            yield b'"}'

        chunked = client.post(
            "/v1/ask", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert _error(chunked, 413)["code"] == "too_large"


def test_chat_limits_are_named_never_silently_cut(server: Server) -> None:
    with server.client(ASK_KEY) as client:
        many = [{"role": "user", "content": "Frage"}] * 51
        response = client.post("/v1/chat/completions", json={"model": "m", "messages": many})
        assert "messages" in _error(response, 422)["message"]
        long = [{"role": "user", "content": "x" * 35_000}, {"role": "user", "content": QUESTION}]
        long.insert(1, {"role": "assistant", "content": "y" * 30_000})
        response = client.post("/v1/chat/completions", json={"model": "m", "messages": long})
        assert "60000" in _error(response, 422)["message"]


# -- rate limits ----------------------------------------------------------------------------------


def test_forwarded_for_does_not_escape_the_limit(server: Server, embedding_cache: Path) -> None:
    limited = start_server(
        server.data_dir,
        embedding_cache,
        LOTSE_API_KEYS="",
        LOTSE_RATE_LIMIT_PER_MINUTE="2",
    )
    try:
        with httpx.Client(base_url=limited.url, timeout=30) as client:
            codes = [
                client.get("/v1/models", headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code
                for n in range(3)
            ]
        assert codes == [200, 200, 429]
    finally:
        stop_server(limited)


def test_wrong_keys_are_rate_limited_per_address(services: Services) -> None:
    """In-process (the real app): a separate limiter state, so the module's server is unaffected."""
    services.settings.api_keys = SecretStr(f"{ASK_KEY}:ask")
    services.settings.auth_failures_per_minute = 5
    app = create_app(Assistant(services), warm=False)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        wrong = [
            client.get("/v1/models", headers={"Authorization": f"Bearer wrong-key-{n:020d}"})
            for n in range(7)
        ]
        assert [r.status_code for r in wrong[:5]] == [401] * 5
        assert _error(wrong[-1], 429)["code"] == "rate_limited"
        # a guesser is stopped even when the next guess would be right
        right = client.get("/v1/models", headers={"Authorization": f"Bearer {ASK_KEY}"})
        assert right.status_code == 429


# -- logs -----------------------------------------------------------------------------------------


def test_log_lines_cannot_be_forged_and_secrets_are_masked(server: Server) -> None:
    question = (
        "Was ist der Portalverbund?\nINFO assistant.api: admin angemeldet passwort=Geheim2024x"
    )
    with server.client(ASK_KEY) as client:
        assert client.post("/v1/ask", json={"question": question}).status_code == 200
    log = server.log.read_text(errors="replace")
    assert not re.search(r"^INFO assistant\.api: admin angemeldet", log, re.MULTILINE)
    assert "Geheim2024x" not in log and "passwort=[entfernt]" in log
    for key in (ADMIN_KEY, ASK_KEY, ASK_B_KEY, ADVISE_KEY):
        assert key not in log


# -- principals -----------------------------------------------------------------------------------


def test_askers_see_only_their_own_answers_and_advisors_see_all(server: Server) -> None:
    with (
        server.client(ASK_KEY) as town_a,
        server.client(ASK_B_KEY) as town_b,
        server.client(ADVISE_KEY) as advisor,
    ):
        asked = town_a.post("/v1/ask", json={"question": "Kontakt a@musterstadt.de: " + QUESTION})
        answer_id, conversation = asked.json()["answer_id"], asked.json()["conversation_id"]
        assert _error(town_b.get(f"/v1/answers/{answer_id}"), 404)["code"] == "not_found"
        assert town_a.get(f"/v1/answers/{answer_id}").status_code == 200
        assert advisor.get(f"/v1/answers/{answer_id}").status_code == 200
        feedback = {"answer_id": answer_id, "rating": "down", "comment": "fremd"}
        assert town_b.post("/v1/feedback", json=feedback).status_code == 404
        follow = {"question": "Und für Gemeinden?", "conversation_id": conversation}
        assert town_b.post("/v1/ask", json=follow).status_code == 404
        assert town_a.post("/v1/ask", json=follow).status_code == 200
        chosen = {"question": QUESTION, "conversation_id": "meine-eigene-id"}
        assert town_a.post("/v1/ask", json=chosen).status_code == 404

        def recent(client: httpx.Client) -> set[str]:
            return {q["answer_id"] for q in client.get("/web/api/recent").json()["questions"]}

        assert answer_id in recent(town_a) and answer_id in recent(advisor)
        assert answer_id not in recent(town_b)


# -- documents: secrets, paths, originals ---------------------------------------------------------


def test_secrets_in_uploads_are_reported_masked_and_originals_need_advise(
    server: Server, tmp_path: Path
) -> None:
    text = (
        "# Zugang zum Fachverfahren Parkraum\n\nFür das Fachverfahren Parkraum gilt: "
        "passwort=Sommer2024!x und der Schlüssel sk-live-4f9a8b7c6d5e4f3a2b1c. "
        "Die Parkraumbewirtschaftung der Gemeinde Beispieldorf läuft über das Fachverfahren.\n"
    )
    with server.client(ADMIN_KEY) as admin, server.client(ASK_KEY) as asker:
        upload = admin.post(
            "/v1/documents", files={"files": ("zugang.md", text.encode(), "text/markdown")}
        )
        assert upload.status_code == 201, upload.text
        result = upload.json()["results"][0]
        assert any("vertrauliche Werte" in w for w in result["warnings"])
        doc_id = result["doc_id"]
        question = "Wie läuft die Parkraumbewirtschaftung in Beispieldorf?"
        search = asker.post(
            "/v1/search", json={"query": question, "k": 3, "filters": {"doc_id": [doc_id]}}
        )
        chunk_id = search.json()["results"][0]["chunk_id"]
        bodies = [
            search.text,
            asker.post("/v1/ask", json={"question": question}).text,
            asker.get(f"/web/api/chunks/{chunk_id}").text,
        ]
        assert asker.get(f"/web/api/chunks/{chunk_id}").json()["file_url"] is None
        assert _error(asker.get(f"/web/files/{doc_id}"), 403)["code"] == "forbidden"
        with server.client(ADVISE_KEY) as advisor:
            original = advisor.get(f"/web/files/{doc_id}")
            assert original.status_code == 200 and "[entfernt]" in original.text
            bodies.append(original.text)
        admin.delete(f"/v1/documents/{doc_id}")
    for body in bodies:
        assert "Sommer2024" not in body and "sk-live-4f9a" not in body


def test_no_server_paths_in_any_response(server: Server) -> None:
    with server.client(ADMIN_KEY) as client:
        asked = client.post("/v1/ask", json={"question": QUESTION}).json()
        found = client.post("/v1/search", json={"query": QUESTION}).json()
        listed = client.get("/v1/documents").json()
        bodies = [str(asked), str(found), str(listed)]
        citation = asked["citations"][0]
        assert citation["file_url"] == f"/web/files/{citation['doc_id']}"
        assert citation["path"] and "/" not in citation["path"]
    for body in bodies:
        assert str(server.data_dir.parent) not in body and str(ROOT) not in body


# -- docs, models, status codes -------------------------------------------------------------------


def test_docs_work_offline_with_a_csp(server: Server) -> None:
    with server.client(None) as client:
        for page in ("/docs", "/redoc"):
            response = client.get(page)
            assert response.status_code == 200
            csp = response.headers["content-security-policy"]
            assert "default-src 'none'" in csp and "script-src 'self'" in csp
            assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
            if page == "/docs":  # its one inline script is allowed by hash
                assert "'sha256-" in csp
            assets = re.findall(r'(?:src|href)="([^"]+)"', response.text)
            assert assets and not [a for a in assets if a.startswith("http")], assets
            for asset in assets:
                if asset.startswith("/docs-assets/"):
                    assert client.get(asset).status_code == 200, asset


def test_models_are_listed_and_usage_is_counted(server: Server) -> None:
    with server.client(ASK_KEY) as client:
        models = client.get("/v1/models").json()
        assert models["object"] == "list" and models["data"][0]["id"] == "digitallotse"
        chat = client.post(
            "/v1/chat/completions",
            json={"model": "digitallotse", "messages": [{"role": "user", "content": QUESTION}]},
        ).json()
        usage = chat["usage"]
        assert usage["prompt_tokens"] > 5 and usage["completion_tokens"] > 5
        assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_status_codes_and_the_one_error_shape(server: Server) -> None:
    with server.client(ASK_KEY) as client:
        date = client.post(
            "/v1/search", json={"query": "OZG", "filters": {"stand_from": "2020-13-45"}}
        )
        assert "stand_from" in _error(date, 422)["message"]
        broken = client.post(
            "/v1/ask", content=b'{"question": ', headers={"Content-Type": "application/json"}
        )
        error = _error(broken, 400)
        assert error["code"] == "invalid_json" and "Expecting" not in error["message"]
        plain = client.post(
            "/v1/ask", content=b"question=OZG", headers={"Content-Type": "text/plain"}
        )
        assert _error(plain, 415)["code"] == "unsupported_media_type"
        assert _error(client.get("/v1/nope"), 404)["message"] == "Nicht gefunden"
        assert _error(client.delete("/healthz"), 405)["message"] == "Methode nicht erlaubt"
        assert client.head("/readyz").status_code == 200
        assert client.head("/healthz").status_code == 200
        spec = client.get("/openapi.json").json()
        responses = spec["paths"]["/v1/ask"]["post"]["responses"]
        assert {"400", "401", "403", "413", "415", "422", "429"} <= set(responses)
        # every operationId unique and fixed (GET and HEAD of one route used to share one that
        # changed from run to run)
        ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
        assert (
            len(ids) == len(set(ids))
            and spec["paths"]["/healthz"]["get"]["operationId"] == "healthz"
        )
