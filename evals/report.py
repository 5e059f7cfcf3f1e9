"""Render eval results as evals/report.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SETS = ("starter", "laws", "laws_heldout")


def _f(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _retrieval_row(name: str, r: dict[str, Any]) -> str:
    return (
        f"| {name} | {r.get('n', '')} | {_f(r['hit@1'])} | {_f(r['hit@5'])} | {_f(r['mrr@10'])} |"
    )


def write_report(results: dict[str, Any], path: Path) -> None:
    """Write the Markdown report."""
    lines = [
        "# Digitallotse – evaluation report",
        "",
        f"Date {results.get('date')}, machine {results.get('machine')}. Produced by `make eval`.",
        "",
        "## Retrieval",
        "",
        "| set / pipeline | n | hit@1 | hit@5 | MRR@10 |",
        "|---|---|---|---|---|",
    ]
    for name in SETS:
        if name in results:
            lines.append(_retrieval_row(f"{name}: Digitallotse", results[name]["retrieval"]))
    for name, r in results.get("laws_baselines", {}).items():
        lines.append(_retrieval_row(f"laws: {name}", r))
    for name, r in results.get("xquad", {}).items():
        lines.append(_retrieval_row(f"xquad-de: {name}", r))
    lines += [
        "",
        "## Answers (extractive)",
        "",
        "| set | in-corpus answered | out-of-corpus abstained | abstention acc. "
        "| citation precision "
        "| citations retrieved | search p50/p95 ms | ask p50/p95 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in SETS:
        if name not in results:
            continue
        a = results[name].get("answers", {})
        lat = results[name]["latency"]
        lines.append(
            f"| {name} | {_f(a.get('in_corpus_answered'))} "
            f"| {_f(a.get('out_of_corpus_abstained'))} "
            f"| {_f(a.get('abstention_accuracy'))} | {_f(a.get('citation_precision'))} "
            f"| {_f(a.get('citations_retrieved'))} "
            f"| {lat['search']['p50_ms']}/{lat['search']['p95_ms']} "
            f"| {lat['ask']['p50_ms']}/{lat['ask']['p95_ms']} |"
        )
    lines += ["", "## Misses", ""]
    for name in SETS:
        for row in results.get(name, {}).get("rows", []):
            bad_rank = row.get("rank") != 1 and "rank" in row
            bad_abstain = row.get("abstained") == bool(row["gold"])
            if bad_rank or bad_abstain:
                lines.append(
                    f"- {name} {row['id']}: rank {row.get('rank')}, abstained "
                    f"{row.get('abstained')} (conf {row.get('confidence')}), top {row['top']} – "
                    f"{row['q']}"
                )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
