"""GET /v1/models: the assistant as a model, so OpenAI-compatible front ends can list it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from assistant.http.auth import PrincipalDep
from assistant.http.errors import responses

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL_ID = "digitallotse"
CREATED = 1_764_547_200  # 2025-12-01, when the model id was introduced


@router.get("/models", responses=responses(401, 429))
def list_models(principal: PrincipalDep) -> dict[str, Any]:
    """The models this server answers as (OpenAI format); any `model` value is accepted."""
    return {
        "object": "list",
        "data": [
            {"id": MODEL_ID, "object": "model", "created": CREATED, "owned_by": "digitallotse"}
        ],
    }
