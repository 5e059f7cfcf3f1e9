"""Hybrid retrieval: dense and German BM25 evidence gathered per § section, laws routed first.

Flow: parse the question (laws, § references, definitions) → optional LLM rewrites → dense and
lexical chunk candidates, fused by reciprocal rank with the § title field and definitions →
the register's everyday questions → chunks grouped into units (a §, or a chunk outside laws) →
law routing → explicit references on top → optional reranking → one chunk per unit first.
"""

from __future__ import annotations

import threading

import numpy as np

from assistant.retrieval.adapter import QueryAdapter
from assistant.retrieval.colloquial import plain_words
from assistant.retrieval.definitions import asks_nothing_particular
from assistant.retrieval.evidence import Evidence, unit_features
from assistant.retrieval.gathering import EvidenceGathering, mention_order
from assistant.retrieval.glossary import Glossary
from assistant.retrieval.query import ParsedQuery, QueryParser
from assistant.retrieval.register import DocumentQuestions, OffTopic, RegisterCache
from assistant.retrieval.results import Filters, Hit, SearchResult
from assistant.retrieval.scope import ScopeModel, answerable
from assistant.retrieval.sections import (
    RankingWeights,
    SectionCatalog,
    Unit,
    aggregate,
    diversify,
    repealed,
    route_laws,
    rrf,
    unit_of,
)
from assistant.retrieval.social import social, social_law
from assistant.retrieval.stages import Stages, coverage_notice
from assistant.retrieval.thesaurus import Thesaurus
from assistant.scoring import LinearModel
from assistant.store.index import Index, indexed_text
from assistant.store.lexical import LexicalIndex
from assistant.store.manifest import law_key_of

__all__ = ["Filters", "Hit", "HybridRetriever", "SearchResult"]

RERANK_WEIGHT = 2.0  # the reranker's order, fused with the offline order (weight 1)
UNIT_FEATURES = 80  # units whose evidence a search result carries (for fitting the ranker)
PARSERS = 16  # query parsers kept, one per set of laws hidden from askers


class HybridRetriever(EvidenceGathering):
    """Ranks § sections from dense, lexical, title and register evidence, laws routed first."""

    def __init__(
        self,
        index: Index,
        weights: RankingWeights | None = None,
        register: RegisterCache | None = None,
        thesaurus: Thesaurus | None = None,
        glossary: Glossary | None = None,
        stages: Stages | None = None,
        ranker: LinearModel | None = None,
        off_topic: OffTopic | None = None,
        documents: DocumentQuestions | None = None,
        adapter: QueryAdapter | None = None,
        scope: ScopeModel | None = None,
    ):
        self.index = index
        self.weights = weights or RankingWeights()
        self.register = register
        self.thesaurus = thesaurus
        self.glossary = glossary
        self.stages = stages
        self.ranker = ranker
        self.off_topic = off_topic
        self.documents = documents
        self.adapter = adapter
        self.scope = scope
        self._doc_ids: frozenset[str] = frozenset()
        self._parsers: dict[frozenset[str], QueryParser] = {}  # by the laws hidden from the asker
        self._laws: list[tuple[str, str, str]] = []
        self._law_ids: frozenset[str] = frozenset()
        self._catalog: SectionCatalog | None = None
        self._generation = ""
        self._lock = threading.Lock()

    def parser(self, hidden: list[str] | None = None) -> QueryParser:
        """Query parser knowing the laws currently indexed (but the hidden documents)."""
        return self._current(hidden)[0]

    def catalog(self) -> SectionCatalog:
        """The laws' sections currently indexed."""
        return self._current()[1]

    def _current(self, hidden: list[str] | None = None) -> tuple[QueryParser, SectionCatalog]:
        """Parser and catalog of the manifest's generation; a law the asker may not see is
        unknown to its parser (its name neither routes nor hints that someone uploaded it)."""
        generation = self.index.manifest.generation()
        with self._lock:
            if self._catalog is None or generation != self._generation:
                self._laws = self.index.manifest.laws()
                self._law_ids = frozenset(doc_id for doc_id, _, _ in self._laws)
                self._doc_ids = frozenset(self.index.manifest.doc_ids())
                self._parsers = {}
                self._catalog = SectionCatalog(self.index.manifest)
                self._generation = generation
            unseen = self._law_ids.intersection(hidden or ())
            if unseen not in self._parsers:
                if len(self._parsers) >= PARSERS:
                    self._parsers.pop(next(iter(self._parsers)))
                visible = [law for law in self._laws if law[0] not in unseen]
                self._parsers[unseen] = QueryParser(visible)
            return self._parsers[unseen], self._catalog

    def search(
        self, query: str, k: int = 10, filters: Filters | None = None, language: str = "de"
    ) -> SearchResult:
        """The k best chunks for a query, one per § first (language: 'de' or 'en')."""
        filters = filters or Filters()
        query = plain_words(query)
        parser, catalog = self._current(filters.exclude_doc_id)
        parsed = parser.parse(query)
        lexical = self.index.lexical()
        allowed = (
            self.index.manifest.filter_chunk_ids(filters.active()) if filters.active() else None
        )
        # only the sources this principal may see decide (no hint of another one's documents)
        parsed.other_rules = [
            r for r in parsed.other_rules if not _held(lexical, parsed, r, allowed)
        ]
        notices = self._coverage_notices()
        rewrites: list[str] = []
        if self.stages is not None:
            rewrite, notice = self.stages.rewrite(query)
            rewrites = rewrite.queries
            notices += [notice] if notice else []
            parsed.laws += [law_key_of(x) for x in rewrite.laws if law_key_of(x) in catalog.laws]
        self._expand(parsed, lexical, language)
        evidence = self._evidence(query, rewrites, parsed, lexical, filters, allowed)
        self._add_register(query, evidence, catalog, allowed)
        law_register = evidence.register_best
        # the documents' register speaks where no law's did (an index of documents); where laws
        # are indexed, their register and thresholds stay as fitted
        document_register = 0.0 if law_register else self._documents_best(evidence, filters)
        evidence.register_best = law_register or document_register
        self._add_references(parsed, evidence, catalog, allowed)
        # only texts citing a § of a law not indexed are ordered by it
        if evidence.mentioning:
            evidence.whole = asks_nothing_particular(lexical, parsed.topic)
        hits, routed, units = self._rank(parsed, evidence, catalog)
        if self.stages is not None and self.stages.rerank_enabled:
            hits, notice = self._rerank(query, hits)
            notices += [notice] if notice else []
        hits = diversify(hits, k, set(parsed.laws))
        return SearchResult(
            hits=hits,
            parsed=parsed,
            top_dense=max(evidence.dense.values(), default=0.0),
            top_lexical=max(evidence.lexical.values(), default=0.0),
            signals={
                "register": evidence.register_best,
                "law_register": law_register,
                # the leading hit is from a law without register questions (one's own upload):
                # the laws' register says nothing about it
                "lead_unregistered": 1.0
                if law_register and hits and not _registered(hits[0], evidence.registered)
                else 0.0,
                "document_register": document_register,
                "off_topic": (
                    self.off_topic.similarity(evidence.vector)
                    if self.off_topic is not None and evidence.vector is not None
                    else 0.0
                ),
                "dense_peak": _peak(list(evidence.dense.values())),
                "register_peak": _peak(list(evidence.register_sim.values())),
                "lead_score": evidence.lead_score,
                "runner_score": evidence.runner_score,
                **answerable(
                    self.scope, evidence.vector, hits[:3], evidence.registered, _narrowed(filters)
                ),
            },
            laws=routed,
            notices=notices,
            units=units,
        )

    def _documents_best(self, evidence: Evidence, filters: Filters) -> float:
        """Similarity to the closest question a visible bundled document answers (none under
        type, jurisdiction or date filters: the register does not know them)."""
        if self.documents is None or evidence.vector is None:
            return 0.0
        if filters.doc_type or filters.jurisdiction or filters.stand_from:
            return 0.0
        seen = self._doc_ids.difference(filters.exclude_doc_id or ())
        if filters.doc_id:
            seen = seen.intersection(filters.doc_id)
        return self.documents.similarity(evidence.vector, seen)

    def _coverage_notices(self) -> list[str]:
        """A notice while chunks lack dense vectors: answers then rest on the lexical side."""
        embedded, total = self.index.dense_coverage()
        return [coverage_notice(embedded)] if embedded < total else []

    def _expand(self, parsed: ParsedQuery, lexical: LexicalIndex, language: str) -> None:
        """Thesaurus synonyms of the question's words, and German translations of an English
        question's words, at a low weight."""

        def known(word: str) -> bool:
            return all(t in lexical.terms for t in lexical.analyzer.terms(word) or ["?"])

        if self.thesaurus is not None and self.weights.thesaurus:
            parsed.expansions += self.thesaurus.expansions(
                lexical.analyzer.terms(parsed.topic), known, self.weights.thesaurus
            )
        if language == "en" and self.glossary is not None and self.weights.glossary:
            parsed.expansions += self.glossary.translate(
                parsed.topic,
                known,
                self.weights.glossary,
                rank=lambda word: sum(lexical.idf(t) for t in lexical.analyzer.terms(word)),
            )

    def _rank(
        self, parsed: ParsedQuery, ev: Evidence, catalog: SectionCatalog
    ) -> tuple[list[Hit], list[str], list[tuple[Unit, dict[str, float]]]]:
        """Units scored by their evidence (ranker model, else fused ranks); hits best first."""
        w = self.weights
        # a repealed § ("(weggefallen)") is found only when asked for by its number: its few
        # words are close to any question in a similarity search
        records = {
            cid: rec
            for cid, rec in ev.records.items()
            if cid in ev.referenced or not repealed(rec.text)
        }
        fused = {cid: s for cid, s in ev.fused.items() if cid in records}
        units = {
            cid: unit_of(rec.doc_id, cid, rec.metadata.get("section"))
            for cid, rec in records.items()
        }
        law_of: dict[Unit, str | None] = {
            units[cid]: catalog.law_of_doc.get(rec.doc_id) for cid, rec in records.items()
        }
        scores = aggregate(fused, units, w.second_chunk)
        for unit in scores:
            law = law_of.get(unit)
            if law:
                scores[unit] += ev.register.get((law, unit[1]), 0.0)
        routed = route_laws(scores, law_of, w.routed_laws)
        law_rank = {law: rank for rank, (law, _) in enumerate(routed)}
        named = set(parsed.laws)
        for unit in scores:
            law = law_of.get(unit)
            if law in law_rank and w.law_routing:
                scores[unit] += rrf(law_rank[law], w.law_routing) / 3
            if named and law in named:
                scores[unit] *= 1.0 + w.named_law
        features = unit_features(ev, units, law_of, scores, law_rank, named)
        if self.ranker is not None:
            scores = {unit: self.ranker.probability(f) for unit, f in features.items()}
        if not social(parsed.text):  # SGB X's twin of a VwVfG rule answers only social matters
            for unit in scores:
                law = law_of.get(unit)
                if social_law(law) and law not in named:
                    scores[unit] *= w.social_elsewhere
        best = sorted(scores.values(), reverse=True)[:2] + [0.0, 0.0]
        ev.lead_score, ev.runner_score = best[0], best[1]
        top = max(scores.values(), default=0.0)
        for order, cid in enumerate(ev.referenced):
            scores[units[cid]] = top + 1.0 - order * 1e-3
        # texts citing a § of a law that is not indexed: those whose heading names it first,
        # then those whose document's title does, each by how well they match the question —
        # or, for "Was regelt § 3a VwVfG?", the headings in reading order (the § from its start)
        mentions = sorted(ev.mentioning, key=mention_order(ev, records, units, scores))
        for order, cid in enumerate(mentions):
            scores[units[cid]] = scores.get(units[cid], 0.0) + top * 0.5 / (1 + order)
        hits = [
            Hit(
                record,
                scores.get(units[cid], 0.0) + 1e-6 * fused.get(cid, 0.0),
                ev.dense.get(cid),
                ev.lexical.get(cid),
                cid in ev.referenced,
            )
            for cid, record in records.items()
        ]
        hits.sort(key=lambda h: -h.score)
        ranked = sorted(features.items(), key=lambda item: -scores.get(item[0], 0.0))
        return hits, [law for law, _ in routed], ranked[:UNIT_FEATURES]

    def _rerank(self, query: str, hits: list[Hit]) -> tuple[list[Hit], str | None]:
        """The best chunk of each top unit reordered by the reranker, fused with the old order."""
        assert self.stages is not None
        heads: list[Hit] = []
        seen: set[tuple[str, str]] = set()
        for hit in hits:
            key = unit_of(hit.chunk.doc_id, hit.chunk.chunk_id, hit.chunk.metadata.get("section"))
            if key not in seen:
                seen.add(key)
                heads.append(hit)
            if len(heads) == self.stages.candidates:
                break
        order, notice = self.stages.rerank(query, [indexed_text(h.chunk) for h in heads])
        if order is None:
            return hits, notice
        bonus = {id(heads[i]): rrf(rank, RERANK_WEIGHT) for rank, i in enumerate(order)}
        base = {id(h): rrf(rank, 1.0) for rank, h in enumerate(heads)}
        new_score = {id(h): base[id(h)] + bonus.get(id(h), 0.0) for h in heads}
        ranked = sorted(heads, key=lambda h: -new_score[id(h)])
        reordered = [h for h in ranked if not h.reference]
        reordered = [h for h in heads if h.reference] + reordered  # explicit § stays first
        rest = [h for h in hits if id(h) not in new_score]
        top = len(reordered) + 1.0
        for position, hit in enumerate(reordered):
            hit.score = top - position + (hits[0].score if hits else 0.0)
        return reordered + rest, None


def _peak(similarities: list[float]) -> float:
    """How far the best similarity stands above the bulk of the candidates (0 when flat)."""
    if len(similarities) < 10:
        return 0.0
    ordered = sorted(similarities, reverse=True)
    return ordered[0] - float(np.mean(ordered[9:]))


def _held(lexical: LexicalIndex, parsed: ParsedQuery, rule: str, allowed: set[str] | None) -> bool:
    """Whether the sources this principal may see hold a rule the question names: its name, and
    for a Land's rule its name beside the Land's."""
    if rule in parsed.land_rules:
        name, places = parsed.land_rules[rule]
        return lexical.mentioned_with(name, places, allowed)
    return lexical.mentions(rule, allowed)


def _narrowed(filters: Filters) -> bool:
    """Whether a search looks at some sources only (by type, Land, document or date): then not
    every law a model over the whole collection knows is there."""
    return bool(filters.doc_type or filters.jurisdiction or filters.doc_id or filters.stand_from)


def _registered(hit: Hit, registered: frozenset[str]) -> bool:
    """Whether a hit is a document or a law with questions in the register searched (a document
    about an indexed law, such as the starter corpus's, is read with the laws' register)."""
    law = hit.chunk.metadata.get("law")
    return not law or law_key_of(str(law)) in registered
