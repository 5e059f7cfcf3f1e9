"""POST /v1/ask, /v1/ask/stream and /v1/search."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from assistant.api.schemas import AskIn, AskOut, FiltersIn, SearchIn, SearchOut
from assistant.core import (
    Assistant,
    Delta,
    Done,
    Failed,
    Filters,
    Principal,
    Reset,
    Sources,
    StreamEvent,
)
from assistant.http.auth import AssistantDep, PrincipalDep
from assistant.http.errors import COMMON, responses

router = APIRouter(prefix="/v1", tags=["ask"])
ERRORS = responses(*COMMON, 404, 503)


def to_filters(filters: FiltersIn | None) -> Filters | None:
    """API filters → core filters."""
    if filters is None:
        return None
    stand = int(filters.stand_from.replace("-", "")) if filters.stand_from else None
    doc_types = [str(t) for t in filters.doc_type] if filters.doc_type else None
    as_of = dt.date.fromisoformat(filters.as_of) if filters.as_of else None
    return Filters(doc_types, filters.jurisdiction, filters.doc_id, stand, as_of=as_of)


@router.post("/ask", response_model=AskOut, responses=ERRORS)
def ask(body: AskIn, assistant: AssistantDep, principal: PrincipalDep) -> dict[str, Any]:
    """Answer a question with citations (law and §, document and page).

    `mode` is `extractive` (default without LLM) or `llm`. Conversation ids are issued by the
    server: send the `conversation_id` of an earlier answer to ask a follow-up (only your own
    conversations; others are 404). `outcome` is `answer`, `candidates` (sources to check) or
    `abstain` (`abstained: true`: the sources do not answer the question, `citations` empty).
    `filters.as_of` (JJJJ-MM-TT) answers from the document versions in force on that day (default:
    today); a citation of a superseded, expired or old source carries `validity_note`.
    """
    result = assistant.ask(
        principal, body.question, body.conversation_id, to_filters(body.filters), body.mode
    )
    return result.as_dict()


def _sse(event: StreamEvent) -> str:
    name: str
    data: dict[str, Any]
    if isinstance(event, Sources):
        name, data = "sources", {"sources": event.sources}
    elif isinstance(event, Delta):
        name, data = "delta", {"text": event.text}
    elif isinstance(event, Reset):
        name, data = "reset", {"notice": event.notice}
    elif isinstance(event, Done):
        name, data = "done", event.result.as_dict()
    else:
        assert isinstance(event, Failed)
        name, data = "error", {"error": {"code": event.code, "message": event.message}}
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream_answer(assistant: Assistant, principal: Principal, body: AskIn) -> Iterator[str]:
    """SSE: sources, delta…, done (the full answer object); error on failure."""
    events = assistant.ask_stream(
        principal, body.question, body.conversation_id, to_filters(body.filters), body.mode
    )
    for event in events:
        yield _sse(event)


@router.post(
    "/ask/stream",
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
    response_class=StreamingResponse,
)
def ask_stream(body: AskIn, assistant: AssistantDep, principal: PrincipalDep) -> StreamingResponse:
    """Stream an answer as Server-Sent Events.

    Events: `sources` (retrieved passages) first, then `delta` ({"text"}) pieces, then `done`
    with the same object as POST /v1/ask; failures arrive as an `error` event.
    """
    return StreamingResponse(
        stream_answer(assistant, principal, body),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("/search", response_model=SearchOut, responses=ERRORS)
def search(body: SearchIn, assistant: AssistantDep, principal: PrincipalDep) -> dict[str, Any]:
    """Hybrid search (dense + German lexical); `k` results, best first, with provenance.

    `filters.as_of` (JJJJ-MM-TT) searches the document versions in force on that day (default:
    today).
    """
    hits = assistant.search(principal, body.query, body.k, to_filters(body.filters))
    return {"results": [h.as_dict() for h in hits]}
