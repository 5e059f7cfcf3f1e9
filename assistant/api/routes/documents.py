"""Documents: list, show, upload (multipart), delete (scope admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from assistant.api.schemas import DocumentDetailOut, DocumentListOut, UploadOut
from assistant.domain import DocType, Visibility
from assistant.http.auth import AssistantDep, PrincipalDep
from assistant.http.errors import COMMON, ApiError, responses

router = APIRouter(prefix="/v1/documents", tags=["documents"])
ERRORS = responses(*COMMON, 404, 503)


@router.get("", response_model=DocumentListOut, responses=ERRORS)
def list_documents(
    assistant: AssistantDep,
    principal: PrincipalDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    doc_type: Annotated[DocType | None, Query()] = None,
    jurisdiction: Annotated[str | None, Query(max_length=80)] = None,
) -> dict[str, Any]:
    """Ingested documents, ordered by id; filter by `doc_type` or `jurisdiction`."""
    page = assistant.documents(
        principal, offset, limit, str(doc_type) if doc_type else None, jurisdiction
    )
    return {
        "documents": page.documents,
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
    }


@router.get("/{doc_id}", response_model=DocumentDetailOut, responses=ERRORS)
def get_document(doc_id: str, assistant: AssistantDep, principal: PrincipalDep) -> dict[str, Any]:
    """One document with its sections (§) or pages in reading order."""
    return assistant.document(principal, doc_id)


@router.post(
    "",
    response_model=UploadOut,
    status_code=201,
    responses={**ERRORS, 207: {"model": UploadOut}},
)
async def upload_documents(
    assistant: AssistantDep,
    principal: PrincipalDep,
    files: Annotated[list[UploadFile], File(description="PDF, Markdown, HTML oder Text")],
    visibility: Annotated[
        Visibility | None,
        Form(description="`public` (scope admin) or `organisation` (default for scope ask)"),
    ] = None,
) -> Any:
    """Upload and ingest files (multipart/form-data); one result per file.

    Staff (`ask`) upload for their organisation: nobody else sees those documents in ask,
    search, chat, citations, passages or downloads (advisors do). `admin` uploads are public
    unless `visibility=organisation`.

    201 when every file was ingested (or was unchanged or a duplicate), 207 (multi-status)
    when at least one file failed: each result then says why. Secrets found in a file are
    reported as warnings and masked in every output.
    """
    settings = assistant.settings
    if len(files) > settings.max_upload_files:
        raise ApiError(422, "invalid_request", f"files: höchstens {settings.max_upload_files}")
    limit = int(settings.max_upload_mb * 1024 * 1024)
    payload: list[tuple[str, bytes]] = []
    for upload in files:
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise ApiError(
                413, "too_large", f"{upload.filename}: größer als {settings.max_upload_mb} MB"
            )
        payload.append((upload.filename or "upload", data))
    results = await run_in_threadpool(assistant.upload, principal, payload, visibility)
    body = {"results": [r.__dict__ for r in results]}
    failed = sum(1 for r in results if r.status == "failed")
    return JSONResponse(body, status_code=201 if failed == 0 else 207)


@router.delete("/{doc_id}", status_code=204, responses=ERRORS)
def delete_document(doc_id: str, assistant: AssistantDep, principal: PrincipalDep) -> None:
    """Remove a document and its chunks (and the uploaded file); staff: their own uploads."""
    assistant.remove(principal, doc_id)
