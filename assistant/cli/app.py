"""lotse: ingest, documents, remove, search, ask, serve, slack, eval, enrich."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli import query as query_commands
from assistant.cli import server as server_commands
from assistant.cli import slack as slack_commands
from assistant.cli.common import settings_or_exit
from assistant.cli.progress import IngestProgress
from assistant.errors import LotseError
from assistant.services import Services
from assistant.store.enrichment import EnrichmentStore
from assistant.store.manifest import Manifest, law_key_of
from ingest.models import DOC_TYPES
from ingest.pipeline import Ingestor, IngestReport

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Digitallotse – Antworten zur kommunalen Digitalisierung mit exakten Quellen.",
)


def _services() -> Services:
    settings = settings_or_exit()
    try:
        return Services.build(settings)
    except LotseError as exc:
        _fail(str(exc))
    raise AssertionError("unreachable")


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"Fehler: {message}", err=True)
    raise typer.Exit(code)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=None))


def _print_report(report: IngestReport) -> None:
    for item in report.files:
        if item.status == "failed":
            typer.echo(f"FEHLER  {item.path}: {item.reason}", err=True)
        elif item.status in ("duplicate", "missing", "removed", "skipped"):
            note = f": {item.reason}" if item.reason else ""
            typer.echo(f"{item.status.upper():8}{item.path}{note}", err=True)
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
    from assistant.providers.llm import build_chat_model
    from ingest.enrich import enrich as run_enrich

    settings = settings_or_exit()
    model = build_chat_model(settings)
    if model is None:
        _fail("kein LLM konfiguriert (LOTSE_LLM_BASE_URL)", code=2)
    store = EnrichmentStore(settings.enrichment_path)
    manifest = Manifest(settings.manifest_path)
    try:
        wanted = {law_key_of(x) for x in laws} if laws else None
        report = run_enrich(manifest, store, model, settings.llm_model, wanted, limit)
    finally:
        manifest.close()
        store.close()
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
    with _services() as services, services.writer_lock():
        ingestor = Ingestor(
            services.index, services.settings, IngestProgress(quiet or as_json), defer_vectors
        )
        try:
            report = ingestor.run(paths, doc_type=doc_type, prune=prune)
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
    with _services() as services, services.writer_lock():
        missing = services.index.missing_vectors()
        typer.echo(f"{len(missing)} Chunks ohne Vektor", err=True)

        def report(done: int, total: int) -> None:
            typer.echo(f"embed: {done}/{total}", err=True)

        try:
            done = services.index.fill_vectors(missing, batch, report)
        except LotseError as exc:
            _fail(str(exc))
    typer.echo(f"{done} Vektoren ergänzt")


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
    with _services() as services:
        docs = services.manifest.documents()
    if as_json:
        _print_json({"documents": [d.as_dict() for d in docs]})
        return
    for d in docs:
        typer.echo(f"{d.doc_id}\t{d.doc_type}\t{d.stand or '-'}\t{d.chunk_count}\t{d.title}")
    typer.echo(f"{len(docs)} Dokumente", err=True)


@app.command()
def remove(doc_id: Annotated[str, typer.Argument(help="Dokument-ID")]) -> None:
    """Ein Dokument aus dem Index entfernen."""
    with _services() as services, services.writer_lock():
        try:
            doc = services.index.remove_document(doc_id)
            services.index.lexical()
        except LotseError as exc:
            _fail(str(exc))
    typer.echo(f"entfernt: {doc.doc_id} ({doc.path})")


@app.command()
def purge(
    older_than: Annotated[float, typer.Option("--older-than", help="Alter in Tagen", min=0)],
) -> None:
    """Gespeicherte Fragen, Antworten und Feedback löschen, die älter sind als DAYS Tage."""
    with _services() as services:
        deleted = services.records.purge(older_than * 86400)
    typer.echo(f"{deleted} Antworten (mit Feedback) gelöscht")


query_commands.register(app, _services)
server_commands.register(app)
slack_commands.register(app)


def main() -> None:
    """Console entry point; no traceback ever reaches the user."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("abgebrochen", err=True)
        sys.exit(130)
