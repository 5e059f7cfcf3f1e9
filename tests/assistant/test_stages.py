"""Remote retrieval stages against loopback servers: LLM rewriting and listwise reranking
(OpenAI-compatible chat), a /rerank endpoint (Cohere and TEI shapes); timeouts fall back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.answer.engine import AnswerEngine
from assistant.config import Settings
from assistant.providers.llm import build_chat_model
from assistant.providers.rerank import HttpReranker
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.stages import RERANK_SYSTEM, REWRITE_SYSTEM, STANDALONE_SYSTEM, Stages
from assistant.services import Services
from tests.fakes import FakeOpenAI, FakeReranker

QUESTION = "Dürfen wir eingescannte Akten wegwerfen?"
STAGE_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def chat() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh(chat: FakeOpenAI) -> None:
    chat.reset(reply=_scripted)


def _scripted(messages: list[dict[str, Any]]) -> str:
    """Answers like a cooperative model: JSON for the stages, by their system prompts."""
    system = messages[0]["content"]
    user = messages[-1]["content"]
    if system == REWRITE_SYSTEM:
        return json.dumps(
            {
                "queries": [
                    "Vernichtung des Papieroriginals nach Übertragung in elektronische Dokumente"
                ],
                "answer": "Papierdokumente sollen nach der Übertragung vernichtet werden.",
                "laws": ["EGovG"],
            },
            ensure_ascii=False,
        )
    if system == RERANK_SYSTEM:
        numbers = [n for n, line in _candidates(user) if "§ 7" in line] or [1]
        return json.dumps({"ranking": numbers})
    if system == STANDALONE_SYSTEM:
        return "Gilt die Pflicht zur elektronischen Aktenführung auch für Gemeinden?"
    return "Antwort [1]."


def _candidates(user: str) -> list[tuple[int, str]]:
    out = []
    for line in user.splitlines():
        if line.startswith("[") and "]" in line:
            out.append((int(line[1 : line.index("]")]), line))
    return out


def _retriever(indexed: Services, chat: FakeOpenAI | None, reranker: Any = None) -> HybridRetriever:
    model = None
    if chat is not None:
        settings = Settings(llm_base_url=chat.base_url, llm_model="m", llm_timeout=STAGE_TIMEOUT)
        model = build_chat_model(settings)
    stages = Stages(model, reranker)
    return HybridRetriever(
        indexed.index, indexed.retriever.weights, indexed.retriever.register, stages=stages
    )


def _top(result: Any) -> list[tuple[str, str | None]]:
    return [(h.chunk.doc_id, h.chunk.metadata.get("section")) for h in result.hits]


def test_llm_rewrites_and_reranks_the_question(indexed: Services, chat: FakeOpenAI) -> None:
    result = _retriever(indexed, chat).search(QUESTION, 5)
    systems = [r.messages[0]["content"] for r in chat.chat_requests]
    assert systems == [REWRITE_SYSTEM, RERANK_SYSTEM]
    assert "eingescannte Akten" in chat.chat_requests[1].content("user")
    assert result.notices == []
    assert _top(result)[0] == ("egovg", "§ 7")


def test_llm_timeout_falls_back_to_the_offline_ranking(indexed: Services, chat: FakeOpenAI) -> None:
    offline = _retriever(indexed, None).search(QUESTION, 5)
    chat.delay = STAGE_TIMEOUT + 1.0
    result = _retriever(indexed, chat).search(QUESTION, 5)
    assert _top(result) == _top(offline)
    assert any("Umformulierung" in n and "Zeitüberschreitung" in n for n in result.notices)
    assert any("Reranking" in n for n in result.notices)


def test_malformed_llm_output_falls_back_with_notice(indexed: Services, chat: FakeOpenAI) -> None:
    chat.reply = "Ich kann leider kein JSON."
    offline = _retriever(indexed, None).search(QUESTION, 5)
    result = _retriever(indexed, chat).search(QUESTION, 5)
    assert _top(result) == _top(offline)
    assert len(result.notices) == 2 and all("Fehler" in n for n in result.notices)


@pytest.mark.parametrize("api", ["cohere", "tei"])
def test_rerank_endpoint_reorders_candidates(indexed: Services, api: str) -> None:
    with FakeReranker(lambda query, text: 5.0 if "§ 8 Akteneinsicht" in text else 0.0) as fake:
        reranker = HttpReranker(fake.base_url, "bge-reranker", "rk-secret-key", 2.0, api)
        result = _retriever(indexed, None, reranker).search(QUESTION, 5)
        body = fake.requests[0]["body"]
        assert ("documents" in body) == (api == "cohere") and ("texts" in body) == (api == "tei")
        assert fake.requests[0]["headers"]["Authorization"] == "Bearer rk-secret-key"
    assert result.notices == []
    top = _top(result)
    assert ("egovg", "§ 8") in top[:2]


@pytest.mark.parametrize("failure", ["status", "delay", "malformed"])
def test_rerank_failures_fall_back(indexed: Services, failure: str) -> None:
    offline = _retriever(indexed, None).search(QUESTION, 5)
    with FakeReranker() as fake:
        if failure == "status":
            fake.status = 500
        elif failure == "delay":
            fake.delay = 2.0
        else:
            fake.malformed = True
        reranker = HttpReranker(fake.base_url, "m", None, 0.5)
        result = _retriever(indexed, None, reranker).search(QUESTION, 5)
    assert _top(result) == _top(offline)
    expected = "Zeitüberschreitung" if failure == "delay" else "Fehler"
    assert result.notices and expected in result.notices[0]


def test_follow_up_is_rewritten_by_the_llm(indexed: Services, chat: FakeOpenAI) -> None:
    engine = AnswerEngine(_retriever(indexed, chat), indexed.records)
    first = engine.ask("Müssen Bundesbehörden ihre Akten elektronisch führen?")
    follow = engine.ask("Gilt das auch für Gemeinden?", first.conversation_id)
    assert follow.answer.followup
    assert follow.answer.resolved_question == (
        "Gilt die Pflicht zur elektronischen Aktenführung auch für Gemeinden?"
    )
    payload = follow.as_dict()
    assert payload["resolved_question"] == follow.answer.resolved_question
    assert payload["anchor"] == "Müssen Bundesbehörden ihre Akten elektronisch führen?"
