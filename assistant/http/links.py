"""Signed links to original files: a second credential besides the Bearer key.

A link carries an HMAC signature over (doc_id, expiry) derived from the configured keys, so a
plain <a href> works without a Bearer header; it is only issued to principals that may download.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import quote

LINK_SECONDS = 3600


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


def disposition(name: str, inline: bool) -> str:
    """Content-Disposition with an ASCII fallback and the UTF-8 file name."""
    ascii_name = (
        "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
        or "dokument"
    )
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
