"""Outcomes end to end on a real index: answer, Fundstellen zum Prüfen, abstain; long inputs."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from unittest.mock import patch

import pytest

from assistant.answer import doubt
from assistant.answer.confidence import LONG_WORDS, beyond_laws_met, features
from assistant.answer.doubt import Calibration
from assistant.answer.engine import AnswerEngine
from assistant.answer.outcomes import abstain_text
from assistant.config import Settings
from assistant.domain import Outcome
from assistant.retrieval.beyond_laws import PRESENT
from assistant.scoring import LinearModel
from assistant.services import Services
from ingest.pipeline import Ingestor
from tests.conftest import LAWS, ROOT, require_shared

DOG_TAX_BYLAW = (
    "---\nTitle: Hundesteuersatzung Musterstadt\njurabk: HStS Musterstadt\n---\n"
    "# Hundesteuersatzung Musterstadt (HStS Musterstadt)\n\n## § 1 Steuersatz\n\n"
    "Für jeden Hund erhebt die Stadt Musterstadt 120 Euro Hundesteuer im Jahr.\n"
)
DOG_TAX_QUESTION = "Wie hoch ist die Steuer für einen Hund nach der Hundesteuersatzung?"


@pytest.fixture(scope="module")
def laws(tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path) -> Iterator[Services]:
    """VwVfG §§ 1–37 (the part these questions need: a third of the embedding work), OZG and a
    starter-corpus document."""
    require_shared("Antworten aus dem echten VwVfG und OZG")
    folder = tmp_path_factory.mktemp("outcomes")
    vwvfg = (LAWS / "vwvfg.md").read_text(encoding="utf-8")
    (folder / "vwvfg.md").write_text(vwvfg[: vwvfg.index("#### § 38 ")], encoding="utf-8")
    shutil.copy(LAWS / "ozg.md", folder / "ozg.md")
    yield from _indexed(folder, embedding_cache, "outcomes-test")


def _indexed(folder: Path, embedding_cache: Path, collection: str) -> Iterator[Services]:
    """Services over the folder's files and the starter corpus's OZG overview."""
    shutil.copy(ROOT / "corpus" / "legal" / "ozg-grundlagen.md", folder / "ozg-grundlagen.md")
    settings = Settings(
        data_dir=folder / "data", embedding_cache=embedding_cache, collection=collection
    )
    services = Services.build(settings)
    Ingestor(services.index, settings).run([folder])
    yield services
    services.close()


@contextmanager
def _calibrated(
    engine: AnswerEngine, abstain_below: float, answer_from: float, sure: bool = False
) -> Iterator[None]:
    """Thresholds of a test's choosing (and, if `sure`, models certain of relevance and
    correctness) for the duration of a block; the bundled calibration afterwards."""
    fitted = engine.calibration
    relevant, correct = (
        (LinearModel({}, 10.0), LinearModel({}, 10.0))
        if sure
        else (fitted.relevant, fitted.correct)
    )
    engine.calibration = Calibration(relevant, correct, abstain_below, answer_from)
    try:
        yield
    finally:
        engine.calibration = fitted


def test_a_section_reference_is_german_and_cites_that_section_first(laws: Services) -> None:
    answer = laws.engine.answer("Was regelt § 3a VwVfG?")
    assert answer.language == "de" and answer.outcome == Outcome.ANSWER
    first = answer.citations[0]
    assert (first.law, first.section) == ("VwVfG", "§ 3a")
    assert first.heading == "Elektronische Kommunikation"
    assert not answer.answer.startswith("According to")
    assert first.quote.split(" … ")[0] in answer.answer
    # asked for the § and nothing about it: quoted from its start, and only the § itself
    assert answer.answer.startswith("(1) Die Übermittlung elektronischer Dokumente ist zulässig")
    assert {c.section for c in answer.citations[:1]} == {"§ 3a"}
    assert "[2]" not in answer.answer.split("Siehe auch")[0]
    english = laws.engine.answer("What does section 3a VwVfG say?")
    assert english.answer.startswith("According to the (German) sources: (1) Die Übermittlung")


def test_every_outcome_keeps_abstained_for_compatibility(laws: Services) -> None:
    out = laws.engine.ask("Wie hoch ist die Hundesteuer für einen Dackel in Bielefeld?").as_dict()
    assert out["outcome"] == "abstain" and out["abstained"] is True and out["citations"] == []
    answered = laws.engine.ask("Was regelt § 3a VwVfG?").as_dict()
    assert answered["outcome"] == "answer" and answered["abstained"] is False
    assert answered["confidence_band"] in ("hoch", "mittel", "niedrig")
    for citation in answered["citations"]:
        assert citation["heading"]


def test_a_question_about_a_rule_outside_the_sources_abstains_and_names_it(
    laws: Services,
) -> None:
    engine = laws.engine
    # thresholds that answer everything: the rule alone decides
    with _calibrated(engine, 0.0, 0.0):
        outside = engine.answer("Wie viele Urlaubstage hat eine Teilzeitkraft nach dem TVöD?")
        english = engine.answer("Does the EU AI Act require us to label our chatbot?")
        inside = engine.answer("Muss unsere Gemeinde nach dem Onlinezugangsgesetz online anbieten?")
    assert outside.outcome == Outcome.ABSTAIN and not outside.citations
    assert outside.answer.startswith(
        "Ihre Frage nennt eine Regelung, die nicht zu meinen Quellen gehört: „TVöD“."
    )
    assert outside.as_dict()["rules_not_in_sources"] == ["TVöD"]
    assert english.outcome == Outcome.ABSTAIN and '"EU AI Act"' in english.answer
    assert inside.outcome == Outcome.ANSWER and inside.citations
    assert inside.rules_not_in_sources == []


def test_a_rule_named_only_in_the_setting_is_told_from_one_asked_about(laws: Services) -> None:
    lexical = laws.retriever.index.lexical()

    def signals(question: str) -> dict[str, float]:
        return features(lexical, laws.retriever.search(question), "de")

    setting = signals(
        "Beide Seiten wenden den TVöD an. Brauchen wir eine Erlaubnis zur Arbeitnehmerüberlassung?"
    )
    asked = signals("Wir sind eine Stadt. Wie viele Urlaubstage gibt es nach dem TVöD?")
    alone = signals("Wie viele Urlaubstage hat eine Teilzeitkraft nach dem TVöD?")
    assert setting["other_rule"] == asked["other_rule"] == alone["other_rule"] == 1.0
    assert setting["setting_only"] == 1.0
    assert asked["setting_only"] == 0.0 and alone["setting_only"] == 0.0


def test_a_question_about_what_no_law_records_abstains_when_only_laws_meet_it(
    laws: Services,
) -> None:
    """Law texts never record who holds an office now or how to set up software; a document
    records the present only up to its date (see the next test)."""
    engine = laws.engine
    # thresholds that answer everything: the rule alone decides
    with _calibrated(engine, 0.0, 0.0):
        person = engine.answer(
            "Wer ist derzeit Leiter der Behörde, der über die Befangenheit eines Mitarbeiters "
            "im Verwaltungsverfahren entscheidet?"
        )
        figure = engine.answer(
            "Wie viele Leistungsbündel umfasst der OZG-Umsetzungskatalog bisher?"
        )
        setup = engine.answer(
            "Wie richten wir das Mailprogramm ein, damit wir Bescheide an Beteiligte "
            "elektronisch mit qualifizierter Signatur verschicken können?"
        )
    leading = laws.manifest.chunks(person.retrieved[:3]).values()
    assert all(chunk.metadata.get("law") for chunk in leading)
    assert person.outcome == Outcome.ABSTAIN and not person.citations
    assert person.answer.startswith("Ihre Frage gilt einem aktuellen Stand")
    leading = laws.manifest.chunks(figure.retrieved[:3]).values()
    assert not all(chunk.metadata.get("law") for chunk in leading)  # the starter document
    assert figure.outcome == Outcome.ABSTAIN and not figure.citations
    assert figure.answer.startswith(
        "Ihre Frage gilt einem aktuellen Stand (Zahlen, Amtsinhaber, laufende Programme); die "
        "nächstliegende Quelle hat Stand 31.12.2022 (Onlinezugangsgesetz (OZG): Grundlagen, "
        "Frist 2022 und Portalverbund), aktuelle Angaben finde ich in meinen Quellen nicht."
    )
    leading = laws.manifest.chunks(setup.retrieved[:3]).values()
    assert all(chunk.metadata.get("law") for chunk in leading)
    assert setup.outcome == Outcome.ABSTAIN
    assert setup.answer.startswith("Ihre Frage gilt der Einrichtung von Software")


def test_a_document_records_the_present_only_while_it_is_recent(laws: Services) -> None:
    """The starter document (Stand 31.12.2022) answers "bisher" in January 2023, not later;
    a question that does not ask for the present is answered from it whatever its age."""
    engine = laws.engine
    figure = engine.search("Wie viele Leistungsbündel umfasst der OZG-Umsetzungskatalog bisher?")
    assert figure.hits[0].chunk.metadata["stand_num"] == 20221231
    assert beyond_laws_met(figure, today=date(2023, 1, 15)) is None
    assert beyond_laws_met(figure, today=date(2023, 7, 15)) == PRESENT
    plain = engine.search("Wie viele Leistungsbündel umfasst der OZG-Umsetzungskatalog?")
    assert beyond_laws_met(plain, today=date(2030, 1, 1)) is None
    assert "the closest source is dated 2022-12-31 (Onlinezugangsgesetz" in abstain_text(
        "en", figure
    )


def test_a_request_no_source_fulfils_abstains_whatever_the_sources_are(laws: Services) -> None:
    """No source writes a press release or picks a product, not even the starter document that
    a question about the OZG meets."""
    engine = laws.engine
    with _calibrated(engine, 0.0, 0.0):  # thresholds that answer everything: the rule decides
        draft = engine.answer(
            "Kannst du mir eine Pressemitteilung schreiben, dass unsere OZG-Leistungen jetzt "
            "online sind?"
        )
        product = engine.answer("Welche Software für OZG-Onlinedienste könnt ihr empfehlen?")
        rule = engine.answer("Können Sie mir sagen, ob wir Bescheide per E-Mail schreiben dürfen?")
    leading = laws.manifest.chunks(draft.retrieved[:3]).values()
    assert not all(chunk.metadata.get("law") for chunk in leading)  # the starter document
    assert draft.outcome == Outcome.ABSTAIN and not draft.citations
    assert draft.answer.startswith("Sie bitten um einen Text, der erst geschrieben werden soll")
    assert product.outcome == Outcome.ABSTAIN
    assert product.answer.startswith("Sie bitten um eine Produkt- oder Anbieterempfehlung")
    assert rule.outcome == Outcome.ANSWER


def test_a_rule_outside_the_sources_gets_passages_only_when_its_topic_is_surely_covered(
    laws: Services,
) -> None:
    engine = laws.engine
    # sure that the sources cover it and that an answer would be right
    with _calibrated(engine, 0.0, 0.0, sure=True):
        sure = engine.answer("Gilt für Bescheide nach der Hundesteuersatzung die Anhörung?")
    assert sure.outcome == Outcome.CANDIDATES and sure.citations
    assert sure.answer.startswith(
        "Ihre Frage nennt eine Regelung, die nicht zu meinen Quellen gehört: „Hundesteuersatzung“."
    )
    assert "Fundstellen zum Prüfen" in sure.answer
    assert sure.rules_not_in_sources == ["Hundesteuersatzung"]


def test_a_lands_rule_the_sources_lack_abstains_however_sure_the_models_are(
    laws: Services,
) -> None:
    engine = laws.engine
    # sure that the sources cover it and that an answer would be right
    with _calibrated(engine, 0.0, 0.0, sure=True):
        land = engine.answer("Bis wann verlangt das Onlinezugangsgesetz des Landes Hessen das?")
        federal = engine.answer("Was verlangt das Onlinezugangsgesetz von Bund und Ländern?")
    assert land.outcome == Outcome.ABSTAIN and not land.citations
    assert "gehört: „Onlinezugangsgesetz des Landes Hessen“." in land.answer
    assert land.rules_not_in_sources == ["Onlinezugangsgesetz des Landes Hessen"]
    assert federal.outcome == Outcome.ANSWER and federal.rules_not_in_sources == []


def test_a_question_placed_in_a_land_its_passages_never_name_is_never_answered_outright(
    laws: Services,
) -> None:
    engine = laws.engine
    placed = "Wir sind eine Gemeinde in Bayern. Wer entscheidet, ob ein Beteiligter befangen ist?"
    english = "We are a Bavarian town. Who decides whether a participant is biased?"
    # models sure of every question: one placed in a Land is answered only from
    # LAND_ANSWER_FROM (here: never), whatever the models say
    with _calibrated(engine, 0.0, 0.5, sure=True), patch.object(doubt, "LAND_ANSWER_FROM", 1.01):
        offered, offered_en = engine.answer(placed), engine.answer(english)
        anywhere = engine.answer("Wer entscheidet, ob ein Beteiligter befangen ist?")
        federal = engine.answer("Gilt das Onlinezugangsgesetz auch für Gemeinden in Bayern?")
    assert offered.outcome == Outcome.CANDIDATES and offered.citations
    assert offered.answer.startswith(
        "Ihre Frage bezieht sich auf Bayern; die Stellen, die ich in meinen Quellen finde, "
        "nennen Bayern nicht (Landesrecht dazu finde ich nicht). Fundstellen zum Prüfen"
    )
    assert offered_en.outcome == Outcome.CANDIDATES
    assert offered_en.answer.startswith("Your question concerns Bavaria;")
    assert anywhere.outcome == Outcome.ANSWER
    assert federal.outcome == Outcome.ANSWER  # a federal law named: the question is about it
    with _calibrated(engine, 0.0, 0.5, sure=True):  # very sure: the Land is context
        assert engine.answer(placed).outcome == Outcome.ANSWER
    with _calibrated(engine, 1.01, 0.0):  # the models abstain: the hand-off says why
        land = engine.answer(placed)
    assert land.outcome == Outcome.ABSTAIN and not land.citations
    assert land.answer.startswith("Ihre Frage bezieht sich auf Bayern; die Stellen")


def test_candidates_list_passages_without_composing_an_answer(laws: Services) -> None:
    engine = laws.engine
    # everything relevant, nothing sure enough to answer
    with _calibrated(engine, 0.0, 1.01):
        answer = engine.answer("Wer entscheidet, ob ein Beteiligter befangen ist?")
    assert answer.outcome == Outcome.CANDIDATES and not answer.abstained
    assert answer.answer.startswith("Fundstellen zum Prüfen")
    assert 3 <= len(answer.citations) <= 5
    for citation in answer.citations:
        assert f"[{citation.n}] {citation.label()}" in answer.answer


def test_long_input_with_two_questions_answers_each_in_its_own_block(laws: Services) -> None:
    story = "Wir sind eine kleine Gemeinde und stellen gerade unsere Verfahren um. " * 40
    mail = (
        "Sehr geehrte Damen und Herren,\n\n"
        f"{story}\n\n"
        "1. Dürfen wir Bescheide künftig per E-Mail statt auf Papier erlassen, wenn das Gesetz "
        "die Schriftform verlangt?\n\n"
        "2. Was ist der Portalverbund nach dem Onlinezugangsgesetz?\n\n"
        "Mit freundlichen Grüßen\nErika Beispiel\nRathausplatz 1\n"
    )
    mail += "\n> frühere Nachricht " * 600
    assert len(mail) > 10_000
    out = laws.engine.ask(mail).as_dict()
    assert len(out["parts"]) == 2
    assert out["answer"].startswith("Frage 1: 1. Dürfen wir Bescheide")
    assert "\n\nFrage 2: 2. Was ist der Portalverbund" in out["answer"]
    numbers = [n for part in out["parts"] for n in part["citations"]]
    assert sorted(numbers) == [c["n"] for c in out["citations"]]


def test_a_long_input_names_the_rule_outside_the_sources_in_its_own_block(
    laws: Services,
) -> None:
    story = "Wir sind eine kleine Gemeinde und stellen gerade unsere Verfahren um. " * 40
    mail = (
        f"Hallo zusammen,\n\n{story}\n\n"
        "1. Was ist der Portalverbund nach dem Onlinezugangsgesetz?\n\n"
        "2. Wie viele Urlaubstage hat eine Teilzeitkraft nach dem TVöD?\n\n"
        "Viele Grüße\nMax Muster\n"
    )
    out = laws.engine.ask(mail).as_dict()
    assert [part["outcome"] for part in out["parts"]] == ["answer", "abstain"]
    assert "Frage 2: 2. Wie viele Urlaubstage" in out["answer"]
    assert "gehört: „TVöD“." in out["answer"].split("Frage 2:")[1]
    assert out["rules_not_in_sources"] == ["TVöD"]


def test_inputs_up_to_the_limit_are_answered_not_rejected(laws: Services) -> None:
    text = ("Gilt das Onlinezugangsgesetz auch für Gemeinden? " * 420)[:20_000]
    out = laws.engine.ask(text).as_dict()
    assert out["outcome"] in ("answer", "candidates", "abstain")


@pytest.fixture(scope="module")
def documents(
    tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path
) -> Iterator[Services]:
    """An index of one starter-corpus document and no law: the documents' register is searched,
    no law's."""
    yield from _indexed(tmp_path_factory.mktemp("documents"), embedding_cache, "documents-test")


def test_an_index_of_documents_abstains_by_its_own_threshold(
    laws: Services, documents: Services
) -> None:
    question = "Bis wann mussten Bund und Länder ihre Verwaltungsleistungen online anbieten?"
    assert laws.engine.calibration.documents_abstain_below is not None  # bundled
    for services, only_documents in ((laws, False), (documents, True)):
        engine = services.engine
        result = engine.search(question, 10)
        signals = features(services.index.lexical(), result, "de")
        assert signals["documents_only"] == float(only_documents)
        assert signals["register"] != 0.0  # a register was searched either way
        fitted = engine.calibration
        half, sure = LinearModel({}, 0.0), LinearModel({}, 10.0)  # relevance 0.5, correct
        engine.calibration = replace(
            fitted,
            relevant=half,
            correct=sure,
            documents_relevant=half,
            documents_correct=sure,
            abstain_below=0.4,
            documents_abstain_below=0.6,
        )
        try:
            outcome = engine.answer(question).outcome
        finally:
            engine.calibration = fitted
        assert (outcome == Outcome.ABSTAIN) == only_documents, outcome


def test_an_index_of_documents_is_read_by_its_own_models(
    laws: Services, documents: Services
) -> None:
    """The bundled calibration has a pair for indexes of documents; the laws' pair reads the
    rest (here: models certain of one, doubtful of the other, same thresholds)."""
    assert laws.engine.calibration.documents_relevant is not None  # bundled
    question = "Bis wann mussten Bund und Länder ihre Verwaltungsleistungen online anbieten?"
    sure, never = LinearModel({}, 10.0), LinearModel({}, -10.0)
    for laws_model, documents_model in ((sure, never), (never, sure)):
        for services, model in ((laws, laws_model), (documents, documents_model)):
            fitted = services.engine.calibration
            services.engine.calibration = Calibration(
                laws_model, laws_model, 0.5, 0.5, 0.5, 0.5, documents_model, documents_model
            )
            try:
                outcome = services.engine.answer(question).outcome
            finally:
                services.engine.calibration = fitted
            assert outcome == (Outcome.ANSWER if model is sure else Outcome.ABSTAIN), outcome


def test_documents_answer_a_question_placed_in_a_land_they_never_name_only_when_surer(
    laws: Services, documents: Services
) -> None:
    """The documents' models are surer of what they meet: their bar for a question placed in a
    Land is DOCUMENTS_LAND_ANSWER_FROM, the laws' LAND_ANSWER_FROM (session 45)."""
    placed = (
        "Wir sind eine Gemeinde in Bayern. Bis wann müssen wir unsere Leistungen online anbieten?"
    )
    assert doubt.LAND_ANSWER_FROM < 0.95 < doubt.DOCUMENTS_LAND_ANSWER_FROM < 0.995

    def outcome(services: Services, correctness: float) -> Outcome:
        sure, correct = (
            LinearModel({}, 10.0),
            LinearModel({}, math.log(correctness / (1 - correctness))),
        )
        fitted = services.engine.calibration
        services.engine.calibration = Calibration(sure, correct, 0.5, 0.5, 0.5, 0.5, sure, correct)
        try:
            return services.engine.answer(placed).outcome
        finally:
            services.engine.calibration = fitted

    assert outcome(laws, 0.95) == Outcome.ANSWER
    assert outcome(documents, 0.95) == Outcome.CANDIDATES
    assert outcome(documents, 0.995) == Outcome.ANSWER


def test_register_and_off_topic_examples_say_nothing_about_a_law_of_ones_own(
    tmp_path: Path, embedding_cache: Path
) -> None:
    """A leading law with register questions, or a document about one, is read with them; a
    law one uploaded has none, and the examples of what the bundled sources lack (dog tax) say
    nothing about it either: both signals are neutral, and its own bylaw answers."""
    require_shared("das echte OZG")
    shutil.copy(LAWS / "ozg.md", tmp_path / "ozg.md")
    (tmp_path / "hsts.md").write_text(DOG_TAX_BYLAW, encoding="utf-8")
    for services in _indexed(tmp_path, embedding_cache, "own-law-test"):
        lexical = services.index.lexical()
        law = services.engine.search("Bis wann mussten Verwaltungsleistungen online sein?", 10)
        own = services.engine.search(DOG_TAX_QUESTION, 10)
        document = services.engine.search(
            "Wie viele Leistungsbündel hat der OZG-Umsetzungskatalog?", 10
        )
        assert law.hits[0].chunk.metadata.get("law") == "OZG"
        assert law.signals["lead_unregistered"] == 0.0
        assert features(lexical, law, "de")["register"] != 0.0
        assert document.hits[0].source()["doc_id"] == "ozg-grundlagen"
        assert document.signals["lead_unregistered"] == 0.0
        assert own.hits[0].source()["doc_id"] == "hsts"
        assert own.signals["register"] != 0.0 and own.signals["off_topic"] != 0.0
        assert own.signals["lead_unregistered"] == 1.0
        signals = features(lexical, own, "de")
        assert signals["register"] == signals["register_long"] == signals["off_topic"] == 0.0
        assert services.engine.answer(DOG_TAX_QUESTION).outcome == Outcome.ANSWER


def test_passages_to_check_are_never_sure_and_an_abstention_never_more_than_low(
    laws: Services,
) -> None:
    engine = laws.engine
    # models certain of everything; thresholds that send every question to candidates
    with _calibrated(engine, 0.3, 1.01, sure=True):
        candidates = engine.answer("Wer entscheidet, ob ein Beteiligter befangen ist?").as_dict()
        request = engine.answer("Welche Software für OZG-Onlinedienste könnt ihr empfehlen?")
    assert candidates["outcome"] == "candidates" and candidates["confidence"] > 0.9
    assert candidates["confidence_band"] == "mittel"
    abstained = request.as_dict()
    assert abstained["outcome"] == "abstain" and abstained["confidence_band"] == "niedrig"
    # the models were sure, the rule abstained: the confidence says no more than the threshold
    assert abstained["confidence"] <= 0.3
    with _calibrated(engine, 0.0, 0.0, sure=True):
        answered = engine.answer("Wer entscheidet, ob ein Beteiligter befangen ist?").as_dict()
    assert answered["outcome"] == "answer" and answered["confidence_band"] == "hoch"


def test_questions_leading_to_one_section_are_one_unless_the_asker_listed_them() -> None:
    from assistant.answer.models import Part
    from assistant.answer.outcomes import distinct_parts
    from assistant.retrieval.query import ParsedQuery
    from assistant.retrieval.results import Hit, SearchResult
    from assistant.store.manifest import ChunkRecord

    def part(asked: str) -> Part:
        chunk = ChunkRecord("c1", "vwvfg", 0, "(1) …", "VwVfG › § 3a", {"section": "§ 3a"})
        hits = [Hit(chunk, 1.0)]
        return Part(asked, asked, SearchResult(hits, ParsedQuery(asked)), hits, Outcome.ANSWER, 0.9)

    said_twice = distinct_parts([part("Reicht eine E-Mail?"), part("Anders gefragt: Mail ok?")])
    assert [p.asked for p in said_twice] == ["Reicht eine E-Mail? Anders gefragt: Mail ok?"]
    listed = distinct_parts([part("1) Schriftform?"), part("2) Welche Wege?")], [True, True])
    assert [p.asked for p in listed] == ["1) Schriftform?", "2) Welche Wege?"]


def test_the_models_read_the_length_of_what_was_asked_not_of_the_query_searched(
    laws: Services,
) -> None:
    """A follow-up joined to its anchor is searched as a longer query; its doubt signals keep the
    length of the question as asked, so that joining alone never makes the sources seem surer."""
    lexical = laws.index.lexical()
    joined = "Was regelt das Onlinezugangsgesetz? Und gilt das auch für Gemeinden?"
    result = laws.engine.search(joined, 10)
    as_searched = features(lexical, result, "de")
    as_asked = features(lexical, result, "de", words=5)
    assert as_searched["long"] == pytest.approx(len(joined.split()) / LONG_WORDS)
    assert as_asked["long"] == pytest.approx(5 / LONG_WORDS)
    assert as_asked["register_long"] == pytest.approx(as_searched["register"] * 5 / LONG_WORDS)
    assert as_asked["dense_long"] == pytest.approx(as_searched["dense"] * 5 / LONG_WORDS)
