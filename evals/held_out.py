"""Dev questions searched with a query adapter that never saw them.

Since session 34 the shipped adapter (assistant/data/adapter.npz) is fitted on the register and
every in-corpus dev law question, so its searches of those questions are in-sample: fitting the
section ranker or the doubt models on them, or reporting them, would overrate the adapted search.
`python -m evals.adapter --check` also fits one adapter per half of the dev sets (the register
and the other half's questions) and stores both here, with the hash of the adapter they belong
to; a dev question is then searched with the half that left its set out. Questions of any other
set (test, blind, starter) keep the shipped adapter, which never saw them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from assistant.retrieval.adapter import ADAPTER_FILE, QueryAdapter, query_adapter
from assistant.services import Services
from evals.harness import ROOT

HALVES = ROOT / "evals" / "adapter_halves.npz"


@dataclass(frozen=True)
class _Half:
    adapter: QueryAdapter
    held: frozenset[str]  # file names of the dev sets this half's adapter was not fitted on


def shipped_hash() -> str:
    """The sha256 of the shipped adapter file ("" when there is none)."""
    path = resources.files("assistant") / "data" / ADAPTER_FILE
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


@lru_cache(maxsize=1)
def _hash_once() -> str:
    """The shipped adapter's hash, read once per process (it is asked for every question)."""
    return shipped_hash()


def save_halves(model_id: str, halves: list[tuple[np.ndarray, list[str]]]) -> None:
    """Store the half adapters beside the hash of the adapter just written."""
    arrays: dict[str, np.ndarray] = {
        "model_id": np.array(model_id),
        "adapter_sha256": np.array(shipped_hash()),
    }
    for i, (matrix, held) in enumerate(halves):
        arrays[f"matrix{i}"] = matrix.astype(np.float16)
        arrays[f"held{i}"] = np.array(sorted(held))
    with HALVES.open("wb") as handle:
        np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]


@lru_cache(maxsize=2)
def _halves(path: Path, model_id: str, adapter_hash: str) -> tuple[_Half, ...]:
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run `python -m evals.adapter --check`")
    with np.load(path) as data:
        if str(data["model_id"]) != model_id or str(data["adapter_sha256"]) != adapter_hash:
            raise SystemExit(
                f"{path.name} belongs to another adapter fit: run `python -m evals.adapter --check`"
            )
        count = sum(1 for key in data.files if key.startswith("matrix"))
        return tuple(
            _Half(
                QueryAdapter(model_id, np.asarray(data[f"matrix{i}"], np.float32)),
                frozenset(map(str, data[f"held{i}"])),
            )
            for i in range(count)
        )


def use_held_out_adapter(services: Services, path: Path) -> None:
    """Give the retriever an adapter that was not fitted on the questions of `path`."""
    model_id = services.embeddings.backend.model_id
    shipped = query_adapter(model_id)
    retriever = services.retriever
    retriever.adapter = shipped
    if shipped is None:
        return
    for half in _halves(HALVES, model_id, _hash_once()):
        if path.name in half.held:
            retriever.adapter = half.adapter
            return
