"""Sources of `lotse sync`: their last runs and a started run."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class SourceOut(BaseModel):
    """A source of `lotse sync` with its last run."""

    name: str
    kind: Literal["path", "url", "sitemap", "git"]
    location: str = Field(description="Ordner, Adresse oder Repository (Zugangsdaten maskiert)")
    configured: bool = Field(description="steht (noch) in der Quellendatei")
    status: Literal["ok", "partial", "failed", "never"] = Field(
        description="letzter Lauf: ok, partial (einzelne Einträge fehlgeschlagen), failed "
        "(Quelle nicht erreichbar: nichts gelöscht) oder never"
    )
    started_at: str | None
    finished_at: str | None
    last_success: str | None = Field(description="Ende des letzten nicht fehlgeschlagenen Laufs")
    seconds: float
    items: int = Field(description="bekannte Einträge der Quelle")
    added: int
    updated: int
    unchanged: int
    removed: int = Field(description="in zwei erfolgreichen Läufen nacheinander gefehlt: entfernt")
    missing: int = Field(description="beim letzten Lauf gefehlt (beim nächsten Fehlen entfernt)")
    skipped: int
    failed: int
    errors: list[str]
    removed_items: list[str]
    renamed_from: str | None = Field(
        default=None,
        description="umbenannt von: der alte Name, dessen Zustand, Dateien und Dokumente die "
        "Quelle übernommen hat (gleiche Art und gleicher Ort)",
    )


class SourcesOut(BaseModel):
    """The sources file and each source's last run."""

    config: str = Field(description="die Quellendatei (LOTSE_SYNC_CONFIG)")
    config_error: str | None = Field(description="warum die Quellendatei nicht lesbar ist")
    sources: list[SourceOut]


class SyncStartedOut(BaseModel):
    """A sync run started in the background."""

    started: bool
    config: str = Field(description="die Quellendatei, die der Lauf liest")
