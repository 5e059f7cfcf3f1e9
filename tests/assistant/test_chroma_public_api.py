"""Only chromadb's public API: no private names, no SharedSystemClient internals.

The source check walks assistant/ and ingest/ (ast). The runtime checks show that reopening an
embedded Chroma with the public `clear_system_cache()` gives fresh vectors written by another
process, while queries running on the stale client in other threads keep working.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.providers.chroma import build_chroma_client, reopen_chroma_client
from assistant.store.vectors import VectorStore
from tests.conftest import ROOT

PRIVATE_CHROMA = {"SharedSystemClient", "shared_system_client"}
ATTRIBUTE_FUNCTIONS = {"getattr", "setattr", "hasattr", "delattr"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def violations(source: str, filename: str = "<source>") -> list[str]:
    """Uses of chromadb internals in one module's source."""
    tree = ast.parse(source, filename)
    # modules that handle Chroma clients or collections: any private attribute reached through
    # something else than self/cls could be a chromadb object's
    handles_chroma = "chroma" in source.lower()
    found: list[str] = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "chromadb" and (
                    any(_private(p) for p in parts) or PRIVATE_CHROMA & set(parts)
                ):
                    report(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".")
            if parts[0] == "chromadb":
                names = {a.name for a in node.names}
                if (
                    any(_private(p) for p in parts)
                    or PRIVATE_CHROMA & (set(parts) | names)
                    or any(_private(n) for n in names)
                ):
                    report(node, f"from {node.module} import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Name) and node.id in PRIVATE_CHROMA:
            report(node, node.id)
        elif isinstance(node, ast.Attribute):
            if node.attr in PRIVATE_CHROMA or (
                handles_chroma
                and _private(node.attr)
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
            ):
                report(node, ast.unparse(node))
        elif (
            handles_chroma
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ATTRIBUTE_FUNCTIONS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
        ):
            report(node, ast.unparse(node))
    return found


def test_the_checker_catches_the_old_private_reopen() -> None:
    old = """
def reopen_chroma_client(stale, settings):
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = str(getattr(stale, "_identifier", ""))
    SharedSystemClient._identifier_to_system.pop(identifier, None)
    return build_chroma_client(settings)

def other(client):
    import chromadb.api._private_module
    from chromadb.api.client import _helper
    return client._server._query(), self._client._system
"""
    found = violations(old)
    for expected in (
        "from chromadb.api.shared_system_client import SharedSystemClient",
        'getattr(stale, "_identifier", "")'.replace('"', "'"),
        "SharedSystemClient._identifier_to_system",
        "import chromadb.api._private_module",
        "from chromadb.api.client import _helper",
        "client._server",
        "self._client._system",
    ):
        assert any(expected in v for v in found), (expected, found)
    assert violations("class A:\n    def f(self):\n        return self._client.heartbeat()\n") == []


def test_assistant_and_ingest_use_only_public_chromadb_api() -> None:
    found: list[str] = []
    for package in ("assistant", "ingest"):
        for path in sorted((ROOT / package).rglob("*.py")):
            found += violations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "\n".join(found)


WRITER = """
import sys, numpy as np, chromadb
from chromadb.config import Settings
client = chromadb.PersistentClient(
    path=sys.argv[1], settings=Settings(anonymized_telemetry=False, allow_reset=False)
)
client.get_collection(sys.argv[2]).upsert(
    ids=["elsewhere"], embeddings=np.array([[0.0, 1.0, 0.0]], dtype=np.float32)
)
"""


def test_follow_sees_other_processes_while_queries_keep_running(
    settings: Settings, tmp_path: Path
) -> None:
    def reopen(stale: object) -> object:
        return reopen_chroma_client(stale, settings)

    store = VectorStore(build_chroma_client(settings), settings.collection, reopen)
    store.upsert(["here"], np.array([[1.0, 0.0, 0.0]], dtype=np.float32), ["a"], [{"n": 1}])
    store.follow("1")
    assert [cid for cid, _ in store.query(np.array([0.0, 1.0, 0.0]), 5)] == ["here"]

    problems: list[str] = []
    answered = [0]
    stop = threading.Event()

    def query_loop() -> None:
        while not stop.is_set():
            try:
                store.query(np.array([0.0, 1.0, 0.0]), 2)
                answered[0] += 1
            except Exception as exc:  # any failure during the reopen is a bug
                problems.append(repr(exc))

    threads = [threading.Thread(target=query_loop) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        subprocess.run(
            [sys.executable, "-c", WRITER, str(settings.chroma_dir), settings.collection],
            check=True,
            timeout=120,
            cwd=ROOT,
        )
        for generation in range(2, 8):  # reopen repeatedly under load
            store.follow(str(generation))
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    assert not problems, problems[:3]
    assert answered[0] > 0
    nearest = store.query(np.array([0.0, 1.0, 0.0]), 2)
    assert nearest[0][0] == "elsewhere" and nearest[0][1] > 0.99  # cosine kept after reopen
