"""A scriptable `/rerank` server on 127.0.0.1 speaking the two common wire shapes.

Cohere/Jina/vLLM/Infinity: ``{"model", "query", "documents", "top_n"}`` →
``{"results": [{"index", "relevance_score"}]}``; Text Embeddings Inference: ``{"query",
"texts"}`` → ``[{"index", "score"}]``. The answer follows the request's shape, as the real
servers do::

    with FakeReranker(lambda query, text: float("§ 7" in text)) as fake:
        settings = Settings(rerank_base_url=fake.base_url, ...)

Scripting: ``score`` (query, text) → float; ``delay`` seconds; ``status`` an HTTP error status;
``malformed`` answers 200 with a body of the wrong shape. Requests are recorded in ``requests``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Score = Callable[[str, str], float]


def word_overlap(query: str, text: str) -> float:
    """Default score: how many of the query's words the text contains."""
    words = {w.lower().strip("?.,") for w in query.split() if len(w) > 3}
    return float(sum(1 for w in words if w in text.lower()))


class FakeReranker:
    """A /rerank endpoint on a random local port, run in a thread."""

    def __init__(self, score: Score = word_overlap) -> None:
        self.score = score
        self.delay = 0.0
        self.status: int | None = None
        self.malformed = False
        self.requests: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeReranker:
        """Bind 127.0.0.1 on a free port and serve in a background thread."""
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._server is None:
            return
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> FakeReranker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Base URL; the client posts to {base_url}/rerank."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    fake: FakeReranker


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"
    timeout = 5

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._send(400, {"error": "invalid json"})
            return
        fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if fake.delay and fake._stop.wait(fake.delay):
            return
        if self.path.rstrip("/") not in ("/rerank", "/v1/rerank"):
            self._send(404, {"error": "not found"})
            return
        if fake.status:
            self._send(fake.status, {"error": "scripted failure"})
            return
        if fake.malformed:
            self._send(200, {"unexpected": True})
            return
        query = str(body.get("query", ""))
        if "documents" in body:
            texts = [str(d) for d in body["documents"]]
            rows = [
                {"index": i, "relevance_score": fake.score(query, t)} for i, t in enumerate(texts)
            ]
            rows.sort(key=lambda r: -r["relevance_score"])
            top = int(body.get("top_n") or len(rows))
            self._send(200, {"id": "rerank-1", "results": rows[:top]})
        elif "texts" in body:
            rows = [
                {"index": i, "score": fake.score(query, str(t))}
                for i, t in enumerate(body["texts"])
            ]
            rows.sort(key=lambda r: -r["score"])
            self._send(200, rows)
        else:
            self._send(422, {"error": "documents or texts required"})
