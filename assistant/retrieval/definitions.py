"""Definition questions ("Was ist der Portalverbund?") and the texts that define the term."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.store.analysis import normalise
from assistant.store.lexical import LexicalIndex

# "Was ist der Portalverbund …?", "Was versteht man unter einem Verwaltungsportal?"
_ASKS_DEFINITION = re.compile(
    r"^\s*(?:was|wer)\s+(?:ist|sind|bedeutet|bedeuten|bezeichnet|meint)\s+"
    r"|^\s*was\s+versteht\s+man\s+unter\s+|^\s*(?:what|who)\s+(?:is|are)\s+",
    re.IGNORECASE,
)
_ARTICLE = re.compile(
    r"^(?:der|die|das|den|dem|des|ein|eine|einen|einem|eines|einer|the|an|a)\s+", re.IGNORECASE
)
# where the defined term ends: a preposition, a clause or the question mark
_TERM_END = re.compile(
    r"\s+(?:nach|im|in|laut|gemäß|gemäss|des|der|bei|für|zum|zur|und|oder|zwischen|von|vom|"
    r"mit|über|an|auf|als|wenn|wann|according|under|of|for|and)\b|[?,;:.!]",
    re.IGNORECASE,
)


def definition_term(question: str) -> str | None:
    """The term a 'Was ist X?' question asks to define (its last word, the head noun)."""
    match = _ASKS_DEFINITION.search(question)
    if not match:
        return None
    rest = _ARTICLE.sub("", question[match.end() :].strip())
    end = _TERM_END.search(rest)
    phrase = rest[: end.start()] if end else rest
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", phrase)
    if not words or len(words) > 4:
        return None
    head = words[-1]
    return head if len(head) >= 4 else None


def defines(term: str, text: str) -> bool:
    """Whether a text defines the term: quoted („Portalverbund“ ist …) or 'im Sinne dieses …'."""
    return _definition_pattern(normalise(term)).search(normalise(text)) is not None


@lru_cache(maxsize=256)
def _definition_pattern(term: str) -> re.Pattern[str]:
    stem = re.escape(term[:-1] if len(term) > 5 and term.endswith(("e", "n", "s")) else term)
    word = rf"[\w-]*{stem}\w*"
    return re.compile(
        rf"[„\"“»«']{word}[“\"”«»']"  # a quoted term, as definitions in laws are written
        rf"|\b{word}\s+(?:\([^)]{{0,40}}\)\s+)?im\s+sinne\s+(?:dieses|dieser|des|der)\b"
        rf"|\b{word}\s+(?:ist|sind|bezeichnet|bezeichnen)\s+(?:ein|eine|die|der|das|jede)\b"
    )


# the words of a question that names a § and asks nothing about it: "Was regelt § 3a VwVfG?"
_WHOLE = (
    "regelt regeln steht stehen besagt sagt sagen bestimmt bestimmen enthält beinhaltet inhalt "
    "worum geht gehts bedeutet say says regulate regulates provide provides contain contains "
    "cover covers".split()
)


def asks_nothing_particular(lexical: LexicalIndex, topic: str) -> bool:
    """The question's topic (without law names and § references) asks nothing in particular."""
    generic = {lexical.analyzer.stem(word) for word in _WHOLE}
    return not set(lexical.analyzer.terms(topic)) - generic
