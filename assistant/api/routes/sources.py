"""Sync sources: each source's last run (scope admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from assistant.api.schemas import SourcesOut, SyncStartedOut
from assistant.http.auth import AssistantDep, PrincipalDep
from assistant.http.errors import COMMON, responses

router = APIRouter(prefix="/v1/sources", tags=["sources"])


@router.get("", response_model=SourcesOut, responses=responses(*COMMON))
def list_sources(assistant: AssistantDep, principal: PrincipalDep) -> Any:
    """Admins: the sources of `lotse sync` (LOTSE_SYNC_CONFIG) with their last run – time,
    status (`ok`, `partial`: some items failed, `failed`: not reachable, nothing deleted,
    `never`), counts (added, updated, unchanged, removed, missing, skipped, failed), errors and
    the items removed (missing in two consecutive successful runs). Sources no longer in the
    file are listed with `configured: false`; a renamed source (same kind and place) names its
    old name in `renamed_from`."""
    return assistant.sync.sources(principal)


@router.post(
    "/sync", response_model=SyncStartedOut, status_code=202, responses=responses(*COMMON, 409)
)
def start_sync(assistant: AssistantDep, principal: PrincipalDep) -> Any:
    """Admins: sync every source of the sources file now, in the background (202); follow it
    with `GET /v1/sources`. 409 `busy` while a run (scheduled, `lotse sync` or an earlier call) is
    going on, 409 `sources_invalid` when the sources file is missing or invalid (the message names
    file and field)."""
    return {"started": True, "config": assistant.sync.start(principal)}
