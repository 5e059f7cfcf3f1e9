"""POST /v1/chat/completions: OpenAI-compatible, so chat front-ends work unchanged."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse

from assistant.api.schemas import ChatCompletionIn
from assistant.core import ChatMessage, Filters
from assistant.http.auth import AssistantDep, PrincipalDep
from assistant.http.errors import COMMON, responses

router = APIRouter(prefix="/v1", tags=["openai"])


def _text(content: str | list[dict[str, Any]] | None) -> str:
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
    return content or ""


@router.post("/chat/completions", responses=responses(*COMMON, 503))
def chat_completions(
    body: ChatCompletionIn, assistant: AssistantDep, principal: PrincipalDep
) -> Any:
    """Answer the last user message (earlier user turns resolve follow-ups); `stream` supported.

    Limits: at most 50 messages and 60,000 characters together; over a limit is a 422 naming
    it (nothing is cut silently). `usage` counts tokens with cl100k_base. `as_of`
    (JJJJ-MM-TT, an extra field) answers from the versions in force on that day.
    """
    messages = [ChatMessage(m.role, _text(m.content)) for m in body.messages]
    as_of = Filters(as_of=dt.date.fromisoformat(body.as_of)) if body.as_of else None
    reply = assistant.chat(principal, messages, as_of)
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    created = int(time.time())
    usage = {
        "prompt_tokens": reply.usage.prompt_tokens,
        "completion_tokens": reply.usage.completion_tokens,
        "total_tokens": reply.usage.total_tokens,
    }
    if body.stream:
        return StreamingResponse(
            _stream(completion_id, created, body.model, reply.content, usage),
            media_type="text/event-stream",
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
                    "message": {"role": "assistant", "content": reply.content},
                    "finish_reason": "stop",
                }
            ],
            "usage": usage,
        }
    )


def _stream(
    completion_id: str, created: int, model: str, content: str, usage: dict[str, int]
) -> Iterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        data = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    words = content.split(" ")
    for start in range(0, len(words), 8):
        piece = " ".join(words[start : start + 8])
        yield chunk({"content": piece if start == 0 else " " + piece})
    yield chunk({}, "stop", usage=usage)
    yield "data: [DONE]\n\n"
