"""Choose `answer_from` for a refitted `correct` model by trust: on the readable dev law sets, the
threshold with the most right answers among those giving no more wrong ones than before.

A wrong answer is an in-corpus one citing no gold § or an out-of-corpus one answered. Reads two
`make eval` results: `--before` (the shipped models) and `--after` (the refit, run at a threshold
no higher than any chosen here: a higher one only turns answers into passages to check, so each
candidate threshold's outcome is exact). Session 42: `python -m evals.calibrate --correct` chose
0.72 by its balanced rule; this rule chose 0.74. The blind sets are never read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from evals.calibrate import CALIBRATION
from evals.report import BLIND


def readable_sets(results: dict[str, Any]) -> list[str]:
    """The law sets of a result that may be read (never a blind or the test set)."""
    return [
        n
        for n, r in results.items()
        if n.split("_")[0] == "laws" and isinstance(r, dict) and "rows" in r and n not in BLIND
    ]


def count(rows: list[dict[str, Any]], threshold: float) -> tuple[int, int]:
    """Right and wrong answers among rows answered at or above the threshold."""
    right = wrong = 0
    for row in rows:
        if row["outcome"] != "answer" or row["confidence"] < threshold:
            continue
        if row["gold"] and any(row.get("citation_gold") or ()):
            right += 1
        else:
            wrong += 1
    return right, wrong


def choose(
    before: list[dict[str, Any]], after: list[dict[str, Any]], lowest: float
) -> float | None:
    """The threshold (0.01 steps from `lowest`) with the most right answers among those with no
    more wrong ones than `before` (its own outcomes); None when none qualifies."""
    _, wrong_before = count(before, 0.0)
    best, best_right = None, -1
    for threshold in np.round(np.arange(lowest, 0.96, 0.01), 2):
        right, wrong = count(after, float(threshold))
        if wrong <= wrong_before and right > best_right:
            best, best_right = float(threshold), right
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--write", action="store_true", help="store it in calibration.json")
    args = parser.parse_args()
    before = json.loads(args.before.read_text(encoding="utf-8"))
    after = json.loads(args.after.read_text(encoding="utf-8"))
    data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    entry = data["models"][data["default"]]
    sets = [n for n in readable_sets(after) if n in before]
    rows_before = [r for n in sets for r in before[n]["rows"]]
    rows_after = [r for n in sets for r in after[n]["rows"]]
    chosen = choose(rows_before, rows_after, float(entry["answer_from"]))
    print(f"sets: {', '.join(sets)}")
    print(f"before: right / wrong {count(rows_before, 0.0)}")
    for threshold in np.round(np.arange(float(entry["answer_from"]), 0.85, 0.01), 2):
        print(f"  {threshold:.2f}: {count(rows_after, float(threshold))}")
    print(f"chosen: {chosen}")
    if args.write and chosen is not None:
        entry["answer_from"] = chosen
        CALIBRATION.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION}")


if __name__ == "__main__":
    main()
