"""Dev questions over federal law (shared/evals/dev_laws_qa.jsonl on shared/corpora/gesetze)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.services import Services
from evals import quotable
from evals.harness import ROOT, SHARED, eval_services, ingest, load_jsonl, run_questions
from evals.held_out import use_held_out_adapter

DEV = SHARED / "evals" / "dev_laws_qa.jsonl"
# Written by helpers from the law texts without seeing the system (own words, no § numbers,
# colloquial, deliberately avoiding the wording of section titles, some English). The dev part
# (the 45 questions of 2026-11-24 and 40 of 2026-12-01) may be tuned on; the test part (100
# questions of 2026-12-01, drawn at random, seed 20261201) is frozen: only ever reported.
# On 2026-12-02 two more helpers, blind as well, added 80 in-corpus dev questions (dev2) and 60
# out-of-corpus ones written to look like in-scope questions (ooc_dev); both belong to dev.
# Later on 2026-12-02 (session 11) a blind helper wrote 45 English questions (dev_en), to tune the
# English-German glossary on; they belong to dev.
# On 2026-12-03 (session 12) a blind helper wrote 30 English out-of-corpus questions (ooc_dev_en):
# every English dev question had been in-corpus, so the doubt model read "English" as "in scope".
HELDOUT_DEV = ROOT / "evals" / "gold" / "laws_heldout_dev.jsonl"
HELDOUT_DEV_EN = ROOT / "evals" / "gold" / "laws_heldout_dev_en.jsonl"
HELDOUT_DEV_ALL = (
    HELDOUT_DEV,
    ROOT / "evals" / "gold" / "laws_heldout_dev2.jsonl",
    ROOT / "evals" / "gold" / "laws_ooc_dev.jsonl",
    HELDOUT_DEV_EN,
    ROOT / "evals" / "gold" / "laws_ooc_dev_en.jsonl",
)
# On 2026-12-03 (session 12) a blind helper wrote dev3: 80 in-corpus questions over 41 laws (8
# English) and 20 out-of-corpus ones, 8 of them close to digital administration. It is dev,
# reported on its own; until session 14 no model was fitted on it.
HELDOUT_DEV3 = ROOT / "evals" / "gold" / "laws_heldout_dev3.jsonl"


def _in_and_out(name: str) -> tuple[Path, Path]:
    """A blind helper's set: its in-corpus and its out-of-corpus questions."""
    gold = ROOT / "evals" / "gold"
    return gold / f"laws_heldout_{name}.jsonl", gold / f"laws_ooc_{name}.jsonl"


# On 2026-12-03 (session 14) two more blind helpers wrote dev4 and dev5, each 100 in-corpus
# questions over 23–24 laws (10 English) and 30 out-of-corpus ones (half or more close to digital
# administration). dev3 and dev4 were then read and the doubt models fitted on them as well
# (evals/calibrate.py); dev5 is only ever measured: its misses are not listed in the report.
HELDOUT_DEV4 = _in_and_out("dev4")
HELDOUT_DEV5 = _in_and_out("dev5")
# Later in session 15 one more blind helper wrote dev6 from the law texts alone (100 in-corpus
# questions over 24 laws, 10 English; 30 out-of-corpus, 20 close to digital administration), to
# measure that session's change on questions no one had seen; only ever measured, like dev5.
HELDOUT_DEV6 = _in_and_out("dev6")
# In session 16 a blind helper wrote dev7 from the law texts alone (80 in-corpus questions over
# 37 laws, 12 English; 40 out-of-corpus, 20 close to digital administration), to measure that
# session's change (rules the sources do not contain) on questions no one had seen; only measured.
HELDOUT_DEV7 = _in_and_out("dev7")
# In session 17 a blind helper wrote dev8 from the law texts alone (80 in-corpus questions over
# 32 laws, 12 English; 40 out-of-corpus, 25 or more close to digital administration, 6 English),
# after that session's changes, to measure them on questions no one had seen; only measured.
HELDOUT_DEV8 = _in_and_out("dev8")
# In session 18 dev5, dev6 and dev7 stopped being blind: they had measured their sessions'
# changes; they were read for error analysis and their misses are listed (no model is fitted on
# them: a refit on them was tried and not kept). dev8 and dev9 stay blind.
# In session 18 blind helpers wrote dev9 from the law texts alone (80 in-corpus questions over
# 41 laws, 12 English; 40 out-of-corpus, 29 close to digital administration, 6 English) before
# that session's changes, to measure them on questions no one had seen; only measured.
HELDOUT_DEV9 = _in_and_out("dev9")
# In session 19 blind helpers wrote dev10 from the law texts alone (80 in-corpus questions over
# 40 laws, 12 English, about 25 with a neighbouring-§ trap; 40 out-of-corpus, 32 close to digital
# administration, 6 English) before that session measured anything on laws; only measured.
HELDOUT_DEV10 = _in_and_out("dev10")
# In session 26 a blind helper wrote dev11 from the law texts alone (60 in-corpus questions over
# 36 laws, 8 English, 12 placed in a Land as context, about 17 with a neighbouring-§ trap; 40
# out-of-corpus, a third of them on Land law, 7 English), after that session's changes were
# decided, to measure them on questions no one had seen; only measured.
HELDOUT_DEV11 = _in_and_out("dev11")
# In session 27 a helper who saw neither the system nor the register wrote dev12 from the law texts
# alone: 80 in-corpus questions over 38 of the 85 laws that had no register before that session
# (10 English, 11 placed in a Land) and 30 out-of-corpus ones near those laws' topics. It measured
# the register for every law and was then read: dev.
HELDOUT_DEV12 = _in_and_out("dev12")
# Later in session 27, after that session's changes were decided, a helper who saw only the law
# texts wrote dev13: 60 in-corpus questions over 51 laws (half everyday municipal law, half the
# rest of the corpus; 8 English, about 15 with a neighbouring-§ trap) and 40 out-of-corpus ones
# (Land law, federal or EU law outside the corpus, digital-administration practice, facts; 6
# English); only measured.
HELDOUT_DEV13 = _in_and_out("dev13")
# In session 36 two helpers who saw only the law texts wrote dev14 and dev15 from one brief
# modelled on dev11's (60 in-corpus questions each over about 35 laws, most of them small
# ordinances, 8 English, 12 placed in a Land as context, about 17 with a neighbouring-§ trap;
# 40 out-of-corpus ones each: Land law, federal or EU law outside the corpus, practice and
# current facts, 7 English). Measured once, then read: dev (no model is fitted on them).
HELDOUT_DEV14 = _in_and_out("dev14")
HELDOUT_DEV15 = _in_and_out("dev15")
# Later in session 36, after that session's changes were decided, a third helper wrote dev16 from
# the same brief (the smaller laws from the whole folder); only measured, hash frozen.
HELDOUT_DEV16 = _in_and_out("dev16")
# In session 37, after that session's rule for current values was decided, a fourth helper wrote
# dev17 from the same brief; only measured, hash frozen.
HELDOUT_DEV17 = _in_and_out("dev17")
# … and at its end a fifth, dev18, to measure the session's final state; only measured.
HELDOUT_DEV18 = _in_and_out("dev18")
# In session 38, after the scope gate was decided, a sixth helper wrote dev19 from the same
# brief; only measured, hash frozen.
HELDOUT_DEV19 = _in_and_out("dev19")
# In session 39, before anything of that session was decided, a seventh helper wrote dev20 from
# the same brief; only measured, hash frozen.
HELDOUT_DEV20 = _in_and_out("dev20")
# In session 42, before anything of that session was decided, an eighth helper wrote dev21 from
# the same brief (60 in-corpus questions over 48 laws, 40 out-of-corpus ones); only measured,
# hash frozen.
HELDOUT_DEV21 = _in_and_out("dev21")
# Also in session 39, three helpers who saw only the law texts wrote 400 in-corpus questions
# whose context names a matter other law rules (a Bürgergeld recipient, a building plan, a dog)
# while a § of the sources decides them, and 800 near-boundary out-of-corpus ones (400 on
# federal or EU law outside the sources, 400 on Land law and administrative practice). Written
# as training data for the scope model and measured only as such, out of fold on dev (not kept:
# see the history); since then only measured, never read, hash frozen.
HELDOUT_CONTEXT = _in_and_out("context")
# In session 43 a helper who saw only the law texts wrote ctxdev from a brief modelled on the
# context set's: 60 in-corpus questions over 37 laws whose setting names a matter other law rules
# (Bürgergeld, a building plan, a dog, a council, a Land's own law) while a § of the sources
# decides them (10 placed in a Land, 6 English), and 60 near-boundary out-of-corpus ones (20 Land
# law or bylaws, 20 federal or EU law outside the sources, 10 practice, 10 current facts; 6
# English). Measured once on that session's state, then read: dev.
HELDOUT_CTXDEV = _in_and_out("ctxdev")
# In session 24 a helper who never saw the system wrote 60 questions placed in a Land from the
# law texts alone: 30 decided by a federal law (the Land is context) and 30 on Land law, 10 of
# them naming no Land; it chose between two forms of that session's Land rule, so it is dev.
HELDOUT_LAND = ROOT / "evals" / "gold" / "laws_land_dev.jsonl"
HELDOUT_TEST = ROOT / "evals" / "gold" / "laws_heldout_test.jsonl"
SETS = {
    "laws": (DEV,),
    "laws_heldout_dev": HELDOUT_DEV_ALL,
    "laws_heldout_dev3": (HELDOUT_DEV3,),
    "laws_heldout_dev4": HELDOUT_DEV4,
    "laws_heldout_dev5": HELDOUT_DEV5,
    "laws_heldout_dev6": HELDOUT_DEV6,
    "laws_heldout_dev7": HELDOUT_DEV7,
    "laws_heldout_dev8": HELDOUT_DEV8,
    "laws_heldout_dev9": HELDOUT_DEV9,
    "laws_heldout_dev10": HELDOUT_DEV10,
    "laws_heldout_dev11": HELDOUT_DEV11,
    "laws_heldout_dev12": HELDOUT_DEV12,
    "laws_heldout_dev13": HELDOUT_DEV13,
    "laws_heldout_dev14": HELDOUT_DEV14,
    "laws_heldout_dev15": HELDOUT_DEV15,
    "laws_heldout_dev16": HELDOUT_DEV16,
    "laws_heldout_dev17": HELDOUT_DEV17,
    "laws_heldout_dev18": HELDOUT_DEV18,
    "laws_heldout_dev19": HELDOUT_DEV19,
    "laws_heldout_dev20": HELDOUT_DEV20,
    "laws_heldout_dev21": HELDOUT_DEV21,
    "laws_heldout_context": HELDOUT_CONTEXT,
    "laws_heldout_ctxdev": HELDOUT_CTXDEV,
    "laws_land_dev": (HELDOUT_LAND,),
    "laws_heldout_test": (HELDOUT_TEST,),
}


def load_set(paths: tuple[Path, ...]) -> list[dict[str, Any]]:
    """The questions of one eval set, which may span several files."""
    return [q for path in paths for q in load_jsonl(path)]


def law_matches(item: dict[str, Any], question: dict[str, Any]) -> bool:
    """A hit is a result from the gold law whose section is the gold §."""
    return any(item["doc_id"] == law and item["section"] == sec for law, sec in question["gold"])


def run(log: Callable[[str], None] = print) -> dict[str, dict[str, Any]]:
    """Ingest the laws (incremental); evaluate the dev and the held-out questions."""
    with eval_services("laws") as services:
        summary = ingest(services, [SHARED / "corpora" / "gesetze"], log)
        out = {name: _run_set(services, paths) for name, paths in SETS.items()}
        out["quotable_laws"] = quotable.scan(services)
    out["laws"]["ingest"] = summary
    return out


def _run_set(services: Services, paths: tuple[Path, ...]) -> dict[str, Any]:
    """One set's questions, each searched with an adapter that was not fitted on it."""
    pairs = [(q, path) for path in paths for q in load_jsonl(path)]
    file_of = {id(q): path for q, path in pairs}
    return run_questions(
        services,
        [q for q, _ in pairs],
        law_matches,
        prepare=lambda q: use_held_out_adapter(services, file_of[id(q)]),
    )


def _suffix(name: str) -> str:
    """The baselines' label of an eval set."""
    return (
        ""
        if name == "laws"
        else " on " + name.removeprefix("laws_").replace("heldout_", "held-out ")
    )


def run_baselines(log: Callable[[str], None] = print) -> dict[str, Any]:
    """BM25-only and LangChain quick-start on the same laws and questions."""
    from evals.baselines import quickstart_chunks, read_files, score_baselines

    sets = {  # "laws_heldout_dev3" → " on held-out dev3"; the shared dev questions: ""
        _suffix(name): [q for q in load_set(paths) if q["gold"]] for name, paths in SETS.items()
    }
    chunks = quickstart_chunks(read_files(SHARED / "corpora" / "gesetze"))
    log(f"  quick-start chunks: {len(chunks)}")

    def covered(item: dict[str, Any], q: dict[str, Any]) -> bool:
        return any(item["doc_id"] == law and sec in item["sections"] for law, sec in q["gold"])

    with eval_services("laws") as services:
        return score_baselines(chunks, services.embeddings, sets, covered, log)
