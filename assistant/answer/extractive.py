"""Extractive answers: the most relevant sentences of the retrieved passages, each cited."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.answer.language import split_sentences
from assistant.answer.models import Citation
from assistant.retrieval.hybrid import Hit, SearchResult
from assistant.safety import is_instruction_like
from assistant.store.lexical import LexicalIndex

MAX_SENTENCES = 3
MAX_WORDS = 70
CONSIDERED_HITS = 5


@dataclass
class ScoredSentence:
    """A candidate sentence for the answer."""

    text: str
    hit_rank: int
    score: float


def query_terms(lexical: LexicalIndex, result: SearchResult) -> dict[str, float]:
    """Analysed query terms (with expansions) and their idf weights."""
    terms: dict[str, float] = {}
    for term in lexical.analyzer.terms(result.parsed.text):
        terms[term] = lexical.idf(term)
    for text, weight in result.parsed.expansions:
        for term in lexical.analyzer.terms(text):
            terms.setdefault(term, lexical.idf(term) * weight)
    return terms


def coverage(lexical: LexicalIndex, terms: dict[str, float], text: str) -> float:
    """Share of the query's idf mass whose terms occur in text."""
    total = sum(terms.values())
    if total <= 0:
        return 0.0
    present = set(lexical.analyzer.terms(text))
    return sum(w for t, w in terms.items() if t in present) / total


def _shorten(sentence: str) -> str:
    words = sentence.split()
    if len(words) <= MAX_WORDS:
        return sentence
    return " ".join(words[:MAX_WORDS]).rstrip(",;:") + " …"


def _usable(sentence: str) -> bool:
    words = re.findall(r"\w+", sentence)
    if is_instruction_like(sentence):
        return False  # text in documents is data: never present an instruction as the answer
    return len(words) >= 5 and "weggefallen" not in sentence.lower()


def pick_sentences(
    lexical: LexicalIndex, result: SearchResult, hits: list[Hit]
) -> list[ScoredSentence]:
    """Best sentences across the top hits, best hit first, no near-duplicates."""
    terms = query_terms(lexical, result)
    candidates: list[ScoredSentence] = []
    for rank, hit in enumerate(hits[:CONSIDERED_HITS]):
        prior = 1.0 / (1.0 + rank)
        for sentence in split_sentences(hit.chunk.text):
            if not _usable(sentence):
                continue
            cov = coverage(lexical, terms, sentence)
            candidates.append(ScoredSentence(sentence, rank, cov + 0.35 * prior))
    if not candidates:
        return []
    candidates.sort(key=lambda s: -s.score)
    best = candidates[0].score
    chosen: list[ScoredSentence] = []
    seen_words: list[set[str]] = []
    for cand in candidates:
        if len(chosen) == MAX_SENTENCES or cand.score < 0.6 * best:
            break
        words = set(re.findall(r"\w+", cand.text.lower()))
        if any(len(words & s) / max(len(words | s), 1) > 0.6 for s in seen_words):
            continue
        chosen.append(cand)
        seen_words.append(words)
    return chosen


def compose(
    lexical: LexicalIndex, result: SearchResult, hits: list[Hit], language: str
) -> tuple[str, list[Citation]]:
    """Answer text with [n] after every sentence, and the citations it uses."""
    chosen = pick_sentences(lexical, result, hits)
    order: dict[int, int] = {}
    quotes: dict[int, list[str]] = {}
    parts: list[str] = []
    for sentence in sorted(chosen, key=lambda s: (s.hit_rank, -s.score)):
        n = order.setdefault(sentence.hit_rank, len(order) + 1)
        quotes.setdefault(sentence.hit_rank, []).append(sentence.text)
        parts.append(f"{_shorten(sentence.text)} [{n}]")
    citations = [
        Citation.from_hit(n, hits[rank], " ".join(quotes[rank])) for rank, n in order.items()
    ]
    body = " ".join(parts)
    if language == "en" and body:
        body = "According to the (German) sources: " + body
    return body, citations


# Logistic model over retrieval signals, fitted on the gold questions (evals/calibrate.py):
# weights for (dense - DENSE_CENTER) * DENSE_SCALE, coverage, unknown share, English, bias.
DENSE_CENTER = 0.85
DENSE_SCALE = 20.0
WEIGHTS = (4.234, 1.006, -0.806, 1.231, -0.169)


def signals(lexical: LexicalIndex, result: SearchResult, language: str) -> tuple[float, ...]:
    """Features for confidence: top dense similarity, coverage, unknown terms, English."""
    terms = query_terms(lexical, result)
    top_text = " ".join(h.chunk.breadcrumb + " " + h.chunk.text for h in result.hits[:3])
    cov = coverage(lexical, terms, top_text)
    own = {t: lexical.idf(t) for t in lexical.analyzer.terms(result.parsed.text)}
    unknown = sum(w for t, w in own.items() if t not in lexical.terms) / max(
        sum(own.values()), 1e-9
    )
    return (result.top_dense, cov, unknown, 1.0 if language == "en" else 0.0)


def confidence(lexical: LexicalIndex, result: SearchResult, language: str = "de") -> float:
    """0..1: how likely the retrieved passages answer the question."""
    if not result.hits:
        return 0.0
    if any(h.reference for h in result.hits[:1]):
        return 0.95
    dense, cov, unknown, english = signals(lexical, result, language)
    features = ((dense - DENSE_CENTER) * DENSE_SCALE, cov, unknown, english, 1.0)
    z = sum(w * x for w, x in zip(WEIGHTS, features, strict=True))
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))
