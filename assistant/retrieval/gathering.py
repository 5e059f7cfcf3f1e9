"""Evidence gathering: fused chunk candidates, the register's questions and cited §§."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from assistant.retrieval.adapter import QueryAdapter
from assistant.retrieval.definitions import defines
from assistant.retrieval.evidence import Evidence
from assistant.retrieval.query import ParsedQuery, QueryParser
from assistant.retrieval.register import RegisterCache
from assistant.retrieval.results import Filters
from assistant.retrieval.sections import RankingWeights, SectionCatalog, Unit, rrf
from assistant.store.index import Index
from assistant.store.lexical import LexicalIndex
from assistant.store.manifest import ChunkRecord

CANDIDATES = 60
DEFINITION_POOL = 40  # best fused candidates checked for a definition of the asked term
TITLE_CANDIDATES = 20  # candidates ranked by § title match that take part in the fusion
REWRITE_WEIGHT = 0.5  # each LLM rewrite's rankings count half as much as the question's


class EvidenceGathering:
    """Mixin of the retriever that gathers one search's evidence before the units are ranked."""

    index: Index
    weights: RankingWeights
    register: RegisterCache | None
    adapter: QueryAdapter | None
    parser: Callable[[], QueryParser]

    def _evidence(
        self,
        query: str,
        rewrites: list[str],
        parsed: ParsedQuery,
        lexical: LexicalIndex,
        filters: Filters,
        allowed: set[str] | None,
    ) -> Evidence:
        """Dense and lexical candidates of the question (and its rewrites), fused by rank."""
        w = self.weights
        ev = Evidence()
        mask = None
        if allowed is not None:
            mask = np.zeros(len(lexical), dtype=bool)
            for cid in allowed:
                pos = lexical.position(cid)
                if pos is not None:
                    mask[pos] = True
        ev.vector = self.index.embeddings.query_vector(query)
        for text, share in [(query, 1.0), *((r, REWRITE_WEIGHT) for r in rewrites)]:
            expansions = parsed.expansions if text is query else []
            lex_hits = lexical.search(text, w.candidates, mask, expansions)
            vector = ev.vector if text is query else self.index.embeddings.query_vector(text)
            dense_hits = self.index.nearest(vector, w.candidates, filters.chroma_where(), allowed)
            if text is query:
                ev.dense, ev.lexical = dict(dense_hits), dict(lex_hits)
                ev.dense_rank = {cid: r for r, (cid, _) in enumerate(dense_hits)}
                ev.lexical_rank = {cid: r for r, (cid, _) in enumerate(lex_hits)}
            for weight, ranked in ((w.dense, dense_hits), (w.lexical, lex_hits)):
                for rank, (cid, _) in enumerate(ranked):
                    ev.fused[cid] = ev.fused.get(cid, 0.0) + rrf(rank, weight * share)
        self._add_adapted(ev, filters, allowed)
        for rank, cid in enumerate(_by_title(lexical, parsed, ev.fused)):
            ev.fused[cid] += rrf(rank, w.title)
            ev.title_rank[cid] = rank
        ev.records = self.index.manifest.chunks(ev.fused)
        if parsed.defines and w.definition:  # "Was ist X?": the text that defines X
            pool = sorted(ev.records, key=lambda c: -ev.fused[c])[:DEFINITION_POOL]
            for cid in pool:
                if defines(parsed.defines, ev.records[cid].text):
                    ev.fused[cid] += rrf(0, w.definition)
                    ev.defined.add(cid)
        return ev

    def _add_adapted(self, ev: Evidence, filters: Filters, allowed: set[str] | None) -> None:
        """A second dense search with the question's vector carried towards legal wording."""
        w = self.weights
        if self.adapter is None or not w.adapted or ev.vector is None:
            return
        vector = self.adapter.apply(ev.vector)
        if vector is None:
            return
        hits = self.index.nearest(vector, w.candidates, filters.chroma_where(), allowed)
        for rank, (cid, _) in enumerate(hits):
            ev.fused[cid] = ev.fused.get(cid, 0.0) + rrf(rank, w.adapted)
            ev.adapted_rank[cid] = rank

    def _add_register(
        self, query: str, ev: Evidence, catalog: SectionCatalog, allowed: set[str] | None
    ) -> None:
        """The register's everyday questions point at §§, maybe not among the candidates."""
        w = self.weights
        if self.register is None or not (w.register_dense or w.register_lexical):
            return
        assert ev.vector is not None
        register = self.register.get(catalog.laws)
        match = register.match(query, ev.vector, temperature=w.register_temperature)
        ev.registered = register.laws
        ev.register_best = match.best
        ev.register_sim = dict(match.dense)
        ev.register_rank = {key: r for r, (key, _) in enumerate(match.dense)}
        ev.register_lexical_rank = {key: r for r, (key, _) in enumerate(match.lexical)}
        for weight, ranked in (
            (w.register_dense, match.dense),
            (w.register_lexical, match.lexical),
        ):
            for rank, (key, _) in enumerate(ranked):
                ev.register[key] = ev.register.get(key, 0.0) + rrf(rank, weight, w.register_k)
        extra = [c for key in ev.register for c in catalog.chunks_of(*key)[:1]]
        extra = [c for c in extra if c not in ev.records and (allowed is None or c in allowed)]
        ev.records.update(self.index.manifest.chunks(extra))
        for cid in extra:
            ev.fused.setdefault(cid, 0.0)

    def _add_references(
        self, parsed: ParsedQuery, ev: Evidence, catalog: SectionCatalog, allowed: set[str] | None
    ) -> None:
        """'§ 3a VwVfG' goes straight to that §; for laws not indexed, to texts citing it."""
        for law, section in parsed.refs:
            found = catalog.chunks_of(law, section)
            ev.referenced.extend(c for c in found if allowed is None or c in allowed)
            if not found:
                for cid, depth in self._mentions(law, section, allowed):
                    ev.mentioning.append(cid)
                    ev.mention_depth[cid] = min(depth, ev.mention_depth.get(cid, depth))
        missing = [c for c in ev.referenced + ev.mentioning if c not in ev.records]
        ev.records.update(self.index.manifest.chunks(missing))

    def _mentions(self, law: str, section: str, allowed: set[str] | None) -> list[tuple[str, int]]:
        """Chunks that cite '§ n <law>' (for laws that are not themselves indexed), with how
        squarely they are about it (0: their own heading, 1: their document's title, 2: their
        text only), the squarest first."""
        names = self.parser().aliases(law)
        pattern = _mention_pattern(names, section)
        number = section.split(" ", 1)[-1]
        sign = re.compile(rf"(?:§§?|Art\.?|Artikel)\s*{re.escape(number)}(?![0-9a-z])")
        law_names = _names(names)
        named = re.compile(rf"\b(?:{law_names})\b" if law_names else r"(?!)", re.IGNORECASE)
        found: list[tuple[str, int]] = []
        for cid, text in self.index.manifest.chunks_containing(number):
            if allowed is not None and cid not in allowed:
                continue
            breadcrumb = text.split("\n", 1)[0]
            # the chunk's own heading names the § in a document about the law ("VwVfG § 3a:
            # … › Elektronische Verwaltungsakte (§ 37, § 41)")
            if sign.search(breadcrumb.rsplit("›", 1)[-1]) and named.search(breadcrumb):
                found.append((cid, 0))
            elif pattern.search(text):
                found.append((cid, 1 if pattern.search(breadcrumb) else 2))
        return sorted(found, key=lambda item: item[1])[:CANDIDATES]


def _by_title(lexical: LexicalIndex, parsed: ParsedQuery, fused: dict[str, float]) -> list[str]:
    """Candidates whose § title matches the question's topic, best title first."""
    titles = lexical.title_scores(parsed.topic, list(fused), parsed.topic_expansions)
    return sorted(titles, key=lambda cid: -titles[cid])[:TITLE_CANDIDATES]


def _names(names: list[str]) -> str:
    """A law's names as regular-expression alternatives, the longest first."""
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if len(n) >= 3)


def _mention_pattern(names: list[str], section: str) -> re.Pattern[str]:
    number = re.escape(section.split(" ", 1)[-1])
    law = _names(names)
    sign = r"(?:§§?|Art\.?|Artikel)" if section.startswith("Art") else r"§§?"
    return re.compile(
        rf"{sign}\s*{number}(?![0-9a-z])[^§\n]{{0,40}}?\b(?:{law})|(?:{law})[^§\n]{{0,20}}{sign}\s*"
        rf"{number}(?![0-9a-z])",
        re.IGNORECASE,
    )


def mention_order(
    ev: Evidence, records: dict[str, ChunkRecord], units: dict[str, Unit], scores: dict[Unit, float]
) -> Callable[[str], tuple[int, float, int]]:
    """Sort key of the texts citing a §: by depth, then by score; for a question that asks
    nothing in particular, a heading's document by its best score and its headings in reading
    order (the § from its start)."""
    best: dict[str, float] = {}
    for cid in ev.mentioning:
        doc = records[cid].doc_id
        best[doc] = max(best.get(doc, 0.0), scores.get(units[cid], 0.0))

    def key(cid: str) -> tuple[int, float, int]:
        depth, score = ev.mention_depth.get(cid, 2), scores.get(units[cid], 0.0)
        if ev.whole and depth == 0:
            return depth, -best[records[cid].doc_id], records[cid].position
        return depth, -score, 0

    return key
