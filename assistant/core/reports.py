"""Reports for the competence centre: knowledge gaps, usage, operations counts, report retention."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import numpy as np

from assistant.core import gaps as gap_groups
from assistant.core.principal import Principal
from assistant.core.usage import usage_csv, usage_rows
from assistant.domain import CaseStatus, Outcome, Scope
from assistant.errors import Forbidden
from assistant.logs import mask_personal_data
from assistant.services import Services
from assistant.store.cases import CaseStore
from assistant.store.reporting import GapQuestion, ReportData

# the gist of a question: long pasted inputs are stored with their asks first, and their letter
# style would otherwise group them with each other rather than by topic
EMBED_CHARS = 300


def _reader(principal: Principal) -> None:
    """Reports are for advisors and admins."""
    if not (principal.can(Scope.ADVISE) or principal.can(Scope.ADMIN)):
        raise Forbidden(str(Scope.ADVISE), "Berichte")


def _since(days: float | None) -> float:
    return time.time() - days * 86400 if days else 0.0


class Reports:
    """Gaps and usage reports (no asker ids in any of them) and counts for /metrics."""

    def __init__(self, services: Services, cases: CaseStore) -> None:
        settings = services.settings
        self.services = services
        self.cases = cases
        self.data = ReportData(
            settings.data_dir / "reports.sqlite3", settings.records_path, cases.path
        )
        self._lock = threading.Lock()
        self._outcomes: Counter[str] = Counter()
        self._counted_until = 0.0

    def _mask(self, text: str) -> str:
        return mask_personal_data(self.services.engine.redact(text))

    def _vectors(self, questions: list[GapQuestion]) -> np.ndarray:
        """Topic vectors of the questions (question and its topic words, e5 `query:`),
        embedded once and kept until purged."""
        backend = self.services.embeddings.backend
        model = f"{backend.model_id}:{EMBED_CHARS}:gist"  # what was embedded, and how
        stored = self.data.vectors([q.answer_id for q in questions], model)
        missing = [q for q in questions if q.answer_id not in stored]
        batch = self.services.settings.embedding_batch_size
        for start in range(0, len(missing), batch):
            part = missing[start : start + batch]
            texts = [q.question[:EMBED_CHARS] for q in part]
            matrix = gap_groups.topic_vectors(
                backend.embed(texts, is_query=True),
                backend.embed([gap_groups.gist(t) for t in texts], is_query=True),
            )
            fresh = {q.answer_id: (v, q.created_at) for q, v in zip(part, matrix, strict=True)}
            self.data.put_vectors(fresh, model)
            stored.update({k: v for k, (v, _) in fresh.items()})
        if not questions:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([stored[q.answer_id] for q in questions])

    def gaps(
        self, principal: Principal, since_days: float | None = 90, min_size: int = 1
    ) -> dict[str, Any]:
        """Questions that abstained, got only candidates or got 👎, grouped by topic."""
        _reader(principal)
        since = _since(since_days)
        questions = self.data.gap_questions(since)
        distance = self.services.settings.gaps_distance
        groups = gap_groups.group(
            questions, self._vectors(questions), distance, min_size, self._mask
        )
        return {
            "since": gap_groups.iso(since) if since else None,
            "questions": len(questions),
            "distance": distance,
            "groups": groups,
        }

    def usage(self, principal: Principal, since_days: float | None = None) -> list[dict[str, Any]]:
        """Per ISO week and organisation: questions, outcome shares, 👍/👎, cases, answer time."""
        _reader(principal)
        since = _since(since_days)
        return usage_rows(
            self.data.answers(since), self.data.feedback(since), self.data.cases(since), since
        )

    @staticmethod
    def usage_csv(rows: list[dict[str, Any]]) -> str:
        """The usage rows as CSV (for spreadsheets)."""
        return usage_csv(rows)

    def operations(self) -> dict[str, Any]:
        """Counts for operations (/metrics): answers by outcome since start of the records (new
        ones counted incrementally, so a purge never lowers them), cases by status, queue age."""
        with self._lock:
            fresh, self._counted_until = self.data.outcomes_after(self._counted_until)
            self._outcomes.update(fresh)
            answers = {str(o): self._outcomes.get(str(o), 0) for o in Outcome}
        statuses, oldest = self.data.case_queue()
        return {
            "answers": answers,
            "cases": {str(s): statuses.get(str(s), 0) for s in CaseStatus},
            "oldest_waiting_case_seconds": max(time.time() - oldest, 0.0) if oldest else 0.0,
        }

    def purge(self, principal: Principal, older_than_seconds: float) -> dict[str, int]:
        """Delete cases and the reports' question vectors older than the age (after records)."""
        if not principal.can(Scope.ADMIN):
            raise Forbidden(str(Scope.ADMIN), "Löschen von Fällen und Berichtsdaten")
        return {
            "cases": self.cases.purge(older_than_seconds),
            "question_vectors": self.data.purge(older_than_seconds),
        }

    def close(self) -> None:
        """Close the report database."""
        self.data.close()
