"""Retrieval: query understanding, hybrid dense + lexical search, fusion."""
