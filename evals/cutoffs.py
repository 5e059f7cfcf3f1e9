"""The thresholds between outcomes (evals/calibrate.py): how `answer_from` balances the answered
share against answers naming no gold source, and the documents' pair of thresholds, chosen on
the starter corpus's dev sets; and the scope gate's for a question naming a rule the sources
lack (evals/scope.py)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from assistant.scoring import LinearModel
from evals.calibration_rows import ask
from evals.harness import ROOT, eval_services, load_jsonl
from evals.starter import doc_matches

# an index of documents (no law's register): its own abstention threshold over the same model
DOCUMENT_SETS = {
    "starter": ROOT / "evals" / "gold" / "starter_qa.jsonl",
    "starter_dev2": ROOT / "evals" / "gold" / "starter_dev2.jsonl",
}
FLOORS = ROOT / "evals" / "thresholds.json"
NO_GOLD = 0.15  # target: at most this share of answers names no gold source
ANSWERED = 0.70  # target: at least this share of in-corpus questions is answered
OOC_MARGIN = 0.05
# a question naming a rule the sources lack gets passages this far above every such
# out-of-corpus dev question's gate probability (evals/scope.py, session 39)
OUTSIDE_MARGIN = 0.05
IN_CORPUS_ABSTAIN = 0.04  # at most this share of in-corpus dev questions abstains (target ≤ 0.05)


def balanced_threshold(
    p_cor: np.ndarray, named_gold: np.ndarray, kept: np.ndarray, inside: np.ndarray | None = None
) -> float:
    """The `answer_from` (0.01 steps) whose worse margin to both outcome targets is largest
    (the answered share counts the in-corpus questions, `inside`; all when not given)."""
    inside = np.ones(len(p_cor), dtype=bool) if inside is None else inside
    best, best_margin = 0.95, -np.inf
    for threshold in np.round(np.arange(0.2, 0.95, 0.01), 2):
        answered = (p_cor >= threshold) & kept
        if not answered.any():
            continue
        share = (answered & inside).sum() / inside.sum()
        margin = min(share - ANSWERED, NO_GOLD - (1.0 - named_gold[answered].mean()))
        if margin > best_margin:
            best, best_margin = float(threshold), margin
    return best


def documents_thresholds(entry: dict[str, Any]) -> tuple[float, float]:
    """`documents_abstain_below` and `documents_answer_from` for the fitted models, by the law
    rules on the pooled starter-corpus dev sets (an index of documents, searched with the
    documents' register); an out-of-corpus question answered counts as naming no gold. Read with
    the documents' own models where the entry has them."""
    models = entry.get("documents_models") or entry
    relevant = LinearModel.from_json(models["relevant"])
    correct = LinearModel.from_json(models["correct"])
    rows: list[tuple[float, float, bool, bool, str]] = []  # p_rel, p_cor, inside, gold, set
    with eval_services("starter") as services:
        lexical = services.index.lexical()
        for name, path in DOCUMENT_SETS.items():
            for q in load_jsonl(path):
                asked = ask(services, lexical, q, doc_matches)
                if asked is None:
                    continue
                signals, hit = asked
                p = relevant.probability(signals), correct.probability(signals)
                rows.append((*p, bool(q["gold"]), bool(q["gold"]) and hit, name))
    p_rel, p_cor = np.asarray([r[0] for r in rows]), np.asarray([r[1] for r in rows])
    ins, gold = np.asarray([r[2] for r in rows]), np.asarray([r[3] for r in rows])
    sets = np.asarray([r[4] for r in rows])
    # pooled: the sets are small (85 and 50 in-corpus questions), a per-set quantile is a guess
    abstain_below = float(
        min(1.0, p_rel[~ins].max() + OOC_MARGIN, np.quantile(p_rel[ins], IN_CORPUS_ABSTAIN))
    )
    kept = p_rel >= abstain_below
    best = balanced_threshold(p_cor, gold, kept, ins)
    # never below the starter corpus's committed floor of answered questions (the CI quality
    # gate, evals/thresholds.json): session 31's balanced choice, 0.93, answered 0.847 of them
    floor = json.loads(FLOORS.read_text(encoding="utf-8"))["starter"]["in_corpus_answered"]
    starter = (sets == "starter") & ins
    while best > 0.2 and ((p_cor >= best) & kept)[starter].mean() < floor:
        best = round(best - 0.01, 2)
    for n in DOCUMENT_SETS:
        mine = sets == n
        answered = (p_cor >= best) & kept & mine
        print(
            f"  {n} (documents: abstain below {abstain_below:.3f}, answer from {best}): "
            f"in-corpus abstained {(~kept[mine & ins]).mean():.3f}, answered "
            f"{answered[ins].sum() / (mine & ins).sum():.3f}; out-of-corpus abstained "
            f"{(~kept[mine & ~ins]).mean():.3f}, answered "
            f"{answered[~ins].sum() / (mine & ~ins).sum():.3f}"
        )
    return abstain_below, best


def outside_threshold(p_gate: np.ndarray, outside: np.ndarray, inside: np.ndarray) -> float | None:
    """From which gate probability a question naming a rule or a Land-law matter the sources
    lack gets passages (evals/scope.py): OUTSIDE_MARGIN above every out-of-corpus dev one's, out
    of fold (None without such questions: the relevance probability decides, as where the gate
    does not apply)."""
    out = p_gate[outside & ~inside]
    if not out.size:
        return None
    return float(min(round(float(out.max()) + OUTSIDE_MARGIN, 3), 0.99))


def setting_threshold(p_gate: np.ndarray, setting: np.ndarray, inside: np.ndarray) -> float | None:
    """… where it names them only in its setting (session 43): the gate probability (0.005
    steps) at which, out of fold, the most more out-of-corpus than in-corpus such dev questions
    abstain; at equal counts the highest, so that fewer out-of-corpus ones get passages (None
    without such out-of-corpus questions)."""
    if not (setting & ~inside).any():
        return None
    best, best_gain = 0.99, -np.inf
    for threshold in np.round(np.arange(0.05, 0.995, 0.005), 3):
        below = setting & (p_gate < threshold)
        gain = float((below & ~inside).sum() - (below & inside).sum())
        if gain >= best_gain:
            best, best_gain = float(threshold), gain
    return best
