"""Documents: the ingested documents and the results of an upload."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class DocumentOut(BaseModel):
    """An ingested document."""

    doc_id: str
    path: str | None = None
    title: str
    doc_type: str
    stand: str | None = None
    jurisdiction: str | None = None
    law: str | None = None
    law_title: str | None = None
    source_url: str | None = None
    chunk_count: int
    warnings: list[str] = []
    ingested_at: float
    file_url: str | None = None
    visibility: Literal["public", "organisation"] = "public"
    organisation: str | None = None


class DocumentDetailOut(DocumentOut):
    """A document with its sections or pages."""

    sections: list[str] = []


class DocumentListOut(BaseModel):
    """A page of documents."""

    documents: list[DocumentOut]
    total: int
    offset: int
    limit: int


class UploadResultOut(BaseModel):
    """Outcome per uploaded file."""

    filename: str
    status: str
    doc_id: str | None = None
    chunks: int = 0
    reason: str | None = None
    warnings: list[str] = []


class UploadOut(BaseModel):
    """Per-file results of an upload."""

    results: list[UploadResultOut]
