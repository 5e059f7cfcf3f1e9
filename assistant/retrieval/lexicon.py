"""Word lists looked up in a text: which entries' terms occur at the start of a word."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

_WORD_START = re.compile(r"(?<![\w-])\w")
_SPACES = re.compile(r"\s+")
_KEY = 3  # a term is looked up by its first three letters at each word start


def normal_terms(terms: Iterable[str]) -> tuple[str, ...]:
    """Terms as looked up (lower case, single spaces), each once, none empty."""
    return tuple(sorted({_SPACES.sub(" ", t.strip().lower()) for t in terms} - {""}))


class TermLexicon:
    """Every entry's terms by their first letters: one pass over the words of a text (an
    alternation of 800 words in one regular expression costs 3 µs per character)."""

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._by_key: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for entry_id, terms in entries:
            for term in terms:
                self._by_key[term[:_KEY]].append((term, entry_id))

    def entries_in(self, text: str, only: str | None = None) -> set[str]:
        """The ids of the entries whose terms the text uses (only that one's, if given)."""
        low = _SPACES.sub(" ", text.lower())
        found: set[str] = set()
        for start in _WORD_START.finditer(low):
            at = start.start()
            for term, entry_id in self._by_key.get(low[at : at + _KEY], ()):
                if (only is None or entry_id == only) and low.startswith(term, at):
                    found.add(entry_id)
                    if only is not None:
                        return found
        return found
