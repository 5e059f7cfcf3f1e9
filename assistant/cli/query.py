"""lotse search / ask: one question, or --jsonl batches from stdin (the model loads once)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from assistant.core import AskResult, Assistant, Filters, Principal, SearchHit, render
from assistant.domain import OUTCOME_LABELS, Outcome
from assistant.errors import LotseError


def search_payload(hits: list[SearchHit]) -> dict[str, Any]:
    """The search JSON contract (text redacted by the core)."""
    return {"results": [h.as_dict() for h in hits]}


def _run_lines(handler: Callable[[str], dict[str, Any]]) -> None:
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line) if line.startswith("{") else {"q": line}
            question = item.get("q") or item.get("question") or item.get("query") or ""
            out = handler(str(question))
            if "id" in item:
                out = {"id": item["id"], **out}
        except LotseError as exc:
            out = {"error": {"code": exc.code, "message": str(exc)}}
        except json.JSONDecodeError:
            out = {"error": {"code": "invalid_request", "message": "Zeile ist kein JSON"}}
        typer.echo(json.dumps(out, ensure_ascii=False))


def _run(
    handler: Callable[[str], dict[str, Any]], text: str | None, jsonl: bool, what: str
) -> dict[str, Any] | None:
    """One question (errors → exit 1/2) or --jsonl batches (None)."""
    if jsonl:
        _run_lines(handler)
        return None
    if not text:
        typer.echo(f"Fehler: {what} fehlt (oder --jsonl)", err=True)
        raise typer.Exit(2)
    try:
        return handler(text)
    except LotseError as exc:
        typer.echo(f"Fehler: {exc}", err=True)
        raise typer.Exit(2 if exc.code == "invalid_request" else 1) from None


def _as_of(value: str | None) -> dt.date | None:
    """--as-of as a date; anything but JJJJ-MM-TT ends the command with exit code 2."""
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    typer.echo(f"Fehler: --as-of: kein gültiges Datum (JJJJ-MM-TT): {value!r}", err=True)
    raise typer.Exit(2)


AS_OF_HELP = "Rechtsstand am (JJJJ-MM-TT): die an diesem Tag geltenden Fassungen (ohne: heute)"
AsOf = Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)]


def register(
    app: typer.Typer, assistant_factory: Callable[[], Assistant], operator: Principal
) -> None:
    """Add the search and ask commands."""

    @app.command()
    def search(
        query: Annotated[str | None, typer.Argument(help="Suchanfrage")] = None,
        k: Annotated[int, typer.Option("--k", help="Anzahl Treffer")] = 10,
        doc_type: Annotated[list[str] | None, typer.Option("--type", help="Dokumenttyp")] = None,
        as_json: Annotated[bool, typer.Option("--json")] = False,
        jsonl: Annotated[
            bool, typer.Option("--jsonl", help="Fragen zeilenweise von stdin")
        ] = False,
        as_of: AsOf = None,
    ) -> None:
        """Passagen suchen (hybrid: dicht + lexikalisch)."""
        filters = Filters(doc_type=doc_type or None, as_of=_as_of(as_of))
        with assistant_factory() as assistant:
            payload = _run(
                lambda q: search_payload(assistant.search(operator, q, k, filters)),
                query,
                jsonl,
                "Suchanfrage",
            )
        if payload is None:
            return
        if as_json:
            typer.echo(json.dumps(payload, ensure_ascii=False))
            return
        for n, item in enumerate(payload["results"], 1):
            src = item["source"]
            where = " ".join(str(x) for x in (src["law"], src["section"]) if x) or src["title"]
            page = f", S. {src['page']}" if src["page"] else ""
            page += " (OCR)" if src.get("ocr") else ""
            text = item["text"].replace("\n", " ")
            typer.echo(f"{n:2}. [{item['score']:.4f}] {where}{page} ({src['doc_id']})")
            if src.get("validity_note"):
                typer.echo(f"    ⚠ {src['validity_note']}")
            typer.echo(f"    {text[:200]}")

    @app.command()
    def ask(
        question: Annotated[str | None, typer.Argument(help="Frage")] = None,
        mode: Annotated[str | None, typer.Option("--mode", help="extractive|llm")] = None,
        conversation: Annotated[str | None, typer.Option("--conversation")] = None,
        doc_type: Annotated[list[str] | None, typer.Option("--type", help="Dokumenttyp")] = None,
        as_json: Annotated[bool, typer.Option("--json")] = False,
        jsonl: Annotated[
            bool, typer.Option("--jsonl", help="Fragen zeilenweise von stdin")
        ] = False,
        as_of: AsOf = None,
    ) -> None:
        """Eine Frage beantworten, mit Quellen."""
        filters = Filters(doc_type=doc_type or None, as_of=_as_of(as_of))
        results: list[AskResult] = []

        def handle(text: str) -> dict[str, Any]:
            results.append(assistant.ask(operator, text, conversation, filters, mode))
            return results[-1].as_dict()

        with assistant_factory() as assistant:
            payload = _run(handle, question, jsonl, "Frage")
        if payload is None:
            return
        if as_json:
            typer.echo(json.dumps(payload, ensure_ascii=False))
            return
        if payload.get("followup"):
            typer.echo(f"(verstanden als: {payload['resolved_question']})")
        typer.echo(render(results[-1].answer))  # the one text renderer (also chat completions)
        outcome = OUTCOME_LABELS.get(Outcome(payload["outcome"]), payload["outcome"])
        typer.echo(
            f"{outcome} · Sicherheit {payload['confidence_band']} · "
            f"Gespräch: {payload['conversation_id']}"
        )
