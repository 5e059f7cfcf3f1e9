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
VWVFG_3A = "vwvfg-elektronische-kommunikation-schriftform"
SECTION_QUESTIONS = {
    "Was regelt § 3a VwVfG?": VWVFG_3A,
    "Gilt § 3a Abs. 2 VwVfG auch für Onlineformulare?": VWVFG_3A,
    "Was steht in § 37 VwVfG?": VWVFG_3A,
    "Was regelt § 35a VwVfG?": "vwvfg-vollautomatisierter-verwaltungsakt",
    "Was regelt § 1a OZG?": "ozg-aenderungsgesetz-ozg-2-0",
    "Was regelt § 9 OZG?": "ozg-nutzerkonto-postfach",
}


def test_starter_corpus_quality_does_not_regress(tmp_path: Path, embedding_cache: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", embedding_cache=embedding_cache)
    with Services.build(settings) as services:
        report = Ingestor(services.index, settings).run([ROOT / "corpus"])
        assert not report.failed and report.count("added") >= 30
        result = run_questions(services, load_jsonl(GOLD), doc_matches)
        # a § of a law the starter corpus does not hold: the guide about it leads, not a text
        # that cites it in passing (session 33: 7 of these led with another document before)
        leads = {
            q: services.retriever.search(q, 3).hits[0].chunk.doc_id for q in SECTION_QUESTIONS
        }
    assert leads == SECTION_QUESTIONS
    floor = json.loads(THRESHOLDS.read_text(encoding="utf-8"))["starter"]
    measured = {**result["retrieval"], **result["answers"]}
    print(json.dumps({k: round(v, 3) for k, v in measured.items()}, indent=1))
    below = {k: (round(measured[k], 3), v) for k, v in floor.items() if measured[k] < v}
    assert not below, f"quality below committed thresholds (measured, floor): {below}"
