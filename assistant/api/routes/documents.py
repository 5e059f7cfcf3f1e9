"""Documents: list, show, upload (multipart), delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import JSONResponse

from assistant.api.deps import AdminScope, ServicesDep
from assistant.api.errors import ApiError
from assistant.api.schemas import (
    DocumentDetailOut,
    DocumentListOut,
    ErrorResponse,
    UploadOut,
)
from assistant.errors import DocumentNotFound

router = APIRouter(prefix="/v1/documents", tags=["documents"])
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 413, 422, 429, 503)
}


@router.get("", response_model=DocumentListOut, responses=ERRORS)
def list_documents(
    services: ServicesDep,
    _: AdminScope,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    doc_type: Annotated[str | None, Query(max_length=40)] = None,
    jurisdiction: Annotated[str | None, Query(max_length=80)] = None,
) -> dict[str, Any]:
    """Ingested documents, ordered by id; filter by `doc_type` or `jurisdiction`."""
    docs = services.manifest.documents()
    if doc_type:
        docs = [d for d in docs if d.doc_type == doc_type]
    if jurisdiction:
        docs = [d for d in docs if d.jurisdiction == jurisdiction]
    page = docs[offset : offset + limit]
    return {
        "documents": [d.as_dict() for d in page],
        "total": len(docs),
        "offset": offset,
        "limit": limit,
    }


@router.get("/{doc_id}", response_model=DocumentDetailOut, responses=ERRORS)
def get_document(doc_id: str, services: ServicesDep, _: AdminScope) -> dict[str, Any]:
    """One document with its sections (§) or pages in reading order."""
    doc = services.manifest.get_document(doc_id)
    if doc is None:
        raise DocumentNotFound(doc_id)
    labels: list[str] = []
    for chunk in services.manifest.document_chunks(doc_id):
        meta = chunk.metadata
        label = meta.get("section") or (f"Seite {meta['page']}" if meta.get("page") else None)
        if label and label not in labels:
            labels.append(str(label))
    return {**doc.as_dict(), "sections": labels}


@router.post(
    "",
    response_model=UploadOut,
    status_code=201,
    responses={**ERRORS, 207: {"model": UploadOut}},
)
async def upload_documents(
    services: ServicesDep,
    _: AdminScope,
    files: Annotated[list[UploadFile], File(description="PDF, Markdown, HTML oder Text")],
) -> Any:
    """Upload and ingest files; one result per file.

    201 when every file was ingested (or was unchanged or a duplicate), 207 (multi-status)
    when at least one file failed: each result then says why.
    """
    settings = services.settings
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
    from starlette.concurrency import run_in_threadpool

    results = await run_in_threadpool(services.ingest_uploads, payload)
    body = {
        "results": [
            {
                "filename": r.path,
                "status": r.status,
                "doc_id": r.doc_id,
                "chunks": r.chunks,
                "reason": r.reason,
                "warnings": r.warnings,
            }
            for r in results
        ]
    }
    failed = sum(1 for r in results if r.status == "failed")
    status = 201 if failed == 0 else 207
    return JSONResponse(body, status_code=status)


@router.delete("/{doc_id}", status_code=204, responses=ERRORS)
def delete_document(doc_id: str, services: ServicesDep, _: AdminScope) -> None:
    """Remove a document and its chunks (and the uploaded file)."""
    services.remove_document(doc_id)
