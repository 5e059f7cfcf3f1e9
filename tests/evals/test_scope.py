"""Fitting the scope model: never on the frozen test or a blind set; the gate's threshold."""

from __future__ import annotations

import numpy as np

from evals.scope import DEV, FORBIDDEN, _threshold


def test_the_scope_model_is_fitted_on_readable_dev_sets_only() -> None:
    fitted = {path.name for paths in DEV.values() for path in paths}
    assert "laws_heldout_test.jsonl" in FORBIDDEN
    assert {"laws_heldout_dev18.jsonl", "laws_ooc_dev18.jsonl"} <= FORBIDDEN
    assert not fitted & FORBIDDEN
    assert {"laws_heldout_dev14.jsonl", "laws_ooc_dev14.jsonl"} <= fitted


def test_the_gate_threshold_never_turns_away_more_in_corpus_questions_than_before() -> None:
    inside = np.array([True, True, True, False, False, False, False])
    p_gate = np.array([0.9, 0.5, 0.2, 0.3, 0.1, 0.6, 0.4])
    known = np.ones(7, dtype=bool)
    ruled = np.zeros(7, dtype=bool)
    too_far = np.array([False, False, True, False, True, False, False])  # relevance threshold
    before = too_far.copy()
    threshold, after = _threshold(p_gate, known, ruled, before, inside, too_far)
    assert (after & inside).sum() <= (before & inside).sum()
    # from 0.405 on it turns away the in-corpus question at 0.2 (as before) and three
    # out-of-corpus ones; from 0.505 on another in-corpus one, more than before
    assert threshold == 0.405
    assert after.tolist() == [False, False, True, True, True, False, True]
    # where the gate does not apply, the relevance threshold decides
    _, unchanged = _threshold(p_gate, ~known, ruled, before, inside, too_far)
    assert unchanged.tolist() == before.tolist()
