"""Uploaded files: sanitised names, generated folders, atomic writes (no path traversal)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
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


@dataclass
class StoredUpload:
    """An upload written to its place; previous is the file it replaced, kept until committed."""

    path: Path
    previous: Path | None = None

    def commit(self) -> None:
        """The new file was ingested: drop the replaced one."""
        if self.previous is not None:
            self.previous.unlink(missing_ok=True)

    def roll_back(self) -> None:
        """The new file was refused: put the replaced file back (or remove the new one)."""
        if self.previous is not None:
            os.replace(self.previous, self.path)
        else:
            self.path.unlink(missing_ok=True)


def store_upload(folder: Path, filename: str, data: bytes) -> StoredUpload:
    """Write an upload under uploads/<id of its file name>/<safe name>, atomically.

    The folder id hashes the original file name, so two names that sanitise alike never replace
    each other, while uploading the same name again updates that document.
    """
    name = safe_name(filename)
    original = PureWindowsPath(PurePosixPath(filename or "").name).name
    target_dir = folder / hashlib.sha256(original.encode("utf-8", "replace")).hexdigest()[:16]
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    tmp = target_dir / f".{name}.{os.getpid()}.tmp"
    tmp.write_bytes(data)
    previous = None
    if target.exists():
        previous = target_dir / f".{name}.{os.getpid()}.previous"
        os.replace(target, previous)
    os.replace(tmp, target)
    return StoredUpload(target, previous)
