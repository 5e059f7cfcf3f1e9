"""Hybrid retrieval: dense (Chroma) and German BM25 fused, legal references first."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.retrieval.definitions import defines
from assistant.retrieval.query import ParsedQuery, QueryParser
from assistant.store.index import Index
from assistant.store.lexical import LexicalIndex
from assistant.store.manifest import ChunkRecord

RRF_K = 60
CANDIDATES = 60
MAX_PER_DOC = 3
DEFINITION_POOL = 40  # best fused candidates checked for a definition of the asked term
TITLE_CANDIDATES = 20  # candidates ranked by § title match that take part in the fusion


@dataclass
class Filters:
    """Metadata filters for search."""

    doc_type: list[str] | None = None
    jurisdiction: list[str] | None = None
    doc_id: list[str] | None = None
    stand_from: int | None = None

    def active(self) -> dict[str, Any]:
        """Only the filters that are set."""
        return {k: v for k, v in self.__dict__.items() if v}

    def chroma_where(self) -> dict[str, Any] | None:
        """The same filters as a Chroma where clause."""
        clauses: list[dict[str, Any]] = []
        for name in ("doc_type", "jurisdiction", "doc_id"):
            values = getattr(self, name)
            if values:
                clauses.append({name: {"$in": list(values)}})
        if self.stand_from:
            clauses.append({"stand_num": {"$gte": int(self.stand_from)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class Hit:
    """One retrieved chunk with the signals that ranked it."""

    chunk: ChunkRecord
    score: float
    dense: float | None = None
    lexical: float | None = None
    reference: bool = False

    def source(self) -> dict[str, Any]:
        """Provenance as in the search contract."""
        meta = self.chunk.metadata
        return {
            "doc_id": self.chunk.doc_id,
            "path": meta.get("path"),
            "title": meta.get("title"),
            "doc_type": meta.get("doc_type"),
            "law": meta.get("law"),
            "section": meta.get("section"),
            "page": meta.get("page"),
            "stand": meta.get("stand"),
        }


@dataclass
class SearchResult:
    """Hits plus what retrieval understood of the query."""

    hits: list[Hit]
    parsed: ParsedQuery
    top_dense: float = 0.0
    top_lexical: float = 0.0
    signals: dict[str, float] = field(default_factory=dict)


class HybridRetriever:
    """Fuses dense and lexical rankings with reciprocal rank fusion."""

    def __init__(
        self,
        index: Index,
        dense_weight: float = 1.5,
        lexical_weight: float = 1.0,
        title_weight: float = 0.3,
        definition_weight: float = 1.0,
    ):
        self.index = index
        self.dense_weight = dense_weight
        self.lexical_weight = lexical_weight
        self.title_weight = title_weight
        self.definition_weight = definition_weight
        self._parser: QueryParser | None = None
        self._parser_generation = ""
        self._lock = threading.Lock()

    def parser(self) -> QueryParser:
        """Query parser knowing the laws currently indexed."""
        generation = self.index.manifest.generation()
        with self._lock:
            if self._parser is None or generation != self._parser_generation:
                self._parser = QueryParser(self.index.manifest.laws())
                self._parser_generation = generation
            return self._parser

    def _mentions(self, law: str, section: str, allowed: set[str] | None) -> list[str]:
        """Chunks that cite '§ n <law>' (for laws that are not themselves indexed)."""
        pattern = _mention_pattern(self.parser().aliases(law), section)
        number = section.split(" ", 1)[-1]
        return [
            cid
            for cid, text in self.index.manifest.chunks_containing(number)
            if (allowed is None or cid in allowed) and pattern.search(text)
        ][:CANDIDATES]

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> SearchResult:
        """The k best chunks for a query."""
        filters = filters or Filters()
        parsed = self.parser().parse(query)
        lexical = self.index.lexical()
        allowed_ids = (
            self.index.manifest.filter_chunk_ids(filters.active()) if filters.active() else None
        )
        mask = None
        if allowed_ids is not None:
            mask = np.zeros(len(lexical), dtype=bool)
            for cid in allowed_ids:
                pos = lexical.position(cid)
                if pos is not None:
                    mask[pos] = True
        lex_hits = lexical.search(query, CANDIDATES, mask, parsed.expansions)
        vector = self.index.embeddings.query_vector(query)
        dense_hits = self.index.vectors.query(vector, CANDIDATES, filters.chroma_where())

        fused: dict[str, float] = {}
        dense_score = dict(dense_hits)
        lexical_score = dict(lex_hits)
        for rank, (cid, _) in enumerate(dense_hits):
            fused[cid] = fused.get(cid, 0.0) + self.dense_weight / (RRF_K + rank + 1)
        for rank, (cid, _) in enumerate(lex_hits):
            fused[cid] = fused.get(cid, 0.0) + self.lexical_weight / (RRF_K + rank + 1)
        for rank, cid in enumerate(_by_title(lexical, parsed, fused)):
            fused[cid] += self.title_weight / (RRF_K + rank + 1)
        records = self.index.manifest.chunks(fused)
        if parsed.defines and self.definition_weight:  # "Was ist X?": the text that defines X
            pool = sorted(records, key=lambda c: -fused[c])[:DEFINITION_POOL]
            for cid in pool:
                if defines(parsed.defines, records[cid].text):
                    fused[cid] += self.definition_weight / (RRF_K + 1)

        referenced: list[str] = []
        mentioning: list[str] = []
        for law, section in parsed.refs:
            found = self.index.manifest.section_chunks(law, section)
            referenced.extend(c for c in found if allowed_ids is None or c in allowed_ids)
            if not found:  # the law itself is not indexed: prefer texts that cite that section
                mentioning.extend(self._mentions(law, section, allowed_ids))
        top = max(fused.values(), default=0.0)
        for order, cid in enumerate(referenced):
            fused[cid] = top + 1.0 - order * 1e-3
        for order, cid in enumerate(mentioning):
            fused[cid] = fused.get(cid, 0.0) + top * 0.5 / (1 + order)

        records.update(self.index.manifest.chunks(c for c in fused if c not in records))
        law_keys = set(parsed.laws)
        hits: list[Hit] = []
        for cid, score in fused.items():
            record = records.get(cid)
            if record is None:  # a vector the manifest does not (yet) know
                continue
            if law_keys and _law_key(record) in law_keys:
                score *= 1.15
            hits.append(
                Hit(record, score, dense_score.get(cid), lexical_score.get(cid), cid in referenced)
            )
        hits.sort(key=lambda h: -h.score)
        hits = _diversify(hits, k, law_keys)
        return SearchResult(
            hits=hits,
            parsed=parsed,
            top_dense=max(dense_score.values(), default=0.0),
            top_lexical=max(lexical_score.values(), default=0.0),
        )


def _by_title(lexical: LexicalIndex, parsed: ParsedQuery, fused: dict[str, float]) -> list[str]:
    """Candidates whose § title matches the question's topic, best title first."""
    titles = lexical.title_scores(parsed.topic, list(fused), parsed.topic_expansions)
    return sorted(titles, key=lambda cid: -titles[cid])[:TITLE_CANDIDATES]


def _mention_pattern(names: list[str], section: str) -> re.Pattern[str]:
    number = re.escape(section.split(" ", 1)[-1])
    law = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if len(n) >= 3)
    sign = r"(?:§§?|Art\.?|Artikel)" if section.startswith("Art") else r"§§?"
    return re.compile(
        rf"{sign}\s*{number}(?![0-9a-z])[^§\n]{{0,40}}?\b(?:{law})|(?:{law})[^§\n]{{0,20}}{sign}\s*"
        rf"{number}(?![0-9a-z])",
        re.IGNORECASE,
    )


def _law_key(record: ChunkRecord) -> str | None:
    from assistant.store.manifest import law_key_of

    law = record.metadata.get("law")
    return law_key_of(str(law)) if law else None


def _diversify(hits: list[Hit], k: int, focus_laws: set[str]) -> list[Hit]:
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
        focused = hit.reference or (_law_key(hit.chunk) in focus_laws if focus_laws else False)
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
