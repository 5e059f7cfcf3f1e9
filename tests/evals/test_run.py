"""`make eval` refuses to produce numbers without the word lists unless told, and says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from evals.report import write_report
from tests.conftest import ROOT


def test_eval_stops_without_the_thesaurus_naming_it_and_writing_nothing(tmp_path: Path) -> None:
    results = ROOT / "evals" / "results" / "eval.json"
    before = results.stat().st_mtime_ns if results.exists() else None
    env = {**os.environ, "LOTSE_THESAURUS_PATH": str(tmp_path / "th_de_DE_v2.dat")}
    done = subprocess.run(
        [sys.executable, "-m", "evals.run", "--only", "xquad"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "thesaurus not installed" in done.stderr and "mythes-de" in done.stderr
    assert "Traceback" not in done.stderr
    assert (results.stat().st_mtime_ns if results.exists() else None) == before


def test_the_report_says_which_word_list_a_run_lacked(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    words = {"thesaurus": False, "glossary": True, "sets": ["laws"]}
    write_report({"date": "2026-12-06", "machine": "x", "word_lists": words}, report)
    assert "**Run without thesaurus** (laws)" in report.read_text(encoding="utf-8")
    write_report({"word_lists": {"thesaurus": True, "glossary": True}}, report)
    assert "Run without" not in report.read_text(encoding="utf-8")
