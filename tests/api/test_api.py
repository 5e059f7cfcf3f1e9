"""Every endpoint through a real uvicorn process on loopback."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from openai import OpenAI

from assistant.retrieval.glossary import DEFAULT_PATH as GLOSSARY
from assistant.retrieval.thesaurus import DEFAULT_PATH as THESAURUS
from tests.api.conftest import ADMIN_KEY, ASK_KEY, Server, start_server, stop_server
from tests.conftest import SAMPLE_HOSTILE

QUESTION = "Was ist der Portalverbund nach dem Onlinezugangsgesetz?"


def sse_events(text: str) -> list[tuple[str, dict]]:
    """Parse an SSE body into (event, data) pairs."""
    events = []
    for block in text.strip().split("\n\n"):
        name, data = "message", ""
        for line in block.splitlines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data += line[6:]
        events.append((name, json.loads(data)))
    return events


def test_health_ready_and_docs(server: Server) -> None:
    with server.client(None) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz").json()
        assert ready["status"] == "ready" and ready["documents"] == 5
        deadline = time.monotonic() + 120  # the background warm-up finishes and says so
        while not ready["warm"] and time.monotonic() < deadline:
            time.sleep(0.5)
            ready = client.get("/readyz").json()
        assert ready["warm"] is True
        assert ready["word_lists"] == {  # installed by `make test`, as by `make run`
            "thesaurus": THESAURUS.exists(),
            "glossary": GLOSSARY.exists() and GLOSSARY.with_suffix(".dict.dz").exists(),
        }
        spec = client.get("/openapi.json").json()
        assert "/v1/ask" in spec["paths"] and "/v1/chat/completions" in spec["paths"]
        assert client.get("/docs").status_code == 200


def test_ask_cites_retrieved_sources_and_is_stored(server: Server) -> None:
    with server.client(ASK_KEY) as client:
        response = client.post("/v1/ask", json={"question": QUESTION})
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body["abstained"] and body["mode"] == "extractive"
        assert body["citations"] and "[1]" in body["answer"]
        assert any(c["doc_id"] in ("ozg", "ozg-grundlagen") for c in body["citations"])
        stored = client.get(f"/v1/answers/{body['answer_id']}").json()
        assert stored["question"] == QUESTION
        assert stored["answer"]["citations"] == body["citations"]
        feedback = client.post(
            "/v1/feedback",
            json={"answer_id": body["answer_id"], "rating": "down", "tags": ["incomplete"]},
        )
        assert feedback.status_code == 201
        again = client.get(f"/v1/answers/{body['answer_id']}").json()
        assert again["feedback"][0]["rating"] == "down"
        assert again["feedback"][0]["tags"] == ["incomplete"]


def test_a_question_about_a_rule_outside_the_sources_says_which(server: Server) -> None:
    with server.client(ASK_KEY) as client:
        question = "Wie viele Urlaubstage hat eine Teilzeitkraft nach dem TVöD?"
        body = client.post("/v1/ask", json={"question": question}).json()
    assert body["outcome"] == "abstain" and body["abstained"] is True
    assert body["rules_not_in_sources"] == ["TVöD"] and "„TVöD“" in body["answer"]


def test_follow_up_uses_the_conversation(server: Server) -> None:
    with server.client(ASK_KEY) as client:
        first = client.post("/v1/ask", json={"question": "Was regelt § 7 EGovG?"}).json()
        follow = client.post(
            "/v1/ask",
            json={
                "question": "Und gilt das auch für Gemeinden?",
                "conversation_id": first["conversation_id"],
            },
        ).json()
        assert follow["conversation_id"] == first["conversation_id"]
        record = client.get(f"/v1/answers/{follow['answer_id']}").json()
        assert "§ 7 EGovG" in record["resolved_question"]


def test_search_contract_and_filters(server: Server) -> None:
    with server.client(ASK_KEY) as client:
        body = client.post("/v1/search", json={"query": "§ 9 OZG", "k": 3}).json()
        first = body["results"][0]
        assert set(first) == {"chunk_id", "score", "text", "source"}
        assert first["source"]["law"] == "OZG" and first["source"]["section"] == "§ 9"
        filtered = client.post(
            "/v1/search",
            json={"query": "Portalverbund", "filters": {"doc_type": ["legal_framework"]}},
        ).json()
        assert all(r["source"]["doc_type"] == "legal_framework" for r in filtered["results"])


def test_stream_sends_sources_deltas_done(server: Server) -> None:
    with server.client(ASK_KEY) as client:
        response = client.post("/v1/ask/stream", json={"question": QUESTION})
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response.text)
        names = [name for name, _ in events]
        assert names[0] == "sources" and names[-1] == "done"
        assert names.count("delta") >= 2
        done = events[-1][1]
        text = "".join(data["text"] for name, data in events if name == "delta")
        assert text.strip() == done["answer"].strip()
        assert done["answer_id"].startswith("ans_")


@pytest.mark.parametrize(
    ("key", "path", "status"),
    [
        (None, "/v1/search", 401),
        ("wrong-key-000000", "/v1/search", 401),
        (ASK_KEY, "/v1/documents", 403),
    ],
)
def test_auth_errors_have_one_shape(server: Server, key: str | None, path: str, status: int):
    with server.client(key) as client:
        if path == "/v1/search":
            response = client.post(path, json={"query": "OZG"})
        else:
            response = client.get(path)
    assert response.status_code == status
    assert set(response.json()["error"]) == {"code", "message"}
    assert ADMIN_KEY not in server.log.read_text() and ASK_KEY not in server.log.read_text()


def test_validation_errors_name_the_field(server: Server) -> None:
    with server.client() as client:
        empty = client.post("/v1/ask", json={"question": ""})
        assert empty.status_code == 422
        assert empty.json()["error"]["message"].startswith("question")
        too_long = client.post("/v1/ask", json={"question": "x" * 20_001})
        assert too_long.status_code == 422
        assert too_long.json()["error"]["message"].startswith("question")
        missing = client.get("/v1/answers/ans_unknown")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_as_of_is_checked_and_the_old_ozg_text_says_so(server: Server) -> None:
    user = [{"role": "user", "content": QUESTION}]
    with server.client(ASK_KEY) as client:
        for path, body in (("/v1/ask", {"question": QUESTION}), ("/v1/search", {"query": "OZG"})):
            bad = client.post(path, json={**body, "filters": {"as_of": "2023-02-30"}})
            assert bad.status_code == 422
            assert bad.json()["error"]["message"].startswith("filters.as_of")
        bad = client.post("/v1/chat/completions", json={"messages": user, "as_of": "1.1.2023"})
        assert bad.status_code == 422 and bad.json()["error"]["message"].startswith("as_of")
        dated = {"question": QUESTION, "filters": {"as_of": "2023-01-01"}}
        answer = client.post("/v1/ask", json=dated)
        assert answer.status_code == 200, answer.text
        ozg = [c for c in answer.json()["citations"] if c["law"] == "OZG"]
        note = "Fassung bis 23.07.2024; neuere Fassung: OZG in der Fassung des OZG-Änderungsges"
        assert ozg and ozg[0]["validity_note"].startswith(note)  # the starter corpus knows it
        assert ozg[0]["valid_until"] == "2024-07-23"
        chat = client.post("/v1/chat/completions", json={"messages": user, "as_of": "2023-01-01"})
        assert chat.status_code == 200, chat.text
        assert f"({note}" in chat.json()["choices"][0]["message"]["content"]  # text rendering


def test_documents_list_get_upload_delete(server: Server, tmp_path: Path) -> None:
    note = tmp_path / "Notiz (Entwurf).md"
    note.write_text(
        "---\ntitle: Parkraum digital\ntype: case_study\n---\n# Parkraum\n\n"
        "Die Gemeinde Beispieldorf bucht Parkscheine seit 2023 per App.\n",
        encoding="utf-8",
    )
    with server.client() as client:
        listed = client.get("/v1/documents", params={"limit": 2}).json()
        assert listed["total"] == 5 and len(listed["documents"]) == 2
        law = client.get("/v1/documents/ozg").json()
        assert "§ 9" in law["sections"]
        files = [
            ("files", (note.name, note.read_bytes(), "text/markdown")),
            (
                "files",
                (
                    "../../evil.pdf",
                    (SAMPLE_HOSTILE / "not_really_a.pdf").read_bytes(),
                    "application/pdf",
                ),
            ),
        ]
        upload = client.post("/v1/documents", files=files)
        assert upload.status_code == 207, upload.text
        results = {r["filename"]: r for r in upload.json()["results"]}
        assert results[note.name]["status"] == "added"
        assert results["../../evil.pdf"]["status"] == "failed"
        doc_id = results[note.name]["doc_id"]
        assert doc_id == "notiz-entwurf"
        stored = client.get(f"/v1/documents/{doc_id}").json()
        assert stored["path"] == "Notiz_Entwurf.md" or "/" not in stored["path"]  # no server path
        kept = [p for p in (server.data_dir / "uploads").rglob("*.md") if "Parkscheine" in
                p.read_text(encoding="utf-8")]
        assert len(kept) == 1  # stored inside the data dir
        hits = client.post("/v1/search", json={"query": "Parkscheine App Beispieldorf"}).json()
        assert hits["results"][0]["source"]["doc_id"] == doc_id
        assert client.delete(f"/v1/documents/{doc_id}").status_code == 204
        assert client.get(f"/v1/documents/{doc_id}").status_code == 404
        assert not kept[0].exists()


def test_refused_reupload_keeps_the_stored_version_and_names_never_collide(
    server: Server,
) -> None:
    plan = "---\ntitle: Ausbauplan\n---\n# Ausbau\n\nBeispielburg verlegt Glasfaser bis 2027.\n"
    other = "---\ntitle: Ausbauplan alt\n---\n# Alt\n\nBeispielburg plante Richtfunk.\n"
    with server.client() as client:

        def upload(name: str, text: str) -> dict:
            response = client.post("/v1/documents", files=[("files", (name, text.encode()))])
            return response.json()["results"][0]

        first = upload("Ausbau Plan.md", plan)
        second = upload("ausbau-plan.md", other)  # sanitises to the same file name
        assert first["status"] == second["status"] == "added"
        assert first["doc_id"] != second["doc_id"]
        refused = upload("Ausbau Plan.md", "---\ntitle: leer\n---\n")  # front matter only
        assert refused["status"] in ("skipped", "failed"), refused
        for result, text in ((first, "Glasfaser"), (second, "Richtfunk")):
            original = client.get(f"/web/files/{result['doc_id']}")  # admin: the original file
            assert original.status_code == 200 and text in original.text
            assert client.delete(f"/v1/documents/{result['doc_id']}").status_code == 204


def test_openai_client_chat_completions(server: Server) -> None:
    client = OpenAI(base_url=f"{server.url}/v1", api_key=ASK_KEY)
    completion = client.chat.completions.create(
        model="digitallotse", messages=[{"role": "user", "content": QUESTION}]
    )
    content = completion.choices[0].message.content or ""
    assert "[1]" in content and "Quellen:" in content
    stream = client.chat.completions.create(
        model="digitallotse", messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
    assert len(pieces) > 2 and "Quellen:" in "".join(pieces)


def test_rate_limit_answers_429_with_retry_after(server: Server, embedding_cache: Path) -> None:
    limited = start_server(server.data_dir, embedding_cache, LOTSE_RATE_LIMIT_PER_MINUTE="2")
    try:
        with limited.client(ASK_KEY) as client:
            codes = [client.post("/v1/search", json={"query": "OZG"}) for _ in range(3)]
        assert [c.status_code for c in codes] == [200, 200, 429]
        assert int(codes[-1].headers["Retry-After"]) >= 1
        assert codes[-1].json()["error"]["code"] == "rate_limited"
    finally:
        stop_server(limited)


def test_without_keys_everything_is_local(server: Server, embedding_cache: Path) -> None:
    open_server = start_server(server.data_dir, embedding_cache, LOTSE_API_KEYS="")
    try:
        response = httpx.post(f"{open_server.url}/v1/search", json={"query": "OZG"}, timeout=30)
        assert response.status_code == 200
    finally:
        stop_server(open_server)
