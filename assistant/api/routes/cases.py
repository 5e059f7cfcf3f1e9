"""Cases: questions that need a person (staff create and read their own; advisors answer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from assistant.api.schemas import (
    CaseAnswerIn,
    CaseIn,
    CaseListOut,
    CaseMoveIn,
    CaseNoteIn,
    CaseOut,
)
from assistant.domain import CaseStatus
from assistant.http.auth import AssistantDep, PrincipalDep
from assistant.http.errors import COMMON, responses

router = APIRouter(prefix="/v1/cases", tags=["cases"])
ERRORS = responses(*COMMON, 404)


@router.post("", response_model=CaseOut, status_code=201, responses=ERRORS)
def create_case(body: CaseIn, assistant: AssistantDep, principal: PrincipalDep) -> Any:
    """Hand a question to the advisors: `{"answer_id": …, "note": …}` from one of your answers,
    or `{"question": …}`; it keeps the assistant's answer and citations as the draft."""
    return assistant.cases.create(principal, body.answer_id, body.question, body.note, body.contact)


@router.get("", response_model=CaseListOut, responses=ERRORS)
def list_cases(
    assistant: AssistantDep,
    principal: PrincipalDep,
    status: Annotated[CaseStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Thema: Text in der Frage oder in Gesetz, Titel oder "
              "Überschrift einer Quelle des Entwurfs"),
    ] = None,
    older_than_days: Annotated[float | None, Query(ge=0, le=3650)] = None,
) -> dict[str, Any]:
    """Advisors (`advise`): every case, oldest first, e.g. `?status=open&organisation=musterstadt
    &q=OZG&older_than_days=3` (`q`: the topic, in the question or the draft's sources, see
    `topics`); staff: their own cases. Answered cases carry `answer`."""
    found = assistant.cases.cases(principal, status, limit, organisation, q, older_than_days)
    return {"cases": found}


@router.get("/{case_id}", response_model=CaseOut, responses=ERRORS)
def get_case(case_id: str, assistant: AssistantDep, principal: PrincipalDep) -> Any:
    """One case with the advisor's answer once there is one (other askers: 404)."""
    return assistant.cases.case(principal, case_id)


@router.patch("/{case_id}", response_model=CaseOut, responses=ERRORS)
def move_case(
    case_id: str, body: CaseMoveIn, assistant: AssistantDep, principal: PrincipalDep
) -> Any:
    """Advisors: set the status (open → in_progress → answered → closed) or the assignee."""
    return assistant.cases.move(principal, case_id, body.status, body.assignee)


@router.post("/{case_id}/notes", response_model=CaseOut, status_code=201, responses=ERRORS)
def add_note(
    case_id: str, body: CaseNoteIn, assistant: AssistantDep, principal: PrincipalDep
) -> Any:
    """Advisors: an internal note (never shown to the asker)."""
    return assistant.cases.note(principal, case_id, body.text)


@router.post("/{case_id}/answer", response_model=CaseOut, responses=ERRORS)
def answer_case(
    case_id: str, body: CaseAnswerIn, assistant: AssistantDep, principal: PrincipalDep
) -> Any:
    """Advisors: the answer with its sources; the case becomes `answered` and the answer goes
    back through the channel the question came from (Slack thread, webhook, GET /v1/cases/{id}).
    `publish: true` makes it a verified answer: indexed, and given to the next asker of the same
    question as "Geprüfte Antwort der Beratung vom …" (`verified: true`); `visibility`
    `organisation` keeps it to the asking organisation."""
    return assistant.cases.answer(
        principal,
        case_id,
        body.text,
        body.citations,
        body.publish,
        body.visibility,
        body.valid_days,
    )
