"""Follow-ups: does a question lean on the previous turn, and what does it then ask?

A question is a follow-up only when it cannot stand alone: it points back with a pronoun or
pronominal adverb that nothing earlier in the same question can be meant by ("Gilt das auch
für Gemeinden?", "Seit wann gibt es sie?"), it is a fragment ("Und in Bayern?", "Bis wann?",
"What about the deadline?"), or it is short and names no subject of its own ("Was kostet der
Anschluss?"). A question that names its own subject ("Was ist das OZG?", "Und was kostet die
BundID?") is new. The cues are weighed by a logistic model fitted on labelled conversations
(evals/followups.py; weights in assistant/data/followups.json).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from assistant.answer.cues import features, tokenise
from assistant.scoring import LinearModel

__all__ = ["Resolution", "features", "followup_probability", "is_followup", "resolve"]


@dataclass
class Resolution:
    """The question as asked, whether it is a follow-up, and what retrieval should use."""

    question: str
    followup: bool
    resolved: str
    anchor: str  # the last self-contained question of the conversation


@lru_cache(maxsize=1)
def _model() -> tuple[LinearModel, float]:
    raw = json.loads(
        (resources.files("assistant") / "data" / "followups.json").read_text(encoding="utf-8")
    )
    return LinearModel.from_json(raw), float(raw["threshold"])


def followup_probability(question: str, names: Mapping[str, str] | None = None) -> float:
    """How likely the question leans on the previous turn (names: the corpus's, see tokenise)."""
    return _model()[0].probability(features(question, names))


def is_followup(question: str, names: Mapping[str, str] | None = None) -> bool:
    """True when the question cannot stand alone without the previous turn."""
    if not tokenise(question):
        return False
    return followup_probability(question, names) >= _model()[1]


# below the threshold, down to this follow-up probability, the sources are asked as well; above
# it the cues decide alone (vetoing there only lost follow-ups: see README, session 19)
UNSURE_FROM = 0.3


def resolve(
    question: str,
    previous: str | None,
    previous_anchor: str | None,
    leans_on: Callable[[str, str], bool] | None = None,
    names: Mapping[str, str] | None = None,
) -> Resolution:
    """Join a follow-up to the last self-contained question, never to a chain of turns.

    When the cues lean towards a new question without being sure, leans_on(question, joined)
    may still make it a follow-up: do the sources answer the joined question clearly better than
    the question alone?
    """
    if not previous or not tokenise(question):
        return Resolution(question, False, question, question)
    anchor = previous_anchor or previous
    joined = f"{anchor} {question}"
    probability = followup_probability(question, names)
    followup = probability >= _model()[1]
    if not followup and leans_on is not None and probability >= UNSURE_FROM:
        followup = leans_on(question, joined)
    if not followup:
        return Resolution(question, False, question, question)
    return Resolution(question, True, joined, anchor)
