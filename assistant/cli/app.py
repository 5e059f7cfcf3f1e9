"""lotse: ingest, documents, remove, search, ask, serve, slack, eval, enrich, report, purge."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli import query as query_commands
from assistant.cli import report as report_commands
from assistant.cli import server as server_commands
from assistant.cli import slack as slack_commands
from assistant.cli import sync as sync_commands
from assistant.cli.common import fail as _fail
from assistant.cli.common import settings_or_exit
from assistant.cli.progress import IngestProgress
from assistant.core import Assistant, IngestReport, Principal, local
from assistant.domain import DocType
from assistant.errors import ConfigError, LotseError

DOC_TYPES = tuple(str(t) for t in DocType)
# the operator at the console acts with every scope
OPERATOR: Principal = local("cli")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Digitallotse – Antworten zur kommunalen Digitalisierung mit exakten Quellen.",
)


def _assistant() -> Assistant:
    settings = settings_or_exit()
    try:
        return Assistant.build(settings)
    except LotseError as exc:
        _fail(str(exc))
    raise AssertionError("unreachable")


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=None))


def _print_report(report: IngestReport) -> None:
    for item in report.files:
        if item.status == "failed":
            typer.echo(f"FEHLER  {item.path}: {item.reason}", err=True)
        elif item.status in ("duplicate", "missing", "removed", "skipped"):
            note = f": {item.reason}" if item.reason else ""
            typer.echo(f"{item.status.upper():8}{item.path}{note}", err=True)
        if item.ocr and item.ocr["pages"]:
            ocr = item.ocr
            typer.echo(
                f"OCR     {item.path}: {ocr['pages']} Seiten erkannt, Ø Konfidenz "
                f"{ocr['mean_confidence']:.0f}, {ocr['cached']} aus dem Cache, "
                f"{len(ocr['rejected'])} nicht indexiert, {ocr['seconds']:.0f} s",
                err=True,
            )
        for warning in item.warnings:
            typer.echo(f"HINWEIS {item.path}: {warning}", err=True)
    typer.echo(
        f"neu {report.count('added')}, aktualisiert {report.count('updated')}, "
        f"unverändert {report.count('unchanged')}, Duplikate {report.count('duplicate')}, "
        f"entfernt {report.count('removed')}, fehlgeschlagen {report.count('failed')}; "
        f"{report.embedded} Chunks eingebettet in {report.seconds:.1f} s"
    )


@app.command()
def enrich(
    laws: Annotated[
        list[str] | None, typer.Option("--law", help="nur diese Gesetze (Abkürzung)")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="höchstens N §§")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Zusammenfassung als JSON")] = False,
) -> None:
    """Alltagsfragen je § mit dem konfigurierten LLM erzeugen (fortsetzbar, zwischengespeichert)."""
    with _assistant() as assistant:
        try:
            report = assistant.enrich(OPERATOR, laws, limit)
        except ConfigError as exc:
            _fail(str(exc), code=2)
            raise
    summary = {
        "sections": report.sections,
        "generated": report.generated,
        "cached": report.cached,
        "failed": report.failed,
    }
    if as_json:
        _print_json(summary)
    else:
        typer.echo(
            f"{report.sections} §§: {report.generated} neu erzeugt, {report.cached} schon "
            f"vorhanden, {report.failed} fehlgeschlagen (beim nächsten Lauf erneut)"
        )
    if report.failed:
        raise typer.Exit(3)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Dateien oder Ordner")],
    doc_type: Annotated[
        str | None, typer.Option("--type", help="position_paper|legal_framework|case_study|other")
    ] = None,
    prune: Annotated[bool, typer.Option("--prune", help="Fehlende Dateien entfernen")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Zusammenfassung als JSON")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="Kein Fortschritt")] = False,
    defer_vectors: Annotated[
        bool,
        typer.Option(
            "--defer-vectors", help="Nur lexikalisch indexieren; Vektoren mit `lotse embed`"
        ),
    ] = False,
) -> None:
    """Dokumente einlesen (inkrementell): PDF, Markdown, HTML, Text."""
    if doc_type is not None and doc_type not in DOC_TYPES:
        typer.echo(f"Fehler: --type muss einer von {', '.join(DOC_TYPES)} sein", err=True)
        raise typer.Exit(2)
    with _assistant() as assistant:
        try:
            report = assistant.ingest(
                OPERATOR, paths, doc_type, prune, IngestProgress(quiet or as_json), defer_vectors
            )
        except LotseError as exc:
            _fail(str(exc))
    if as_json:
        _print_json(report.as_dict())
    else:
        _print_report(report)
    raise typer.Exit(3 if report.failed else 0)


@app.command()
def embed(
    batch: Annotated[int, typer.Option("--batch", min=1, help="Chunks pro Schritt")] = 256,
) -> None:
    """Fehlende Vektoren berechnen (nach --defer-vectors); jederzeit abbrechbar und fortsetzbar."""

    def report(done: int, total: int) -> None:
        typer.echo(f"embed: {done}/{total}", err=True)

    with _assistant() as assistant:
        try:
            missing, done = assistant.fill_vectors(OPERATOR, batch, report)
        except LotseError as exc:
            _fail(str(exc))
    typer.echo(f"{missing} Chunks ohne Vektor", err=True)
    typer.echo(f"{done} Vektoren ergänzt")


@app.command()
def reembed() -> None:
    """Alle Chunks mit dem konfigurierten Embedding-Modell neu einbetten (nach einem Wechsel)."""
    settings = settings_or_exit()

    def report(done: int, total: int) -> None:
        typer.echo(f"reembed: {done}/{total}", err=True)

    try:
        count = Assistant.reembed(settings, report)
    except LotseError as exc:
        _fail(str(exc))
    typer.echo(f"{count} Chunks neu eingebettet")


@app.command(
    name="eval", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def run_eval(ctx: typer.Context) -> None:
    """Qualitätsauswertung (evals/run.py im Checkout): schreibt evals/report.md."""
    import subprocess

    root = Path(__file__).resolve().parents[2]
    if not (root / "evals" / "run.py").exists():
        _fail("evals/ nicht gefunden – `lotse eval` läuft aus einem Checkout des Projekts", code=2)
    result = subprocess.run([sys.executable, "-m", "evals.run", *ctx.args], cwd=root)
    raise typer.Exit(result.returncode)


@app.command()
def documents(
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben")] = False,
) -> None:
    """Eingelesene Dokumente auflisten."""
    with _assistant() as assistant:
        docs = assistant.documents(OPERATOR, 0, 1_000_000).documents
    if as_json:
        _print_json({"documents": docs})
        return
    for d in docs:
        stand = d["stand"] or "-"
        typer.echo(f"{d['doc_id']}\t{d['doc_type']}\t{stand}\t{d['chunk_count']}\t{d['title']}")
    typer.echo(f"{len(docs)} Dokumente", err=True)


@app.command()
def remove(doc_id: Annotated[str, typer.Argument(help="Dokument-ID")]) -> None:
    """Ein Dokument aus dem Index entfernen."""
    with _assistant() as assistant:
        try:
            doc = assistant.remove(OPERATOR, doc_id)
        except LotseError as exc:
            _fail(str(exc))
    typer.echo(f"entfernt: {doc['doc_id']} ({doc['path']})")


@app.command()
def purge(
    older_than: Annotated[float, typer.Option("--older-than", help="Alter in Tagen", min=0)],
) -> None:
    """Gespeicherte Fragen, Antworten, Feedback, Fälle und Berichtsdaten löschen, die älter sind
    als DAYS Tage (Fälle: seit DAYS Tagen unverändert; geprüfte Antworten nur abgelaufene oder
    zurückgezogene)."""
    with _assistant() as assistant:
        deleted = assistant.purge(OPERATOR, older_than)
    typer.echo(
        f"{deleted['answers']} Antworten (mit Feedback) gelöscht, {deleted['cases']} Fälle "
        f"(mit Notizen und Antworten), {deleted['question_vectors']} Fragevektoren der Berichte, "
        f"{deleted['verified']} abgelaufene oder zurückgezogene geprüfte Antworten"
    )


query_commands.register(app, _assistant, OPERATOR)
report_commands.register(app, _assistant, OPERATOR)
sync_commands.register(app, _assistant, OPERATOR)
server_commands.register(app)
slack_commands.register(app)


def main() -> None:
    """Console entry point; no traceback ever reaches the user."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("abgebrochen", err=True)
        sys.exit(130)
