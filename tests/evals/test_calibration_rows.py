"""The doubt models' fitting sets: readable dev questions only, never the frozen test or a blind
set."""

from __future__ import annotations

from evals.calibration_rows import SETS
from evals.scope import FORBIDDEN


def test_the_doubt_models_are_fitted_on_readable_dev_sets_only() -> None:
    fitted = {path.name for paths, _, _ in SETS.values() for path in paths}
    assert not fitted & FORBIDDEN
    assert {"laws_heldout_dev14.jsonl", "laws_ooc_dev14.jsonl", "laws_land_dev.jsonl"} <= fitted
