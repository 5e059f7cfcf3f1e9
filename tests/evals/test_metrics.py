"""The outcome metrics count what an answer names, and the stricter leading-source share."""

from __future__ import annotations

from evals.metrics import leading_units, outcome_scores


def test_leading_units_are_the_first_results_of_the_first_two_sections() -> None:
    results = [
        {"doc_id": "vwvfg", "section": "§ 20"},
        {"doc_id": "vwvfg", "section": "§ 20"},  # a second chunk of the same §
        {"doc_id": "vwvfg", "section": "§ 21"},
        {"doc_id": "vwvfg", "section": "§ 22"},
    ]
    assert [r["section"] for r in leading_units(results)] == ["§ 20", "§ 21"]
    assert leading_units(results, 1) == [results[0]]


def test_an_answer_naming_gold_only_in_see_also_counts_as_citing_gold_but_leading_wrong() -> None:
    rows = [
        {"gold": [["vwvfg", "§ 21"]], "outcome": "answer", "citation_gold": [False, True]},
        {"gold": [["vwvfg", "§ 20"]], "outcome": "answer", "citation_gold": [True, False]},
        {"gold": [["vwvfg", "§ 1"]], "outcome": "answer", "citation_gold": [False, False]},
        {"gold": [], "outcome": "abstain", "citation_gold": []},
    ]
    scores = outcome_scores(rows)
    assert scores["answered_citing_no_gold"] == 1 / 3
    assert scores["answered_lead_not_gold"] == 2 / 3
    assert scores["out_of_corpus_abstained"] == 1.0
