"""Routes of the advisors' web page.

- `GET /` the page (German UI, strict Content-Security-Policy), `GET /web/static/<name>` assets
- `GET /web/api/filters` document types and jurisdictions for the filter controls
- `GET /web/api/me` the key's scopes and organisation (which parts of the page to show)
- `GET /web/api/chunks/{chunk_id}` a cited chunk with its neighbours, the quote marked
- `GET /web/api/recent` recent questions with their feedback
- `GET /web/files/{doc_id}` the original file of an ingested document (signed link when
  API keys are configured)
- `POST /v1/drafts/docx` a reply draft as .docx
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.core import Assistant, Principal
from assistant.domain import Scope
from assistant.http.auth import AssistantDep, PrincipalDep, identify
from assistant.http.errors import COMMON, ApiError, responses
from assistant.http.links import disposition, file_url, link_key, verify
from assistant.web.docx_export import draft_docx

STATIC = Path(__file__).parent / "static"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
ASSET_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
}
ERRORS = responses(*COMMON, 404)


class DraftIn(BaseModel):
    """An edited reply draft."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=100_000)
    title: str | None = Field(default=None, max_length=200)


def _assets() -> dict[str, Path]:
    """Served assets by file name (a fixed list: no path from a request reaches the disk)."""
    return {p.name: p for p in STATIC.iterdir() if p.is_file() and p.suffix in ASSET_TYPES}


# a valid signed link was issued to a principal allowed to download originals
LINK = Principal("signed-link", frozenset({Scope.ADVISE}), None, "web")


def web_router(signing_key: bytes | None) -> APIRouter:
    """The page, its assets and its helper endpoints."""
    router = APIRouter()
    assets = _assets()
    page = (STATIC / "index.html").read_bytes()

    @router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> Response:
        return Response(
            page,
            media_type="text/html; charset=utf-8",
            headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"},
        )

    @router.get("/web/static/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        path = assets.get(name)
        if path is None:
            raise ApiError(404, "not_found", "Datei nicht gefunden")
        return FileResponse(
            path,
            media_type=ASSET_TYPES[path.suffix],
            headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"},
        )

    @router.get("/web/api/filters", include_in_schema=False)
    def filters(assistant: AssistantDep, principal: PrincipalDep) -> dict[str, Any]:
        return assistant.filters(principal)

    @router.get("/web/api/vocabulary", include_in_schema=False)
    def vocabulary(assistant: AssistantDep) -> dict[str, object]:
        return assistant.vocabulary()

    @router.get("/web/api/me", include_in_schema=False)
    def me(principal: PrincipalDep) -> dict[str, Any]:
        return {
            "scopes": sorted(str(s) for s in principal.scopes),
            "organisation": principal.organisation,
        }

    @router.get("/web/api/chunks/{chunk_id}", include_in_schema=False)
    def chunk(
        chunk_id: str,
        assistant: AssistantDep,
        principal: PrincipalDep,
        quote: Annotated[str, Query(max_length=4000)] = "",
        around: Annotated[int, Query(ge=0, le=3)] = 1,
    ) -> dict[str, Any]:
        if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,128}", chunk_id):
            raise ApiError(404, "not_found", "Abschnitt nicht gefunden")
        body = assistant.passage(principal, chunk_id, quote, around)
        allowed = assistant.may_download(principal)
        body["file_url"] = file_url(body["doc_id"], signing_key) if allowed else None
        body["file_available"] = bool(body["file_available"] and allowed)
        return body

    @router.get("/web/api/recent", include_in_schema=False)
    def recent(
        assistant: AssistantDep,
        principal: PrincipalDep,
        limit: Annotated[int, Query(ge=1, le=100)] = 30,
    ) -> dict[str, Any]:
        return {"questions": assistant.recent(principal, limit)}

    @router.api_route("/web/files/{doc_id}", methods=["GET", "HEAD"], include_in_schema=False)
    def original(
        doc_id: str,
        request: Request,
        assistant: AssistantDep,
        expires: Annotated[int | None, Query()] = None,
        sig: Annotated[str | None, Query(max_length=128)] = None,
    ) -> Response:
        signed = (
            signing_key is not None
            and expires is not None
            and sig is not None
            and verify(signing_key, doc_id, expires, sig)
        )
        principal: Principal | None = LINK if signed else identify(request, required=False)
        if principal is None:
            raise ApiError(401, "unauthorized", "Link abgelaufen oder ungültig")
        found = assistant.original(principal, doc_id)
        headers = {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "private, no-cache",
            "Content-Disposition": disposition(found.name, found.inline),
        }
        if found.media_type != "application/pdf":
            headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return Response(found.data, media_type=found.media_type, headers=headers)

    return router


def drafts_router() -> APIRouter:
    """POST /v1/drafts/docx."""
    router = APIRouter(prefix="/v1/drafts", tags=["drafts"])

    @router.post(
        "/docx",
        responses={**ERRORS, 200: {"content": {DOCX_TYPE: {}}, "description": "Word-Datei"}},
        response_class=Response,
    )
    def docx(body: DraftIn, principal: PrincipalDep) -> Response:
        """The (edited) reply draft as a Word document (.docx).

        Lines starting with `#` become headings, lines starting with `-` bullet points, blank
        lines separate paragraphs; `**bold**` is kept.
        """
        data = draft_docx(body.text, body.title)
        return Response(
            data,
            media_type=DOCX_TYPE,
            headers={
                "Content-Disposition": 'attachment; filename="Antwortentwurf.docx"',
                "X-Content-Type-Options": "nosniff",
            },
        )

    return router


def mount_web(app: FastAPI, assistant: Assistant) -> None:
    """Serve the page at / and its assets and helper endpoints."""
    secret = assistant.settings.api_keys
    signing_key = (
        link_key(secret.get_secret_value()) if secret and assistant.keyring.enabled else None
    )
    app.include_router(web_router(signing_key))
    app.include_router(drafts_router())
