"""Fit the confidence models (assistant/data/calibration.json) on the dev questions.

Run after `make eval` built evals/.data/{starter,laws}. Two scikit-learn logistic regressions
over assistant.answer.confidence.features:
- `relevant`: in-corpus (1) vs out-of-corpus (0) questions → abstain below `abstain_below`;
- `correct`: is a gold source among the two sections an answer names (the one it quotes first
  and the next one, "Siehe auch")? Fitted on all questions, an out-of-corpus one counting as
  not correct, over the ranking signals and the relevance signals, so that the confidence shown
  is the chance the answer names a right source, not that chance given the question is in scope
  → the confidence, and `answer` from `answer_from` on, else "Fundstellen zum Prüfen".
Both are fitted on the fitting sets over their own indexes and, since session 32, on the same
questions over two other indexes (evals/calibration_rows.py: the 15 core laws alone, where a
question about another law is out-of-corpus; starter corpus and laws together); `correct` is then
rescaled (Platt) to how often the first kind names a gold source, its shown confidence.
Thresholds are chosen on out-of-fold probabilities of the dev questions over their own indexes
(5-fold cross-validation, a question's rows in one fold, so they are not fitted to what the
models have seen): every out-of-corpus dev question abstains with a margin unless more than
IN_CORPUS_ABSTAIN of the in-corpus ones of any dev set would, and `answer_from` balances the two
targets on the held-out dev questions (everyday questions, the hardest dev sets): the threshold
whose worse margin — answered share above ANSWERED, share of answers naming no gold source below
NO_GOLD — is largest (evals/cutoffs.py). An index of documents keeps its own pair of models
(`documents_models`, the pair it had before the refit unless --documents-refit) and with them its
own thresholds, chosen on the starter dev sets (anew with --documents, or when its models are
refitted).
Since session 41 the relevance model learns from every readable dev law set (--relevance refits
it alone): held out by set, its AUC rose on each of the seven added; `correct`, refitted on them
too, answered fewer in-corpus questions on 8 of the 10 readable dev law sets, and is kept as
fitted on the first three (a run without --relevance refits it on every set: measure first).
Since session 42 `correct` also reads the scope model's logit where it applies (over every
bundled law, no filter, the leading passages all laws), out of fold for the dev questions
(evals/scope.py held_out_logits); --correct refits it alone on CORRECT_SETS, keeps the relevance
model and stores the model from before as `unscoped`, which decides where the scope model does
not apply. Its answer_from is then chosen by evals/answer_threshold.py from two `make eval`
runs (the most right answers with no more wrong ones on the readable dev law sets).
The frozen test set is never read here.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from assistant.scoring import LinearModel
from evals.calibration_rows import SETS, Rows, collect, collect_other_indexes
from evals.cutoffs import (
    IN_CORPUS_ABSTAIN,
    OOC_MARGIN,
    balanced_threshold,
    documents_thresholds,
)
from evals.harness import ROOT, eval_services
from evals.logistic import fit, out_of_fold, recalibrated
from evals.scope import held_out_logits
from evals.signals import CORRECT, RELEVANT

CALIBRATION = ROOT / "assistant" / "data" / "calibration.json"
THRESHOLD_SET = "laws_heldout_dev"
# the sets `correct` is fitted on (--correct): a refit on every set answered fewer in-corpus
# questions (session 41)
CORRECT_SETS = ("laws", "laws_heldout_dev", "starter")


def _report_other(other: Rows, p_rel: np.ndarray, p_all: np.ndarray) -> None:
    """How well the out-of-fold probabilities over the other indexes separate in- from
    out-of-corpus questions (their thresholds are the main rows')."""
    y = np.asarray(other.relevant, dtype=bool)
    if not len(y):
        return
    print(
        f"other indexes: {len(y)} rows ({y.sum()} in-corpus); mean relevance probability "
        f"in-corpus {p_rel[y].mean():.3f}, out-of-corpus {p_rel[~y].mean():.3f}; mean "
        f"confidence in-corpus {p_all[y].mean():.3f}, out-of-corpus {p_all[~y].mean():.3f}"
    )


def main() -> None:
    """Fit, choose thresholds, write calibration.json for the bundled model."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    parser.add_argument(
        "--documents", action="store_true", help="only the documents' threshold, models kept"
    )
    parser.add_argument(
        "--documents-refit",
        action="store_true",
        help="the fresh models serve indexes of documents too (else those keep theirs)",
    )
    parser.add_argument(
        "--relevance",
        action="store_true",
        help="only the relevance model refitted (and abstain_below); `correct`, answer_from kept",
    )
    parser.add_argument(
        "--correct",
        action="store_true",
        help="only `correct` refitted (on CORRECT_SETS) and answer_from; relevance kept",
    )
    parser.add_argument(
        "--thresholds",
        action="store_true",
        help="models kept, every threshold chosen anew (after a change to retrieval)",
    )
    args = parser.parse_args()
    if args.documents:
        data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
        entry = data["models"][data["default"]]
        below, answer_from = documents_thresholds(entry)
        entry["documents_abstain_below"] = round(below, 4)
        entry["documents_answer_from"] = answer_from
        if not args.dry_run:
            CALIBRATION.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
            print(f"wrote {CALIBRATION}")
        return
    fitting = {k: v for k, v in SETS.items() if k in CORRECT_SETS} if args.correct else SETS
    main_rows = collect(fitting)
    rows, correct, names = main_rows.features, main_rows.correct, main_rows.names
    # the models see the questions over the other indexes too; thresholds only the main rows
    other = Rows() if args.thresholds else collect_other_indexes(fitting)
    with eval_services("laws") as services:  # `correct` reads the scope model's logit: held out
        logits = held_out_logits(services)
    print(f"scope logits held out: {main_rows.hold_out(logits) + other.hold_out(logits)} rows")
    n = len(main_rows)
    every = main_rows.features + other.features
    groups = main_rows.questions + other.questions
    x_rel = np.asarray([[r[f] for f in RELEVANT] for r in every])
    y_rel = np.asarray(main_rows.relevant + other.relevant)
    x_cor = np.asarray([[r[f] for f in CORRECT] for r in every])
    y_all = np.asarray([c or 0 for c in main_rows.correct + other.correct])
    refit_relevant = not (args.thresholds or args.correct)
    refit_correct = not (args.thresholds or args.relevance)
    kept_from = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    kept_from = kept_from["models"][kept_from["default"]]  # the bundled models, on this evidence
    rel, cor = kept_from["relevant"], kept_from["correct"]
    if refit_relevant:
        rel = fit(x_rel, y_rel, list(RELEVANT), balanced=True)
        p_rel = out_of_fold(x_rel, y_rel, groups, balanced=True)
    else:
        p_rel = np.asarray([LinearModel.from_json(rel).probability(r) for r in every])
    if refit_correct:
        cor = fit(x_cor, y_all, list(CORRECT), balanced=False)
        p_all = out_of_fold(x_cor, y_all, groups, balanced=False)
        _report_other(other, p_rel[n:], p_all[n:])
        cor, p_all = recalibrated(cor, p_all, y_all, n)
    else:
        p_all = np.asarray([LinearModel.from_json(cor).probability(r) for r in every])
    p_rel, p_all, y_rel, y_all = p_rel[:n], p_all[:n], y_rel[:n], y_all[:n]
    set_names = np.asarray(names)
    # every out-of-corpus dev question abstains with a margin, unless that would turn away more
    # than IN_CORPUS_ABSTAIN of the in-corpus ones of any dev set (the realistic out-of-corpus
    # questions of laws_ooc_dev overlap in-corpus ones: then those get "Fundstellen zum Prüfen",
    # not answers)
    abstain_below = (
        float(kept_from["abstain_below"])
        if args.correct
        else float(
            min(
                1.0,
                p_rel[y_rel == 0].max() + OOC_MARGIN,
                *(
                    np.quantile(p_rel[(y_rel == 1) & (set_names == name)], IN_CORPUS_ABSTAIN)
                    for name in fitting
                ),
            )
        )
    )
    # `correct` is fitted on every question, out-of-corpus ones as not correct (session 15: on
    # dev, out of fold, 11 % → 7 % of them answered, in-corpus answered 0.798 → 0.775)
    inside = [i for i, c in enumerate(correct) if c is not None]
    p_cor, y_cor = p_all[inside], y_all[inside]
    hard = np.asarray([names[i] == THRESHOLD_SET for i in inside])
    kept = p_rel[inside] >= abstain_below  # not abstained
    answer_from = (
        float(kept_from["answer_from"])
        if args.relevance
        else balanced_threshold(p_cor[hard], y_cor[hard], kept[hard])
    )
    answered = (p_cor >= answer_from) & kept
    outside = y_rel == 0
    ooc_answered = ((p_all >= answer_from) & (p_rel >= abstain_below))[outside].mean()
    print(json.dumps({"relevant": rel, "correct": cor}, indent=1))
    print(
        f"dev: {len(rows)} questions; abstain_below {abstain_below:.3f} → in-corpus abstained "
        f"{(p_rel[y_rel == 1] < abstain_below).mean():.3f}, out-of-corpus abstained "
        f"{(p_rel[y_rel == 0] < abstain_below).mean():.3f}; answer_from {answer_from} → answered "
        f"{answered.mean():.3f} naming gold {y_cor[answered].mean():.3f}; held-out dev: "
        f"answered {answered[hard].mean():.3f} naming gold {y_cor[answered & hard].mean():.3f}; "
        f"out-of-corpus answered {ooc_answered:.3f}"
    )
    for name in fitting:  # out of fold, per set
        mine = set_names == name
        ins = np.asarray([names[i] == name for i in inside])
        low = p_rel < abstain_below
        ooc = low[mine & outside].mean() if (mine & outside).any() else 0.0
        print(
            f"  {name}: in-corpus abstained {low[mine & (y_rel == 1)].mean():.3f}"
            f", out-of-corpus abstained {ooc:.3f}"
            f", answered {answered[ins].mean():.3f} naming no gold "
            f"{1 - y_cor[answered & ins].mean():.3f}"
        )
    if args.dry_run:
        return
    data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    bundled = data["models"][data["default"]]
    # an index of documents keeps the models it had (session 32: the refit for law indexes, read
    # at the starter corpus's committed answered floor, answered more of its out-of-corpus
    # questions) unless --documents-refit
    documents = bundled.get("documents_models") or {
        "relevant": bundled["relevant"],
        "correct": bundled["correct"],
    }
    data["models"][data["default"]] = {
        "relevant": rel,
        "correct": cor,
        "abstain_below": round(abstain_below, 4),
        "answer_from": answer_from,
        "fitted_on": bundled["fitted_on"] if args.correct else sorted(SETS),
    }
    if args.relevance:  # `correct` as it was fitted
        data["models"][data["default"]]["correct_fitted_on"] = bundled.get(
            "correct_fitted_on", bundled.get("fitted_on")
        )
    if args.correct:
        data["models"][data["default"]]["correct_fitted_on"] = sorted(fitting)
    # where the scope model does not apply, `correct` and answer_from from before it read the
    # scope model's logit (session 42: refitted with it, that model answered fewer questions
    # over starter corpus and laws together, where the threshold chosen over the laws does not
    # carry over)
    unscoped = bundled.get("unscoped") or (
        {"correct": bundled["correct"], "answer_from": bundled["answer_from"]}
        if args.correct
        else None
    )
    if unscoped:
        data["models"][data["default"]]["unscoped"] = unscoped
    if not args.documents_refit and documents != {"relevant": rel, "correct": cor}:
        data["models"][data["default"]]["documents_models"] = documents
    if "documents_models" in data["models"][data["default"]] and "documents_answer_from" in bundled:
        # the documents' models kept: their thresholds too (chosen anew with --documents)
        below, documents_from = bundled["documents_abstain_below"], bundled["documents_answer_from"]
    else:
        below, documents_from = documents_thresholds(data["models"][data["default"]])
    data["models"][data["default"]].update(
        documents_abstain_below=round(below, 4), documents_answer_from=documents_from
    )
    CALIBRATION.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {CALIBRATION}")


if __name__ == "__main__":
    main()
