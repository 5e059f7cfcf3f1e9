"""POST /v1/ask, /v1/ask/stream and /v1/search."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from assistant.api.deps import AskScope, ServicesDep
from assistant.api.schemas import AskIn, AskOut, ErrorResponse, FiltersIn, SearchIn, SearchOut
from assistant.errors import LotseError
from assistant.retrieval.hybrid import Filters
from assistant.services import Services

router = APIRouter(prefix="/v1", tags=["ask"])
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 422, 429, 503)
}


def to_filters(filters: FiltersIn | None) -> Filters | None:
    """API filters → core filters."""
    if filters is None:
        return None
    stand = int(filters.stand_from.replace("-", "")) if filters.stand_from else None
    doc_types = [str(t) for t in filters.doc_type] if filters.doc_type else None
    return Filters(doc_types, filters.jurisdiction, filters.doc_id, stand)


@router.post("/ask", response_model=AskOut, responses=ERRORS)
def ask(body: AskIn, services: ServicesDep, _: AskScope) -> dict[str, Any]:
    """Answer a question with citations (law and §, document and page).

    `mode` is `extractive` (default without LLM) or `llm`; a follow-up in the same
    `conversation_id` is resolved against the previous question. `abstained: true` means the
    sources do not answer the question; then `citations` is empty.
    """
    result = services.engine.ask(
        body.question, body.conversation_id, to_filters(body.filters), body.mode
    )
    return result.as_dict()


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream_answer(services: Services, body: AskIn) -> Iterator[str]:
    """SSE: sources, delta…, done (the full answer object); error on failure."""
    engine = services.engine
    try:
        prepared = engine.prepare(
            body.question, body.conversation_id, to_filters(body.filters), body.mode
        )
        sources = [{"chunk_id": h.chunk.chunk_id, **h.source()} for h in prepared.hits]
        yield _event("sources", {"sources": [] if prepared.answer else sources})
        if prepared.answer is None and prepared.mode == "llm" and engine.chat_model is not None:
            pieces: list[str] = []
            try:
                for piece in engine.stream_llm(prepared):
                    pieces.append(piece)
                    yield _event("delta", {"text": piece})
                answer = engine.finish_llm(prepared, "".join(pieces))
            except Exception as exc:  # the endpoint failed mid-stream: fall back visibly
                from assistant.answer.engine import fallback_notice

                answer = engine.fallback(prepared, fallback_notice(exc))
                yield _event("reset", {"notice": answer.notice})
                yield _event("delta", {"text": answer.answer})
        else:
            answer = prepared.answer or engine.answer_prepared(prepared)
            words = answer.answer.split(" ")
            for start in range(0, len(words), 8):
                yield _event("delta", {"text": " ".join(words[start : start + 8]) + " "})
        stored = engine.store(answer, body.conversation_id)
        yield _event("done", stored.as_dict())
    except LotseError as exc:
        yield _event("error", {"error": {"code": exc.code, "message": str(exc)}})
    except Exception:
        yield _event("error", {"error": {"code": "internal_error", "message": "Interner Fehler"}})


@router.post(
    "/ask/stream",
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
    response_class=StreamingResponse,
)
def ask_stream(body: AskIn, services: ServicesDep, _: AskScope) -> StreamingResponse:
    """Stream an answer as Server-Sent Events.

    Events: `sources` (retrieved passages) first, then `delta` ({"text"}) pieces, then `done`
    with the same object as POST /v1/ask; failures arrive as an `error` event.
    """
    return StreamingResponse(
        stream_answer(services, body),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("/search", response_model=SearchOut, responses=ERRORS)
def search(body: SearchIn, services: ServicesDep, _: AskScope) -> dict[str, Any]:
    """Hybrid search (dense + German lexical); `k` results, best first, with provenance."""
    result = services.engine.search(body.query, body.k, to_filters(body.filters))
    return {
        "results": [
            {
                "chunk_id": h.chunk.chunk_id,
                "score": h.score,
                "text": services.engine.redact(h.chunk.text),
                "source": h.source(),
            }
            for h in result.hits
        ]
    }
