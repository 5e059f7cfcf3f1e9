"""Test doubles that speak real protocols over real sockets."""

from tests.fakes.openai_server import FakeOpenAI, RecordedRequest
from tests.fakes.rerank_server import FakeReranker

__all__ = ["FakeOpenAI", "FakeReranker", "RecordedRequest"]
