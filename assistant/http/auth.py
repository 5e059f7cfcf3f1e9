"""Who is asking: Bearer keys (or X-API-Key) → principal; rate limits; failed keys limited too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from assistant.config import Settings
from assistant.core import Assistant, KeyRing, Principal, local
from assistant.http.errors import ApiError
from assistant.http.limits import RateLimiter, client_address

bearer = HTTPBearer(auto_error=False, description="API-Schlüssel als Bearer-Token")
header_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="oder als X-API-Key")


@dataclass
class Gate:
    """Per-app authentication state: keys, request and failure limits, trusted proxies."""

    keyring: KeyRing
    limiter: RateLimiter
    failures: RateLimiter
    proxies: list[str]

    @classmethod
    def from_settings(cls, settings: Settings, keyring: KeyRing) -> Gate:
        """Limits and proxies from settings."""
        return cls(
            keyring,
            RateLimiter(settings.rate_limit_per_minute),
            RateLimiter(settings.auth_failures_per_minute),
            settings.proxy_list(),
        )


def _too_many(wait: float) -> ApiError:
    return ApiError(
        429, "rate_limited", "Zu viele Anfragen", headers={"Retry-After": str(int(wait) + 1)}
    )


def presented_key(request: Request) -> str | None:
    """The key sent as Bearer token or X-API-Key, if any."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get("x-api-key") or None


def identify(request: Request, required: bool = True) -> Principal | None:
    """The principal of a request (None when not required and no key was sent)."""
    gate: Gate = request.app.state.gate
    channel = "web" if request.url.path.startswith("/web") else "api"
    address = client_address(request, gate.proxies)
    if not gate.keyring.enabled:
        principal = local(channel)
        identity = f"addr-{address}"
    else:
        blocked = gate.failures.blocked(address)
        if blocked > 0:
            raise _too_many(blocked)
        presented = presented_key(request)
        if not presented:
            if not required:
                return None
            raise ApiError(401, "unauthorized", "API-Schlüssel fehlt")
        key = gate.keyring.find(presented)
        if key is None:
            gate.failures.check(address)
            raise ApiError(401, "unauthorized", "API-Schlüssel ungültig")
        principal = key.principal(channel)
        identity = principal.id
    wait = gate.limiter.check(identity)
    if wait > 0:
        raise _too_many(wait)
    request.state.principal = principal
    return principal


def authenticate(
    request: Request,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    _header: Annotated[str | None, Depends(header_key)],
) -> Principal:
    """Dependency: the principal (401 missing/wrong key, 429 too many requests)."""
    principal = identify(request)
    assert principal is not None
    return principal


def get_assistant(request: Request) -> Assistant:
    """The process-wide facade."""
    assistant: Assistant = request.app.state.assistant
    return assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
PrincipalDep = Annotated[Principal, Depends(authenticate)]
