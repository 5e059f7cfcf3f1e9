"""Subjects only Land law rules, and matters of federal laws outside the sources: abstain, naming
the law, unless a source has it."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer.doubt import Calibration
from assistant.config import Settings
from assistant.domain import Outcome
from assistant.retrieval.land_subjects import (
    federal_subjects,
    first_subjects,
    land_subjects,
    subjects,
    subjects_named,
)
from assistant.retrieval.lexicon import TermLexicon
from assistant.scoring import LinearModel
from assistant.services import Services
from ingest.pipeline import Ingestor
from tests.conftest import FIXTURE_LAWS, LAWS, needs_shared


def land_subject(text: str) -> str | None:
    """The first Land-law subject the text names."""
    return first_subjects(text)[0]


def federal_subject(text: str) -> str | None:
    """The first matter of a federal law outside the bundled ones the text names."""
    return first_subjects(text)[1]

REGISTER = Path(__file__).resolve().parents[2] / "assistant" / "data" / "register"

# a Land's municipal code in the team's own words (no Land's wording): it covers Bürgerbegehren
MUSTERLAND = """---
Title: Gemeindeordnung für das Musterland
jurabk: GO ML
---

# Gemeindeordnung für das Musterland (GO ML)

## § 21 Bürgerbegehren

(1) Die Bürgerinnen und Bürger können beantragen, dass sie über eine Angelegenheit der
Gemeinde selbst entscheiden (Bürgerbegehren). Ein Bürgerbegehren braucht die Unterschriften
von sieben vom Hundert der Bürger, in Gemeinden über 20.000 Einwohnern von fünf vom Hundert.

(2) Über die Zulässigkeit des Bürgerbegehrens entscheidet der Gemeinderat binnen zwei Monaten.
"""


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path) -> Iterator[Services]:
    """The fixture laws (OZG, IFG, ERechV in short form) and the Musterland municipal code."""
    folder = tmp_path_factory.mktemp("land-subjects")
    for law in FIXTURE_LAWS.glob("*.md"):
        shutil.copy(law, folder / law.name)
    (folder / "go-musterland.md").write_text(MUSTERLAND, encoding="utf-8")
    settings = Settings(
        data_dir=folder / "data", embedding_cache=embedding_cache, collection="land-subjects"
    )
    services = Services.build(settings)
    Ingestor(services.index, settings).run([folder])
    # models fairly sure (0.82) that the sources cover every question and that an answer would
    # be right: whatever abstains here abstains by the rule, not by doubt
    services.engine.calibration = _models(1.5)
    yield services
    services.close()


def _models(logit: float) -> Calibration:
    """Both models at one probability for every question; abstain below 0.5, answer from 0.5."""
    return Calibration(LinearModel({}, logit), LinearModel({}, logit), 0.5, 0.5)


def test_matter_words_name_a_subject_and_bodies_or_places_do_not() -> None:
    assert land_subject("Wie viele Unterschriften braucht ein Bürgerbegehren?") == (
        "buergerbeteiligung"
    )
    assert land_subject("Dürfen wir die Hundesteuer für Listenhunde erhöhen?") == "kommunalabgaben"
    assert land_subject("How high may the dog tax for a second dog be?") == "kommunalabgaben"
    # session 37: school enrolment and the time limit for a burial
    assert land_subject("Können wir unseren Sohn ein Jahr später einschulen?") == "schulrecht"
    assert land_subject("Bis wann muss ein Verstorbener bestattet werden?") == "bestattung"
    # bodies, offices and places are context in questions about federal law
    assert land_subject("Der Stadtrat will die Gebühr für Anwohnerparkausweise erhöhen.") is None
    assert land_subject("Unser Stadtarchiv will die alten Geburtenbücher haben.") is None
    assert land_subject("Welche kommunale Steuerung braucht die Digitalisierung?") is None
    assert all(s.label and s.terms for s in land_subjects())


def test_a_land_matter_no_source_mentions_abstains_naming_the_land_law(sources: Services) -> None:
    engine = sources.engine
    german = engine.answer("Wie hoch darf die Hundesteuer für einen zweiten Hund sein?")
    placed = engine.answer("Bei uns in Bayern: Wie hoch darf die Hundesteuer für Listenhunde sein?")
    english = engine.answer("How high may the dog tax for a second dog be?")
    assert german.outcome == Outcome.ABSTAIN and not german.citations and german.abstained
    assert german.answer.startswith(
        "Ihre Frage gilt einer Sache, die das Landesrecht regelt – das Kommunalabgabengesetz des "
        "Landes (kommunale Steuern, Beiträge, Benutzungsgebühren); dieses Landesrecht gehört "
        "nicht zu meinen Quellen."
    )
    assert placed.outcome == Outcome.ABSTAIN
    assert "Benutzungsgebühren) (hier: Bayern); dieses Landesrecht" in placed.answer
    assert english.outcome == Outcome.ABSTAIN
    assert english.answer.startswith("Your question concerns a matter governed by Land law –")
    # sources that surely cover the question anyway (the matter may be context): passages to
    # check, after the same lead, never a composed answer
    engine.calibration = _models(10.0)
    try:
        sure = engine.answer("Wie hoch darf die Hundesteuer für einen zweiten Hund sein?")
    finally:
        engine.calibration = _models(1.5)
    assert sure.outcome == Outcome.CANDIDATES and sure.citations
    assert sure.answer.startswith("Ihre Frage gilt einer Sache, die das Landesrecht regelt")
    assert "Fundstellen zum Prüfen" in sure.answer


def test_sources_that_hold_the_land_law_answer_and_a_named_law_is_asked_about(
    sources: Services,
) -> None:
    engine = sources.engine
    held = engine.answer("Wie viele Unterschriften braucht ein Bürgerbegehren bei uns?")
    assert held.outcome == Outcome.ANSWER
    assert held.citations[0].law == "GO ML" and held.citations[0].section == "§ 21"
    named = engine.answer("Gibt das Informationsfreiheitsgesetz Zugang zu den Hundesteuerakten?")
    assert named.outcome == Outcome.ANSWER and "Landesrecht" not in named.answer


@needs_shared
def test_no_matter_word_is_also_federal_law_vocabulary() -> None:
    # a word the federal laws use ("Beschlussfähigkeit", "Direktauftrag") neither shows that a
    # question is about Land law nor that passages cover it
    land = {s.id for s in land_subjects()}
    shared = {
        (path.name, subject)
        for path in sorted(LAWS.glob("*.md"))
        for subject in subjects_named(path.read_text(encoding="utf-8")) & land
    }
    assert shared == set()


@needs_shared
def test_a_federal_matters_words_occur_in_at_most_two_bundled_laws() -> None:
    # "Elterngeld" is listed in the Mikrozensusgesetz's survey items: passing mentions, not rules
    lexicon = TermLexicon((term, [term]) for s in federal_subjects() for term in s.terms)
    paths = sorted(LAWS.glob("*.md"))
    assert len(paths) == 119
    files = Counter(
        term for path in paths for term in lexicon.entries_in(path.read_text(encoding="utf-8"))
    )
    assert files and max(files.values()) <= 2, files.most_common(3)


def test_no_register_question_names_a_federal_matter() -> None:
    # the team's questions per § are in-corpus by definition: "Anträge wie Wohngeld digital
    # anbieten" (OZG § 1) keeps "wohngeld" off the list
    federal = {s.id for s in federal_subjects()}
    used = {
        (path.name, found)
        for path in sorted(REGISTER.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        for question in json.loads(line)["questions"]
        for found in subjects_named(question) & federal
    }
    assert len(list(REGISTER.glob("*.jsonl"))) >= 100
    assert used == set()


def test_federal_matters_are_named_by_their_words_and_each_names_its_law() -> None:
    assert federal_subject("Wie viele Partnermonate gibt es beim Elterngeld?") == "elterngeld"
    assert federal_subject("Wie schnell muss er die Gewerbeanzeige abgeben?") == "gewerbe"
    assert federal_subject("Does the parental allowance count as income?") == "elterngeld"
    assert federal_subject("Der Stadtrat will die Gebühr für Anwohnerparkausweise erhöhen.") is None
    # a Land's matter first: the parser keeps both, the hand-off names the Land law
    assert land_subject("Wie hoch darf die Hundesteuer für Listenhunde sein?") == "kommunalabgaben"
    ids = [s.id for s in subjects()]
    assert len(ids) == len(set(ids))
    assert all(s.federal for s in federal_subjects()) and len(federal_subjects()) >= 50
    assert all(
        s.label.split(" ")[0] in ("das", "die", "der") and "(" in s.label and s.terms
        for s in federal_subjects()
    )


def test_a_federal_matter_no_source_mentions_abstains_naming_the_law(sources: Services) -> None:
    engine = sources.engine
    german = engine.answer("Wie viele Partnermonate gibt es beim Basiselterngeld?")
    english = engine.answer("How long is the parental allowance paid?")
    assert german.outcome == Outcome.ABSTAIN and not german.citations
    assert german.answer.startswith(
        "Ihre Frage gilt einer Sache, die das Bundeselterngeld- und Elternzeitgesetz (BEEG) "
        "regelt; dieses Recht gehört nicht zu meinen Quellen."
    )
    assert english.outcome == Outcome.ABSTAIN
    assert english.answer.startswith(
        "Your question concerns a matter governed by the Bundeselterngeld- und "
        "Elternzeitgesetz (BEEG); that law is not among my sources."
    )


def test_sources_sure_of_a_federal_matter_answer_saying_what_they_lack(sources: Services) -> None:
    # unlike a Land's matter, the sources may rule part of it (here: the portal for the
    # application); the answer says which law rules the matter itself
    engine = sources.engine
    engine.calibration = _models(10.0)
    try:
        federal = engine.answer("Müssen wir den Antrag auf Basiselterngeld online anbieten?")
        land = engine.answer("Müssen wir die Hundesteuer online erheben können?")
        setting = engine.answer(
            "Wir erheben Hundesteuer nach unserer Satzung. Müssen wir die Anmeldung des Hundes "
            "online anbieten?"
        )
    finally:
        engine.calibration = _models(1.5)
    assert federal.outcome == Outcome.ANSWER and federal.citations
    assert federal.notice is not None and federal.notice.startswith(
        "Ihre Frage gilt einer Sache, die das Bundeselterngeld- und Elternzeitgesetz (BEEG) regelt"
    )
    assert federal.notice.endswith(
        "Die Antwort stützt sich nur auf die Vorschriften meiner Quellen."
    )
    # a Land's matter where the question asks about it: passages to check, however sure
    assert land.outcome == Outcome.CANDIDATES
    # named only in the setting: answered when very sure, saying so
    assert setting.outcome == Outcome.ANSWER
    assert setting.notice is not None and "das Landesrecht regelt" in setting.notice
    assert "BEEG" not in (setting.notice or "") and setting.rules_not_in_sources == []
