"""Request dependencies: services, authentication with scopes, rate limiting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from assistant.api.errors import ApiError
from assistant.services import Services

bearer = HTTPBearer(auto_error=False, description="API-Schlüssel als Bearer-Token")
header_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="oder als X-API-Key")


def get_services(request: Request) -> Services:
    """The process-wide Services."""
    services: Services = request.app.state.services
    return services


def require(scope: str) -> Callable[..., str]:
    """Dependency: a valid key with `scope` (401 missing/wrong, 403 scope, 429 rate)."""

    def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        x_api_key: Annotated[str | None, Depends(header_key)],
    ) -> str:
        ring = request.app.state.keyring
        identity = "local"
        if ring.enabled:
            presented = credentials.credentials if credentials else x_api_key
            if not presented:
                raise ApiError(401, "unauthorized", "API-Schlüssel fehlt")
            key = ring.find(presented)
            if key is None:
                raise ApiError(401, "unauthorized", "API-Schlüssel ungültig")
            if scope not in key.scopes:
                raise ApiError(403, "forbidden", f"Schlüssel hat den Scope '{scope}' nicht")
            identity = key.label
        else:
            identity = f"local-{request.client.host if request.client else '?'}"
        wait = request.app.state.limiter.check(identity)
        if wait > 0:
            raise ApiError(
                429,
                "rate_limited",
                "Zu viele Anfragen",
                headers={"Retry-After": str(int(wait) + 1)},
            )
        request.state.identity = identity
        return identity

    return check


ServicesDep = Annotated[Services, Depends(get_services)]
AskScope = Annotated[str, Depends(require("ask"))]
AdminScope = Annotated[str, Depends(require("admin"))]
