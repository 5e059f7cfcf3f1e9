"""lotse report gaps / usage: the competence centre's reports at the console."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

import typer

from assistant.core import Assistant, Principal
from assistant.errors import LotseError

EXAMPLES_SHOWN = 3
USAGE_COLUMNS = (
    ("week", "Woche", 8),
    ("organisation", "Organisation", 18),
    ("questions", "Fragen", 6),
    ("answer_share", "Antw.", 5),
    ("candidates_share", "Fundst.", 7),
    ("abstain_share", "keine", 5),
    ("thumbs_up", "👍", 3),
    ("thumbs_down", "👎", 3),
    ("cases_opened", "Fälle", 5),
    ("cases_answered", "beantw.", 7),
    ("median_hours_to_answer", "Median h", 8),
)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def print_gaps(report: dict[str, Any]) -> None:
    """A readable table: one line per topic, its typical questions indented below."""
    groups = report["groups"]
    since = report["since"][:10] if report["since"] else "Beginn der Aufzeichnung"
    singles = sum(g["size"] for g in groups if g.get("single"))
    topics = sum(1 for g in groups if not g.get("single"))
    typer.echo(
        f"Wissenslücken seit {since}: {report['questions']} Fragen ohne Antwort, mit "
        f"Fundstellen zum Prüfen oder 👎, in {topics} Themen"
        + (f" und {singles} Einzelfragen" if singles else "")
    )
    if not groups:
        return
    typer.echo(f"{'#':>3}  {'Fragen':>6}  {'Thema':<46}  {'zuletzt':<10}  Organisationen")
    for number, group in enumerate(groups, start=1):
        outcomes = group["outcomes"]
        organisations = ", ".join(group["organisations"]) or "–"
        label = group["label"] if len(group["label"]) <= 46 else group["label"][:45] + "…"
        typer.echo(
            f"{number:>3}  {group['size']:>6}  {label:<46}  "
            f"{group['last_seen'][:10]:<10}  {organisations}"
        )
        typer.echo(
            f"{'':13}keine Antwort {outcomes['abstain']}, Fundstellen {outcomes['candidates']}, "
            f"👎 {group['thumbs_down']}; seit {group['first_seen'][:10]}"
        )
        for example in group["examples"][: None if group.get("single") else EXAMPLES_SHOWN]:
            typer.echo(f"{'':13}– {example}")


def print_usage(rows: list[dict[str, Any]]) -> None:
    """A fixed-width table of the usage rows."""
    typer.echo("  ".join(f"{title:<{width}}" for _, title, width in USAGE_COLUMNS))
    for row in rows:
        cells = []
        for key, _, width in USAGE_COLUMNS:
            value = row.get(key)
            text = "–" if value is None or value == "" else str(value)
            cells.append(f"{text[:width]:<{width}}")
        typer.echo("  ".join(cells).rstrip())
    if not rows:
        typer.echo("(noch keine Fragen gespeichert)")


def register(
    app: typer.Typer, assistant_factory: Callable[[], Assistant], operator: Principal
) -> None:
    """Add `lotse report gaps` and `lotse report usage`."""
    report = typer.Typer(
        no_args_is_help=True, help="Berichte: Wissenslücken und Nutzung (pseudonym)."
    )
    app.add_typer(report, name="report")

    @report.command()
    def gaps(
        since: Annotated[
            float, typer.Option("--since", min=0, help="nur die letzten DAYS Tage (0: alle)")
        ] = 90,
        min_size: Annotated[
            int, typer.Option("--min-size", min=1, help="nur Themen mit mindestens N Fragen")
        ] = 1,
        as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben")] = False,
    ) -> None:
        """Wissenslücken: unbeantwortete Fragen (und 👎) nach Themen gruppiert."""
        with assistant_factory() as assistant:
            try:
                found = assistant.reports.gaps(operator, since or None, min_size)
            except LotseError as exc:
                typer.echo(f"Fehler: {exc}", err=True)
                raise typer.Exit(1) from None
        if as_json:
            _echo_json(found)
        else:
            print_gaps(found)

    @report.command()
    def usage(
        since: Annotated[
            float, typer.Option("--since", min=0, help="nur die letzten DAYS Tage (0: alle)")
        ] = 0,
        as_csv: Annotated[bool, typer.Option("--csv", help="Als CSV ausgeben")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben")] = False,
    ) -> None:
        """Nutzung je ISO-Woche und Organisation (Fragen, Ergebnisse, 👍/👎, Fälle)."""
        with assistant_factory() as assistant:
            try:
                rows = assistant.reports.usage(operator, since or None)
            except LotseError as exc:
                typer.echo(f"Fehler: {exc}", err=True)
                raise typer.Exit(1) from None
            text = assistant.reports.usage_csv(rows) if as_csv else None
        if text is not None:
            typer.echo(text, nl=False)
        elif as_json:
            _echo_json({"rows": rows})
        else:
            print_usage(rows)
