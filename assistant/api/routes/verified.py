"""Verified answers: advisors' published answers, their state and the review list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from assistant.api.schemas import RenewIn, VerifiedListOut, VerifiedOut
from assistant.http.auth import AssistantDep, PrincipalDep
from assistant.http.errors import COMMON, responses

router = APIRouter(prefix="/v1/verified", tags=["verified answers"])
ERRORS = responses(*COMMON, 404)


@router.get("", response_model=VerifiedListOut, responses=ERRORS)
def list_verified(
    assistant: AssistantDep,
    principal: PrincipalDep,
    review: Annotated[bool, Query(description="nur die zu prüfenden")] = False,
) -> dict[str, Any]:
    """Advisors (`advise`): every verified answer with its state; `?review=true` lists those
    no longer presented as verified (review date passed, a cited document changed or was
    removed)."""
    return {"verified": assistant.verified.listing(principal, review)}


@router.get("/{verified_id}", response_model=VerifiedOut, responses=ERRORS)
def get_verified(verified_id: str, assistant: AssistantDep, principal: PrincipalDep) -> Any:
    """Advisors: one verified answer with its state and the reason when it is not valid."""
    return assistant.verified.get(principal, verified_id)


@router.post("/{verified_id}/renew", response_model=VerifiedOut, responses=ERRORS)
def renew_verified(
    verified_id: str, body: RenewIn, assistant: AssistantDep, principal: PrincipalDep
) -> Any:
    """Advisors: confirm after review; the cited documents as they are now count as checked
    and the review date moves on (`valid_days`, default 365)."""
    return assistant.verified.renew(principal, verified_id, body.valid_days)


@router.post("/{verified_id}/withdraw", response_model=VerifiedOut, responses=ERRORS)
def withdraw_verified(verified_id: str, assistant: AssistantDep, principal: PrincipalDep) -> Any:
    """Advisors: take a verified answer back; it is never reused and leaves the index."""
    return assistant.verified.withdraw(principal, verified_id)
