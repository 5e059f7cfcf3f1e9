"""Ranking § sections, not loose chunks: a section's evidence gathered, laws routed first.

Every chunk belongs to a unit: its § (law, section) or, outside laws, itself. A unit scores
by its best chunk (plus a little for further matching chunks), by the register questions that
match it, and by how strongly the question is about its law (law routing: the evidence of all
of a law's units summed, so a question that names no law still lands in the right one).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from assistant.retrieval.results import Hit
from assistant.store.manifest import Manifest, law_key_of

RRF_K = 60
MAX_PER_DOC = 3
Unit = tuple[str, str]  # (doc_id, section) or (doc_id, "#" + chunk_id)
# a § that only says it was repealed: "(weggefallen)", "(1) (weggefallen) (2) (aufgehoben)"
_REPEALED = re.compile(r"(?:\s*(?:\(\d+[a-z]?\)|\(?(?:weggefallen|aufgehoben)\)?|[-–.]))+\s*", re.I)


def repealed(text: str) -> bool:
    """The chunk of a repealed § says nothing but that ("(weggefallen)"): it answers nothing."""
    return bool(_REPEALED.fullmatch(text))


@dataclass
class RankingWeights:
    """Weights of the section ranking (chosen on the dev questions, see evals/report.md)."""

    dense: float = 1.5
    adapted: float = 1.5  # the dense search with the adapted question vector (0: none)
    lexical: float = 1.0
    title: float = 0.3
    definition: float = 1.0
    second_chunk: float = 0.0  # share of a unit's second best chunk added to its best
    register_dense: float = 1.0
    register_lexical: float = 0.5
    law_routing: float = 1.0  # reciprocal-rank bonus of the unit's law among routed laws
    routed_laws: int = 3  # how many laws routing considers
    named_law: float = 0.15  # relative boost for units of a law the question names
    social_elsewhere: float = 0.5  # a Sozialgesetzbuch unit's share when nothing is social
    thesaurus: float = 0.2  # query weight of a thesaurus synonym (0: no thesaurus)
    glossary: float = 0.5  # query weight of a German translation of an English word (0: none)
    register_k: int = RRF_K  # RRF constant of the register's rankings (smaller: sharper)
    register_temperature: float = 40.0  # soft maximum over a §'s register questions (0: best)
    candidates: int = 60  # dense and lexical candidates per query


class SectionCatalog:
    """Which chunks make up each § of each law (rebuilt with the manifest's generation)."""

    def __init__(self, manifest: Manifest) -> None:
        self.by_section: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.law_of_doc: dict[str, str] = {}
        for doc_id, jurabk, _title in manifest.laws():
            self.law_of_doc[doc_id] = law_key_of(jurabk)
        for chunk_id, doc_id, section in manifest.chunk_sections():
            law = self.law_of_doc.get(doc_id)
            if law and section:
                self.by_section[(law, section)].append(chunk_id)

    @property
    def laws(self) -> set[str]:
        """Law keys in the index."""
        return set(self.law_of_doc.values())

    def chunks_of(self, law: str, section: str) -> list[str]:
        """Chunk ids of one § in reading order."""
        return self.by_section.get((law, section), [])


def unit_of(doc_id: str, chunk_id: str, section: str | None) -> Unit:
    """The unit a chunk is ranked in: its § or, without one, the chunk itself."""
    return (doc_id, section) if section else (doc_id, "#" + chunk_id)


def rrf(rank: int, weight: float, k: int = RRF_K) -> float:
    """Reciprocal rank fusion contribution of a 0-based rank."""
    return weight / (k + rank + 1)


def aggregate(chunk_scores: dict[str, float], units: dict[str, Unit], second: float) -> dict:
    """Unit score: its best chunk plus `second` times its second best."""
    best: dict[Unit, list[float]] = defaultdict(list)
    for cid, score in chunk_scores.items():
        best[units[cid]].append(score)
    out: dict[Unit, float] = {}
    for unit, scores in best.items():
        scores.sort(reverse=True)
        out[unit] = scores[0] + (second * scores[1] if len(scores) > 1 else 0.0)
    return out


def route_laws(
    unit_scores: dict[Unit, float], law_of_unit: dict[Unit, str | None], top: int
) -> list[tuple[str, float]]:
    """Laws by summed evidence of their three best units (a question's law, named or not)."""
    per_law: dict[str, list[float]] = defaultdict(list)
    for unit, score in unit_scores.items():
        law = law_of_unit.get(unit)
        if law:
            per_law[law].append(score)
    totals = {law: sum(sorted(s, reverse=True)[:3]) for law, s in per_law.items()}
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


def diversify(hits: list[Hit], k: int, focus_laws: set[str]) -> list[Hit]:
    """At most MAX_PER_DOC chunks per document unless the query names that law; one per §.

    Chunks over the limit, and further chunks of a § already listed, move behind the rest.
    """
    kept: list[Hit] = []
    overflow: list[Hit] = []
    per_doc: dict[str, int] = {}
    sections: set[tuple[str, str]] = set()
    for hit in hits:
        doc = hit.chunk.doc_id
        section = hit.chunk.metadata.get("section")
        law = hit.chunk.metadata.get("law")
        focused = hit.reference or (bool(law) and law_key_of(str(law)) in focus_laws)
        repeat = section is not None and (doc, section) in sections
        if (per_doc.get(doc, 0) >= MAX_PER_DOC and not focused) or (repeat and not hit.reference):
            overflow.append(hit)
            continue
        if section is not None:
            sections.add((doc, str(section)))
        per_doc[doc] = per_doc.get(doc, 0) + 1
        kept.append(hit)
        if len(kept) == k:
            return kept
    return (kept + overflow)[:k]
