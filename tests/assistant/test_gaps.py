"""The gaps report's grouping: topic words, topic vectors, the bucket of single questions."""

from __future__ import annotations

import numpy as np

from assistant.core.gaps import SINGLES_LABEL, gist, group, topic_vectors
from assistant.store.reporting import GapQuestion


def test_topic_words_are_the_capitalised_terms_without_question_words() -> None:
    assert gist("Was kostet die BundID für uns als Gemeinde?") == "BundID"
    assert gist("Wie hoch dürfen bei uns die Kita-Gebühren sein?") == "Kita-Gebühren"
    assert gist("und was kostet die bundid") == "und was kostet die bundid"  # none: the question


def test_a_topic_vector_is_the_mean_direction_of_question_and_topic_words() -> None:
    vectors = topic_vectors(np.array([[2.0, 0.0]]), np.array([[0.0, 5.0]]))
    assert np.allclose(vectors, [[2**-0.5, 2**-0.5]])


def test_questions_like_no_other_are_one_bucket_listed_last() -> None:
    texts = ["Hundesteuer A?", "Hundesteuer B?", "Hundesteuer C?", "Fußball?", "Wetter?"]
    questions = [
        GapQuestion(f"a{i}", text, 1_700_000_000.0 + i, "musterstadt", "abstain", i == 4)
        for i, text in enumerate(texts)
    ]
    vectors = np.array([[1, 0.01, 0], [1, 0, 0.01], [1, 0.01, 0.01], [0, 1, 0], [0, 0, 1]])
    dogs, singles = group(questions, vectors, distance=0.1)
    assert dogs["size"] == 3 and dogs["single"] is False and "Hundesteuer" in dogs["terms"]
    assert singles["single"] is True and singles["label"] == SINGLES_LABEL
    assert singles["examples"] == ["Wetter?", "Fußball?"]  # newest first
    assert singles["size"] == 2 and singles["thumbs_down"] == 1 and singles["terms"] == []
    assert [g["size"] for g in group(questions, vectors, 0.1, min_size=2)] == [3]
