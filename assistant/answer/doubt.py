"""Honest doubt: calibrated confidence and the outcome (answer, candidates, abstain).

Two logistic models over retrieval signals, fitted on the dev questions by evals/calibrate.py
and stored per embedding model in assistant/data/calibration.json, over the signals of
assistant/answer/confidence.py:
- `relevant`: do the sources cover the question at all? Below its threshold: abstain.
- `correct`: is a right source among the two an answer names (the § it quotes first and the next
  one, "Siehe auch")? Fitted on in- and out-of-corpus questions alike (the latter never name
  one), over the ranking and the relevance signals. Above its threshold: answer; else the most
  likely passages are offered to check ("Fundstellen zum Prüfen").
The `correct` probability is the confidence shown (as a band). An index of documents (no law's
register searched) may have its own pair of models and thresholds.
Over an index holding every bundled law, with no filter, where the three leading passages are
all from them, the scope gate (evals/scope.py, assistant/data/scope.json) takes the relevance
threshold's place: a logistic model over the retrieval signals together with the scope model's
reading of the whole question (does it read like those the laws answer?) decides whether to
abstain.
A question that names a rule the sources do not contain (and no indexed law) abstains, saying
which rule; only when the sources clearly cover its topic anyway (the gate's probability where it
applies, else the relevance probability, high) are their passages offered — never for a Land's
rule the sources lack (the federal law of the same name does not answer it). Where the rule
stands only in the question's setting, not in a sentence that asks ("Wir wollen nach dem
Hundegesetz … untersagen. Müssen wir vorher anhören?"), the gate has a lower threshold of its own,
and the question is answered when the models are very sure (saying which rule the sources lack).
A matter a federal law outside the sources rules ("Partnermonate beim Elterngeld",
federal_subjects) that no leading passage mentions is held to the same threshold, naming that
law; the sources may answer it as any question (they often rule part of it).
A question about a matter only Land law rules ("Hundesteuer", "Einladung zur Ratssitzung",
land_subjects) that names no indexed law and whose leading passages never name such a matter is
treated the same way, naming the kind of Land law. One about people or bodies the leading law
does not apply to (a Land's civil servant, the leading law the Bundesbeamtengesetz; addressees)
abstains, saying whom that law applies to: its passages answer for someone else.
A question placed in a Land ("bei uns in Bayern") that names no indexed law and whose leading
passages never name that Land is answered only when the models are very sure: councils, local
elections, Land civil servants and building rules are Land law, which the passages it met are
not. Else its passages are offered to check, saying they do not name the Land (the Land may be
mere context: "Stadt in Sachsen", a question about the Meldegesetz); it abstains only as any
question does.
A question about what no law text records (who holds an office now, current figures, how to
set up or run software, how to reach an office, what others experienced) that meets only law
texts abstains, saying why; one about the present state also when the documents it meets are
older than half a year (naming their date); so does a request no source fulfils (write a
document, recommend a product).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from assistant.domain import Outcome
from assistant.retrieval.scope import scope_entry
from assistant.scoring import LinearModel, logit, sigmoid

# a question about a rule the sources do not contain (or a matter only Land law rules) is never
# answered from them; its passages are offered to check only when the sources clearly cover its
# topic anyway: from this relevance probability on where the scope gate does not apply
OTHER_RULE_RELEVANT = 0.9
# a question placed in a Land its leading passages never name is answered only from this
# confidence on, else its passages are offered: chosen on the dev questions, above every
# out-of-corpus one placed in a Land (at most 0.84), keeping the surest in-corpus ones where the
# Land is context (laws_land_dev: 6 of its 16 right answers). Since session 44 also one naming a
# rule or a Land-law matter the sources lack only in its setting (before: never answered): of
# those the gate let through on the readable dev sets, 7 in-corpus ones are this sure, each
# answer citing a gold §, and no out-of-corpus one (at most 0.58). Session 44 re-derived it by
# its rule with today's models: the out-of-corpus dev questions placed in a Land that the gate
# lets through reach at most 0.83; OOC_MARGIN (0.05) above that (before 0.9: 4 more right
# answers on the readable dev sets, none wrong)
LAND_ANSWER_FROM = 0.88
# … the same over an index of documents (session 45), by the same rule over the documents'
# models, which are surer of what they meet: the readable starter questions placed in a Land its
# leading passages never name that do not abstain reach 0.942, all out-of-corpus (Leitweg-ID "bei
# uns in Niedersachsen", E-Rechnungen "in Bayern", Personalrat "in NRW": each answered from
# federal rules before), no in-corpus one answered. 0.048 above that
DOCUMENTS_LAND_ANSWER_FROM = 0.99
# how far the gate keeps the relevance probability from 0 and 1 (as evals/scope.py fitted it)
GATE_BOUND = 1e-6
# the relevance probability's logit, as a signal the gate may read
RELEVANCE = "relevance"
# the rules' findings that turn a question away whatever the models say (confidence.py)
HARD_RULES = ("beyond_laws", "land_rule", "scope")


@dataclass(frozen=True)
class ScopeGate:
    """Where the scope model applies (assistant/retrieval/scope.py), a logistic model over the
    retrieval signals and the scope model's logit decides abstention, in place of the relevance
    threshold (since session 43; before, over the relevance probability's logit and the scope
    logit alone: a gate fitted so reads them as RELEVANCE)."""

    model: LinearModel
    abstain_below: float
    # a question naming a rule or a Land-law matter the sources lack: its passages are offered
    # from this probability on (else abstain), in place of OTHER_RULE_RELEVANT
    outside_from: float | None = None
    # … where it names them only in its setting, not where it asks (session 43): from this one
    setting_from: float | None = None

    def probability(self, relevant: float, features: dict[str, float]) -> float | None:
        """How likely the sources answer the question, or None where the gate does not apply
        (no scope signal: see assistant/retrieval/scope.py; an index of documents)."""
        if not features.get("answerable_known") or features.get("documents_only"):
            return None
        relevance = self.model.weights.get(RELEVANCE, 0.0) * logit(relevant, GATE_BOUND)
        return sigmoid(self.model.logit(features) + relevance)


@dataclass(frozen=True)
class Calibration:
    """Both models and the thresholds between outcomes."""

    relevant: LinearModel
    correct: LinearModel
    abstain_below: float  # relevant probability
    answer_from: float  # correct probability
    # where no law's register was searched (an index of documents): its own thresholds
    documents_abstain_below: float | None = None
    documents_answer_from: float | None = None
    # … and its own models (session 32: the models refitted for law indexes answered more of the
    # starter corpus's out-of-corpus questions at its committed answered floor)
    documents_relevant: LinearModel | None = None
    documents_correct: LinearModel | None = None
    scope: ScopeGate | None = None  # laws' indexes only (never one of documents)
    # where the scope model does not apply (an index without every bundled law, a filter, a
    # leading document): the `correct` model and threshold from before it read the scope
    # model's logit (session 42), so that those indexes answer as they did
    unscoped_correct: LinearModel | None = None
    unscoped_answer_from: float | None = None

    def decide(self, features: dict[str, float]) -> tuple[Outcome, float, float]:
        """Outcome, confidence (correct probability) and relevance probability."""
        relevant_model, correct_model = self.relevant, self.correct
        abstain_below, answer_from = self.abstain_below, self.answer_from
        if features.get("documents_only"):
            relevant_model = self.documents_relevant or relevant_model
            correct_model = self.documents_correct or correct_model
            abstain_below = _either(self.documents_abstain_below, abstain_below)
            answer_from = _either(self.documents_answer_from, answer_from)
        elif not features.get("answerable_known") and self.unscoped_correct is not None:
            correct_model = self.unscoped_correct
            answer_from = _either(self.unscoped_answer_from, answer_from)
        relevant = relevant_model.probability(features)
        correct = correct_model.probability(features)
        if features.get("reference"):
            return Outcome.ANSWER, max(correct, 0.9), max(relevant, 0.9)
        # an abstention names no source: its confidence never exceeds the abstention threshold
        # (a rule-based one, "Wer ist gerade Minister?", may meet passages the models trust)
        doubt = min(correct, relevant, abstain_below)
        if any(features.get(rule) for rule in HARD_RULES):
            return Outcome.ABSTAIN, doubt, relevant
        # a rule or a Land-law matter the sources lack: passages only when they surely cover
        # the question anyway (the matter may be context: "Hundesteuerbescheide automatisch");
        # a federal law's matter they lack (session 44) is held to the same threshold, but its
        # sources may answer: they often rule part of such a question (SGB X a Wohngeld case's)
        outside = features.get("other_rule") or features.get("land_subject")
        setting = bool(features.get("setting_only"))
        # where the scope gate applies, it takes the relevance threshold's place
        gate = self.scope.probability(relevant, features) if self.scope is not None else None
        if self._too_far(relevant, abstain_below, gate) or (
            (outside or features.get("federal_subject"))
            and not self._covered_anyway(relevant, gate, setting)
        ):
            return Outcome.ABSTAIN, doubt, relevant
        # no leading passage is about the asker's Land, or the rule the sources lack stands
        # only in the setting: answered only when the models are very sure
        if features.get("land"):
            documents = features.get("documents_only")
            land_from = DOCUMENTS_LAND_ANSWER_FROM if documents else LAND_ANSWER_FROM
            answer_from = max(answer_from, land_from)
        if outside and setting:
            answer_from = max(answer_from, LAND_ANSWER_FROM)
        if correct >= answer_from and (setting or not outside):
            return Outcome.ANSWER, correct, relevant
        return Outcome.CANDIDATES, correct, relevant

    def _too_far(self, relevant: float, abstain_below: float, gate: float | None) -> bool:
        """Whether the sources do not cover the question: the scope gate's probability where it
        applies, else the relevance threshold."""
        if self.scope is not None and gate is not None:
            return gate < self.scope.abstain_below
        return relevant < abstain_below

    def _covered_anyway(self, relevant: float, gate: float | None, setting: bool) -> bool:
        """Whether the sources surely cover a question that names a rule or a Land-law matter
        they lack (`setting`: only in its setting): the scope gate's probability where it
        applies, else the relevance."""
        scope = self.scope
        if scope is not None and gate is not None:
            own = scope.setting_from if setting else None
            threshold = scope.outside_from if own is None else own
            if threshold is not None:
                return gate >= threshold
        return relevant >= OTHER_RULE_RELEVANT


@lru_cache(maxsize=8)
def calibration(model_id: str) -> Calibration:
    """The calibration fitted for an embedding model (the bundled model's when unknown)."""
    path = resources.files("assistant") / "data" / "calibration.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = data["models"].get(model_id) or data["models"][data["default"]]
    return Calibration(
        LinearModel.from_json(entry["relevant"]),
        LinearModel.from_json(entry["correct"]),
        float(entry["abstain_below"]),
        float(entry["answer_from"]),
        entry.get("documents_abstain_below"),
        entry.get("documents_answer_from"),
        *_documents_models(entry.get("documents_models")),
        _scope_gate(model_id),
        *_unscoped(entry.get("unscoped")),
    )


def _scope_gate(model_id: str) -> ScopeGate | None:
    """The gate fitted with the scope model of this embedding model, if any."""
    entry = scope_entry(model_id)
    gate = entry.get("gate") if entry else None
    if not isinstance(gate, dict):
        return None
    if "weights" in gate:
        model = LinearModel.from_json(gate)
    else:  # fitted before session 43: the relevance logit and the scope logit
        weights = {RELEVANCE: float(gate["relevant"]), "answerable": float(gate["answerable"])}
        model = LinearModel(weights, float(gate["bias"]))
    return ScopeGate(
        model,
        float(gate["abstain_below"]),
        _optional(gate.get("outside_from")),
        _optional(gate.get("setting_from")),
    )


def _documents_models(
    models: dict[str, Any] | None,
) -> tuple[LinearModel | None, LinearModel | None]:
    """An index of documents' own pair of models, if the calibration has one."""
    if not models:
        return None, None
    return LinearModel.from_json(models["relevant"]), LinearModel.from_json(models["correct"])


def _unscoped(entry: dict[str, Any] | None) -> tuple[LinearModel | None, float | None]:
    """The `correct` model and threshold for where the scope model does not apply, if any."""
    if not entry:
        return None, None
    return LinearModel.from_json(entry["correct"]), float(entry["answer_from"])


def _optional(value: Any) -> float | None:
    """A number from the fitted file, or None where it has none."""
    return None if value is None else float(value)


def _either(value: float | None, default: float) -> float:
    return default if value is None else value
