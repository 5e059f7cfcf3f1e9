"""The gaps report on the eval sets' out-of-corpus questions: `python -m evals.gaps`.

Every out-of-corpus question of the gold sets (starter `kind: out_of_corpus`, follow-up turns
without gold documents as their standalone form, long inputs without in-scope parts) is asked
through the real Assistant on a temporary data dir with the starter corpus, by staff of two
organisations in turn; an out-of-corpus question that nevertheless got an answer gets 👎, as
its asker would give. Then the advisors' gaps report is printed (as `lotse report gaps`).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from assistant.cli.report import print_gaps
from assistant.config import Settings
from assistant.core import Assistant, Principal
from assistant.domain import Rating, Scope
from assistant.services import Services
from evals.harness import EVAL_DATA, ROOT, load_jsonl
from ingest.pipeline import Ingestor

GOLD = ROOT / "evals" / "gold"
ORGANISATIONS = ("musterstadt", "beispielhausen")
ADVISOR = Principal("eval-advisor", frozenset({Scope.ADVISE}), None, "cli")


def out_of_corpus_questions() -> list[dict[str, str]]:
    """The out-of-corpus questions of the gold sets, each with its origin."""
    found = [
        {"id": q["id"], "q": q["q"]}
        for q in load_jsonl(GOLD / "starter_qa.jsonl")
        if q["kind"] == "out_of_corpus"
    ]
    for name in ("followups_train", "followups_dev", "followups_test"):
        for conversation in load_jsonl(GOLD / f"{name}.jsonl"):
            for number, turn in enumerate(conversation["turns"]):
                if turn.get("gold", ["in corpus"]) == []:
                    text = turn.get("standalone") or turn["q"]
                    found.append({"id": f"{conversation['id']}.{number}", "q": text})
    for item in load_jsonl(GOLD / "long_questions.jsonl"):
        if not any(p["gold_docs"] or p["gold_sections"] for p in item["parts"]):
            found.append({"id": item["id"], "q": item["q"]})
    return found


def run(distance: float | None = None, data_dir: Path | None = None) -> dict[str, Any]:
    """Ask every out-of-corpus question, rate wrong answers 👎, return the gaps report."""
    with tempfile.TemporaryDirectory(prefix="lotse-gaps-") as temporary:
        values: dict[str, Any] = {
            "data_dir": data_dir or Path(temporary) / "data",
            "embedding_cache": EVAL_DATA / "embeddings.sqlite3",
            "collection": "eval-gaps",
        }
        if distance is not None:
            values["gaps_distance"] = distance
        settings = Settings(**values)
        services = Services.build(settings)
        Ingestor(services.index, settings).run([ROOT / "corpus"])
        with Assistant(services) as assistant:
            for number, item in enumerate(out_of_corpus_questions()):
                organisation = ORGANISATIONS[number % len(ORGANISATIONS)]
                staff = Principal(f"eval-{organisation}", frozenset({Scope.ASK}), organisation)
                asked = assistant.ask(staff, item["q"], mode="extractive")
                if asked.answer.outcome == "answer":
                    assistant.feedback(staff, asked.answer_id, Rating.DOWN)
            return assistant.reports.gaps(ADVISOR, None, 1)


def main() -> None:
    """Print the report (table, or --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distance", type=float, help="LOTSE_GAPS_DISTANCE for this run")
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    args = parser.parse_args()
    report = run(args.distance)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_gaps(report)


if __name__ == "__main__":
    main()
