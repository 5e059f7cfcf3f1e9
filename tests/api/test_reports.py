"""Reports (issue 15): knowledge gaps, usage (JSON and CSV), /metrics, `lotse report`, and
retention of cases (`lotse purge`), through the real API process and the real CLI."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from assistant.cli.report import print_usage
from tests.api.conftest import ADMIN_KEY, ADVISE_KEY, ASK_B_KEY, ASK_KEY, Server
from tests.conftest import lotse

DOG_TAX = (
    "Wie hoch ist die Hundesteuer für einen zweiten Hund?",
    "Muss ich für meinen Hund Hundesteuer zahlen?",
)
DOG_TAX_B = "Wie hoch ist die Hundesteuer in Bayern?"
FOOTBALL = "Wer wird Deutscher Meister im Fußball?"
IN_CORPUS = "Was ist der Portalverbund nach dem Onlinezugangsgesetz?"
PRINCIPAL_IDS = ("key-", "local", "principal")


def _ask(client: httpx.Client, question: str) -> dict[str, Any]:
    response = client.post("/v1/ask", json={"question": question})
    assert response.status_code == 200, response.text
    return response.json()


def _week() -> str:
    year, week, _ = datetime.now(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def _row(rows: list[dict[str, Any]], organisation: str) -> dict[str, Any]:
    found = [r for r in rows if r["week"] == _week() and r["organisation"] == organisation]
    return found[0] if found else {}


def _no_principal_ids(text: str) -> None:
    for marker in PRINCIPAL_IDS:
        assert marker not in text


def test_gaps_group_unanswered_questions_by_topic(server: Server) -> None:
    with (
        server.client(ASK_KEY) as town_a,
        server.client(ASK_B_KEY) as town_b,
        server.client(ADVISE_KEY) as advisor,
    ):
        asked = [_ask(town_a, q) for q in (*DOG_TAX, FOOTBALL)] + [_ask(town_b, DOG_TAX_B)]
        assert {a["outcome"] for a in asked} <= {"abstain", "candidates"}
        answered = _ask(town_a, IN_CORPUS)
        rated = {"answer_id": answered["answer_id"], "rating": "down"}
        assert town_a.post("/v1/feedback", json=rated).status_code == 201

        response = advisor.get("/v1/reports/gaps")
        assert response.status_code == 200, response.text
        report = response.json()
        _no_principal_ids(response.text)
        groups = report["groups"]
        dogs = [g for g in groups if "Hundesteuer" in g["terms"]]
        assert len(dogs) == 1, groups  # one topic, whatever the wording
        dog = dogs[0]
        assert dog["size"] == 3 and groups[0] is dogs[0]  # largest first
        assert set(dog["examples"]) == {*DOG_TAX, DOG_TAX_B}
        assert dog["organisations"] == ["beispielhausen", "musterstadt"]
        assert dog["outcomes"]["abstain"] + dog["outcomes"]["candidates"] == 3
        assert dog["first_seen"] <= dog["last_seen"]
        assert dog["single"] is False
        # questions like no other are listed last, together, not as a topic each
        singles = groups[-1]
        assert singles["single"] is True and singles["label"].startswith("Einzelfragen")
        assert {FOOTBALL, IN_CORPUS} <= set(singles["examples"]) and singles["terms"] == []
        assert singles["thumbs_down"] >= 1  # the rated answer

        large = advisor.get("/v1/reports/gaps", params={"min_size": 2}).json()["groups"]
        assert large and all(g["size"] >= 2 and not g["single"] for g in large)
        assert town_a.get("/v1/reports/gaps").status_code == 403


def test_usage_counts_what_was_asked_in_json_and_csv(server: Server) -> None:
    with server.client(ASK_KEY) as town_a, server.client(ADVISE_KEY) as advisor:
        before = _row(advisor.get("/v1/reports/usage").json()["rows"], "musterstadt")
        asked = [_ask(town_a, IN_CORPUS), _ask(town_a, FOOTBALL)]
        up = {"answer_id": asked[0]["answer_id"], "rating": "up"}
        assert town_a.post("/v1/feedback", json=up).status_code == 201
        case = town_a.post("/v1/cases", json={"answer_id": asked[1]["answer_id"]}).json()
        reply = {"text": "Dazu berät der Landessportbund.", "citations": []}
        assert advisor.post(f"/v1/cases/{case['case_id']}/answer", json=reply).status_code == 200

        response = advisor.get("/v1/reports/usage")
        assert response.status_code == 200, response.text
        _no_principal_ids(response.text)
        after = _row(response.json()["rows"], "musterstadt")
        assert after["questions"] == before.get("questions", 0) + 2
        for outcome in ("answer", "candidates", "abstain"):
            expected = sum(a["outcome"] == outcome for a in asked)
            assert after[outcome] == before.get(outcome, 0) + expected
            assert after[f"{outcome}_share"] == round(after[outcome] / after["questions"], 3)
        assert after["thumbs_up"] == before.get("thumbs_up", 0) + 1
        assert after["cases_opened"] == before.get("cases_opened", 0) + 1
        assert after["cases_answered"] == before.get("cases_answered", 0) + 1
        assert after["median_hours_to_answer"] is not None

        exported = advisor.get("/v1/reports/usage", params={"format": "csv"})
        assert exported.headers["content-type"].startswith("text/csv")
        _no_principal_ids(exported.text)
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        row = next(r for r in rows if r["week"] == _week() and r["organisation"] == "musterstadt")
        assert {k: str(v) for k, v in after.items()} == row
        assert town_a.get("/v1/reports/usage").status_code == 403


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_count_requests_and_outcomes_for_admins(server: Server) -> None:
    with (
        server.client(None) as anonymous,
        server.client(ASK_KEY) as town_a,
        server.client(ADMIN_KEY) as admin,
    ):
        assert anonymous.get("/metrics").status_code == 401
        assert town_a.get("/metrics").status_code == 403
        first = admin.get("/metrics")
        assert first.status_code == 200 and first.headers["content-type"].startswith("text/plain")
        asked = _ask(town_a, FOOTBALL)
        assert town_a.get("/v1/cases/case_not_there_123").status_code == 404
        second = admin.get("/metrics")
        before, after = _samples(first.text), _samples(second.text)

        ask_ok = (
            "lotse_http_requests_total",
            (("method", "POST"), ("route", "/v1/ask"), ("status", "200")),
        )
        assert after[ask_ok] == before.get(ask_ok, 0) + 1
        latency = ("lotse_http_request_duration_seconds_count", ask_ok[1])
        assert after[latency] == before.get(latency, 0) + 1
        outcome = ("lotse_answers_total", (("outcome", asked["outcome"]),))
        assert after[outcome] == before.get(outcome, 0) + 1
        missing = (
            "lotse_http_requests_total",
            (("method", "GET"), ("route", "/v1/cases/{case_id}"), ("status", "404")),
        )
        assert after[missing] >= 1 and "case_not_there_123" not in second.text
        assert ("lotse_cases", (("status", "open"),)) in after
        assert after[("lotse_case_queue_oldest_seconds", ())] >= 0


def test_lotse_report_prints_gaps_and_usage(
    server: Server, embedding_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gaps = lotse("report", "gaps", "--since", "1", env=_cli_env(server, embedding_cache))
    assert gaps.returncode == 0, gaps.stderr
    assert "Wissenslücken" in gaps.stdout and "Hundesteuer" in gaps.stdout
    assert DOG_TAX_B in gaps.stdout
    with server.client(ADVISE_KEY) as advisor:  # the usage table, on the same data in-process
        print_usage(advisor.get("/v1/reports/usage").json()["rows"])
    table = capsys.readouterr().out
    assert table.startswith("Woche") and _week() in table and "musterstadt" in table
    _no_principal_ids(gaps.stdout + table)


def _cli_env(server: Server, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOTSE_")}
    env.update(LOTSE_DATA_DIR=str(server.data_dir), LOTSE_EMBEDDING_CACHE=str(cache))
    if os.environ.get("LOTSE_CHROMA_URL"):
        env["LOTSE_CHROMA_URL"] = os.environ["LOTSE_CHROMA_URL"]
    return env


def test_purge_deletes_cases_with_their_threads_and_report_data(
    server: Server, embedding_cache: Path
) -> None:
    """Last in this module: it empties the server's records."""
    with server.client(ASK_KEY) as town_a, server.client(ADVISE_KEY) as advisor:
        case_id = town_a.post("/v1/cases", json={"question": DOG_TAX[0]}).json()["case_id"]
        assert advisor.post(f"/v1/cases/{case_id}/notes", json={"text": "Satzung"}).is_success
        reply = {"text": "Das regelt die Hundesteuersatzung.", "citations": []}
        assert advisor.post(f"/v1/cases/{case_id}/answer", json=reply).status_code == 200

        purged = lotse("purge", "--older-than", "0", env=_cli_env(server, embedding_cache))
        assert purged.returncode == 0, purged.stderr
        assert int(purged.stdout.split()[0]) >= 1  # answers, as before
        assert "Fälle" in purged.stdout
        assert advisor.get(f"/v1/cases/{case_id}").status_code == 404
    with sqlite3.connect(server.data_dir / "cases.sqlite3") as conn:
        for table in ("cases", "case_notes", "case_answers", "case_deliveries"):
            assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    with sqlite3.connect(server.data_dir / "reports.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM question_vectors").fetchone()[0] == 0
