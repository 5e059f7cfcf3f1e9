"""Edge guards before any route runs: host allow-list, cross-site writes, body size, media type."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SERVER_TO_SERVER = ("/slack/",)  # signed by Slack, no browser involved
MULTIPART_ROUTES = {"/v1/documents"}


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _reject(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class EdgeGuard:
    """Pure ASGI middleware; each rule answers in the one error shape."""

    def __init__(
        self,
        app: App,
        allowed_hosts: list[str],
        cors_origins: list[str],
        max_body: int,
        max_upload: int,
    ) -> None:
        self.app = app
        self.hosts = {h.strip("[]") for h in allowed_hosts}
        self.any_host = "*" in allowed_hosts
        self.cors_origins = set(cors_origins)
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if not self.any_host and _host_name(host).strip("[]") not in self.hosts:
            await _reject(send, 400, "host_not_allowed", "Host nicht erlaubt (LOTSE_ALLOWED_HOSTS)")
            return
        method = scope["method"]
        path: str = scope["path"]
        if method not in SAFE_METHODS and not path.startswith(SERVER_TO_SERVER):
            problem = self._cross_site(headers, host)
            if problem:
                await _reject(send, 403, "cross_site", problem)
                return
            kind = headers.get("content-type", "").split(";")[0].strip().lower()
            wanted = "multipart/form-data" if path in MULTIPART_ROUTES else "application/json"
            has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
            if (
                path.startswith("/v1/")
                and has_body
                and kind != wanted
                and not kind.endswith("+json")
            ):
                await _reject(send, 415, "unsupported_media_type", f"Inhaltstyp {wanted} erwartet")
                return
        limit = self.max_upload if path in MULTIPART_ROUTES else self.max_body
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _reject(send, 413, "too_large", f"Anfrage größer als {limit} Bytes")
            return
        await self.app(scope, _limited(receive, limit), send)

    def _cross_site(self, headers: Headers, host: str) -> str | None:
        site = headers.get("sec-fetch-site")
        origin = headers.get("origin")
        if origin and origin in self.cors_origins:
            return None
        if site is not None and site not in ("same-origin", "none"):
            return "Schreibende Anfragen von fremden Seiten sind nicht erlaubt"
        if origin is not None and (
            origin == "null" or urlsplit(origin).netloc.lower() != host.lower()
        ):
            return "Schreibende Anfragen von fremden Seiten sind nicht erlaubt"
        return None


def _limited(receive: Receive, limit: int) -> Receive:
    """receive() that stops reading a chunked body once it passes the limit (413)."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, f"Anfrage größer als {limit} Bytes")
        return message

    return wrapped
