"""Liveness and readiness (GET and HEAD, no key needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.errors import LotseError
from assistant.http.auth import AssistantDep
from assistant.http.errors import responses

router = APIRouter(tags=["health"])


@router.api_route("/healthz", methods=["GET", "HEAD"])
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.api_route("/readyz", methods=["GET", "HEAD"], responses=responses(503))
def readyz(assistant: AssistantDep) -> Any:
    """Index, vector store and embedding model are loaded and reachable."""
    try:
        state = assistant.ready()
    except LotseError as exc:
        return JSONResponse({"error": {"code": exc.code, "message": str(exc)}}, status_code=503)
    return {"status": "ready", **state}
