"""Providers: the only place external clients (embeddings, LLM, Chroma) are built."""
