"""The question register: a § is scored by all of its everyday questions, not one lucky match."""

from __future__ import annotations

import numpy as np

from assistant.retrieval.register import QuestionRegister, RegisterEntry
from assistant.services import Services

QUESTION = "Darf ich den Bauantrag meines Schwagers selbst bearbeiten?"
OTHER = "Wie lange darf die Behörde für die Entscheidung brauchen?"


def _register(services: Services) -> QuestionRegister:
    entries = [
        # § 1: the question word for word once; § 2: the same question twice, and one unrelated
        RegisterEntry("vwvfg", "§ 1", QUESTION, "team"),
        RegisterEntry("vwvfg", "§ 2", QUESTION, "team"),
        RegisterEntry("vwvfg", "§ 2", QUESTION + " ", "team"),
        RegisterEntry("vwvfg", "§ 3", OTHER, "team"),
    ]
    return QuestionRegister(entries, services.embeddings, {"vwvfg"})


def test_a_section_several_of_whose_questions_match_ranks_first(indexed: Services) -> None:
    register = _register(indexed)
    vector = indexed.embeddings.query_vector(QUESTION)
    best_only = register.match(QUESTION, vector, temperature=0.0)
    pooled = register.match(QUESTION, vector, temperature=40.0)
    alone = dict(best_only.dense)
    assert {key for key, _ in best_only.dense[:2]} == {("vwvfg", "§ 1"), ("vwvfg", "§ 2")}
    assert abs(alone[("vwvfg", "§ 1")] - alone[("vwvfg", "§ 2")]) < 1e-5  # a tie on the best
    assert [key for key, _ in pooled.dense][:2] == [("vwvfg", "§ 2"), ("vwvfg", "§ 1")]
    assert pooled.dense[-1][0] == ("vwvfg", "§ 3")
    # the best single similarity is reported as it is, whatever the pooling
    assert best_only.best == pooled.best == best_only.dense[0][1]
    assert pooled.best > 0.99
    # a soft maximum: never below the best question, at most log(n) / temperature above it
    scores = dict(pooled.dense)
    assert pooled.best <= scores[("vwvfg", "§ 2")] <= pooled.best + np.log(2) / 40 + 1e-6
    assert abs(scores[("vwvfg", "§ 1")] - pooled.best) < 1e-5


def test_an_empty_register_matches_nothing(indexed: Services) -> None:
    register = QuestionRegister([], indexed.embeddings, {"vwvfg"})
    match = register.match(QUESTION, indexed.embeddings.query_vector(QUESTION), temperature=40.0)
    assert match.dense == [] and match.lexical == [] and match.best == 0.0
