"""The sources file of `lotse sync`: where documents live (folders, pages, sitemaps, git)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.domain import DocType, Visibility
from assistant.errors import ConfigError

Kind = Literal["path", "url", "sitemap", "git"]
KINDS: tuple[Kind, ...] = ("path", "url", "sitemap", "git")
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$"
GIT_SCHEMES = ("https", "http", "ssh", "git", "file")
MAX_SOURCES_BYTES = 1024 * 1024
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")


class Source(BaseModel):
    """One source: exactly one of path, url, sitemap or git; type and visibility optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=NAME_PATTERN)
    path: Path | None = None
    url: str | None = None
    sitemap: str | None = None
    git: str | None = None
    branch: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")
    include: tuple[str, ...] = ()  # glob patterns relative to the folder or repository root
    type: DocType | None = None
    visibility: Visibility = Visibility.PUBLIC
    organisation: str | None = Field(default=None, min_length=1, max_length=120)

    @field_validator("url", "sitemap")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and (
            urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname
        ):
            raise ValueError("http(s)-Adresse erwartet")
        return value

    @field_validator("git")
    @classmethod
    def _git_location(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.strip() or value.startswith("-"):
            raise ValueError("Repository-Adresse oder Ordner erwartet")
        scheme = urlsplit(value).scheme
        if "://" in value and scheme not in GIT_SCHEMES:
            raise ValueError(f"Schema {scheme!r} nicht unterstützt ({', '.join(GIT_SCHEMES)})")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Source:
        given = [k for k in KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("genau eines von path, url, sitemap, git angeben")
        if (self.branch or self.include) and self.kind not in ("git", "path"):
            raise ValueError("branch und include gelten nur für path- und git-Quellen")
        if self.branch and self.kind != "git":
            raise ValueError("branch gilt nur für git-Quellen")
        if (self.visibility == Visibility.ORGANISATION) != (self.organisation is not None):
            raise ValueError("organisation genau dann angeben, wenn visibility: organisation")
        return self

    @property
    def kind(self) -> Kind:
        """path, url, sitemap or git."""
        kind: Kind = next(k for k in KINDS if getattr(self, k) is not None)
        return kind

    @property
    def location(self) -> str:
        """The folder, address or repository as written (credentials in URLs masked)."""
        return mask_credentials(str(getattr(self, self.kind)))

    @property
    def identity(self) -> dict[str, Any]:
        """What the source is read from: kind, location, branch, include (renames match on it)."""
        return {
            "kind": self.kind,
            "location": self.location,
            "branch": self.branch,
            "include": sorted(self.include),
        }

    def is_local_git(self) -> bool:
        """A git source given as a folder (a local clone) rather than a URL."""
        return self.git is not None and "://" not in self.git and not _scp_like(self.git)


class SourcesFile(BaseModel):
    """The whole file: `sources:` a list with unique names."""

    model_config = ConfigDict(extra="forbid")

    sources: list[Source] = Field(default_factory=list)

    @field_validator("sources")
    @classmethod
    def _unique(cls, sources: list[Source]) -> list[Source]:
        names = [s.name.lower() for s in sources]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"Name mehrfach vergeben: {', '.join(twice)}")
        return sources


def _scp_like(value: str) -> bool:
    """git's 'user@host:path' form."""
    head, colon, _ = value.partition(":")
    return bool(colon) and "@" in head and "/" not in head


def mask_credentials(text: str) -> str:
    """'… https://user:token@host/x …' → '… https://***@host/x …' (no secrets in reports)."""
    return _USERINFO.sub(r"\1***@", text)


def _where(loc: tuple[Any, ...]) -> str:
    """('sources', 2, 'url') → 'sources[2].url'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not part.startswith(("function-", "model-")):
            out += f".{part}" if out else str(part)
    return out or "(Datei)"


def load_sources(file: Path) -> list[Source]:
    """Read and check a sources file; ConfigError names the file and the field.

    Relative folders (path, git) are taken relative to the file's folder."""
    try:
        if file.stat().st_size > MAX_SOURCES_BYTES:
            raise ConfigError(f"Quellendatei {file}: größer als 1 MB")
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Quellendatei nicht gefunden: {file}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Quellendatei {file}: nicht lesbar ({type(exc).__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (Zeile {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"Quellendatei {file}: kein gültiges YAML{where}") from None
    if data is None:
        data = {}
    try:
        parsed = SourcesFile.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_where(e['loc'])}: {e['msg']}" for e in exc.errors()[:5]]
        raise ConfigError(f"Quellendatei {file}: " + "; ".join(problems)) from None
    base = file.parent.absolute()
    return [_resolved(s, base) for s in parsed.sources]


def _resolved(source: Source, base: Path) -> Source:
    if source.path is not None:
        return source.model_copy(update={"path": _joined(base, str(source.path))})
    if source.is_local_git():
        return source.model_copy(update={"git": str(_joined(base, str(source.git)))})
    return source


def _joined(base: Path, path: str) -> Path:
    """'../gesetze' relative to the sources file's folder, normalised."""
    return Path(os.path.normpath(base / Path(path).expanduser()))
