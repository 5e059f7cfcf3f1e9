"""Choosing `answer_from` by trust: no more wrong answers than before, then the most right."""

from __future__ import annotations

from typing import Any

from evals.answer_threshold import choose, count, readable_sets


def _row(confidence: float, inside: bool, gold_cited: bool, outcome: str = "answer") -> dict:
    return {
        "outcome": outcome,
        "confidence": confidence,
        "gold": [["ozg", "§ 1"]] if inside else [],
        "citation_gold": [gold_cited] if inside else [],
    }


def test_the_threshold_adds_no_wrong_answer_and_keeps_the_most_right_ones() -> None:
    # before: 2 right, 2 wrong (one in-corpus citing no gold, one out-of-corpus answered)
    before = [_row(0.9, True, True), _row(0.8, True, True), _row(0.7, True, False)]
    before += [_row(0.95, False, False)]
    after = [
        _row(0.95, True, True),
        _row(0.90, True, True),
        _row(0.85, True, True),
        _row(0.80, False, False),  # wrong, answered up to 0.80
        _row(0.78, True, False),  # wrong, answered up to 0.78
        _row(0.76, False, False),  # wrong, answered up to 0.76
        _row(0.99, True, True, outcome="candidates"),  # a rule kept it from answering
    ]
    assert count(before, 0.0) == (2, 2)
    assert count(after, 0.75) == (3, 3)
    # from 0.77 on two wrong answers remain (no more than before) with all three right ones
    assert choose(before, after, 0.72) == 0.77
    # no threshold gives as few wrong answers as a before without any
    assert choose([_row(0.9, True, True)], [_row(0.99, False, False)], 0.72) is None


def test_only_readable_law_sets_are_read() -> None:
    results: dict[str, Any] = {
        "laws": {"rows": []},
        "laws_heldout_dev5": {"rows": []},
        "laws_heldout_dev21": {"rows": []},  # blind
        "laws_heldout_test": {"rows": []},  # frozen test
        "laws_baselines": {"dense": {}},
        "starter": {"rows": []},
    }
    assert readable_sets(results) == ["laws", "laws_heldout_dev5"]
