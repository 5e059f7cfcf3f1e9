"""Advisors review verified answers: list and look them up, renew, withdraw and purge them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from assistant.answer.models import Citation
from assistant.core.principal import Principal
from assistant.core.verification import DAY, Verification
from assistant.domain import Scope, VerifiedState
from assistant.errors import Forbidden, InvalidRequest, NotFound
from assistant.store.verified import VerifiedRecord


def _advisor(principal: Principal) -> None:
    if not principal.can(Scope.ADVISE):
        raise Forbidden(str(Scope.ADVISE), "Geprüfte Antworten")


class VerifiedReview(Verification):
    """The advisors' view of verified answers: list, look up, renew, withdraw, purge."""

    def listing(self, principal: Principal, review_only: bool = False) -> list[dict[str, Any]]:
        """Advisors: verified answers with their state; `review_only`: those to review."""
        _advisor(principal)
        out = []
        for r in self.store.all():
            state, reason = self.state(r)
            if review_only and state in (VerifiedState.VALID, VerifiedState.WITHDRAWN):
                continue
            out.append(_public(r, state, reason))
        return out

    def get(self, principal: Principal, verified_id: str) -> dict[str, Any]:
        """Advisors: one verified answer with its state."""
        _advisor(principal)
        return self._state_of(self._record(verified_id))

    def of_case(self, case_id: str) -> dict[str, Any] | None:
        """The verified answer published from a case, with its state, or None."""
        record = self.store.by_case(case_id)
        return self._state_of(record) if record else None

    def _state_of(self, record: VerifiedRecord) -> dict[str, Any]:
        return _public(record, *self.state(record))

    def _record(self, verified_id: str) -> VerifiedRecord:
        record = self.store.get(verified_id)
        if record is None:
            raise NotFound(f"Geprüfte Antwort nicht gefunden: {verified_id}")
        return record

    def renew(
        self, principal: Principal, verified_id: str, valid_days: int | None = None
    ) -> dict[str, Any]:
        """Advisors: confirm after review (sources as they are now, a new review date)."""
        _advisor(principal)
        record = self._record(verified_id)
        if record.withdrawn:
            raise InvalidRequest("verified_id", "zurückgezogene Antworten neu veröffentlichen")
        citations = [Citation(**c) for c in record.citations]
        if any(self.services.manifest.get_document(c.doc_id) is None for c in citations):
            raise InvalidRequest("citations", "eine Quelle fehlt: Antwort neu verfassen")
        days = valid_days or self.services.settings.verified_valid_days
        record.sources = self._fingerprints(citations)
        record.valid_until = time.time() + days * DAY
        self.store.save(record)
        return self._state_of(record)

    def withdraw(self, principal: Principal, verified_id: str) -> dict[str, Any]:
        """Advisors: take an answer back (never reused again; its document leaves the index)."""
        _advisor(principal)
        record = self._record(verified_id)
        record.withdrawn = True
        if record.doc_id and self.services.manifest.get_document(record.doc_id):
            self.services.remove_document(record.doc_id)
        Path(self.folder / f"{record.verified_id}.md").unlink(missing_ok=True)
        self.store.save(record)
        return self._state_of(record)

    def purge(self, older_than_seconds: float) -> int:
        """Delete withdrawn or expired verified answers published before the age (their
        documents too); valid ones stay. The count deleted."""
        now = time.time()
        old = [
            r
            for r in self.store.all()
            if r.created_at < now - older_than_seconds and (r.withdrawn or r.valid_until < now)
        ]
        for record in old:
            if record.doc_id and self.services.manifest.get_document(record.doc_id):
                self.services.remove_document(record.doc_id)
            (self.folder / f"{record.verified_id}.md").unlink(missing_ok=True)
        return self.store.delete([r.verified_id for r in old])


def _public(record: VerifiedRecord, state: VerifiedState, reason: str) -> dict[str, Any]:
    return {
        "verified_id": record.verified_id,
        "case_id": record.case_id,
        "question": record.question,
        "text": record.text,
        "citations": record.citations,
        "author": record.author,
        "visibility": record.visibility,
        "organisation": record.organisation,
        "doc_id": record.doc_id,
        "published_at": record.created_at,
        "valid_until": record.valid_until,
        "state": str(state),
        "verified": state == VerifiedState.VALID,
        "reason": reason or None,
    }
