"""Feedback on answers, and stored answers for askers (their own) and advisors (all)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from assistant.api.schemas import AnswerRecordOut, FeedbackIn, FeedbackOut
from assistant.http.auth import AssistantDep, PrincipalDep
from assistant.http.errors import COMMON, responses

router = APIRouter(prefix="/v1", tags=["feedback"])
ERRORS = responses(*COMMON, 404)


@router.post("/feedback", response_model=FeedbackOut, status_code=201, responses=ERRORS)
def add_feedback(
    body: FeedbackIn, assistant: AssistantDep, principal: PrincipalDep
) -> dict[str, str]:
    """Rate an answer `up` or `down`, with optional tags and comment (your own answers)."""
    feedback_id = assistant.feedback(
        principal, body.answer_id, body.rating, body.tags, body.comment
    )
    return {"feedback_id": feedback_id}


@router.get("/answers/{answer_id}", response_model=AnswerRecordOut, responses=ERRORS)
def get_answer(answer_id: str, assistant: AssistantDep, principal: PrincipalDep) -> dict[str, Any]:
    """What was asked, answered and cited, with its feedback (own answers; advisors: all)."""
    return assistant.answer(principal, answer_id)
