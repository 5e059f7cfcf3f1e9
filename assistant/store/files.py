"""Original documents: only ingested files, unchanged since ingest.

A document is looked up by doc_id in the manifest, never by a path from the request. The file's
bytes must hash to the manifest's content_hash, so exactly the ingested document is served (a
file changed, swapped or re-pointed since ingest is refused). PDFs are served inline as
application/pdf (so that `#page=N` opens the page); everything else as plain text or a
download, never as HTML.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from assistant.store.manifest import DocumentRecord

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".csv", ".json", ".xml"}


class FileUnavailable(Exception):
    """The document's file cannot be served (gone, changed or not a regular file)."""


def media_type(path: Path) -> tuple[str, bool]:
    """(Content-Type, inline) for a document file; HTML is never served as HTML."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "application/pdf", True
    if suffix in TEXT_SUFFIXES:
        return "text/plain; charset=utf-8", True
    return "application/octet-stream", False


def read_document(doc: DocumentRecord) -> bytes:
    """The bytes of the ingested file, checked against the manifest."""
    path = Path(doc.path)
    if not path.is_absolute():
        path = Path.cwd() / path
    if not path.is_file():
        raise FileUnavailable("Originaldatei nicht mehr vorhanden")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != doc.content_hash:
        raise FileUnavailable("Originaldatei wurde seit dem Einlesen geändert")
    return data
