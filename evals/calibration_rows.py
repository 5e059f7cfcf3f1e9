"""The dev questions the doubt models are fitted on, as feature rows (evals/calibrate.py).

Main rows: each fitting set over its own index (the starter corpus, the 119 laws); thresholds
are chosen on these. Since session 32 the models also see the same questions over two other
indexes, as municipalities build them, so that they do not learn what only the full index shows:
- `core`: the 15 core municipal laws alone. A question whose gold law is not among them is
  out-of-corpus there, and its nearest sources are neighbouring laws (the near miss);
- `combined`: the starter corpus's in-corpus questions over starter corpus and laws together,
  where the laws' register is searched but the leading source is a document.
Every row carries its question, so that cross-validation keeps a question's rows in one fold.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.answer.confidence import features
from assistant.answer.language import detect_language
from assistant.services import Services
from assistant.store.lexical import LexicalIndex
from evals.harness import ROOT, SHARED, GoldMatcher, eval_services, ingest, load_jsonl
from evals.held_out import use_held_out_adapter
from evals.laws import (
    HELDOUT_DEV3,
    HELDOUT_DEV4,
    HELDOUT_DEV5,
    HELDOUT_DEV6,
    HELDOUT_DEV7,
    HELDOUT_DEV12,
    HELDOUT_DEV14,
    HELDOUT_DEV15,
    HELDOUT_DEV_ALL,
    HELDOUT_LAND,
    law_matches,
)
from evals.metrics import leading_units
from evals.starter import doc_matches

SETS = {
    "starter": ((ROOT / "evals" / "gold" / "starter_qa.jsonl",), "starter", doc_matches),
    "laws": ((SHARED / "evals" / "dev_laws_qa.jsonl",), "laws", law_matches),
    "laws_heldout_dev": ((*HELDOUT_DEV_ALL, HELDOUT_DEV3, *HELDOUT_DEV4), "laws", law_matches),
    # session 41: the other readable dev sets (measured, then read; written from the same briefs
    # as the blind ones), each a set of its own (the relevance model learns from them: see
    # evals/calibrate.py --relevance)
    "laws_heldout_dev5": (HELDOUT_DEV5, "laws", law_matches),
    "laws_heldout_dev6": (HELDOUT_DEV6, "laws", law_matches),
    "laws_heldout_dev7": (HELDOUT_DEV7, "laws", law_matches),
    "laws_heldout_dev12": (HELDOUT_DEV12, "laws", law_matches),
    "laws_heldout_dev14": (HELDOUT_DEV14, "laws", law_matches),
    "laws_heldout_dev15": (HELDOUT_DEV15, "laws", law_matches),
    "laws_land_dev": ((HELDOUT_LAND,), "laws", law_matches),
}
# the core municipal laws of issue #13 (file names in shared/corpora/gesetze)
CORE_LAWS = (
    "ozg egovg vwvfg ifg uig_2005 bdsg_2018 pauswg erechv geozg vgv_2016 bsig_2009 idnrg bmg "
    "pstg sgb_10"
).split()
STARTER_DEV = ("starter_qa", "starter_dev2")


@dataclass
class Rows:
    """Feature rows with their labels: in-corpus, names a gold source (None: out-of-corpus)."""

    features: list[dict[str, float]] = field(default_factory=list)
    relevant: list[int] = field(default_factory=list)
    correct: list[int | None] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the set (subset rows: "core:<set>")
    questions: list[str] = field(default_factory=list)

    def add(self, signals: dict[str, float], inside: bool, hit: bool, name: str, q: str) -> None:
        """One question's row."""
        self.features.append(signals)
        self.relevant.append(int(inside))
        self.correct.append(int(hit) if inside else None)
        self.names.append(name)
        self.questions.append(q)

    def __len__(self) -> int:
        return len(self.features)

    def hold_out(self, logits: dict[str, float]) -> int:
        """The scope model's logit replaced, where it applies, by one fitted without the
        question (evals/scope.py held_out_logits); how many rows changed."""
        changed = 0
        for signals, q in zip(self.features, self.questions, strict=True):
            if signals.get("answerable_known") and q in logits:
                signals["answerable"] = logits[q]
                changed += 1
        return changed


def ask(
    services: Services, lexical: LexicalIndex, q: dict[str, Any], matches: GoldMatcher
) -> tuple[dict[str, float], bool] | None:
    """The doubt features of a question and whether a gold source is among the two an answer
    names; None for an explicit § reference (always answered) or no hits."""
    language = detect_language(q["q"])
    result = services.retriever.search(q["q"], 10, language=language)
    if not result.hits or result.hits[0].reference:
        return None
    named = leading_units([h.source() for h in result.hits])
    return features(lexical, result, language), any(matches(item, q) for item in named)


def _questions(services: Services, paths: tuple[Path, ...]) -> Iterator[dict[str, Any]]:
    """A set's questions that stand alone (its follow-ups are the conversations' eval), each
    searched with an adapter not fitted on it."""
    for path in paths:
        use_held_out_adapter(services, path)
        yield from (q for q in load_jsonl(path) if q.get("kind") != "followup")


def collect(fitting: dict[str, Any] | None = None) -> Rows:
    """Rows of the fitting sets (all of SETS unless given), each over its own index."""
    rows = Rows()
    by_index: dict[str, list[tuple[str, tuple[Path, ...], Any]]] = {}
    for name, (paths, index, matches) in (SETS if fitting is None else fitting).items():
        by_index.setdefault(index, []).append((name, paths, matches))
    for index, sets in by_index.items():
        with eval_services(index) as services:
            lexical = services.index.lexical()
            for name, paths, matches in sets:
                for q in _questions(services, paths):
                    asked = ask(services, lexical, q, matches)
                    if asked is not None:
                        rows.add(asked[0], bool(q["gold"]), asked[1], name, q["q"])
    return rows


def collect_other_indexes(fitting: dict[str, Any] | None = None) -> Rows:
    """Rows of the same questions over the core laws alone and over starter corpus and laws."""
    rows = Rows()
    core = set(CORE_LAWS)
    with eval_services("core") as services:
        ingest(services, [SHARED / "corpora" / "gesetze" / f"{law}.md" for law in CORE_LAWS], print)
        lexical = services.index.lexical()
        for name, (paths, index, _) in (SETS if fitting is None else fitting).items():
            if index != "laws":
                continue
            for q in _questions(services, paths):
                asked = ask(services, lexical, q, law_matches)
                if asked is not None:
                    inside = any(law in core for law, _ in q["gold"])
                    rows.add(asked[0], inside, asked[1], f"core:{name}", q["q"])
    with eval_services("combined") as services:
        ingest(services, [ROOT / "corpus", SHARED / "corpora" / "gesetze"], print)
        lexical = services.index.lexical()
        for name in STARTER_DEV:  # its out-of-corpus questions may be answered by a law there
            path = ROOT / "evals" / "gold" / f"{name}.jsonl"
            use_held_out_adapter(services, path)  # the shipped one: no starter question fits it
            for q in load_jsonl(path):
                asked = ask(services, lexical, q, doc_matches) if q["gold"] else None
                if asked is not None:
                    rows.add(asked[0], True, asked[1], f"combined:{name}", q["q"])
    return rows
