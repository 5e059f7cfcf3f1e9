"""Build the chat model for an OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, ...)."""

from __future__ import annotations

from typing import Any

from assistant.config import Settings


def build_chat_model(settings: Settings, timeout: float | None = None) -> Any | None:
    """A langchain ChatOpenAI for LOTSE_LLM_BASE_URL, or None when no endpoint is set."""
    if not settings.llm_base_url:
        return None
    from langchain_openai import ChatOpenAI

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        api_key=key,  # type: ignore[arg-type]
        model=settings.llm_model,
        timeout=timeout or settings.llm_timeout,
        max_retries=0,
        temperature=0.1,
    )
