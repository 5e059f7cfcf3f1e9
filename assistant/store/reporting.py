"""Read-only report queries over records and cases, and the gaps report's question vectors."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.store.records import open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS question_vectors (
    answer_id TEXT NOT NULL,
    model TEXT NOT NULL,
    vector BLOB NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (answer_id, model)
);
CREATE INDEX IF NOT EXISTS question_vectors_age ON question_vectors(created_at);
"""
GAP_OUTCOMES = ("abstain", "candidates")
MAX_GAP_QUESTIONS = 5000  # newest first; clustering is quadratic in the number of questions


@dataclass(frozen=True)
class GapQuestion:
    """A question that abstained, got only candidates, or got 👎 (no asker id)."""

    answer_id: str
    question: str
    created_at: float
    organisation: str | None
    outcome: str
    down: bool


class ReportData:
    """Queries for the reports (records and cases attached read-only in spirit: only SELECT)."""

    def __init__(self, path: Path, records: Path, cases: Path) -> None:
        self._lock = threading.Lock()
        self._conn = open_database(path, SCHEMA)
        self._conn.execute("ATTACH DATABASE ? AS rec", (str(records),))
        self._conn.execute("ATTACH DATABASE ? AS cas", (str(cases),))

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, tuple(args)).fetchall()

    def gap_questions(self, since: float) -> list[GapQuestion]:
        """Abstained, candidates-only or 👎 answers since a time (newest first, capped)."""
        rows = self._rows(
            "SELECT a.answer_id, a.resolved_question, a.created_at, a.organisation, "
            "json_extract(a.payload, '$.outcome'), "
            "EXISTS (SELECT 1 FROM rec.feedback f WHERE f.answer_id = a.answer_id "
            "AND f.rating = 'down') AS down "
            "FROM rec.answers a WHERE a.created_at >= ? "
            "AND (json_extract(a.payload, '$.outcome') IN (?, ?) OR down) "
            "ORDER BY a.created_at DESC LIMIT ?",
            (since, *GAP_OUTCOMES, MAX_GAP_QUESTIONS),
        )
        return [GapQuestion(r[0], r[1], r[2], r[3], r[4] or "answer", bool(r[5])) for r in rows]

    def answers(self, since: float) -> list[tuple[float, str | None, str]]:
        """(created_at, organisation, outcome) of every stored answer since a time."""
        return self._rows(
            "SELECT created_at, organisation, COALESCE(json_extract(payload, '$.outcome'), "
            "'answer') FROM rec.answers WHERE created_at >= ?",
            (since,),
        )

    def feedback(self, since: float) -> list[tuple[float, str | None, str]]:
        """(created_at, organisation of the answer, rating) of feedback since a time."""
        return self._rows(
            "SELECT f.created_at, a.organisation, f.rating FROM rec.feedback f "
            "JOIN rec.answers a ON a.answer_id = f.answer_id WHERE f.created_at >= ?",
            (since,),
        )

    def cases(self, since: float) -> list[tuple[float, str | None, float | None]]:
        """(created_at, organisation, answered_at) of cases opened or answered since a time."""
        return self._rows(
            "SELECT c.created_at, c.organisation, x.created_at FROM cas.cases c "
            "LEFT JOIN cas.case_answers x ON x.case_id = c.case_id "
            "WHERE c.created_at >= ? OR x.created_at >= ?",
            (since, since),
        )

    def outcomes_after(self, after: float) -> tuple[dict[str, int], float]:
        """Answers stored after a time by outcome, and the newest time seen."""
        rows = self._rows(
            "SELECT COALESCE(json_extract(payload, '$.outcome'), 'answer'), COUNT(*), "
            "MAX(created_at) FROM rec.answers WHERE created_at > ? GROUP BY 1",
            (after,),
        )
        newest = max((r[2] for r in rows), default=after)
        return {r[0]: r[1] for r in rows}, newest

    def case_queue(self) -> tuple[dict[str, int], float | None]:
        """Cases by status, and when the oldest case still waiting (open, in progress) came."""
        counts = self._rows("SELECT status, COUNT(*) FROM cas.cases GROUP BY status")
        oldest = self._rows(
            "SELECT MIN(created_at) FROM cas.cases WHERE status IN ('open', 'in_progress')"
        )
        return {r[0]: r[1] for r in counts}, oldest[0][0] if oldest else None

    def vectors(self, answer_ids: Sequence[str], model: str) -> dict[str, np.ndarray]:
        """Stored question vectors of these answers for one embedding model."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(answer_ids), 500):
            part = list(answer_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            for answer_id, blob in self._rows(
                f"SELECT answer_id, vector FROM question_vectors WHERE model = ? "
                f"AND answer_id IN ({marks})",
                (model, *part),
            ):
                found[answer_id] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_vectors(self, items: dict[str, tuple[np.ndarray, float]], model: str) -> None:
        """Keep question vectors (answer id → vector, time asked) until purged."""
        rows = [
            (k, model, np.asarray(v, dtype=np.float32).tobytes(), at)
            for k, (v, at) in items.items()
        ]
        with self._lock:
            self._conn.executemany(
                "INSERT OR REPLACE INTO question_vectors VALUES (?, ?, ?, ?)", rows
            )
            self._conn.commit()

    def purge(self, older_than_seconds: float) -> int:
        """Delete question vectors older than the age or of answers no longer stored."""
        cutoff = time.time() - older_than_seconds
        with self._lock:
            deleted = self._conn.execute(
                "DELETE FROM question_vectors WHERE created_at < ? OR answer_id NOT IN "
                "(SELECT answer_id FROM rec.answers)",
                (cutoff,),
            ).rowcount
            self._conn.commit()
        return deleted

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()
