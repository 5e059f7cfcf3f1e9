"""Document use cases behind the facade: lists, details, passages, original files, ingest."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.core.passages import chunk_context
from assistant.core.results import DocumentsPage, OriginalFile
from assistant.domain import DOC_TYPE_LABELS
from assistant.errors import ConfigError, DocumentNotFound, Forbidden, NotFound
from assistant.providers.llm import build_chat_model
from assistant.retrieval.results import display_name, file_path
from assistant.services import Services
from assistant.store.enrichment import EnrichmentStore
from assistant.store.files import FileUnavailable, media_type, read_document
from assistant.store.manifest import DocumentRecord, Manifest, law_key_of
from ingest.enrich import EnrichReport
from ingest.enrich import enrich as run_enrich
from ingest.pipeline import Ingestor, IngestReport, ProgressCallback


def public(doc: DocumentRecord) -> dict[str, Any]:
    """A document as shown to clients: file name and URL instead of the server path."""
    data = doc.as_dict()
    data["path"] = display_name(doc.path)
    data["file_url"] = file_path(doc.doc_id)
    return data


def with_visibility(data: dict[str, Any], private: dict[str, str]) -> dict[str, Any]:
    """A document dict with its visibility and (for organisation documents) organisation."""
    organisation = private.get(str(data["doc_id"]))
    data["visibility"] = "organisation" if organisation else "public"
    data["organisation"] = organisation
    return data


def page(
    manifest: Manifest, offset: int, limit: int, doc_type: str | None, jurisdiction: str | None
) -> DocumentsPage:
    """A filtered page of the document list."""
    found = manifest.documents()
    if doc_type:
        found = [d for d in found if d.doc_type == doc_type]
    if jurisdiction:
        found = [d for d in found if d.jurisdiction == jurisdiction]
    private = manifest.private_documents()
    return DocumentsPage(
        [with_visibility(public(d), private) for d in found[offset : offset + limit]],
        len(found),
        offset,
        limit,
    )


def detail(manifest: Manifest, doc_id: str) -> dict[str, Any]:
    """One document with its sections (§) or pages in reading order."""
    doc = manifest.get_document(doc_id)
    if doc is None:
        raise DocumentNotFound(doc_id)
    labels: list[str] = []
    for chunk in manifest.document_chunks(doc_id):
        meta = chunk.metadata
        label = meta.get("section") or (f"Seite {meta['page']}" if meta.get("page") else None)
        if label and label not in labels:
            labels.append(str(label))
    return {**with_visibility(public(doc), manifest.private_documents()), "sections": labels}


def ingest(
    services: Services,
    paths: Sequence[Path],
    doc_type: str | None,
    prune: bool,
    progress: ProgressCallback | None,
    defer_vectors: bool,
) -> IngestReport:
    """Ingest under the writer lock."""
    with services.writer_lock():
        ingestor = Ingestor(services.index, services.settings, progress, defer_vectors)
        return ingestor.run(list(paths), doc_type=doc_type, prune=prune)


def passage(services: Services, chunk_id: str, quote: str, around: int) -> dict[str, Any]:
    """A chunk in context, redacted, with where its original file is."""
    found = chunk_context(services.manifest, chunk_id, quote, around)
    if found is None:
        raise NotFound(f"Abschnitt nicht gefunden: {chunk_id}")
    doc, body = found
    redact = services.engine.redact
    for item in body.get("passages", []):
        item["breadcrumb"] = redact(item["breadcrumb"])
        for segment in item["segments"]:
            segment["text"] = redact(segment["text"])
    path = Path(doc.path)
    kind, _inline = media_type(path)
    body["file_kind"] = (
        "pdf" if kind == "application/pdf" else "text" if kind.startswith("text/") else "other"
    )
    body["file_available"] = path.is_file()
    return body


def original(services: Services, doc_id: str) -> OriginalFile:
    """The ingested file (unchanged since ingest); text redacted, binaries with secrets refused."""
    doc = services.manifest.get_document(doc_id)
    if doc is None:
        raise DocumentNotFound(doc_id)
    try:
        data = read_document(doc)
    except FileUnavailable as exc:
        raise NotFound(str(exc)) from exc
    path = Path(doc.path)
    kind, inline = media_type(path)
    redact = services.engine.redact
    if kind.startswith("text/"):
        data = redact(_decode_text(data)).encode("utf-8")
    elif any(redact(c.text) != c.text for c in services.manifest.document_chunks(doc_id)):
        raise Forbidden("admin", "Originaldatei mit vertraulichen Werten (nicht abrufbar)")
    return OriginalFile(data, kind, inline, path.name)


def _decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def filter_values(manifest: Manifest, hidden: set[str]) -> dict[str, Any]:
    """Document types and jurisdictions with counts (of the documents the principal sees)."""
    found = [d for d in manifest.documents() if d.doc_id not in hidden]
    types: dict[str, int] = {}
    places: dict[str, int] = {}
    for doc in found:
        types[doc.doc_type] = types.get(doc.doc_type, 0) + 1
        if doc.jurisdiction:
            places[doc.jurisdiction] = places.get(doc.jurisdiction, 0) + 1
    return {
        "documents": len(found),
        "doc_types": [
            {"value": str(value), "label": label, "count": types.get(str(value), 0)}
            for value, label in DOC_TYPE_LABELS.items()
        ],
        "jurisdictions": [{"value": v, "count": c} for v, c in sorted(places.items())],
    }


def recent_item(row: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """A recent question with its outcome and feedback."""
    answer = record.get("answer") or {}
    feedback = record.get("feedback") or []
    tags: list[str] = []
    for entry in feedback:
        tags.extend(t for t in entry.get("tags") or [] if t not in tags)
    return {
        **row,
        "conversation_id": record.get("conversation_id"),
        "abstained": bool(answer.get("abstained")),
        "outcome": answer.get("outcome") or ("abstain" if answer.get("abstained") else "answer"),
        "citations": len(answer.get("citations") or []),
        "tags": tags,
        "comments": [e["comment"] for e in feedback if e.get("comment")][-3:],
    }


def enrich(settings: Settings, laws: list[str] | None, limit: int | None) -> EnrichReport:
    """Everyday questions per § from the configured LLM (resumable, cached by content hash)."""
    model = build_chat_model(settings)
    if model is None:
        raise ConfigError("kein LLM konfiguriert (LOTSE_LLM_BASE_URL)")
    store = EnrichmentStore(settings.enrichment_path)
    manifest = Manifest(settings.manifest_path)
    try:
        wanted = {law_key_of(x) for x in laws} if laws else None
        return run_enrich(manifest, store, model, settings.llm_model, wanted, limit)
    finally:
        manifest.close()
        store.close()
