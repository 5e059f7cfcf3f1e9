"""The page's endpoints over HTTP against the real server: headers, assets, context, files, docx."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import httpx
from docx import Document
from fastapi.testclient import TestClient

from assistant.core import Assistant
from assistant.http.app import create_app
from assistant.http.links import link_key, sign
from assistant.services import Services
from ingest.pipeline import Ingestor
from tests.api.conftest import ADVISE_KEY, API_KEYS, ASK_KEY, Server
from tests.web.conftest import PDF_NAME

STATIC = ("app.js", "cases.js", "gaps.js", "app.css", "favicon.svg")


def test_page_has_a_strict_csp_and_only_local_assets(web_server: Server) -> None:
    with web_server.client(None) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe" not in csp
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        html = page.text
        assert '<html lang="de">' in html
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
        assert " style=" not in html and "<style" not in html
        for name in STATIC:
            asset = client.get(f"/web/static/{name}")
            assert asset.status_code == 200, name
            assert asset.headers["x-content-type-options"] == "nosniff"
            body = asset.text
            # no CDN, no remote fonts: nothing is loaded from another host
            assert not re.search(r"(src|href|url|fetch|import)\s*[=(]\s*[\"']?https?://", body)
            if name.endswith(".js"):
                assert "innerHTML" not in body and "insertAdjacentHTML" not in body
                assert "eval(" not in body and "document.write" not in body
        assert (
            client.get("/web/static/app.js").headers["content-type"].startswith("text/javascript")
        )
        assert client.get("/web/static/nope.js").status_code == 404
        assert client.get("/web/static/..%2Froutes.py").status_code == 404
        assert client.get("/web/static/index.html").status_code == 200


def test_helper_endpoints_need_a_key(web_server: Server) -> None:
    with web_server.client(None) as client:
        for path in ("/web/api/filters", "/web/api/recent", "/web/api/chunks/abc", "/web/api/me"):
            response = client.get(path)
            assert response.status_code == 401, path
            assert response.json()["error"]["code"] == "unauthorized"
        assert client.post("/v1/drafts/docx", json={"text": "x"}).status_code == 401
        assert client.get("/web/files/ozg").status_code == 401


def test_me_names_the_keys_scopes_and_organisation(web_server: Server) -> None:
    with web_server.client(ASK_KEY) as staff, web_server.client(ADVISE_KEY) as advisor:
        mine = staff.get("/web/api/me").json()
        theirs = advisor.get("/web/api/me").json()
        labels = staff.get("/web/api/vocabulary").json()
    assert mine == {"scopes": ["ask"], "organisation": "musterstadt"}
    assert theirs == {"scopes": ["advise", "ask"], "organisation": None}
    assert labels["case_statuses"]["in_progress"] == "in Bearbeitung"
    assert labels["case_transitions"]["open"] == ["in_progress", "closed"]


def test_filters_list_types_and_jurisdictions(web_server: Server) -> None:
    with web_server.client(ASK_KEY) as client:
        body = client.get("/web/api/filters").json()
    assert body["documents"] == 5
    counts = {t["value"]: t["count"] for t in body["doc_types"]}
    assert counts["legal_framework"] == 2
    assert {"value": "Bund", "count": 1} in body["jurisdictions"]


def test_chunk_context_marks_the_quote_with_neighbours(web_server: Server) -> None:
    with web_server.client(ADVISE_KEY) as client:
        answer = client.post(
            "/v1/ask", json={"question": "Was ist der Portalverbund nach dem Onlinezugangsgesetz?"}
        ).json()
        citation = next(c for c in answer["citations"] if c["doc_id"] == "ozg")
        response = client.get(
            f"/web/api/chunks/{citation['chunk_id']}",
            params={"quote": citation["quote"], "around": 1},
        )
        assert response.status_code == 200
        body = response.json()
        assert client.get("/web/api/chunks/unknown-chunk").status_code == 404
        assert client.get("/web/api/chunks/x", params={"around": 9}).status_code == 422
    assert body["doc_id"] == "ozg" and body["document"]["law"] == "OZG"
    roles = [p["role"] for p in body["passages"]]
    assert roles.count("cited") == 1 and ("before" in roles or "after" in roles)
    cited = next(p for p in body["passages"] if p["role"] == "cited")
    marked = " ".join(s["text"] for s in cited["segments"] if s["mark"])
    # the quote's pieces (joined by " … " where they are not adjacent) are what is marked
    pieces = citation["quote"].replace(" … ", " ")
    assert re.sub(r"\s+", " ", marked) == re.sub(r"\s+", " ", pieces)
    assert body["highlighted"] is True
    assert body["file_kind"] == "text" and body["file_available"] is True
    assert re.fullmatch(r"/web/files/ozg\?expires=\d+&sig=[0-9a-f]{40}", body["file_url"])


def test_original_files_only_for_ingested_documents(web_server: Server) -> None:
    with web_server.client(None) as anonymous, web_server.client(ADVISE_KEY) as client:
        expires = int(time.time()) + 60
        signature = sign(link_key(API_KEYS), "ozg", expires)
        signed = anonymous.get(f"/web/files/ozg?expires={expires}&sig={signature}")
        assert signed.status_code == 200
        assert signed.headers["content-type"] == "text/plain; charset=utf-8"
        assert "sandbox" in signed.headers["content-security-policy"]
        assert "Portalverbund" in signed.text
        tampered = anonymous.get(f"/web/files/ifg?expires={expires}&sig={signature}")
        assert tampered.status_code == 401
        old = int(time.time()) - 10
        stale = sign(link_key(API_KEYS), "ozg", old)
        assert anonymous.get(f"/web/files/ozg?expires={old}&sig={stale}").status_code == 401

        html = client.get("/web/files/script_tags")
        assert html.status_code == 200
        assert html.headers["content-type"].startswith("text/plain")
        assert html.headers["x-content-type-options"] == "nosniff"
        pdf = client.get("/web/files/citylab_smartcity_helsinki")
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"].startswith("inline")
        assert PDF_NAME in pdf.headers["content-disposition"]
        assert client.get("/web/files/nope").status_code == 404
        assert client.get("/web/files/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_docx_export(web_server: Server) -> None:
    text = (
        "Sehr geehrte Damen und Herren,\n\nnach § 1 OZG gilt **Folgendes** [1].\n\n"
        "Quellen:\n- [1] OZG § 1\n- [2] Titel, S. 4\n\nMit freundlichen Grüßen\x00"
    )
    with web_server.client(ASK_KEY) as client:
        response = client.post("/v1/drafts/docx", json={"text": text, "title": "Entwurf"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        assert "Antwortentwurf.docx" in response.headers["content-disposition"]
        assert client.post("/v1/drafts/docx", json={"text": ""}).status_code == 422
        assert client.post("/v1/drafts/docx", json={"text": "x", "y": 1}).status_code == 422
        spec = client.get("/openapi.json").json()
    document = Document(io.BytesIO(response.content))
    paragraphs = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert ("List Bullet", "[1] OZG § 1") in paragraphs
    assert any(t == "nach § 1 OZG gilt Folgendes [1]." for _, t in paragraphs)
    assert any(run.bold and run.text == "Folgendes" for p in document.paragraphs for run in p.runs)
    assert document.core_properties.title == "Entwurf"
    assert "/v1/drafts/docx" in spec["paths"]
    assert not any(path.startswith("/web/") for path in spec["paths"])


def test_recent_questions_with_feedback(web_server: Server) -> None:
    with web_server.client(ASK_KEY) as client:
        answer = client.post("/v1/ask", json={"question": "Was regelt § 3 OZG?"}).json()
        client.post(
            "/v1/feedback",
            json={"answer_id": answer["answer_id"], "rating": "up", "tags": ["helpful"]},
        )
        body = client.get("/web/api/recent", params={"limit": 5}).json()
        assert client.get("/web/api/recent", params={"limit": 0}).status_code == 422
    first = body["questions"][0]
    assert first["answer_id"] == answer["answer_id"]
    assert first["question"] == "Was regelt § 3 OZG?"
    assert first["ratings"] == ["up"] and first["tags"] == ["helpful"]
    assert first["conversation_id"] == answer["conversation_id"]


def test_page_is_open_without_a_key(web_server: Server) -> None:
    """The page and its assets load without a key; only data needs one."""
    assert httpx.get(web_server.url + "/", timeout=10).status_code == 200
    assert httpx.head(web_server.url + "/", timeout=10).status_code == 200


def test_open_mode_without_keys(services: Services, tmp_path: Path) -> None:
    """Without LOTSE_API_KEYS (loopback only) the page's data and plain file links are open."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "notiz.md").write_text(
        "# Notiz\n\nDie Stadt Musterhausen stellt ihre Bauakten seit 2023 digital bereit.\n",
        encoding="utf-8",
    )
    Ingestor(services.index, services.settings).run([folder])
    chunk_id = next(iter(services.manifest.chunk_ids()))
    with TestClient(
        create_app(Assistant(services), warm=False), base_url="http://127.0.0.1"
    ) as client:
        assert client.get("/web/api/filters").json()["documents"] == 1
        body = client.get(f"/web/api/chunks/{chunk_id}", params={"quote": "seit 2023"}).json()
        assert body["file_url"] == "/web/files/notiz"
        assert [s["text"] for s in body["passages"][0]["segments"] if s["mark"]] == ["seit 2023"]
        original = client.get(body["file_url"])
        assert original.status_code == 200 and "Bauakten" in original.text
        assert client.get("/web/api/recent").json() == {"questions": []}
