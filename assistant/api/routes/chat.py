"""POST /v1/chat/completions: OpenAI-compatible, so chat front-ends work unchanged."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse

from assistant.answer.models import Answer
from assistant.api.deps import AskScope, ServicesDep
from assistant.api.errors import ApiError
from assistant.api.schemas import ChatCompletionIn, ErrorResponse

router = APIRouter(prefix="/v1", tags=["openai"])


def _text(content: str | list[dict[str, Any]] | None) -> str:
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
    return content or ""


def render(answer: Answer) -> str:
    """Answer text with its sources appended as a list."""
    lines = [answer.answer]
    if answer.notice:
        lines += ["", f"Hinweis: {answer.notice}"]
    if answer.citations:
        lines += ["", "Quellen:"]
        for c in answer.citations:
            stand = f", Stand {c.stand}" if c.stand else ""
            lines.append(f"[{c.n}] {c.label()} – {c.title}{stand}")
    return "\n".join(lines)


@router.post("/chat/completions", responses={422: {"model": ErrorResponse}})
def chat_completions(body: ChatCompletionIn, services: ServicesDep, _: AskScope) -> Any:
    """Answer the last user message (earlier turns resolve follow-ups); `stream` supported."""
    users = [_text(m.content).strip() for m in body.messages if m.role == "user"]
    users = [u for u in users if u]
    if not users:
        raise ApiError(422, "invalid_request", "messages: keine Nachricht mit role 'user'")
    stored = services.engine.ask(users[-1], history=users[:-1])
    content = render(stored.answer)
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    created = int(time.time())
    if body.stream:
        return StreamingResponse(
            _stream(completion_id, created, body.model, content), media_type="text/event-stream"
        )
    return JSONResponse(
        {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": body.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }
    )


def _stream(completion_id: str, created: int, model: str, content: str) -> Iterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        data = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    words = content.split(" ")
    for start in range(0, len(words), 8):
        piece = " ".join(words[start : start + 8])
        yield chunk({"content": piece if start == 0 else " " + piece})
    yield chunk({}, "stop")
    yield "data: [DONE]\n\n"
