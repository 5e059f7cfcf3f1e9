"""The doubt models' fitting sets: readable dev questions only, never the frozen test or a blind
set."""

from __future__ import annotations

from evals.calibration_rows import SETS, Rows
from evals.scope import FORBIDDEN


def test_the_doubt_models_are_fitted_on_readable_dev_sets_only() -> None:
    fitted = {path.name for paths, _, _ in SETS.values() for path in paths}
    assert not fitted & FORBIDDEN
    assert {"laws_heldout_dev14.jsonl", "laws_ooc_dev14.jsonl", "laws_land_dev.jsonl"} <= fitted


def test_the_scope_logit_is_replaced_by_the_held_out_one_where_it_applies() -> None:
    rows = Rows()
    rows.add({"answerable": 4.0, "answerable_known": 1.0}, True, True, "dev", "Frage A?")
    rows.add({"answerable": 0.0, "answerable_known": 0.0}, True, True, "dev", "Frage B?")
    rows.add({"answerable": 3.0, "answerable_known": 1.0}, False, False, "dev", "Frage C?")
    changed = rows.hold_out({"Frage A?": -1.5, "Frage B?": 2.0})
    assert changed == 1
    assert [r["answerable"] for r in rows.features] == [-1.5, 0.0, 3.0]
