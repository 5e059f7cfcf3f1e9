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
