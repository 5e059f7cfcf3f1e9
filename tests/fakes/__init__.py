"""Test doubles that speak real protocols over real sockets."""

from tests.fakes.openai_server import FakeOpenAI, RecordedRequest

__all__ = ["FakeOpenAI", "RecordedRequest"]
