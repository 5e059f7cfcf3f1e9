"""Use cases of stored answers: look-up, feedback and its reasons, recent questions, purge."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.core import documents as docs
from assistant.core.library import require
from assistant.core.principal import Principal
from assistant.core.reports import Reports
from assistant.core.verified import VerifiedDesk
from assistant.domain import FeedbackTag, Rating, Scope
from assistant.errors import NotFound
from assistant.services import Services


class Answers:
    """Stored answers and their feedback for the facade (which builds services and desks)."""

    services: Services
    verified: VerifiedDesk
    reports: Reports

    # -- answers, feedback, records -------------------------------------------------------------

    def answer(self, principal: Principal, answer_id: str) -> dict[str, Any]:
        """A stored answer with its feedback: the asker's own, or any for advisors."""
        record = self.services.records.get_answer(answer_id)
        owner = record.pop("owner", None) if record else None
        if record is None or not (
            principal.sees_all or (owner and owner.principal == principal.id)
        ):
            raise NotFound(f"Antwort nicht gefunden: {answer_id}")
        return record

    def feedback(
        self,
        principal: Principal,
        answer_id: str,
        rating: Rating,
        tags: Sequence[FeedbackTag] = (),
        comment: str | None = None,
    ) -> str:
        """Rate an answer the principal may see; returns the feedback id."""
        self.answer(principal, answer_id)
        return self.services.records.add_feedback(
            answer_id,
            str(rating),
            [str(t) for t in tags],
            comment,
            principal.channel,
            principal.id,
        )

    def add_feedback_reason(self, principal: Principal, feedback_id: str, tag: FeedbackTag) -> None:
        """Add a reason (after 👎) to the principal's own feedback."""
        exists, owner = self.services.records.feedback_principal(feedback_id)
        if not exists or not (principal.sees_all or owner == principal.id):
            raise NotFound(f"Rückmeldung nicht gefunden: {feedback_id}")
        self.services.records.add_feedback_tags(feedback_id, [str(tag)])

    def recent(self, principal: Principal, limit: int = 30) -> list[dict[str, Any]]:
        """Latest questions with feedback: the principal's own, or everyone's for advisors."""
        require(principal, Scope.ASK, "Verlauf")
        records = self.services.records
        rows = records.recent(limit, None if principal.sees_all else principal.id)
        return [docs.recent_item(row, records.get_answer(row["answer_id"]) or {}) for row in rows]

    def purge(self, principal: Principal, older_than_days: float) -> dict[str, int]:
        """Delete stored questions, answers, feedback, cases and the reports' data older than the
        given age; the counts deleted."""
        require(principal, Scope.ADMIN, "Löschen gespeicherter Antworten")
        seconds = older_than_days * 86400
        answers = self.services.records.purge(seconds)
        verified = self.verified.purge(seconds)  # withdrawn or expired ones only
        return {"answers": answers, **self.reports.purge(principal, seconds), "verified": verified}
