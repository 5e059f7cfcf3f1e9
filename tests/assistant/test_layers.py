"""Layering: adapters go through the core facade only, never import each other, and every module
imports on its own (no import cycles hidden by import order)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "assistant"
ADAPTERS = ("api", "web", "slack", "cli", "integrations")
# what an adapter may import from the project besides its own package
ADAPTER_MAY_USE = (
    "assistant.core",
    "assistant.domain",
    "assistant.errors",
    "assistant.config",
    "assistant.logs",
    "assistant",  # __version__
)
EDGE = {"api": ("assistant.http",), "web": ("assistant.http",), "cli": ("assistant.launch",)}
COMPOSITION_ROOTS = {"assistant.http.app", "assistant.launch"}
FRAMEWORKS = ("fastapi", "starlette", "slack_bolt", "slack_sdk", "typer", "uvicorn")


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[str]:
    """Every module an import statement anywhere in the file names (also inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _modules() -> dict[str, Path]:
    return {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_adapters_use_only_the_facade_and_never_each_other() -> None:
    problems: list[str] = []
    for name, path in _modules().items():
        layer = name.split(".")[1] if name.count(".") >= 1 else ""
        if layer not in ADAPTERS:
            continue
        allowed = (f"assistant.{layer}", *ADAPTER_MAY_USE, *EDGE.get(layer, ()))
        for imported in _imports(path):
            if not (_under(imported, "assistant") or _under(imported, "ingest")):
                continue
            if imported == "assistant":
                continue
            if not any(_under(imported, a) for a in allowed if a != "assistant"):
                problems.append(f"{name} imports {imported}")
    assert not problems, "\n".join(problems)


def test_http_edge_imports_adapters_only_in_the_app_factory() -> None:
    problems = [
        f"{name} imports {imported}"
        for name, path in _modules().items()
        if _under(name, "assistant.http") and name not in COMPOSITION_ROOTS
        for imported in _imports(path)
        if any(_under(imported, f"assistant.{a}") for a in ADAPTERS)
    ]
    assert not problems, "\n".join(problems)


def test_core_never_imports_web_or_chat_frameworks() -> None:
    edge = tuple(f"assistant.{a}" for a in (*ADAPTERS, "http")) + ("assistant.launch",)
    problems = [
        f"{name} imports {imported}"
        for name, path in _modules().items()
        if not any(_under(name, e) for e in edge)
        for imported in _imports(path)
        if any(_under(imported, f) for f in FRAMEWORKS)
    ]
    assert not problems, "\n".join(problems)


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    """The walker sees imports inside functions too (the check can fail)."""
    sample = tmp_path / "routes.py"
    sample.write_text("def f():\n    from assistant.services import Services\n", encoding="utf-8")
    assert "assistant.services" in _imports(sample)


def test_every_module_imports_on_its_own() -> None:
    """Each edge module (where cycles bite: adapters, http, core, launch) imported first, with all
    edge modules forgotten before each; deeper layers and third-party modules stay cached."""
    edge = tuple(f"assistant.{a}" for a in (*ADAPTERS, "http", "core", "launch"))
    names = [
        n for n in _modules() if not n.endswith("__main__") and any(_under(n, e) for e in edge)
    ]
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for name in {names!r}:\n"
        f"    for loaded in [m for m in sys.modules if m.startswith({edge!r})]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{name}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
