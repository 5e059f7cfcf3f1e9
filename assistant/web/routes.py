"""Routes of the advisors' web page.

- `GET /` the page (German UI, strict Content-Security-Policy), `GET /web/static/<name>` assets
- `GET /web/api/filters` document types and jurisdictions for the filter controls
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

from assistant.api.deps import AskScope
from assistant.api.errors import ApiError
from assistant.api.schemas import ErrorResponse
from assistant.services import Services
from assistant.web.context import chunk_context
from assistant.web.docx_export import draft_docx
from assistant.web.files import (
    FileUnavailable,
    disposition,
    file_url,
    link_key,
    media_type,
    read_document,
    verify,
)

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
DOC_TYPE_LABELS = {
    "legal_framework": "Rechtsrahmen",
    "position_paper": "Positionspapier",
    "case_study": "Fallbeispiel",
    "other": "Sonstiges",
}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 422, 429)
}


class DraftIn(BaseModel):
    """An edited reply draft."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=100_000)
    title: str | None = Field(default=None, max_length=200)


def _assets() -> dict[str, Path]:
    """Served assets by file name (a fixed list: no path from a request reaches the disk)."""
    return {p.name: p for p in STATIC.iterdir() if p.is_file() and p.suffix in ASSET_TYPES}


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get("x-api-key") or None


def _decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def web_router(services: Services, signing_key: bytes | None) -> APIRouter:
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
    def filters(_: AskScope) -> dict[str, Any]:
        docs = services.manifest.documents()
        types: dict[str, int] = {}
        places: dict[str, int] = {}
        for doc in docs:
            types[doc.doc_type] = types.get(doc.doc_type, 0) + 1
            if doc.jurisdiction:
                places[doc.jurisdiction] = places.get(doc.jurisdiction, 0) + 1
        return {
            "documents": len(docs),
            "doc_types": [
                {"value": value, "label": label, "count": types.get(value, 0)}
                for value, label in DOC_TYPE_LABELS.items()
            ],
            "jurisdictions": [
                {"value": value, "count": count} for value, count in sorted(places.items())
            ],
        }

    @router.get("/web/api/chunks/{chunk_id}", include_in_schema=False)
    def chunk(
        chunk_id: str,
        _: AskScope,
        quote: Annotated[str, Query(max_length=4000)] = "",
        around: Annotated[int, Query(ge=0, le=3)] = 1,
    ) -> dict[str, Any]:
        if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,128}", chunk_id):
            raise ApiError(404, "not_found", "Abschnitt nicht gefunden")
        found = chunk_context(services.manifest, chunk_id, quote, around)
        if found is None:
            raise ApiError(404, "not_found", f"Abschnitt nicht gefunden: {chunk_id}")
        doc, body = found
        redact = services.engine.redact
        for passage in body.get("passages", []):
            passage["breadcrumb"] = redact(passage["breadcrumb"])
            for segment in passage["segments"]:
                segment["text"] = redact(segment["text"])
        path = Path(doc.path)
        kind, _inline = media_type(path)
        return {
            **body,
            "file_url": file_url(doc.doc_id, signing_key),
            "file_kind": "pdf"
            if kind == "application/pdf"
            else "text"
            if kind.startswith("text/")
            else "other",
            "file_available": path.is_file(),
        }

    @router.get("/web/api/recent", include_in_schema=False)
    def recent(_: AskScope, limit: Annotated[int, Query(ge=1, le=100)] = 30) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        for row in services.records.recent(limit):
            record = services.records.get_answer(row["answer_id"]) or {}
            answer = record.get("answer") or {}
            feedback = record.get("feedback") or []
            tags: list[str] = []
            for entry in feedback:
                tags.extend(t for t in entry.get("tags") or [] if t not in tags)
            items.append(
                {
                    **row,
                    "conversation_id": record.get("conversation_id"),
                    "abstained": bool(answer.get("abstained")),
                    "outcome": answer.get("outcome")
                    or ("abstain" if answer.get("abstained") else "answer"),
                    "citations": len(answer.get("citations") or []),
                    "tags": tags,
                    "comments": [e["comment"] for e in feedback if e.get("comment")][-3:],
                }
            )
        return {"questions": items}

    @router.get("/web/files/{doc_id}", include_in_schema=False)
    def original(
        doc_id: str,
        request: Request,
        expires: Annotated[int | None, Query()] = None,
        sig: Annotated[str | None, Query(max_length=128)] = None,
    ) -> Response:
        ring = request.app.state.keyring
        if ring.enabled:
            signed = (
                signing_key is not None
                and expires is not None
                and sig is not None
                and verify(signing_key, doc_id, expires, sig)
            )
            if not signed:
                presented = _presented_key(request)
                key = ring.find(presented) if presented else None
                if key is None or "ask" not in key.scopes:
                    raise ApiError(401, "unauthorized", "Link abgelaufen oder ungültig")
        doc = services.manifest.get_document(doc_id)
        if doc is None:
            raise ApiError(404, "not_found", f"Dokument nicht gefunden: {doc_id}")
        try:
            data = read_document(doc)
        except FileUnavailable as exc:
            raise ApiError(404, "not_found", str(exc)) from exc
        path = Path(doc.path)
        kind, inline = media_type(path)
        headers = {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "private, no-cache",
            "Content-Disposition": disposition(path, inline),
        }
        if kind != "application/pdf":
            headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        if kind.startswith("text/"):
            data = services.engine.redact(_decode_text(data)).encode("utf-8")
        elif any(
            services.engine.redact(c.text) != c.text
            for c in services.manifest.document_chunks(doc_id)
        ):  # a PDF or other binary cannot be redacted: not served at all
            raise ApiError(
                403, "forbidden", "Originaldatei enthält vertrauliche Werte: nicht abrufbar"
            )
        return Response(data, media_type=kind, headers=headers)

    return router


def drafts_router() -> APIRouter:
    """POST /v1/drafts/docx."""
    router = APIRouter(prefix="/v1/drafts", tags=["drafts"])

    @router.post(
        "/docx",
        responses={**ERRORS, 200: {"content": {DOCX_TYPE: {}}, "description": "Word-Datei"}},
        response_class=Response,
    )
    def docx(body: DraftIn, _: AskScope) -> Response:
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


def mount_web(app: FastAPI, services: Services) -> None:
    """Serve the page at / and its assets and helper endpoints."""
    secret = services.settings.api_keys.get_secret_value() if services.settings.api_keys else ""
    ring = getattr(app.state, "keyring", None)
    signing_key = link_key(secret) if ring is not None and ring.enabled else None
    app.include_router(web_router(services, signing_key))
    app.include_router(drafts_router())
