"""Render eval results as evals/report.md (and the calibration plot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals import quotable

SETS = (
    "starter",
    "starter_dev2",
    "starter_blind",
    "laws",
    "laws_heldout_dev",
    "laws_heldout_dev3",
    "laws_heldout_dev4",
    "laws_heldout_dev5",
    "laws_heldout_dev6",
    "laws_heldout_dev7",
    "laws_heldout_dev8",
    "laws_heldout_dev9",
    "laws_heldout_dev10",
    "laws_heldout_dev11",
    "laws_heldout_dev12",
    "laws_heldout_dev13",
    "laws_heldout_dev14",
    "laws_heldout_dev15",
    "laws_heldout_dev16",
    "laws_heldout_dev17",
    "laws_heldout_dev18",
    "laws_heldout_dev19",
    "laws_heldout_dev20",
    "laws_heldout_dev21",
    "laws_heldout_context",
    "laws_heldout_ctxdev",
    "laws_land_dev",
    "laws_heldout_test",
)
TITLES = {
    "starter": "starter corpus (dev)",
    "starter_dev2": "starter corpus: dev2 (session 20, read)",
    "starter_blind": "starter corpus: blind (session 20, only measured)",
    "laws": "laws: shared dev questions",
    "laws_heldout_dev": "laws: held-out dev",
    "laws_heldout_dev3": "laws: held-out dev3 (2026-12-03; doubt models fitted on it)",
    "laws_heldout_dev4": "laws: held-out dev4 (2026-12-03; doubt models fitted on it)",
    "laws_heldout_dev5": "laws: held-out dev5 (2026-12-03; blind until session 18, then read)",
    "laws_heldout_dev6": "laws: held-out dev6 (session 15; blind until session 18, then read)",
    "laws_heldout_dev7": "laws: held-out dev7 (session 16; blind until session 18, then read)",
    "laws_heldout_dev8": "laws: held-out dev8 (2026-12-03, session 17, blind: only measured)",
    "laws_heldout_dev9": "laws: held-out dev9 (2026-12-04, session 18, blind: only measured)",
    "laws_heldout_dev10": "laws: held-out dev10 (2026-12-04, session 19, blind: only measured)",
    "laws_heldout_dev11": "laws: held-out dev11 (2026-12-06, session 26, blind: only measured)",
    "laws_heldout_dev12": "laws: held-out dev12 (session 27, laws without a register before; read)",
    "laws_heldout_dev13": "laws: held-out dev13 (2026-12-06, session 27, blind: only measured)",
    "laws_heldout_dev14": "laws: held-out dev14 (session 36, small ordinances; read)",
    "laws_heldout_dev15": "laws: held-out dev15 (session 36, small ordinances; read)",
    "laws_heldout_dev16": "laws: held-out dev16 (session 36, blind: only measured)",
    "laws_heldout_dev17": "laws: held-out dev17 (session 37, blind: only measured)",
    "laws_heldout_dev18": "laws: held-out dev18 (end of session 37, blind: only measured)",
    "laws_heldout_dev19": "laws: held-out dev19 (session 38, blind: only measured)",
    "laws_heldout_dev20": "laws: held-out dev20 (session 39, blind: only measured)",
    "laws_heldout_dev21": "laws: held-out dev21 (session 42, blind: only measured)",
    "laws_heldout_context": (
        "laws: context and near-boundary (400 + 800, session 39, blind: only measured)"
    ),
    "laws_heldout_ctxdev": "laws: context and near-boundary dev (60 + 60, session 43; read)",
    "laws_land_dev": "laws: placed in a Land (session 24, written blind, then read)",
    "laws_heldout_test": "laws: held-out TEST (frozen)",
}
# only ever measured: misses never listed
BLIND = (
    "starter_blind",
    "laws_heldout_dev8",
    "laws_heldout_dev9",
    "laws_heldout_dev10",
    "laws_heldout_dev11",
    "laws_heldout_dev13",
    "laws_heldout_dev16",
    "laws_heldout_dev17",
    "laws_heldout_dev18",
    "laws_heldout_dev19",
    "laws_heldout_dev20",
    "laws_heldout_dev21",
    "laws_heldout_context",
    "laws_heldout_test",
)


def _f(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _retrieval_row(name: str, r: dict[str, Any]) -> str:
    return (
        f"| {name} | {r.get('n', '')} | {_f(r['hit@1'])} | {_f(r['hit@5'])} | {_f(r['mrr@10'])} |"
    )


def _retrieval(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Retrieval (the first gold § or document among the results)",
        "",
        "| set / pipeline | n | hit@1 | hit@5 | MRR@10 |",
        "|---|---|---|---|---|",
    ]
    for name in SETS:
        if name in results:
            lines.append(
                _retrieval_row(f"{TITLES[name]}: Digitallotse", results[name]["retrieval"])
            )
            for lang, scores in results[name].get("by_language", {}).items():
                if lang != "de" and scores.get("n"):
                    title = f"{TITLES[name]}: Digitallotse, {lang} questions only"
                    lines.append(_retrieval_row(title, scores))
    for name, r in results.get("laws_baselines", {}).items():
        lines.append(_retrieval_row(f"laws: {name}", r))
    for name, r in results.get("starter_baselines", {}).items():
        lines.append(_retrieval_row(f"starter corpus: {name}", r))
    for name, r in results.get("xquad", {}).items():
        lines.append(_retrieval_row(f"xquad-de: {name}", r))
    return lines


def _outcomes(results: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## Outcomes (extractive, offline default)",
        "",
        "In-corpus questions: share answered (`answer`), offered passages to check (`candidates`),"
        " abstained; of the answers, the share citing no gold source (target ≤ 0.15; an answer"
        ' quotes its leading § and names the next one, "Siehe auch") and, stricter, the share'
        " whose leading (quoted) source is not gold. Out-of-"
        "corpus questions must abstain. `cut` counts answer statements and quotes that end inside"
        " an abbreviation, date or enumeration (target 0); `dangling reference` counts answer"
        ' statements that open with a sentence or subsection they do not show ("Satz 2 gilt'
        ' nicht, …"), open with an enumerated item whose head they lack ("4. die Kennzeichnung, …")'
        " or run on into the next bullet item; `not verbatim` counts quote pieces that"
        " are not substrings of their source; `out of order` counts statements after the lead"
        " quoted before one that precedes them in the same source.",
        "",
        "| set | answer | candidates | abstain | answers citing no gold | answers leading with no "
        "gold | candidates incl. gold | out-of-corpus abstained | cut | dangling reference "
        "| not verbatim | out of order | search p50/p95 ms | ask p50/p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in SETS:
        o = results.get(name, {}).get("outcomes")
        if not o:
            continue
        lat = results[name]["latency"]
        lines.append(
            f"| {TITLES[name]} | {_f(o['answer'])} | {_f(o['candidates'])} | {_f(o['abstain'])} "
            f"| {_f(o['answered_citing_no_gold'])} | {_f(o.get('answered_lead_not_gold'))} "
            f"| {_f(o['candidates_with_gold'])} "
            f"| {_f(o['out_of_corpus_abstained'])} ({o['out_of_corpus']}) | {o['cut_statements']} "
            f"| {_whole_thought_faults(o)} "
            f"| {o['quotes_not_verbatim']} | {o.get('out_of_order', '–')} "
            f"| {lat['search']['p50_ms']}/{lat['search']['p95_ms']} "
            f"| {lat['ask']['p50_ms']}/{lat['ask']['p95_ms']} |"
        )
    return lines


def _whole_thought_faults(o: dict[str, Any]) -> int:
    """Statements opening with what they do not show, or running on into the next item."""
    return sum(o.get(k, 0) for k in ("dangling_references", "runs_into_item", "headless_items"))


def _calibration(results: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## Calibration: does the answer name a gold source? (confidence vs. accuracy)",
        "",
        "Reliability diagram per confidence bin and risk–coverage (answering only the most "
        "confident share of questions); plot: `evals/results/calibration.png`.",
        "",
    ]
    shown = (
        "laws_heldout_test",
        "laws_heldout_context",
        "laws_heldout_ctxdev",
        "laws_heldout_dev21",
        "laws_heldout_dev20",
        "laws_heldout_dev19",
        "laws_heldout_dev18",
        "laws_heldout_dev17",
        "laws_heldout_dev16",
        "laws_heldout_dev15",
        "laws_heldout_dev14",
        "laws_heldout_dev13",
        "laws_heldout_dev12",
        "laws_heldout_dev11",
        "laws_heldout_dev10",
        "laws_heldout_dev9",
        "laws_heldout_dev8",
        "laws_heldout_dev7",
        "laws_heldout_dev6",
        "laws_heldout_dev5",
        "laws_heldout_dev",
    )
    for name in (*shown, "starter_blind", "starter_dev2", "starter"):
        cal = results.get(name, {}).get("calibration")
        if not cal:
            continue
        lines += [
            f"**{TITLES[name]}** – ECE {_f(cal['ece'])} over in-corpus questions; "
            f"{_f(results[name].get('calibration_all', {}).get('ece', ''))} over all questions "
            "(out-of-corpus ones counted as naming no gold source)",
            "",
            "| bin | n | mean confidence | accuracy |",
            "|---|---|---|---|",
        ]
        for row in cal["reliability"]:
            lines.append(
                f"| {row['bin']} | {row['n']} | {_f(row.get('confidence', '–'))} "
                f"| {_f(row.get('accuracy', '–'))} |"
            )
        curve = " · ".join(f"{p['coverage']:.0%}: {p['risk']:.2f}" for p in cal["risk_coverage"])
        lines += ["", f"Risk at coverage: {curve}", ""]
    return lines


def _conversations(results: dict[str, Any]) -> list[str]:
    conv = results.get("conversations")
    if not conv:
        return []
    lines = ["", "## Conversations and long inputs", ""]
    for name, f in conv["followups"].items():
        lines.append(
            f"- follow-ups, {name} set ({f['turns']} turns, {f['followups']} follow-ups): "
            f"precision {_f(f['precision'])}, recall {_f(f['recall'])}; gold document in the top "
            f"5 for {_f(f['gold_document_in_top5'])} of the turns that have one"
        )
    for key, title in (
        ("long", "long inputs"),
        ("long_dev2", "long inputs, second dev set"),
        ("long_dev3", "long inputs, third dev set"),
        ("long_blind", "long inputs, blind set"),
    ):
        long = conv.get(key)
        if not long:
            continue
        lines.append(
            f"- {title} ({long['n']}, up to {long['max_chars']} characters): in-scope outcomes "
            f"{long['outcomes']}; out-of-scope abstained {long['out_of_scope_abstained']} of "
            f"{long['out_of_scope']}; distinct questions counted exactly for "
            f"{_f(long['parts_count_exact'])}; gold source cited for "
            f"{_f(long['parts_gold_cited'])} of the in-scope questions; cut "
            f"{long['cut_statements']}, not verbatim {long['quotes_not_verbatim']}; ask p50/p95 "
            f"{long['latency']['p50_ms']}/{long['latency']['p95_ms']} ms"
        )
    return lines


def _word_lists(results: dict[str, Any]) -> list[str]:
    """A warning when the last run lacked the thesaurus or the glossary."""
    words = results.get("word_lists") or {}
    missing = [name for name in ("thesaurus", "glossary") if words.get(name) is False]
    if not missing:
        return []
    sets = ", ".join(words.get("sets", [])) or "the last run"
    return [
        "",
        f"**Run without {' and '.join(missing)}** ({sets}): these numbers are not the "
        "product's (`make eval` installs both).",
    ]


def write_report(results: dict[str, Any], path: Path) -> None:
    """Write the Markdown report."""
    lines = [
        "# Digitallotse – evaluation report",
        "",
        f"Date {results.get('date')}, machine {results.get('machine')}. Produced by `make eval`.",
        "Tuning used the dev sets only; `laws_heldout_test` is frozen and only ever reported.",
        *_word_lists(results),
        "",
        *_retrieval(results),
        *_outcomes(results),
        *quotable.report_lines(results),
        *_calibration(results),
        *_conversations(results),
        "",
        "## Misses (dev sets only; the blind sets' questions — test, dev8–dev11, dev13, dev16, "
        "dev17, dev18, dev19, dev20, dev21, context, "
        "starter blind — are not listed)",
        "",
    ]
    for name in (n for n in SETS if n not in BLIND):
        for row in results.get(name, {}).get("rows", []):
            bad_rank = row.get("rank") != 1 and "rank" in row
            bad_outcome = (row.get("outcome") == "abstain") == bool(row["gold"])
            if bad_rank or bad_outcome:
                lines.append(
                    f"- {name} {row['id']}: rank {row.get('rank')}, {row.get('outcome')} "
                    f"(conf {row.get('confidence')}), top {row['top']} – {row['q'][:160]}"
                )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plot_calibration(results, path.parent / "results" / "calibration.png")


def plot_calibration(results: dict[str, Any], path: Path) -> None:
    """Reliability diagram and risk–coverage curve of the held-out sets (matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # a plain install without the dev extras: the tables suffice
        return
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect")
    for name in ("laws_heldout_test", "laws_heldout_dev", "starter"):
        cal = results.get(name, {}).get("calibration")
        if not cal:
            continue
        bins = [b for b in cal["reliability"] if b.get("n")]
        left.plot(
            [b["confidence"] for b in bins],
            [b["accuracy"] for b in bins],
            marker="o",
            label=f"{TITLES[name]} (ECE {cal['ece']:.2f})",
        )
        curve = cal["risk_coverage"]
        right.plot(
            [p["coverage"] for p in curve],
            [p["risk"] for p in curve],
            marker="o",
            label=TITLES[name],
        )
    left.set(
        xlabel="confidence",
        ylabel="share naming a gold source",
        title="Reliability",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    right.set(
        xlabel="coverage (most confident first)",
        ylabel="risk (no gold source named)",
        title="Risk–coverage",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    for axes in (left, right):
        if axes.get_legend_handles_labels()[0]:  # nothing measured: no legend
            axes.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
