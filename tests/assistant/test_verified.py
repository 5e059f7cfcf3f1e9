"""Verified answers: when a new question is the same as one the advisors answered."""

from __future__ import annotations

import time

from langchain_openai import ChatOpenAI

from assistant.answer.verified import (
    JUDGE_SYSTEM,
    MatchPolicy,
    contradicts,
    judge,
    means_same,
    normalise,
    offer_text,
    policy,
    verified_answer,
)
from assistant.core.verified import VerifiedDesk
from tests.fakes.openai_server import FakeOpenAI

KNOWN = "Dürfen wir Papierakten vernichten, nachdem wir sie eingescannt haben?"
ASKED = "Darf die Gemeinde eingescannte Papierakten wegwerfen?"


def chat(fake: FakeOpenAI) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=fake.base_url, api_key="sk-test", model="m", timeout=2, max_retries=0
    )  # type: ignore[arg-type]


def test_the_same_question_is_the_same_after_case_punctuation_and_spaces() -> None:
    assert normalise("  Dürfen WIR Papierakten vernichten,nachdem wir sie eingescannt haben ") == (
        normalise(KNOWN)
    )
    assert normalise(KNOWN) != normalise(ASKED)


def test_similarity_only_makes_candidates_and_the_guard_compares_anchors() -> None:
    fitted = policy("multilingual-e5-small")
    assert 0.8 < fitted.min_similarity < 0.95  # fitted on the dev pairs, see verified.json
    assert not means_same(MatchPolicy(0.9), 0.89, ASKED, KNOWN)
    assert means_same(MatchPolicy(0.9), 0.91, ASKED, KNOWN)
    assert contradicts("Frist nach OZG 2017?", "Frist nach OZG 2024?")
    assert not contradicts("Was regelt das OZG?", "Wozu gibt es das OZG eigentlich?")
    assert means_same(MatchPolicy(0.9, guard=True), 0.95, "OZG 2017?", "OZG 2017 und 2024?")
    assert not means_same(MatchPolicy(0.9, guard=True), 0.95, "OZG 2017?", "OZG 2024?")


def test_the_llm_judge_decides_and_sees_both_questions() -> None:
    with FakeOpenAI(reply="JA") as fake:
        assert judge(chat(fake), KNOWN, ASKED) is True
        fake.reply = "NEIN, andere Frage."
        assert judge(chat(fake), KNOWN, ASKED) is False
        sent = fake.chat_requests[0]
        assert sent.content("system") == JUDGE_SYSTEM
        assert KNOWN in sent.content("user") and ASKED in sent.content("user")


def test_a_failing_judge_means_not_the_same_so_the_answer_is_only_offered() -> None:
    desk = VerifiedDesk.__new__(VerifiedDesk)
    with FakeOpenAI() as fake:
        fake.status = 500
        desk.judge_model = chat(fake)
        assert desk._same(KNOWN, ASKED) is False
        assert desk._same(KNOWN, KNOWN.upper()) is True  # no judge needed
    desk.judge_model = None
    assert desk._same(KNOWN, ASKED) is False


def test_verified_answers_are_dated_and_offers_name_the_question_they_answer() -> None:
    published = time.mktime((2026, 3, 9, 12, 0, 0, 0, 0, -1))
    answer = verified_answer(ASKED, "Ja, nach Prüfung.", published, [], 0.97)
    assert answer.answer == "Geprüfte Antwort der Beratung vom 09.03.2026: Ja, nach Prüfung."
    assert answer.verified and answer.as_dict()["verified"] is True
    text = offer_text({"published_at": published, "question": KNOWN, "text": "Ja."})
    assert text.startswith("Geprüfte Antwort der Beratung vom 09.03.2026 zu der ähnlichen Frage")
    assert f"„{KNOWN}“" in text
