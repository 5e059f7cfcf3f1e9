"""Knowledge gaps: unanswered questions grouped by topic (embedding clusters, c-TF-IDF labels)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from assistant.domain import Outcome
from assistant.store.analysis import STOP_WORDS, normalise
from assistant.store.reporting import GapQuestion

MAX_EXAMPLES = 5
MAX_SINGLES = 20  # questions listed in the bucket of questions without a similar one
SINGLES_LABEL = "Einzelfragen (ohne ähnliche Frage)"
EXAMPLE_CHARS = 240
LABEL_TERMS = 3
MIN_TERM_CHARS = 3
NOUN_WEIGHT = 2.0  # German nouns (capitalised) name topics better than verbs and adjectives
SENTENCE_ENDS = '.!?:;-–•"„(/'
# words of questions that name no topic (beside the index's German stop words)
QUESTION_WORDS = frozenset(
    "eigentlich genau bitte gibt gilt geht darf dürfen soll sollen muss müssen kann können "
    "hoch viele wann warum wieso weshalb normalerweise bzw etc rein neue neuen neues uns unsere "
    "unserer gemeinde gemeinden kommune kommunen stadt frage fragen danke hallo "
    "the is are was were a an of for to in on and or what who how which there any good "
    "current does do can our we my".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def iso(timestamp: float) -> str:
    """A UTC timestamp as ISO 8601 (seconds)."""
    return (
        datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    )


def gist(text: str) -> str:
    """The topic words of a question: its nouns and other capitalised terms (BundID, Kita-Gebühren)
    without stop and question words, in order; the question itself when it has none."""
    found: dict[str, None] = {}
    for match in _WORD.finditer(text):
        word, key = match.group(0), normalise(match.group(0))
        topical = key not in STOP_WORDS and key not in QUESTION_WORDS
        if word[0].isupper() and len(key) >= MIN_TERM_CHARS and topical:
            found.setdefault(word)
    return " ".join(found) or text


def topic_vectors(questions: np.ndarray, gists: np.ndarray) -> np.ndarray:
    """What a question is about: the mean of its own and its topic words' unit vectors (measured
    in evals/gaps_fit.py: groups agree better with topic labels than on the question alone)."""

    def unit(matrix: np.ndarray) -> np.ndarray:
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.maximum(norms, 1e-12)

    return np.asarray(unit(unit(questions) + unit(gists)), dtype=np.float32)


def cluster(vectors: np.ndarray, distance: float) -> np.ndarray:
    """Group labels by average-linkage clustering on cosine distance (groups not fixed)."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    from sklearn.cluster import AgglomerativeClustering  # imported here: ~1-4 s, reports only

    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance
    )
    return np.asarray(model.fit_predict(vectors), dtype=int)


def _tokens(text: str) -> list[str]:
    """Normalised content words (no stop or question words, no numbers)."""
    out = []
    for match in _WORD.finditer(text):
        key = normalise(match.group(0))
        if len(key) >= MIN_TERM_CHARS and key not in STOP_WORDS and key not in QUESTION_WORDS:
            out.append(key)
    return out


def _spellings(texts: Sequence[str]) -> tuple[dict[str, Counter[str]], set[str]]:
    """How each term is written, and which terms are nouns (capitalised inside a sentence)."""
    surface: dict[str, Counter[str]] = {}
    nouns: set[str] = set()
    for text in texts:
        for match in _WORD.finditer(text):
            word, key = match.group(0), normalise(match.group(0))
            surface.setdefault(key, Counter())[word] += 1
            before = text[: match.start()].rstrip()
            if word[0].isupper() and before and before[-1] not in SENTENCE_ENDS:
                nouns.add(key)
    return surface, nouns


def label_terms(groups: Sequence[Sequence[str]], top: int = LABEL_TERMS) -> list[list[str]]:
    """Top terms per group by class-based TF-IDF (each group's questions are one document),
    German nouns weighted up; ties broken by spread over the questions, then length; each term
    in its most frequent spelling in the group (capitalised on a tie)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(tokenizer=_tokens, lowercase=False, token_pattern=None)
    try:
        matrix = vectorizer.fit_transform([" \n ".join(texts) for texts in groups]).toarray()
    except ValueError:  # no content word at all
        return [[] for _ in groups]
    names = vectorizer.get_feature_names_out()
    labels = []
    for row, texts in zip(matrix, groups, strict=True):
        surface, nouns = _spellings(texts)
        score = row * np.array([NOUN_WEIGHT if n in nouns else 1.0 for n in names])
        spread = Counter(t for text in texts for t in set(_tokens(text)))
        ranked = sorted(
            np.flatnonzero(score),
            key=lambda i: (-round(float(score[i]), 6), -spread[names[i]], -len(names[i])),
        )
        labels.append(
            [
                max(surface[names[i]].items(), key=lambda s: (s[1], s[0][:1].isupper()))[0]
                for i in ranked[:top]
            ]
        )
    return labels


def _examples(
    members: list[int], vectors: np.ndarray, texts: list[str], mask: Callable[[str], str]
) -> list[str]:
    """Up to MAX_EXAMPLES distinct questions, the most typical of the group first."""
    centre = vectors[members].mean(axis=0)
    order = sorted(members, key=lambda i: -float(vectors[i] @ centre))
    seen: list[str] = []
    for i in order:
        text = _short(mask(texts[i]))
        if text not in seen:
            seen.append(text)
        if len(seen) == MAX_EXAMPLES:
            break
    return seen


def _summary(chosen: Sequence[GapQuestion]) -> dict[str, Any]:
    """Size, organisations, first/last seen and outcomes of some gap questions."""
    outcomes = Counter(q.outcome for q in chosen)
    return {
        "size": len(chosen),
        "organisations": sorted({q.organisation for q in chosen if q.organisation}),
        "first_seen": iso(min(q.created_at for q in chosen)),
        "last_seen": iso(max(q.created_at for q in chosen)),
        "outcomes": {str(o): outcomes.get(str(o), 0) for o in Outcome},
        "thumbs_down": sum(q.down for q in chosen),
    }


def _singles(chosen: list[GapQuestion], mask: Callable[[str], str]) -> dict[str, Any]:
    """The questions no other question is similar to, as one bucket (newest first)."""
    newest = sorted(chosen, key=lambda q: -q.created_at)
    examples = list(dict.fromkeys(_short(mask(q.question)) for q in newest))[:MAX_SINGLES]
    return {
        "label": SINGLES_LABEL,
        "terms": [],
        "examples": examples,
        "single": True,
        **_summary(chosen),
    }


def _short(text: str) -> str:
    text = " ".join(text.split()).lstrip("-–•* ")
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1].rstrip() + "…"


def group(
    questions: Sequence[GapQuestion],
    vectors: np.ndarray,
    distance: float,
    min_size: int = 1,
    mask: Callable[[str], str] = str,
) -> list[dict[str, Any]]:
    """Topics of gap questions, largest first (label, size, examples, organisations, dates);
    with min_size 1 the questions without a similar one follow as one bucket of single
    questions ("Einzelfragen") instead of a topic each."""
    if not questions:
        return []
    labels = cluster(vectors, distance)
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(int(label), []).append(index)
    kept = [m for m in members.values() if len(m) >= max(min_size, 2)]
    texts = [q.question for q in questions]
    terms = label_terms([[texts[i] for i in m] for m in kept])
    out: list[dict[str, Any]] = [
        {
            "label": ", ".join(words) or "(ohne Stichwort)",
            "terms": words,
            "examples": _examples(indexes, vectors, texts, mask),
            "single": False,
            **_summary([questions[i] for i in indexes]),
        }
        for indexes, words in zip(kept, terms, strict=True)
    ]
    out.sort(key=lambda g: g["last_seen"], reverse=True)  # then (stable) by size
    out.sort(key=lambda g: g["size"], reverse=True)
    alone = [questions[m[0]] for m in members.values() if len(m) == 1]
    if alone and min_size <= 1:
        out.append(_singles(alone, mask))
    return out
