"""Original documents for the source link: only ingested files, unchanged since ingest.

A document is looked up by doc_id in the manifest, never by a path from the request. The file's
bytes must hash to the manifest's content_hash, so exactly the ingested document is served (a
file changed, swapped or re-pointed since ingest is refused). PDFs are served inline as
application/pdf (so that `#page=N` opens the page); everything else as plain text or a
download, never as HTML.

When API keys are configured, a link carries an HMAC signature over (doc_id, expiry) derived
from the configured keys, so a plain <a href> works without a Bearer header.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path
from urllib.parse import quote

from assistant.store.manifest import DocumentRecord

LINK_SECONDS = 3600
TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".csv", ".json", ".xml"}


class FileUnavailable(Exception):
    """The document's file cannot be served (gone, changed or not a regular file)."""


def link_key(api_keys_secret: str) -> bytes:
    """Signing key for file links, derived from the configured API keys (same in every worker)."""
    return hashlib.sha256(b"digitallotse-web-file-link\x00" + api_keys_secret.encode()).digest()


def sign(key: bytes, doc_id: str, expires: int) -> str:
    """Signature of a file link."""
    message = f"{doc_id}\x00{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def verify(key: bytes, doc_id: str, expires: int, signature: str, now: float | None = None) -> bool:
    """True when the signature is valid and not expired."""
    if expires < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(sign(key, doc_id, expires), signature)


def file_url(doc_id: str, key: bytes | None, now: float | None = None) -> str:
    """Relative URL of the original file (signed when key is given)."""
    url = f"/web/files/{quote(doc_id, safe='')}"
    if key is None:
        return url
    expires = int((now if now is not None else time.time()) + LINK_SECONDS)
    return f"{url}?expires={expires}&sig={sign(key, doc_id, expires)}"


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


def disposition(path: Path, inline: bool) -> str:
    """Content-Disposition with an ASCII fallback and the UTF-8 file name."""
    name = path.name
    ascii_name = (
        "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
        or "dokument"
    )
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
