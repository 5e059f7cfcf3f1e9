"""Uploaded files: sanitised names, generated folders, atomic writes (no path traversal)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path, PurePosixPath, PureWindowsPath

from assistant.errors import InvalidRequest
from ingest.discovery import SUPPORTED, slugify


def safe_name(filename: str) -> str:
    """'../../etc/Übersicht (1).PDF' → 'uebersicht-1.pdf'; unsupported types are refused."""
    base = PureWindowsPath(PurePosixPath(filename or "").name).name
    stem, dot, suffix = base.rpartition(".")
    suffix = f".{suffix.lower()}" if dot else ""
    if suffix not in SUPPORTED:
        raise InvalidRequest("files", f"{filename!r}: Dateityp nicht unterstützt")
    return f"{slugify(stem or 'dokument')}{suffix}"


def store_upload(folder: Path, filename: str, data: bytes) -> Path:
    """Write an upload under uploads/<generated id>/<safe name>; same name → same place."""
    name = safe_name(filename)
    target_dir = folder / hashlib.sha256(name.encode()).hexdigest()[:16]
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    tmp = target_dir / f".{name}.{os.getpid()}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target
