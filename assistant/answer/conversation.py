"""Follow-ups: does a question lean on the previous turn, and what does it then ask?

A question is a follow-up only when it cannot stand alone: it points back with a pronoun or
pronominal adverb that nothing earlier in the same question can be meant by ("Gilt das auch
für Gemeinden?", "Seit wann gibt es sie?"), it is a fragment ("Und in Bayern?", "Bis wann?",
"What about the deadline?"), or it is short and names no subject of its own ("Was kostet der
Anschluss?"). A question that names its own subject ("Was ist das OZG?", "Und was kostet die
BundID?") is new. The cues are weighed by a logistic model fitted on labelled conversations
(evals/followups.py; weights in assistant/data/followups.json), together with the question's
character n-grams (scikit-learn's HashingVectorizer): how questions that lean on a previous turn
tend to be worded ("denn", "genau", "noch", "eigentlich") beyond what the cues name. Where the
question's embedding by the model the weights were fitted for is at hand, a second model reads it
as well (its sense: a question that only makes sense with context); elsewhere the first decides.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from assistant.answer.cues import features, tokenise
from assistant.scoring import LinearModel, sigmoid

__all__ = [
    "Resolution",
    "embedding_model",
    "features",
    "followup_probability",
    "is_followup",
    "resolve",
]


@dataclass
class Resolution:
    """The question as asked, whether it is a follow-up, and what retrieval should use."""

    question: str
    followup: bool
    resolved: str
    anchor: str  # the last self-contained question of the conversation


def ngram_vectoriser(config: Mapping[str, Any]) -> Any:
    """The hashed, L2-normalised character n-grams of a question, as fitted and as read."""
    from sklearn.feature_extraction.text import HashingVectorizer

    low, high = config["range"]
    return HashingVectorizer(
        analyzer=config["analyzer"],
        ngram_range=(int(low), int(high)),
        n_features=int(config["buckets"]),
        alternate_sign=False,
        norm="l2",
        lowercase=True,
    )


@dataclass(frozen=True)
class _Weights:
    cues: LinearModel
    ngrams: dict[int, float]
    vector: tuple[float, ...] = ()  # weights of the question's embedding, when read


@dataclass(frozen=True)
class _Model:
    threshold: float
    vectoriser: Any  # None when the model has no n-gram part
    plain: _Weights
    embedded: _Weights | None  # the model that reads the question's embedding as well
    embedding_model: str | None  # the embedding model that one was fitted for


def _weights(raw: dict[str, Any], vector_key: str | None = None) -> _Weights:
    ngrams = raw.get("ngrams") or {}
    return _Weights(
        LinearModel.from_json(raw),
        {int(k): float(v) for k, v in ngrams.get("weights", {}).items()},
        tuple(float(v) for v in raw[vector_key]) if vector_key else (),
    )


@lru_cache(maxsize=1)
def _model() -> _Model:
    raw = json.loads(
        (resources.files("assistant") / "data" / "followups.json").read_text(encoding="utf-8")
    )
    embedded = raw.get("with_embedding")
    return _Model(
        float(raw["threshold"]),
        ngram_vectoriser(raw["ngrams"]) if raw.get("ngrams") else None,
        _weights(raw),
        _weights(embedded, "vector") if embedded else None,
        str(embedded["model_id"]) if embedded else None,
    )


def embedding_model() -> str | None:
    """The embedding model whose question vectors the follow-up model can read, if any."""
    return _model().embedding_model


def followup_probability(
    question: str, names: Mapping[str, str] | None = None, vector: Iterable[float] | None = None
) -> float:
    """How likely the question leans on the previous turn (names: the corpus's, see tokenise;
    vector: the question's embedding by embedding_model(), when at hand)."""
    model = _model()
    weights = model.embedded if vector is not None and model.embedded else model.plain
    z = weights.cues.logit(features(question, names))
    if model.vectoriser is not None:
        row = model.vectoriser.transform([question])
        z += sum(
            weights.ngrams.get(int(j), 0.0) * float(v)
            for j, v in zip(row.indices, row.data, strict=True)
        )
    if vector is not None and weights.vector:
        z += sum(w * float(v) for w, v in zip(weights.vector, vector, strict=True))
    return sigmoid(z)


def is_followup(
    question: str, names: Mapping[str, str] | None = None, vector: Iterable[float] | None = None
) -> bool:
    """True when the question cannot stand alone without the previous turn."""
    if not tokenise(question):
        return False
    return followup_probability(question, names, vector) >= _model().threshold


# below the threshold, down to this follow-up probability, the sources are asked as well; above
# it the cues decide alone (vetoing there only lost follow-ups: see README, session 19). Session
# 36, the ten fitting sets held out in turn: from 0.3 the sources added 8 follow-ups and 2 false
# ones, from 0.4 4 and none; a merge right two times in three is below the precision asked for
UNSURE_FROM = 0.4


def resolve(
    question: str,
    previous: str | None,
    previous_anchor: str | None,
    leans_on: Callable[[str, str], bool] | None = None,
    names: Mapping[str, str] | None = None,
    vector: Callable[[str], Iterable[float]] | None = None,
) -> Resolution:
    """Join a follow-up to the last self-contained question, never to a chain of turns.

    When the cues lean towards a new question without being sure, leans_on(question, joined)
    may still make it a follow-up: do the sources answer the joined question clearly better than
    the question alone? vector(question) gives the question's embedding by embedding_model().
    """
    if not previous or not tokenise(question):
        return Resolution(question, False, question, question)
    anchor = previous_anchor or previous
    joined = f"{anchor} {question}"
    probability = followup_probability(question, names, vector(question) if vector else None)
    followup = probability >= _model().threshold
    if not followup and leans_on is not None and probability >= UNSURE_FROM:
        followup = leans_on(question, joined)
    if not followup:
        return Resolution(question, False, question, question)
    return Resolution(question, True, joined, anchor)
