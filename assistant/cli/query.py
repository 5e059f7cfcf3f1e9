"""lotse search / ask: one question, or --jsonl batches from stdin (the model loads once)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from assistant.errors import LotseError
from assistant.retrieval.hybrid import Filters, SearchResult
from assistant.services import Services


def search_payload(result: SearchResult) -> dict[str, Any]:
    """The search JSON contract."""
    return {
        "results": [
            {
                "chunk_id": h.chunk.chunk_id,
                "score": round(h.score, 6),
                "text": h.chunk.text,
                "source": h.source(),
            }
            for h in result.hits
        ]
    }


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


def register(app: typer.Typer, services_factory: Callable[[], Services]) -> None:
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
    ) -> None:
        """Passagen suchen (hybrid: dicht + lexikalisch)."""
        filters = Filters(doc_type=doc_type or None)
        with services_factory() as services:
            payload = _run(
                lambda q: search_payload(services.engine.search(q, k, filters)),
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
            text = item["text"].replace("\n", " ")
            typer.echo(f"{n:2}. [{item['score']:.4f}] {where}{page} ({src['doc_id']})")
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
    ) -> None:
        """Eine Frage beantworten, mit Quellen."""
        filters = Filters(doc_type=doc_type or None)
        with services_factory() as services:
            payload = _run(
                lambda q: services.engine.ask(q, conversation, filters, mode).as_dict(),
                question,
                jsonl,
                "Frage",
            )
        if payload is None:
            return
        if as_json:
            typer.echo(json.dumps(payload, ensure_ascii=False))
            return
        if payload.get("followup"):
            typer.echo(f"(verstanden als: {payload['resolved_question']})")
        typer.echo(payload["answer"])
        if payload.get("notice"):
            typer.echo(f"Hinweis: {payload['notice']}")
        for c in payload["citations"]:
            where = " ".join(str(x) for x in (c["law"], c["section"], c.get("heading")) if x)
            page = f", S. {c['page']}" if c["page"] else ""
            stand = f", Stand {c['stand']}" if c.get("stand") else ""
            typer.echo(f"[{c['n']}] {c['title']}{' – ' + where if where else ''}{page}{stand}")
            typer.echo(f"    {c['path']}")
        outcome = {"answer": "Antwort", "candidates": "Fundstellen zum Prüfen"}.get(
            payload["outcome"], "Enthaltung – bitte an die Beratung wenden"
        )
        typer.echo(
            f"{outcome} · Sicherheit {payload['confidence_band']} · "
            f"Gespräch: {payload['conversation_id']}"
        )
