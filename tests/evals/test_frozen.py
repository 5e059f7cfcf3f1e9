"""The test splits are frozen: tuning never edits them (their hashes are committed)."""

from __future__ import annotations

import hashlib

from evals.harness import ROOT

GOLD = ROOT / "evals" / "gold"
CANDIDATES = ROOT / "evals" / "register_candidates"  # register files written, not yet shipped


def test_frozen_test_splits_are_unchanged() -> None:
    for line in (GOLD / "frozen.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        path = ROOT / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{name} was changed"


def test_register_and_out_of_scope_examples_share_no_question_with_eval_sets() -> None:
    import json

    evals = {
        json.loads(line)["q"].strip().lower()
        for path in GOLD.glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and "q" in json.loads(line)
    }
    data = ROOT / "assistant" / "data"
    registers = [
        *(data / "register").glob("*.jsonl"),
        *CANDIDATES.rglob("*.jsonl"),
        data / "register_documents.jsonl",
    ]
    assert len(registers) > len(list(CANDIDATES.rglob("*.jsonl")))
    bundled = {
        q.strip().lower()
        for path in registers
        for line in path.read_text(encoding="utf-8").splitlines()
        for q in json.loads(line)["questions"]
    }
    bundled |= {
        json.loads(line)["q"].strip().lower()
        for line in (data / "out_of_scope.jsonl").read_text(encoding="utf-8").splitlines()
    }
    assert not evals & bundled
