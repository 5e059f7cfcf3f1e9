"""The retrieval signals (assistant/answer/confidence.py) each doubt model reads, fitted by
evals/calibrate.py (`relevant`, `correct`) and evals/scope.py (the gate)."""

from __future__ import annotations

# the features of each model, chosen by cross-validated AUC on the dev questions
RELEVANT = (
    "dense",
    "coverage",
    "unknown",
    "english",
    "register",
    "off_topic",
    # session 32: how long the question is, and register and dense similarity as it grows (the
    # register speaks for long everyday questions, less for short generic ones: "Was ist das
    # OZG?"); whether it names the leading §'s law
    "long",
    "register_long",
    "dense_long",
    "named",
)
# session 42: the scope model's logit, where it applies (over the 119 laws: does the question read
# like those the laws answer?), out of fold for the dev questions; held out by set on the seven
# readable dev sets `correct` is not fitted on, in-corpus answered 0.814 → 0.827 (answers
# naming no gold 0.058 → 0.064) while out-of-corpus questions at or above the threshold 64 → 34
CORRECT = ("lead_logit", "dense_peak", *RELEVANT, "answerable", "answerable_known")
# the gate's (where the scope model applies): session 43, in place of the relevance
# probability's logit and the scope logit alone (a question's whole set held out, at the
# in-corpus abstention the gate had: out-of-corpus dev questions abstaining 347 → 357 of 392)
GATE = (
    *RELEVANT,
    # the ranking's: how clearly one § leads
    "lead_dense",
    "lead_score",
    "lead_logit",
    "score_margin",
    "margin",
    "dense_peak",
    "register_peak",
    "agreement",
    "routed",
    # the scope model's logit (out of fold for the dev questions)
    "answerable",
)
