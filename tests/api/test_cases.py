"""Cases (issue 15, first part): a question handed to the advisors is tracked and answered."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from tests.api.conftest import (
    ADVISE_KEY,
    ASK_B_KEY,
    ASK_KEY,
    Server,
    build_index,
    start_server,
    stop_server,
)
from tests.fakes.webhook_server import FakeWebhook

QUESTION = "Was ist der Portalverbund nach dem Onlinezugangsgesetz?"


def test_a_case_goes_from_the_asker_to_an_advisor_and_back(server: Server) -> None:
    with (
        server.client(ASK_KEY) as town_a,
        server.client(ASK_B_KEY) as town_b,
        server.client(ADVISE_KEY) as advisor,
    ):
        asked = town_a.post("/v1/ask", json={"question": QUESTION}).json()
        created = town_a.post(
            "/v1/cases",
            json={"answer_id": asked["answer_id"], "note": "Gilt das auch für uns als Kreis?"},
        )
        assert created.status_code == 201, created.text
        case = created.json()
        case_id = case["case_id"]
        assert case["status"] == "open" and case["question"] == QUESTION
        assert case["draft"]["citations"] == asked["citations"]  # the assistant's draft is kept
        assert case["organisation"] == "musterstadt" and case["channel"] == "api"

        assert town_b.get(f"/v1/cases/{case_id}").status_code == 404
        foreign = {"answer_id": asked["answer_id"]}
        assert town_b.post("/v1/cases", json=foreign).status_code == 404  # not B's answer
        assert case_id not in {c["case_id"] for c in town_b.get("/v1/cases").json()["cases"]}
        queue = advisor.get("/v1/cases", params={"status": "open"}).json()["cases"]
        assert case_id in {c["case_id"] for c in queue}

        assert town_a.patch(f"/v1/cases/{case_id}", json={"status": "closed"}).status_code == 403
        moved = advisor.patch(
            f"/v1/cases/{case_id}", json={"status": "in_progress", "assignee": "Frau Beraterin"}
        ).json()
        assert moved["status"] == "in_progress" and moved["assignee"] == "Frau Beraterin"
        skipped = advisor.patch(f"/v1/cases/{case_id}", json={"status": "answered"})
        assert skipped.status_code == 422 and "status" in skipped.json()["error"]["message"]
        noted = advisor.post(f"/v1/cases/{case_id}/notes", json={"text": "Rückfrage beim Land"})
        assert (
            noted.status_code == 201 and noted.json()["notes"][0]["text"] == "Rückfrage beim Land"
        )

        answer = {
            "text": "Ja, auch Kreise sind nach § 1 Abs. 2 OZG angebunden.",
            "citations": [{"doc_id": "ozg", "section": "§ 1"}],
        }
        answered = advisor.post(f"/v1/cases/{case_id}/answer", json=answer).json()
        assert answered["status"] == "answered"
        seen = town_a.get(f"/v1/cases/{case_id}").json()
        assert seen["answer"]["text"] == answer["text"] and seen["answer"]["citations"]
        assert seen["notes"] == []  # internal notes stay with the advisors

        direct = town_a.post("/v1/cases", json={"question": "Wer berät uns zur E-Akte?"})
        assert direct.status_code == 201 and direct.json()["draft"] == {}
        assert town_a.post("/v1/cases", json={}).status_code == 422


def test_the_queue_filters_by_organisation_topic_and_age(server: Server) -> None:
    with (
        server.client(ASK_KEY) as town_a,
        server.client(ASK_B_KEY) as town_b,
        server.client(ADVISE_KEY) as advisor,
    ):
        alpha = town_a.post("/v1/cases", json={"question": "Filterfall Alpha: Portalverbund?"})
        beta = town_b.post("/v1/cases", json={"question": "Filterfall Beta: E-Akte?"})
        a_id, b_id = alpha.json()["case_id"], beta.json()["case_id"]

        def ids(client: httpx.Client, **params: object) -> list[str]:
            found = client.get("/v1/cases", params=params)
            assert found.status_code == 200, found.text
            return [c["case_id"] for c in found.json()["cases"]]

        both = ids(advisor, q="FILTERFALL")
        assert both.index(a_id) < both.index(b_id)  # oldest first
        assert ids(advisor, q="filterfall", organisation="musterstadt") == [a_id]
        assert a_id not in ids(advisor, q="filterfall", older_than_days=1)
        assert b_id not in ids(town_a, organisation="beispielhausen")  # staff: only their own
        # the topic is also found in the draft's sources: the laws (or titles) it cites
        question = "Müssen Lieferanten ihre Rechnungen an den Bund elektronisch stellen?"
        asked = town_a.post("/v1/ask", json={"question": question}).json()
        gamma = town_a.post("/v1/cases", json={"answer_id": asked["answer_id"]}).json()
        assert 1 <= len(gamma["topics"]) <= 3
        topic = next(t for t in gamma["topics"] if t.lower() not in question.lower())
        assert gamma["case_id"] in ids(advisor, q=topic.upper())
        assert gamma["case_id"] not in ids(advisor, q="Hundesteuer")
        answer = {"text": "Ja, über das Serviceportal.", "citations": []}
        advisor.post(f"/v1/cases/{a_id}/answer", json=answer)
        (listed,) = [c for c in town_a.get("/v1/cases").json()["cases"] if c["case_id"] == a_id]
        assert listed["answer"]["text"] == answer["text"]  # the list carries the answer
        assert advisor.get("/v1/cases", params={"older_than_days": -1}).status_code == 422


def wait_for_deliveries(client: httpx.Client, case_id: str, count: int = 1) -> list[dict]:
    """The case's delivery log once `count` deliveries are in (deliveries run in the background)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        deliveries = client.get(f"/v1/cases/{case_id}").json()["deliveries"]
        if len(deliveries) >= count:
            return list(deliveries)
        time.sleep(0.2)
    raise AssertionError("no delivery logged")


def test_answers_reach_integrators_by_signed_webhook_with_retries(
    server: Server, embedding_cache: Path
) -> None:
    secret = "whsec-test-3f9a8b7c6d5e4f3a"
    with FakeWebhook(secret, failures=2) as hook:
        running = start_server(
            server.data_dir,
            embedding_cache,
            LOTSE_WEBHOOK_URL=hook.url,
            LOTSE_WEBHOOK_SECRET=secret,
        )
        try:
            with running.client(ASK_KEY) as town_a, running.client(ADVISE_KEY) as advisor:
                case_id = town_a.post("/v1/cases", json={"question": "Wer zahlt den Anschluss?"})
                case_id = case_id.json()["case_id"]
                answer = {"text": "Das Land trägt die Kosten des Anschlusses.", "citations": []}
                assert advisor.post(f"/v1/cases/{case_id}/answer", json=answer).status_code == 200
                deliveries = wait_for_deliveries(town_a, case_id)
        finally:
            stop_server(running)
    assert deliveries[0]["channel"] == "webhook" and deliveries[0]["delivered"] is True
    assert "Versuch 3" in deliveries[0]["detail"] and hook.attempts == 3  # 2 × 500, then 204
    (received,) = hook.received
    assert received.signed and received.event == "case.answered"
    assert received.body["data"]["answer"]["text"] == answer["text"]
    assert "notes" not in received.body["data"] and secret not in json.dumps(received.body)


def test_a_failed_delivery_stays_visible_on_the_case(server: Server, embedding_cache: Path) -> None:
    running = start_server(
        server.data_dir,
        embedding_cache,
        LOTSE_WEBHOOK_URL="http://127.0.0.1:9/nirgendwo",  # nothing listens on the discard port
        LOTSE_WEBHOOK_TIMEOUT="1",
    )
    try:
        with running.client(ASK_KEY) as town_a, running.client(ADVISE_KEY) as advisor:
            case_id = town_a.post("/v1/cases", json={"question": "Wer zahlt?"}).json()["case_id"]
            answer = {"text": "Das Land.", "citations": []}
            advisor.post(f"/v1/cases/{case_id}/answer", json=answer)
            (delivery,) = wait_for_deliveries(town_a, case_id)
    finally:
        stop_server(running)
    assert delivery["delivered"] is False and "nicht zugestellt" in delivery["detail"]


SCAN_QUESTION = "Dürfen wir Papierakten vernichten, nachdem wir sie eingescannt haben?"
SCAN_PARAPHRASE = "Darf eine Gemeinde Papierakten vernichten, wenn sie sie eingescannt hat?"
SCAN_OTHER = "Welche Behörde ist für Anträge auf Informationszugang zuständig?"


def publish_answer(town: httpx.Client, advisor: httpx.Client, **extra: object) -> dict:
    """Town asks about scanning, hands off; the advisor answers citing the draft and publishes."""
    asked = town.post("/v1/ask", json={"question": SCAN_QUESTION}).json()
    assert asked["verified"] is False
    case_id = town.post("/v1/cases", json={"answer_id": asked["answer_id"]}).json()["case_id"]
    found = advisor.post("/v1/search", json={"query": "ersetzendes Scannen Papier vernichten"})
    cited = [h for h in found.json()["results"] if "scannen" in (h["source"]["path"] or "")][:1]
    assert cited, found.json()
    answer = {
        "text": "Ja, nach einer dokumentierten Prüfung der Scans dürfen die Papierakten "
        "vernichtet werden, sofern keine Aufbewahrungspflicht im Original besteht.",
        "citations": [{"chunk_id": c["chunk_id"], "quote": c["text"][:200]} for c in cited],
        "publish": True,
        **extra,
    }
    answered = advisor.post(f"/v1/cases/{case_id}/answer", json=answer)
    assert answered.status_code == 200, answered.text
    published = answered.json()["verified"]
    assert published["verified"] is True and published["state"] == "valid"
    return {"case_id": case_id, "verified": published, "text": answer["text"], "cited": cited}


def test_a_published_answer_is_given_to_the_next_asker_of_the_same_question(
    server: Server, embedding_cache: Path, api_corpus: Path
) -> None:
    with (
        server.client(ASK_KEY) as town_a,
        server.client(ASK_B_KEY) as town_b,
        server.client(ADVISE_KEY) as advisor,
    ):
        published = publish_answer(town_a, advisor)
        same = town_b.post("/v1/ask", json={"question": SCAN_QUESTION.lower().rstrip("?")})
        again = same.json()
        assert again["verified"] is True and again["outcome"] == "answer"
        assert again["answer"].startswith("Geprüfte Antwort der Beratung vom ")
        assert published["text"] in again["answer"]
        own, *sources = again["citations"]
        assert own["doc_type"] == "verified_answer"
        assert [s["chunk_id"] for s in sources] == [c["chunk_id"] for c in published["cited"]]
        # a paraphrase: its own answer, and the verified one offered with the question it answers
        similar = town_b.post("/v1/ask", json={"question": SCAN_PARAPHRASE}).json()
        offer = similar["verified_answer"]
        assert similar["verified"] is False and offer["same_question"] is False
        assert offer["question"] == SCAN_QUESTION and offer["text"] == published["text"]
        other = town_b.post("/v1/ask", json={"question": SCAN_OTHER}).json()
        assert other["verified"] is False and other["verified_answer"] is None
        hits = town_b.post("/v1/search", json={"query": SCAN_PARAPHRASE}).json()["results"]
        assert any(h["source"]["doc_type"] == "verified_answer" for h in hits)  # indexed
        streamed = town_b.post("/v1/ask/stream", json={"question": SCAN_QUESTION}).text
        assert "Geprüfte Antwort der Beratung" in streamed and '"verified": true' in streamed

        # the cited document changes: no longer verified, listed for review, out of retrieval
        assert town_a.get("/v1/verified").status_code == 403
        scanned = api_corpus / "legal" / "egovg-e-akte-ersetzendes-scannen.md"
        original = scanned.read_text(encoding="utf-8")
        try:
            scanned.write_text(original + "\n\nNeu: Die Prüfung ist zu protokollieren.\n")
            build_index(server.data_dir, embedding_cache, [api_corpus])
            after = town_b.post("/v1/ask", json={"question": SCAN_QUESTION}).json()
            review = advisor.get("/v1/verified", params={"review": "true"}).json()["verified"]
            hits = town_b.post("/v1/search", json={"query": SCAN_PARAPHRASE}).json()["results"]
        finally:
            scanned.write_text(original, encoding="utf-8")
            build_index(server.data_dir, embedding_cache, [api_corpus])
        assert after["verified"] is False and after["verified_answer"] is None
        assert "Geprüfte Antwort" not in after["answer"]
        assert all(c["doc_type"] != "verified_answer" for c in after["citations"])
        assert all(h["source"]["doc_type"] != "verified_answer" for h in hits)
        (listed,) = [v for v in review if v["verified_id"] == published["verified"]["verified_id"]]
        assert listed["state"] == "source_changed" and "geändert" in listed["reason"]

        # confirmed after review: verified again; withdrawn: never again
        vid = listed["verified_id"]
        assert advisor.post(f"/v1/verified/{vid}/renew", json={}).json()["verified"] is True
        assert town_b.post("/v1/ask", json={"question": SCAN_QUESTION}).json()["verified"]
        assert advisor.post(f"/v1/verified/{vid}/withdraw").json()["state"] == "withdrawn"
        assert not town_b.post("/v1/ask", json={"question": SCAN_QUESTION}).json()["verified"]


def test_an_organisation_only_answer_stays_with_that_organisation(server: Server) -> None:
    with (
        server.client(ASK_KEY) as town_a,
        server.client(ASK_B_KEY) as town_b,
        server.client(ADVISE_KEY) as advisor,
    ):
        published = publish_answer(town_a, advisor, visibility="organisation")
        assert published["verified"]["organisation"] == "musterstadt"
        mine = town_a.post("/v1/ask", json={"question": SCAN_QUESTION}).json()
        theirs = town_b.post("/v1/ask", json={"question": SCAN_QUESTION}).json()
        vid = published["verified"]["verified_id"]
        advisor.post(f"/v1/verified/{vid}/withdraw")
    assert mine["verified"] is True
    assert theirs["verified"] is False and theirs["verified_answer"] is None
    assert all(c["doc_type"] != "verified_answer" for c in theirs["citations"])
