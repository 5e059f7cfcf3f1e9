"""Liveness and readiness (GET and HEAD, no key needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.errors import LotseError
from assistant.http.auth import AssistantDep
from assistant.http.errors import responses

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="healthz")
@router.head("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses=responses(503), operation_id="readyz")
@router.head("/readyz", responses=responses(503), include_in_schema=False)
def readyz(assistant: AssistantDep) -> Any:
    """Index, vector store and embedding model are loaded and reachable; `warm` says whether
    the background warm-up (out-of-scope examples, question register) is done — until then the
    first answers can take seconds. `vectors_missing` counts chunks without a dense vector
    (deferred, or a collection that is not the index's: then every answer carries a notice);
    `word_lists` says whether the thesaurus and the English–German glossary are installed
    (`false`: questions are searched with their own words only, and answers are worse)."""
    try:
        state = assistant.ready()
    except LotseError as exc:
        return JSONResponse({"error": {"code": exc.code, "message": str(exc)}}, status_code=503)
    return {"status": "ready", **state}
