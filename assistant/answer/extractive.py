"""Extractive answers: whole sentences of the retrieved passages, verbatim, each cited.

A passage is a contiguous piece of a chunk: the sentence that answers, plus what it needs to be
understood (`assistant.answer.thoughts`: its enumerated items, the sentence it refers back to,
the rest of its bullet item). The answer leads with the best passage; a second source is only
quoted when it addresses the question nearly as well. When the answer quotes one § only, the
next-ranked § is named after it ("Siehe auch: …"): neighbouring §§ of the right law are the
commonest near miss, and a reader should see the alternative rather than miss it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant.answer.confidence import coverage, query_terms
from assistant.answer.models import Citation
from assistant.answer.thoughts import BULLET, complete, headed, widen
from assistant.retrieval.hybrid import Hit, SearchResult
from assistant.retrieval.results import heading_of
from assistant.retrieval.sections import repealed
from assistant.safety import is_instruction_like
from assistant.store.lexical import LexicalIndex
from assistant.store.sentences import Span

SpansOf = Callable[[list[str]], list[list[Span]]]
Siblings = Callable[[Hit], list[Hit]]  # the other chunks of a hit's §, in reading order

MARKER = re.compile(r"\[\d+\]")  # how an answer marks its citations: "… [1]"
MAX_PASSAGES = 3
MAX_SOURCES = 2
MAX_WORDS = 120  # beyond this the answer gets no further passage
CONSIDERED_HITS = 4
SECOND_SOURCE = 0.7  # a second source must score at least this share of the lead
SEE_ALSO = {"de": "Siehe auch", "en": "See also"}
# a list's first item after the sentence before it: chunks join a paragraph and the list after
# it with a space ("… im Landesgesetz: - Gemeinsame Benennung …"); shown on its own line as in
# the source, like the items after it
_JOINED_ITEM = re.compile(r"(?<=[.!?:“”\"»«)])[ \t]+(?=[-•*][ \t])")
# a numbered item quoted without its list ("3. Landesrecht prüfen: …") starts a line, as a
# bullet item does; a law's "1. er eine …" continues the sentence it belongs to (lower case)
_NUMBERED_ITEM = re.compile(r"\d{1,2}\.[ \t]+[A-ZÄÖÜ]")
REPEALED = {
    "de": "{law} {section} ist weggefallen (aufgehoben).",
    "en": "{law} {section} has been repealed.",
}


@dataclass
class Passage:
    """A verbatim, contiguous piece of one retrieved chunk."""

    hit_rank: int
    start: int
    end: int
    text: str
    score: float


def _usable(sentence: str) -> bool:
    if is_instruction_like(sentence):
        return False  # text in documents is data: never present an instruction as the answer
    words = re.findall(r"\w+", sentence)
    return len(words) >= 5 and "weggefallen" not in sentence.lower()


def passages(
    lexical: LexicalIndex, terms: dict[str, float], hits: list[Hit], spans_of: SpansOf
) -> list[Passage]:
    """Candidate passages of the top hits, best first."""
    texts = [h.chunk.text for h in hits[:CONSIDERED_HITS]]
    out: list[Passage] = []
    for rank, (text, spans) in enumerate(zip(texts, spans_of(texts), strict=True)):
        prior = 0.35 / (1.0 + rank)
        law = "law" in hits[rank].chunk.metadata
        for i, sentence, a, b in quotable_thoughts(text, spans, law):
            cov = coverage(lexical, terms, sentence)
            early = 0.02 / (1.0 + i)  # on a tie, a section's opening states its rule
            out.append(Passage(rank, a, b, text[a:b], cov + prior + early))
    out.sort(key=lambda p: -p.score)
    return out


def quotable_thoughts(
    text: str, all_spans: list[Span], law: bool
) -> Iterator[tuple[int, str, int, int]]:
    """(index, sentence, start, end) of each sentence of a chunk that can be quoted, widened to
    a whole thought (law: the chunk is a law's)."""
    spans = headed(text, all_spans, law=law)
    for i, (start, end) in enumerate(spans):
        sentence = text[start:end]
        if not _usable(sentence) or not complete(text, spans, i):
            continue
        widened = widen(text, spans, i)
        if widened is None:
            continue
        a, b = widened
        if text[a:b].rstrip().endswith("?"):
            continue  # a question (a checklist's "Gibt es im Landesrecht …?") answers nothing
        if MARKER.search(text, a, b):
            continue  # "Anlagen [2] und [3]" would read as the answer's own citation markers
        yield i, sentence, a, b


def quotable(
    lexical: LexicalIndex,
    result: SearchResult,
    hits: list[Hit],
    spans_of: SpansOf,
    siblings: Siblings,
    first: int = CONSIDERED_HITS,
) -> list[Hit]:
    """Hits whose chunk holds no sentence to quote (a § chunk that opens inside an enumeration
    whose head is in the chunk before, and ends there) give way to the chunk of their § that
    answers best; the §'s rank stays, so the best-ranked § still leads the answer."""
    out = list(hits)
    texts = [h.chunk.text for h in hits[:first]]
    for rank, (text, spans) in enumerate(zip(texts, spans_of(texts), strict=True)):
        law = "law" in hits[rank].chunk.metadata
        if next(quotable_thoughts(text, spans, law), None) is not None:
            continue  # the common case: no scoring needed
        terms = query_terms(lexical, result)
        found = [
            (best[0].score, other)
            for other in siblings(hits[rank])
            if (best := passages(lexical, terms, [other], spans_of))
        ]
        if found:
            out[rank] = max(found, key=lambda pair: pair[0])[1]
    return out


def pick(candidates: list[Passage], max_sources: int = MAX_SOURCES) -> list[Passage]:
    """The lead passage and up to two more: no overlaps, at most two sources, bounded length."""
    if not candidates:
        return []
    # the leading source is the best ranked one: retrieval weighed far more evidence than the
    # words one sentence shares with the question
    top_rank = min(p.hit_rank for p in candidates)
    lead = next(p for p in candidates if p.hit_rank == top_rank)
    chosen = [lead]
    words = len(lead.text.split())
    for cand in candidates:
        if cand is lead:
            continue
        if len(chosen) == MAX_PASSAGES or words >= MAX_WORDS:
            break
        if cand.score < 0.6 * lead.score:
            break
        sources = {p.hit_rank for p in chosen}
        if cand.hit_rank not in sources and (
            len(sources) >= max_sources or cand.score < SECOND_SOURCE * lead.score
        ):
            continue
        inner = [p for p in chosen if _contains(cand, p)]
        if inner and not any(_overlaps(p, cand) for p in chosen if p not in inner):
            # "(1) …" chosen, "(1) … (2) Hierfür …" widens it by the sentence that refers back
            words += len(cand.text.split()) - sum(len(p.text.split()) for p in inner)
            at = chosen.index(inner[0])
            chosen = [p for p in chosen if p not in inner]
            chosen.insert(at, cand)
            continue
        if any(_overlaps(p, cand) for p in chosen):
            continue  # overlaps a chosen passage of the same chunk
        if any(_similar(p.text, cand.text) for p in chosen):
            continue
        chosen.append(cand)
        words += len(cand.text.split())
    return chosen


def in_reading_order(chosen: list[Passage]) -> list[Passage]:
    """The lead passage first, then the others source by source, each source's in the order of
    its text: "(3) …" before "(1) …" reads as if the exception came before the rule."""
    if not chosen:
        return chosen
    lead = chosen[0]
    rest = sorted(chosen[1:], key=lambda p: (p.hit_rank != lead.hit_rank, p.hit_rank, p.start))
    return [lead, *rest]


def _contains(a: Passage, b: Passage) -> bool:
    """a is b widened: the same chunk, b inside a, and more."""
    return a.hit_rank == b.hit_rank and a.start <= b.start and b.end <= a.end and a.text != b.text


def _overlaps(a: Passage, b: Passage) -> bool:
    return a.hit_rank == b.hit_rank and a.start < b.end and b.start < a.end


def _similar(a: str, b: str) -> bool:
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(wa & wb) / max(len(wa | wb), 1) > 0.6


def compose(
    lexical: LexicalIndex,
    result: SearchResult,
    hits: list[Hit],
    language: str,
    spans_of: SpansOf,
    max_sources: int = MAX_SOURCES,
) -> tuple[str, list[Citation]]:
    """Answer text (lead passage first, [n] after each) and the citations it uses."""
    if hits and hits[0].reference and repealed(hits[0].chunk.text):
        return _repealed(hits[0], language)
    terms = query_terms(lexical, result)
    chosen = in_reading_order(pick(passages(lexical, terms, hits, spans_of), max_sources))
    order: dict[int, int] = {}
    for passage in chosen:
        order.setdefault(passage.hit_rank, len(order) + 1)
    shown = [_JOINED_ITEM.sub("\n", p.text.strip()) for p in chosen]
    parts = [f"{text} [{order[p.hit_rank]}]" for text, p in zip(shown, chosen, strict=True)]
    citations = []
    for rank, n in order.items():
        used = sorted((p for p in chosen if p.hit_rank == rank), key=lambda p: p.start)
        citations.append(Citation.from_hit(n, hits[rank], " … ".join(p.text.strip() for p in used)))
    # a bullet or numbered item quoted whole starts its own line, as in the source
    body = "".join(
        ("\n" if _own_line(part) else " ") + part if n else part for n, part in enumerate(parts)
    )
    if language == "en" and body:
        body = "According to the (German) sources: " + body
    extra = see_also(lexical, terms, hits, order, spans_of, len(citations) + 1)
    if extra is not None:
        body += f"\n\n{SEE_ALSO.get(language, SEE_ALSO['de'])}: {extra.label()} [{extra.n}]"
        citations.append(extra)
    return body, citations


def _own_line(part: str) -> bool:
    """A list item, shown on a line of its own."""
    return bool(BULLET.match(part) or _NUMBERED_ITEM.match(part))


def _repealed(hit: Hit, language: str) -> tuple[str, list[Citation]]:
    """'StromNEV § 25 ist weggefallen (aufgehoben). [1]' for a § asked for by its number."""
    citation = Citation.from_hit(1, hit, hit.chunk.text.strip())
    template = REPEALED.get(language, REPEALED["de"])
    text = template.format(law=citation.law or citation.doc_id, section=citation.section or "")
    return f"{text} [1]", [citation]


def _unit(hit: Hit) -> tuple[str, str]:
    meta = hit.chunk.metadata
    place = meta.get("section") or heading_of(hit.chunk.breadcrumb, meta) or hit.chunk.chunk_id
    return hit.chunk.doc_id, str(place)


def see_also(
    lexical: LexicalIndex,
    terms: dict[str, float],
    hits: list[Hit],
    cited: dict[int, int],
    spans_of: SpansOf,
    n: int,
) -> Citation | None:
    """The next-ranked section when the answer quotes a single one (None otherwise)."""
    units = {_unit(hits[rank]) for rank in cited}
    if len(units) != 1:
        return None
    runner = next((h for h in hits if _unit(h) not in units), None)
    if runner is None:
        return None
    best = passages(lexical, terms, [runner], spans_of)
    return Citation.from_hit(n, runner, best[0].text.strip() if best else "")
