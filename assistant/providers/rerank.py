"""A reranker behind the common `/rerank` HTTP API (optional; off unless configured).

Speaks both shapes in use: Cohere/Jina/vLLM/Infinity (`{"model", "query", "documents",
"top_n"}` → `{"results": [{"index", "relevance_score"}]}`) and Hugging Face Text Embeddings
Inference (`{"query", "texts"}` → `[{"index", "score"}]`); `LOTSE_RERANK_API` picks the request
shape, either response shape is understood.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from assistant.config import Settings
from assistant.errors import ProviderError


class HttpReranker:
    """POST {base_url}/rerank; scores in the order of the given texts."""

    def __init__(
        self, base_url: str, model: str, api_key: str | None, timeout: float, api: str = "cohere"
    ) -> None:
        self.model = model
        self.api = api
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)

    def rerank(self, query: str, texts: Sequence[str]) -> list[float]:
        """One relevance score per text (higher is better)."""
        if not texts:
            return []
        if self.api == "tei":
            body: dict[str, Any] = {"query": query, "texts": list(texts), "truncate": True}
        else:
            body = {
                "model": self.model,
                "query": query,
                "documents": list(texts),
                "top_n": len(texts),
            }
        try:
            response = self._client.post("/rerank", json=body)
            response.raise_for_status()
            data = response.json()
            rows = data["results"] if isinstance(data, dict) else data
            scores = [float("-inf")] * len(texts)
            for row in rows:
                value = row.get("relevance_score", row.get("score"))
                scores[int(row["index"])] = float(value)
        except httpx.TimeoutException as exc:
            raise ProviderError("reranker", "Zeitüberschreitung") from exc
        except (httpx.HTTPError, KeyError, ValueError, TypeError, IndexError) as exc:
            raise ProviderError("reranker", type(exc).__name__) from exc
        return scores

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()


def build_reranker(settings: Settings) -> HttpReranker | None:
    """The configured reranker, or None (LOTSE_RERANK_BASE_URL unset)."""
    if not settings.rerank_base_url:
        return None
    key = settings.rerank_api_key.get_secret_value() if settings.rerank_api_key else None
    return HttpReranker(
        settings.rerank_base_url,
        settings.rerank_model,
        key,
        settings.rerank_timeout,
        settings.rerank_api,
    )
