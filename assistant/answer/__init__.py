"""Answers: extractive (no LLM) or via an OpenAI-compatible LLM, always with citations."""
