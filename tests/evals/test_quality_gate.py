"""CI quality gate: the starter-corpus gold set must not regress below committed thresholds."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.config import Settings
from assistant.services import Services
from evals.harness import ROOT, load_jsonl, run_questions
from evals.starter import GOLD, doc_matches
from ingest.pipeline import Ingestor

THRESHOLDS = ROOT / "evals" / "thresholds.json"


def test_starter_corpus_quality_does_not_regress(tmp_path: Path, embedding_cache: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", embedding_cache=embedding_cache)
    with Services.build(settings) as services:
        report = Ingestor(services.index, settings).run([ROOT / "corpus"])
        assert not report.failed and report.count("added") >= 30
        result = run_questions(services, load_jsonl(GOLD), doc_matches)
    floor = json.loads(THRESHOLDS.read_text(encoding="utf-8"))["starter"]
    measured = {**result["retrieval"], **result["answers"]}
    print(json.dumps({k: round(v, 3) for k, v in measured.items()}, indent=1))
    below = {k: (round(measured[k], 3), v) for k, v in floor.items() if measured[k] < v}
    assert not below, f"quality below committed thresholds (measured, floor): {below}"
