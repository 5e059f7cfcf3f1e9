"""Sync sources: each source's last run (scope admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from assistant.api.schemas import SourcesOut
from assistant.http.auth import AssistantDep, PrincipalDep
from assistant.http.errors import COMMON, responses

router = APIRouter(prefix="/v1/sources", tags=["sources"])


@router.get("", response_model=SourcesOut, responses=responses(*COMMON))
def list_sources(assistant: AssistantDep, principal: PrincipalDep) -> Any:
    """Admins: the sources of `lotse sync` (LOTSE_SYNC_CONFIG) with their last run – time,
    status (`ok`, `partial`: some items failed, `failed`: not reachable, nothing deleted,
    `never`), counts (added, updated, unchanged, removed, missing, skipped, failed), errors and
    the items removed (missing in two consecutive successful runs). Sources no longer in the
    file are listed with `configured: false`."""
    return assistant.sync.sources(principal)
