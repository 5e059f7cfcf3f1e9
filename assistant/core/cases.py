"""The competence centre's desk: questions that need a person become cases advisors answer."""

from __future__ import annotations

import time
from typing import Any

from assistant.core.delivery import Deliveries
from assistant.core.principal import Principal
from assistant.core.verified import VerifiedDesk
from assistant.domain import CASE_TRANSITIONS, CaseStatus, Scope, Visibility
from assistant.errors import Forbidden, InvalidRequest, NotFound
from assistant.providers.webhook import build_webhook
from assistant.services import Services
from assistant.store.cases import CaseStore
from assistant.store.records import Owner


def _advisor(principal: Principal, what: str) -> None:
    if not principal.can(Scope.ADVISE):
        raise Forbidden(str(Scope.ADVISE), what)


class CaseDesk:
    """Use cases of cases: create, list, read, move, note, answer (every call with a principal)."""

    def __init__(self, services: Services, verified: VerifiedDesk) -> None:
        self.services = services
        self.verified = verified
        self.store = CaseStore(services.settings.data_dir / "cases.sqlite3")
        self.deliveries = Deliveries(self.store, build_webhook(services.settings))

    def create(
        self,
        principal: Principal,
        answer_id: str | None = None,
        question: str | None = None,
        note: str | None = None,
        contact: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """A case from a stored answer (the asker's own) or directly from a question."""
        if not principal.can(Scope.ASK):
            raise Forbidden(str(Scope.ASK), "Fall anlegen")
        draft: dict[str, Any] = {}
        if answer_id:
            record = self.services.records.get_answer(answer_id)
            owner = record.pop("owner", None) if record else None
            mine = owner is not None and owner.principal == principal.id
            if record is None or not (mine or principal.sees_all):
                raise NotFound(f"Antwort nicht gefunden: {answer_id}")
            question = question or str(record["question"])
            draft = dict(record["answer"])
        if not question or not question.strip():
            raise InvalidRequest("question", "Frage oder answer_id angeben")
        owner = Owner(principal.id, principal.organisation, principal.channel)
        case_id = self.store.create(question.strip(), answer_id, draft, note, owner, contact or {})
        return self.case(principal, case_id)

    def case(self, principal: Principal, case_id: str) -> dict[str, Any]:
        """One case: the asker's own (notes withheld), or any for advisors."""
        found = self.store.get(case_id)
        if found is None or not (principal.sees_all or found["principal"] == principal.id):
            raise NotFound(f"Fall nicht gefunden: {case_id}")
        if not principal.sees_all:
            found["notes"] = []  # internal to the advisors
            found["principal"] = None
        found["verified"] = self.verified.of_case(case_id)
        return found

    def cases(
        self,
        principal: Principal,
        status: CaseStatus | None = None,
        limit: int = 100,
        organisation: str | None = None,
        text: str | None = None,
        older_than_days: float | None = None,
    ) -> list[dict[str, Any]]:
        """Advisors: every case (by status, organisation, text, age); staff: their own."""
        mine = None if principal.sees_all else principal.id
        before = time.time() - older_than_days * 86400 if older_than_days else None
        found = self.store.find(
            str(status) if status else None, mine, limit, organisation, text, before
        )
        if mine is not None:
            for case in found:
                case["principal"] = None
        return found

    def move(
        self,
        principal: Principal,
        case_id: str,
        status: CaseStatus | None = None,
        assignee: str | None = None,
    ) -> dict[str, Any]:
        """Change status (along the allowed transitions) or assignee."""
        _advisor(principal, "Fall bearbeiten")
        case = self.case(principal, case_id)
        current = CaseStatus(case["status"])
        if status is not None and status != current and status not in CASE_TRANSITIONS[current]:
            allowed = ", ".join(str(s) for s in CASE_TRANSITIONS[current])
            raise InvalidRequest("status", f"von '{current}' nur nach {allowed}")
        self.store.update(
            case_id,
            **{k: v for k, v in (("status", status), ("assignee", assignee)) if v is not None},
        )
        return self.case(principal, case_id)

    def note(self, principal: Principal, case_id: str, text: str) -> dict[str, Any]:
        """An internal note of the advisors."""
        _advisor(principal, "Notiz")
        self.case(principal, case_id)
        self.store.add_note(case_id, principal.id, text)
        return self.case(principal, case_id)

    def answer(
        self,
        principal: Principal,
        case_id: str,
        text: str,
        citations: list[dict[str, Any]],
        publish: bool = False,
        visibility: Visibility | None = None,
        valid_days: int | None = None,
    ) -> dict[str, Any]:
        """The advisor's answer: the case becomes `answered` and the asker can read it;
        `publish` makes it a verified answer (public, or for the asking organisation only)."""
        _advisor(principal, "Antwort auf einen Fall")
        case = self.case(principal, case_id)
        if case["status"] == CaseStatus.CLOSED:
            raise InvalidRequest("status", "der Fall ist geschlossen")
        if publish:  # sources checked before anything is stored
            self.verified.check_citations(citations)
        self.store.answer(case_id, text, citations, principal.id, publish)
        answered = self.store.get(case_id)
        if answered is not None:
            if publish:
                self.verified.publish(
                    answered, principal.id, visibility or Visibility.PUBLIC, valid_days
                )
            self.deliveries.start(answered)  # back through the channel it came from
        return self.case(principal, case_id)

    def close(self) -> None:
        """Release the database (after running deliveries)."""
        self.deliveries.wait()
        self.store.close()
