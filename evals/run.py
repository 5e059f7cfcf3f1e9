"""`make eval`: every eval set, reference pipelines, evals/report.md and JSON results."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import date
from typing import Any

from assistant.config import Settings
from assistant.services import word_lists, word_maps
from evals import conversations, laws, ocr, starter, xquad
from evals.harness import RESULTS, ROOT
from evals.report import write_report


def main() -> None:
    """Run the selected eval sets and write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--only", choices=["starter", "laws", "conversations", "xquad", "ocr"], action="append"
    )
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument(
        "--allow-missing-word-lists",
        action="store_true",
        help="run although the thesaurus or glossary is not installed (recorded in the report)",
    )
    args = parser.parse_args()
    selected = args.only or ["starter", "laws", "conversations", "xquad", "ocr"]
    settings = Settings()
    words = word_lists(settings)
    if not all(words.values()) and not args.allow_missing_word_lists:
        missing = ", ".join(name for name, ok in words.items() if not ok)
        packages = ", ".join(m.package for m in word_maps(settings))
        sys.exit(
            f"evals: {missing} not installed (Debian {packages}); `make eval` installs them. "
            "Numbers without them are not the product's numbers "
            "(--allow-missing-word-lists runs anyway and says so in the report)."
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {_cores()} cores",
        "word_lists": {**words, "sets": selected},
    }
    previous = RESULTS / "eval.json"
    for name in selected:
        started = time.monotonic()
        print(f"== {name}")
        if name == "starter":
            results.update(starter.run())
        elif name == "laws":
            results.update(laws.run())
            if not args.no_baselines:
                results["laws_baselines"] = laws.run_baselines()
        elif name == "conversations":
            results["conversations"] = conversations.run()
        elif name == "ocr":  # scanned court decisions: document + page of OCR'd text
            results["ocr"] = ocr.run()
        else:
            results["xquad"] = xquad.run()
        print(f"   {time.monotonic() - started:.0f} s")
    if previous.exists():  # merge with results of other sets, read as late as possible
        old = json.loads(previous.read_text(encoding="utf-8"))
        stale = {"laws_heldout"}  # replaced by laws_heldout_dev / laws_heldout_test
        kept = {k: v for k, v in old.items() if k not in results and k not in stale}
        results = {**kept, **results}
    previous.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    write_report(results, ROOT / "evals" / "report.md")
    print(f"wrote {ROOT / 'evals' / 'report.md'} and {previous}")


def _cores() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
