"""Finding the files to ingest: folders walked safely, symlinks kept inside their root."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SUPPORTED = (".pdf", ".md", ".markdown", ".mdx", ".html", ".htm", ".txt", ".text")
FOLDER_TYPES = {
    "position-papers": "position_paper",
    "positionspapiere": "position_paper",
    "legal": "legal_framework",
    "recht": "legal_framework",
    "case-studies": "case_study",
    "fallstudien": "case_study",
}


@dataclass
class Candidate:
    """A file to ingest, or a reason it was refused before loading."""

    path: Path
    root: Path | None
    refused: str | None = None


def discover(target: Path) -> list[Candidate]:
    """Files under a folder (sorted), or the file itself; unsupported folder files are skipped."""
    if not target.exists() and not target.is_symlink():
        return [Candidate(target, None, "Pfad existiert nicht")]
    if not target.is_dir():
        return [Candidate(target, None)]
    root = target.resolve()
    found: list[Candidate] = []
    for folder, dirs, files in os.walk(target, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(SUPPORTED):
                continue
            path = Path(folder) / name
            refused = None
            if path.is_symlink():
                resolved = path.resolve()
                if not resolved.is_relative_to(root):
                    refused = "symbolischer Link zeigt aus dem Ordner heraus – abgelehnt"
                elif not resolved.is_file():
                    refused = "symbolischer Link ohne Ziel"
            found.append(Candidate(path, root, refused))
    return found


def type_from_path(path: Path) -> str | None:
    """Document type from a folder name such as corpus/legal/."""
    for part in reversed(path.parts[:-1]):
        doc_type = FOLDER_TYPES.get(part.lower())
        if doc_type:
            return doc_type
    return None


def slugify(name: str) -> str:
    """ASCII slug for document ids: 'Übersicht – Straße #1' → 'uebersicht-strasse-1'."""
    text = name.lower()
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(src, dst)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9_]+", "-", text).strip("-_")
    return text[:80] or "dokument"
