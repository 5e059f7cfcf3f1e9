"""German lexical analysis: normalisation, stop words, Snowball stems, compound splitting."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

import Stemmer

from assistant.store.stopwords import STOP_WORDS

_WORD = re.compile(r"§+\s*\d+[a-z]?|[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
_FUGEN = ("s", "es", "n", "en", "e")
MIN_PART = 4
MIN_SPLIT_WORD = 8
MAX_PARTS = 4


def normalise(text: str) -> str:
    """Lower-case, NFC, ß → ss."""
    return unicodedata.normalize("NFC", text).lower().replace("ß", "ss")


def words(text: str) -> list[str]:
    """Raw word tokens of normalised text; '§ 3a' becomes the single token '§3a'."""
    out = []
    for match in _WORD.finditer(normalise(text)):
        token = match.group(0)
        if token.startswith("§"):
            out.append("§" + re.sub(r"[§\s]", "", token))
        else:
            out.append(token)
    return out


class GermanAnalyzer:
    """Turns text into stemmed terms; compounds are split against a known vocabulary."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self.vocabulary = set(vocabulary)
        self._stemmer = Stemmer.Stemmer("german")
        self._lock = threading.Lock()
        self._split_cache: dict[str, list[str]] = {}
        self._stem_cache: dict[str, str] = {}

    def stem(self, word: str) -> str:
        """Snowball German stem (cached)."""
        cached = self._stem_cache.get(word)
        if cached is None:
            with self._lock:
                cached = self._stemmer.stemWord(word)
            if len(self._stem_cache) < 500_000:
                self._stem_cache[word] = cached
        return cached

    def split_compound(self, word: str) -> list[str]:
        """Known parts and heads of a compound: 'onlinezugangsgesetz' → onlinezugang, gesetz…"""
        cached = self._split_cache.get(word)
        if cached is not None:
            return cached
        parts: list[str] = []
        self._split_into(word, parts, depth=0)
        result = list(dict.fromkeys(p for p in parts if p != word))[:MAX_PARTS]
        if len(self._split_cache) < 500_000:
            self._split_cache[word] = result
        return result

    def _split_into(self, word: str, parts: list[str], depth: int) -> None:
        """Split at the longest known tail, then split head and tail once more."""
        if depth > 1 or len(word) < MIN_SPLIT_WORD or not word.isalpha():
            return
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            if tail not in self.vocabulary:
                continue
            stripped = _strip_fugen(head, self.vocabulary)
            if len(stripped) < MIN_PART - 1:
                continue
            parts.extend((stripped, tail))
            self._split_into(stripped, parts, depth + 1)
            self._split_into(tail, parts, depth + 1)
            return

    def terms(self, text: str) -> list[str]:
        """Index/query terms: stems of words, hyphen parts and compound parts, no stop words."""
        return [term for group in self.word_terms(text) for term in group]

    def word_terms(self, text: str) -> list[list[str]]:
        """The terms of each (non stop) word: its stem, then hyphen and compound parts."""
        out: list[list[str]] = []
        for word in words(text):
            if word in STOP_WORDS:
                continue
            if word.startswith("§"):
                out.append([word])
                continue
            pieces = [word]
            if "-" in word:
                parts = [p for p in word.split("-") if p]
                pieces = [word.replace("-", ""), *[p for p in parts if len(p) > 1]]
            group: list[str] = []
            for piece in pieces:
                if piece in STOP_WORDS or (len(piece) < 2 and not piece.isdigit()):
                    continue
                group.append(self.stem(piece))
                for part in self.split_compound(piece):
                    group.append(self.stem(part))
            if group:
                out.append(group)
        return out


def _strip_fugen(head: str, vocabulary: set[str]) -> str:
    """Remove a linking element (Fugen-s etc.) when the shorter head is a known word."""
    if head in vocabulary:
        return head
    for fuge in _FUGEN:
        if head.endswith(fuge) and head[: -len(fuge)] in vocabulary:
            return head[: -len(fuge)]
    if head.endswith("s") and len(head) > MIN_PART:
        return head[:-1]
    return head


def build_vocabulary(texts: Iterable[str], min_count: int = 2) -> set[str]:
    """Words of at least MIN_PART letters seen min_count times: the splitter's dictionary."""
    counts: dict[str, int] = {}
    for text in texts:
        for word in words(text):
            if len(word) >= MIN_PART and word.isalpha() and word not in STOP_WORDS:
                counts[word] = counts.get(word, 0) + 1
    return {w for w, c in counts.items() if c >= min_count}


_NAME = re.compile(r"[^\W\d_]+")
MIN_NAME = 3


def build_names(texts: Iterable[str], min_count: int = 2) -> dict[str, str]:
    """Lower-case form → spelling of the corpus's acronyms and names with inner capitals
    ('bundid' → 'BundID', 'fitko' → 'FITKO'): words seen min_count times spelt so and at most
    one time in ten in ordinary spelling (so 'EID' never makes 'eid' a name)."""
    spellings: dict[str, dict[str, int]] = {}
    for text in texts:
        for word in _NAME.findall(text):
            if len(word) >= MIN_NAME:
                forms = spellings.setdefault(word.lower(), {})
                forms[word] = forms.get(word, 0) + 1
    names: dict[str, str] = {}
    for lowered, forms in spellings.items():
        named = {f: n for f, n in forms.items() if any(c.isupper() for c in f[1:])}
        count = sum(named.values())
        if count >= min_count and sum(forms.values()) - count <= 0.1 * sum(forms.values()):
            names[lowered] = max(sorted(named), key=lambda f: named[f])
    return names
