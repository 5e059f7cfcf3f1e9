"""The lotse command line over a real index: search/ask JSON contracts, --jsonl, errors."""

from __future__ import annotations

import json

from assistant.services import Services
from tests.conftest import cli_env, lotse


def _lotse(services: Services, *args: str, stdin: str | None = None):
    return lotse(*args, env=cli_env(services.settings), stdin=stdin, timeout=300)


def test_search_json_contract(indexed: Services) -> None:
    run = _lotse(indexed, "search", "§ 9 OZG", "--k", "3", "--json")
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)["results"]
    assert len(results) == 3
    assert set(results[0]) == {"chunk_id", "score", "text", "source"}
    assert set(results[0]["source"]) == {
        "doc_id",
        "path",
        "title",
        "doc_type",
        "law",
        "section",
        "page",
        "stand",
        "heading",
        "heading_above",
        "file_url",
        "ocr",
        "ocr_confidence",
        "version",
        "valid_from",
        "valid_until",
        "superseded_by",
        "validity_note",
    }
    assert results[0]["source"]["section"] == "§ 9"
    # the shared OZG text predates the 2024 amendment: search says so as citations do
    assert results[0]["source"]["validity_note"].startswith("Fassung bis 23.07.2024")


def test_ask_json_contract_and_jsonl_batch(indexed: Services) -> None:
    run = _lotse(indexed, "ask", "Was ist der Portalverbund?", "--json")
    assert run.returncode == 0, run.stderr
    body = json.loads(run.stdout)
    for key in ("answer", "abstained", "confidence", "mode", "citations", "answer_id"):
        assert key in body
    citation = body["citations"][0]
    assert {"n", "chunk_id", "doc_id", "path", "title", "law", "section", "page", "quote"} <= set(
        citation
    )
    lines = '{"id": "a", "q": "Was ist der Portalverbund?"}\n\nWas regelt § 7 EGovG?\n{"q": ""}\n'
    batch = _lotse(indexed, "ask", "--jsonl", stdin=lines)
    assert batch.returncode == 0, batch.stderr
    outputs = [json.loads(line) for line in batch.stdout.splitlines()]
    assert len(outputs) == 3 and outputs[0]["id"] == "a" and "answer" in outputs[1]
    assert outputs[2]["error"]["code"] == "invalid_request"


def test_usage_errors_exit_2_without_traceback(indexed: Services) -> None:
    for args in (("ask",), ("search", "x", "--k", "0"), ("ingest", "corpus", "--type", "bogus")):
        run = _lotse(indexed, *args)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr
    documents = _lotse(indexed, "documents", "--json")
    ids = {d["doc_id"] for d in json.loads(documents.stdout)["documents"]}
    assert {"ozg", "egovg", "erechv"} <= ids
    missing = _lotse(indexed, "remove", "no-such-doc")
    assert missing.returncode == 1 and "nicht gefunden" in missing.stderr


def test_invalid_setting_names_the_variable_and_hides_values(indexed: Services) -> None:
    env = cli_env(
        indexed.settings, LOTSE_CHUNK_TOKENS="viele", LOTSE_LLM_API_KEY="sk-geheim-123456"
    )
    run = lotse("search", "Portalverbund", env=env, timeout=120)
    assert run.returncode == 2
    assert "LOTSE_CHUNK_TOKENS" in run.stderr and "Traceback" not in run.stderr
    assert "viele" not in run.stderr and "sk-geheim" not in run.stderr + run.stdout
