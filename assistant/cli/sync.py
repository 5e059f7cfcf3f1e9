"""lotse sync / lotse sources: sync from where documents live, and each source's last run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.common import fail, settings_or_exit
from assistant.core import Assistant, Principal
from assistant.core.sync import check_sources
from assistant.errors import ConfigError, LotseError

STATUS = {"ok": "ok", "partial": "teilweise", "failed": "FEHLER", "never": "nie gelaufen"}
COLUMNS = (
    ("name", "Quelle", 18),
    ("kind", "Art", 7),
    ("status", "Status", 12),
    ("finished_at", "letzter Lauf", 25),
    ("added", "neu", 4),
    ("updated", "akt.", 4),
    ("unchanged", "unv.", 5),
    ("removed", "entf.", 5),
    ("failed", "Fehler", 6),
)
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Quellendatei (Standard: LOTSE_SYNC_CONFIG, sources.yaml)"),
]


def _counts(entry: dict[str, Any]) -> str:
    return (
        f"neu {entry['added']}, aktualisiert {entry['updated']}, unverändert "
        f"{entry['unchanged']}, entfernt {entry['removed']}, fehlend {entry['missing']}, "
        f"übersprungen {entry['skipped']}, fehlgeschlagen {entry['failed']}"
    )


def print_run(sources: list[dict[str, Any]]) -> None:
    """One line per source; errors and removed items below (on stderr)."""
    for entry in sources:
        renamed = f", umbenannt von {entry['renamed_from']}" if entry.get("renamed_from") else ""
        typer.echo(
            f"{entry['name']}: {STATUS.get(entry['status'], entry['status'])} – "
            f"{_counts(entry)} ({entry['seconds']:.1f} s{renamed})"
        )
        for item in entry["removed_items"]:
            typer.echo(f"ENTFERNT {entry['name']}: {item}", err=True)
        for error in entry["errors"]:
            typer.echo(f"FEHLER  {entry['name']}: {error}", err=True)


def print_sources(overview: dict[str, Any]) -> None:
    """A fixed-width table of the sources and their last runs."""
    if overview["config_error"]:
        typer.echo(f"Hinweis: {overview['config_error']}", err=True)
    typer.echo("  ".join(f"{title:<{width}}" for _, title, width in COLUMNS) + "  Ort")
    for entry in overview["sources"]:
        cells = []
        for key, _, width in COLUMNS:
            value = entry.get(key)
            text = STATUS.get(str(value), str(value)) if key == "status" else str(value or "–")
            cells.append(f"{text[:width]:<{width}}")
        renamed = f"  (vorher: {entry['renamed_from']})" if entry.get("renamed_from") else ""
        typer.echo("  ".join(cells) + "  " + entry["location"] + renamed)
        for error in entry["errors"]:
            typer.echo(f"{'':4}– {error}")
    if not overview["sources"]:
        typer.echo("(keine Quellen)")


def register(
    app: typer.Typer, assistant_factory: Callable[[], Assistant], operator: Principal
) -> None:
    """Add `lotse sync` and `lotse sources`."""

    @app.command()
    def sync(
        config: ConfigOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Bericht als JSON")] = False,
    ) -> None:
        """Quellen synchronisieren: Ordner, Seiten, Sitemaps, git-Repositories (inkrementell)."""
        path = config or settings_or_exit().sync_config
        try:
            check_sources(path)  # a bad file fails fast, before the model loads
            with assistant_factory() as assistant:
                report = assistant.sync.run(operator, path)
        except LotseError as exc:  # a bad sources file: 2; another run going on: 1
            fail(str(exc), 2 if isinstance(exc, ConfigError) else 1)
        data = report.as_dict()
        if as_json:
            typer.echo(json.dumps(data, ensure_ascii=False))
        else:
            print_run(data["sources"])
        raise typer.Exit(3 if report.failed else 0)

    @app.command()
    def sources(
        config: ConfigOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben")] = False,
    ) -> None:
        """Quellen mit letztem Lauf (Zeit, Status), Zählern und Fehlern."""
        try:
            with assistant_factory() as assistant:
                overview = assistant.sync.sources(operator, config)
        except LotseError as exc:
            fail(str(exc))
        if as_json:
            typer.echo(json.dumps(overview, ensure_ascii=False, indent=2))
        else:
            print_sources(overview)
