"""A scriptable OpenAI-compatible Chat Completions server on 127.0.0.1 for tests.

It speaks the real wire protocol (JSON responses, ``text/event-stream`` for ``stream: true``),
so the official ``openai`` client and ``langchain_openai.ChatOpenAI`` talk to it over a real
socket exactly as they would to vLLM, Ollama or llama.cpp::

    with FakeOpenAI() as fake:
        fake.reply = "Der Portalverbund verknüpft die Portale [1]."
        settings = Settings(llm_base_url=fake.base_url, ...)
        ...
        assert fake.chat_requests[0].authorization == "Bearer sk-..."

Scripting (read per request, may be changed between requests):

* ``reply``: the assistant text, or a callable ``(messages) -> str``;
* ``delay``: seconds to wait before answering (to trigger client timeouts);
* ``status``: an HTTP error status (e.g. 500) answered with an OpenAI-style error JSON;
* ``malformed``: ``True``/``"text"`` answers 200 with a non-JSON body, ``"shape"`` answers 200
  with JSON of the wrong shape;
* ``piece_chars``: streamed content is split into pieces of that many characters (default:
  one piece per word).

Every request is recorded in ``requests`` (``chat_requests`` holds only chat completions).

``POST /v1/embeddings`` answers deterministic bag-of-words vectors (hashed tokens, L2-normalised)
of ``embedding_dimension`` floats (default 256), so similar texts get similar vectors; ``status``
and ``delay`` apply to it as well. ``embedding_requests`` holds those requests.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = str | Callable[[list[dict[str, Any]]], str]

DEFAULT_REPLY = "Das ist eine Testantwort [1]."
ERROR_TYPES = {
    400: ("invalid_request_error", "invalid_request"),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "forbidden"),
    404: ("invalid_request_error", "not_found"),
    429: ("requests", "rate_limit_exceeded"),
}


@dataclass
class RecordedRequest:
    """One request as the fake server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any = None
    pieces: list[str] = field(default_factory=list)

    @property
    def authorization(self) -> str | None:
        """The Authorization header ("Bearer <key>")."""
        return self.headers.get("authorization")

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Chat messages of the request body."""
        if isinstance(self.body, dict):
            return list(self.body.get("messages") or [])
        return []

    @property
    def stream(self) -> bool:
        """Whether the client asked for a streamed answer."""
        return isinstance(self.body, dict) and bool(self.body.get("stream"))

    def content(self, role: str) -> str:
        """Text of all messages with that role, joined by blank lines."""
        return "\n\n".join(_text(m.get("content")) for m in self.messages if m.get("role") == role)


@dataclass
class _Script:
    reply: Reply
    delay: float
    status: int | None
    malformed: bool | str
    piece_chars: int | None


class FakeOpenAI:
    """An OpenAI Chat Completions endpoint on a random local port, run in a thread."""

    def __init__(self, reply: Reply = DEFAULT_REPLY, model: str = "fake-model") -> None:
        self.model = model
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.reset(reply)

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> FakeOpenAI:
        """Bind 127.0.0.1 on a free port and serve in a background thread."""
        if self._server is not None:
            return self
        self._stop.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"fake-openai-{self.port}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake delayed handlers, close the socket and join all threads."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stop.set()
        server.shutdown()
        server.server_close()  # joins the (non-daemon) handler threads
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- scripting

    def reset(self, reply: Reply = DEFAULT_REPLY) -> None:
        """Back to a plain successful reply; forget recorded requests."""
        self.reply: Reply = reply
        self.delay: float = 0.0
        self.status: int | None = None
        self.malformed: bool | str = False
        self.piece_chars: int | None = None
        self.embedding_dimension: int = 256
        with self._lock:
            self.requests.clear()

    @property
    def port(self) -> int:
        """The bound port."""
        if self._server is None:
            raise RuntimeError("FakeOpenAI is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """Base URL for OpenAI clients, ending in /v1."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Recorded POST /v1/chat/completions requests."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def embedding_requests(self) -> list[RecordedRequest]:
        """Recorded POST /v1/embeddings requests."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/embeddings")]

    def _record(self, request: RecordedRequest) -> _Script:
        with self._lock:
            self.requests.append(request)
            return _Script(self.reply, self.delay, self.status, self.malformed, self.piece_chars)

    def _wait(self, seconds: float) -> bool:
        """Sleep up to seconds; False when the server is stopping (wakes at once)."""
        return not self._stop.wait(seconds) if seconds > 0 else not self._stop.is_set()


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins handler threads: nothing is left running
    block_on_close = True
    allow_reuse_address = True
    fake: FakeOpenAI


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive threads
    timeout = 5  # a client that connects and never sends cannot block shutdown for long

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    # ---------------------------------------------------------------- routing

    def do_GET(self) -> None:
        fake = self.server.fake
        fake._record(RecordedRequest("GET", self.path, self._headers()))
        path = self.path.split("?")[0].rstrip("/")
        if path == "/v1/models":
            self._json(200, {"object": "list", "data": [self._model_card(fake.model)]})
        elif path.startswith("/v1/models/"):
            self._json(200, self._model_card(path.rsplit("/", 1)[1]))
        else:
            self._error(404, f"Unknown path {path}")

    def do_POST(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw or b"null")
        except ValueError:
            body = None
        request = RecordedRequest("POST", self.path, self._headers(), body)
        script = fake._record(request)
        if self.path.split("?")[0].rstrip("/") == "/v1/embeddings":
            self._embeddings(fake, script, body)
            return
        if self.path.split("?")[0].rstrip("/") != "/v1/chat/completions":
            self._error(404, f"Unknown path {self.path}")
            return
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            self._error(400, "Request body must be JSON with a 'messages' list")
            return
        if not fake._wait(script.delay):
            return  # shutting down: drop the connection
        if script.status and script.status >= 400:
            self._error(script.status, f"Scripted failure with status {script.status}")
            return
        if script.malformed:
            self._malformed(script.malformed, request.stream)
            return
        reply = script.reply(request.messages) if callable(script.reply) else script.reply
        model = str(body.get("model") or fake.model)
        if request.stream:
            usage = bool((body.get("stream_options") or {}).get("include_usage"))
            request.pieces = _pieces(reply, script.piece_chars)
            self._stream(model, request.pieces, request.messages, usage)
        else:
            self._json(200, _completion(model, reply, request.messages))

    def _embeddings(self, fake: FakeOpenAI, script: _Script, body: Any) -> None:
        texts = body.get("input") if isinstance(body, dict) else None
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            self._error(400, "Request body must be JSON with an 'input' string or list")
            return
        if not fake._wait(script.delay):
            return
        if script.status and script.status >= 400:
            self._error(script.status, f"Scripted failure with status {script.status}")
            return
        size = fake.embedding_dimension
        data = [
            {"object": "embedding", "index": i, "embedding": _bag_of_words(text, size)}
            for i, text in enumerate(texts)
        ]
        tokens = sum(len(t.split()) for t in texts)
        self._json(200, {
            "object": "list", "data": data, "model": str(body.get("model") or fake.model),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        })

    # ---------------------------------------------------------------- responses

    def _headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.headers.items()}

    @staticmethod
    def _model_card(model: str) -> dict[str, Any]:
        return {"id": model, "object": "model", "created": 1700000000, "owned_by": "fake"}

    def _send(self, status: int, content_type: str, data: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            pass  # the client gave up (timeout) – nothing to deliver

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, "application/json", json.dumps(payload).encode())

    def _error(self, status: int, message: str) -> None:
        kind, code = ERROR_TYPES.get(status, ("server_error", "server_error"))
        self._json(status, {"error": {"message": message, "type": kind, "param": None,
                                      "code": code}})

    def _malformed(self, kind: bool | str, stream: bool) -> None:
        if kind == "shape":
            self._json(200, {"result": "ok", "choices": "not-a-list", "object": "unexpected"})
        elif stream:
            self._send(200, "text/event-stream", b"data: this is not json\n\ndata: [DONE]\n\n")
        else:
            self._send(200, "text/plain", b"<html>502 Bad Gateway upstream broken</html>")

    def _stream(
        self, model: str, pieces: list[str], messages: list[dict[str, Any]], usage: bool
    ) -> None:
        chunk_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())

        def chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
            return {
                "id": chunk_id, "object": "chat.completion.chunk", "created": created,
                "model": model, "system_fingerprint": "fp_fake",
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                ],
            }

        events = [chunk({"role": "assistant", "content": ""}, None)]
        events += [chunk({"content": piece}, None) for piece in pieces]
        events.append(chunk({}, "stop"))
        if usage:
            events.append({
                "id": chunk_id, "object": "chat.completion.chunk", "created": created,
                "model": model, "choices": [], "usage": _usage(messages, "".join(pieces)),
            })
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            for event in events:
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except OSError:
            pass


def _text(content: Any) -> str:
    """Message content as text (plain string or a list of content parts)."""
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def _bag_of_words(text: str, size: int) -> list[float]:
    """Hashed lower-cased word counts, L2-normalised (a constant vector for empty text)."""
    vector = [0.0] * size
    for word in re.findall(r"\w+", text.lower()):
        vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % size] += 1.0
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector] if norm else [1.0 / math.sqrt(size)] * size


def _pieces(reply: str, piece_chars: int | None) -> list[str]:
    """Streamed deltas: one per word (with its trailing space) or fixed-size slices."""
    if piece_chars:
        return [reply[i:i + piece_chars] for i in range(0, len(reply), piece_chars)]
    return re.findall(r"\s*\S+\s*", reply) or ([reply] if reply else [])


def _usage(messages: list[dict[str, Any]], reply: str) -> dict[str, int]:
    prompt = sum(len(_text(m.get("content")).split()) for m in messages)
    completion = len(reply.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


def _completion(model: str, reply: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": reply, "refusal": None},
            "logprobs": None,
            "finish_reason": "stop",
        }],
        "usage": _usage(messages, reply),
    }
