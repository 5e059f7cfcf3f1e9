"""Feedback on answers, and stored answers for advisors and audits."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from assistant.api.deps import AskScope, ServicesDep
from assistant.api.errors import ApiError
from assistant.api.schemas import AnswerRecordOut, ErrorResponse, FeedbackIn, FeedbackOut

router = APIRouter(prefix="/v1", tags=["feedback"])
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 422, 429)
}


@router.post("/feedback", response_model=FeedbackOut, status_code=201, responses=ERRORS)
def add_feedback(body: FeedbackIn, services: ServicesDep, _: AskScope) -> dict[str, str]:
    """Rate an answer `up` or `down`, with optional tags and comment."""
    if services.records.get_answer(body.answer_id) is None:
        raise ApiError(404, "not_found", f"Antwort nicht gefunden: {body.answer_id}")
    feedback_id = services.records.add_feedback(
        body.answer_id, body.rating, list(body.tags), body.comment, "api"
    )
    return {"feedback_id": feedback_id}


@router.get("/answers/{answer_id}", response_model=AnswerRecordOut, responses=ERRORS)
def get_answer(answer_id: str, services: ServicesDep, _: AskScope) -> dict[str, Any]:
    """What was asked, answered and cited, with its feedback."""
    record = services.records.get_answer(answer_id)
    if record is None:
        raise ApiError(404, "not_found", f"Antwort nicht gefunden: {answer_id}")
    return record
