"""The evidence one search gathers per chunk and per unit (what the section ranker reads)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assistant.retrieval.ranker import MISSING_SIMILARITY, reciprocal
from assistant.retrieval.sections import Unit
from assistant.store.manifest import ChunkRecord


@dataclass
class Evidence:
    """Chunk-level evidence of one search."""

    fused: dict[str, float] = field(default_factory=dict)
    dense: dict[str, float] = field(default_factory=dict)
    lexical: dict[str, float] = field(default_factory=dict)
    records: dict[str, ChunkRecord] = field(default_factory=dict)
    register: dict[tuple[str, str], float] = field(default_factory=dict)
    register_best: float = 0.0
    registered: frozenset[str] = frozenset()  # the laws the register has questions for
    referenced: list[str] = field(default_factory=list)
    mentioning: list[str] = field(default_factory=list)
    # how squarely a mentioning chunk is about the § (0 heading, 1 document title, 2 text)
    mention_depth: dict[str, int] = field(default_factory=dict)
    whole: bool = False  # the question names a § and asks nothing in particular about it
    vector: np.ndarray | None = None  # the question's dense vector
    dense_rank: dict[str, int] = field(default_factory=dict)
    adapted_rank: dict[str, int] = field(default_factory=dict)  # of the adapted question vector
    lexical_rank: dict[str, int] = field(default_factory=dict)
    title_rank: dict[str, int] = field(default_factory=dict)
    defined: set[str] = field(default_factory=set)
    register_sim: dict[tuple[str, str], float] = field(default_factory=dict)
    register_rank: dict[tuple[str, str], int] = field(default_factory=dict)
    register_lexical_rank: dict[tuple[str, str], int] = field(default_factory=dict)
    lead_score: float = 0.0  # the section ranker's score of the best unit (before references)
    runner_score: float = 0.0  # … and of the second best


def unit_features(
    ev: Evidence,
    units: dict[str, Unit],
    law_of: dict[Unit, str | None],
    fused: dict[Unit, float],
    law_rank: dict[str, int],
    named: set[str],
) -> dict[Unit, dict[str, float]]:
    """The evidence of every unit, relative to the best candidate (the ranker's features)."""
    top_fused = max(fused.values(), default=0.0) or 1.0
    top_dense = max(ev.dense.values(), default=0.0)
    top_lexical = max(ev.lexical.values(), default=0.0) or 1.0
    top_register = max(ev.register_sim.values(), default=0.0)
    out: dict[Unit, dict[str, float]] = {}
    for cid, unit in units.items():
        dense = ev.dense.get(cid)
        f = out.setdefault(
            unit,
            {
                "fused": fused.get(unit, 0.0) / top_fused,
                "dense": MISSING_SIMILARITY,
                "dense_rr": 0.0,
                "adapted_rr": 0.0,
                "lexical": 0.0,
                "lexical_rr": 0.0,
                "title_rr": 0.0,
                "register": MISSING_SIMILARITY,
                "register_rr": 0.0,
                "register_lexical_rr": 0.0,
                "law_rr": 0.0,
                "named": 0.0,
                "defines": 0.0,
                # a law no register question points at (uploaded or never enriched) while
                # others' do: its register evidence is missing, not weak
                "unregistered": 0.0,
            },
        )
        if dense is not None:
            f["dense"] = max(f["dense"], dense - top_dense)
        f["dense_rr"] = max(f["dense_rr"], reciprocal(ev.dense_rank.get(cid)))
        f["adapted_rr"] = max(f["adapted_rr"], reciprocal(ev.adapted_rank.get(cid)))
        f["lexical"] = max(f["lexical"], ev.lexical.get(cid, 0.0) / top_lexical)
        f["lexical_rr"] = max(f["lexical_rr"], reciprocal(ev.lexical_rank.get(cid)))
        f["title_rr"] = max(f["title_rr"], reciprocal(ev.title_rank.get(cid)))
        f["defines"] = max(f["defines"], float(cid in ev.defined))
        law = law_of.get(unit)
        if law:
            f["unregistered"] = float(bool(ev.registered) and law not in ev.registered)
            key = (law, unit[1])
            if key in ev.register_sim:
                f["register"] = ev.register_sim[key] - top_register
            f["register_rr"] = reciprocal(ev.register_rank.get(key))
            f["register_lexical_rr"] = reciprocal(ev.register_lexical_rank.get(key))
            f["law_rr"] = reciprocal(law_rank.get(law))
            f["named"] = float(law in named)
    return out
