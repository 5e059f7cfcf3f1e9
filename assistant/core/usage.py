"""Usage per ISO week and organisation: questions, outcomes, feedback, cases (pseudonymous)."""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from assistant.domain import Outcome, Rating

FIELDS = (
    "week",
    "organisation",
    "questions",
    "answer",
    "candidates",
    "abstain",
    "answer_share",
    "candidates_share",
    "abstain_share",
    "thumbs_up",
    "thumbs_down",
    "cases_opened",
    "cases_answered",
    "median_hours_to_answer",
)


def iso_week(timestamp: float) -> str:
    """'2025-W07': the ISO week (UTC) of a timestamp."""
    year, week, _ = datetime.fromtimestamp(timestamp, UTC).isocalendar()
    return f"{year}-W{week:02d}"


def _row(week: str, organisation: str | None) -> dict[str, Any]:
    return {
        "week": week,
        "organisation": organisation,
        **{name: 0 for name in FIELDS[2:]},
        "hours": [],
    }


def usage_rows(
    answers: Iterable[tuple[float, str | None, str]],
    feedback: Iterable[tuple[float, str | None, str]],
    cases: Iterable[tuple[float, str | None, float | None]],
    since: float = 0.0,
) -> list[dict[str, Any]]:
    """Rows by (week, organisation), oldest week first; each event counts in the week it happened
    (a case answer in the week it was answered, with its hours since it was opened)."""
    rows: dict[tuple[str, str | None], dict[str, Any]] = {}

    def row(timestamp: float, organisation: str | None) -> dict[str, Any]:
        key = (iso_week(timestamp), organisation)
        return rows.setdefault(key, _row(*key))

    for at, organisation, outcome in answers:
        counted = row(at, organisation)
        counted["questions"] += 1
        name = outcome if outcome in {str(o) for o in Outcome} else str(Outcome.ANSWER)
        counted[name] += 1
    for at, organisation, rating in feedback:
        name = "thumbs_up" if rating == Rating.UP else "thumbs_down"
        row(at, organisation)[name] += 1
    for opened, organisation, answered in cases:
        if opened >= since:
            row(opened, organisation)["cases_opened"] += 1
        if answered is not None and answered >= since:
            counted = row(answered, organisation)
            counted["cases_answered"] += 1
            counted["hours"].append((answered - opened) / 3600)
    out = []
    for key in sorted(rows, key=lambda k: (k[0], k[1] or "")):
        counted = rows[key]
        hours = counted.pop("hours")
        asked = counted["questions"]
        for outcome in Outcome:
            share = counted[str(outcome)] / asked if asked else 0.0
            counted[f"{outcome}_share"] = round(share, 3)
        counted["median_hours_to_answer"] = round(statistics.median(hours), 2) if hours else None
        out.append(counted)
    return out


def usage_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The rows as CSV (header line first; an empty organisation for keys without one)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in FIELDS})
    return buffer.getvalue()
