"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.api.deps import ServicesDep
from assistant.errors import LotseError

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "not ready"}})
def readyz(services: ServicesDep) -> Any:
    """Index, vector store and embedding model are loaded and reachable."""
    try:
        services.vectors.ping()
        lexical = services.index.lexical()
        documents = len(services.manifest.doc_ids())
    except LotseError as exc:
        return JSONResponse({"error": {"code": exc.code, "message": str(exc)}}, status_code=503)
    return {"status": "ready", "documents": documents, "chunks": len(lexical)}
