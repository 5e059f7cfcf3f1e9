"""English words in German: FreeDict's English–German dictionary (Debian's dict-freedict-eng-deu).

Integrators and staff ask "Can the authority charge a fee for this?"; the law says "Behörde" and
"Gebühr". The multilingual dense model bridges the languages only roughly and the lexical index
knows German words only. So each content word (and two-word term) of an English question brings
the German translations FreeDict lists for it that occur in the indexed texts, administrative
and legal senses first, at a low weight, like the thesaurus's synonyms.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from pathlib import Path

from assistant.retrieval.wordmap import WordMap

DEFAULT_PATH = Path("/usr/share/dictd/freedict-eng-deu.index")  # the .dict.dz lies beside it
WEIGHT = 0.5  # query weight of a translation (a word of the question weighs 1.0)
MAX_PER_WORD = 4
MAX_SENSES = 8  # translations kept per headword
_B64 = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}
_DOMAIN = re.compile(r"\[(?:adm|jur|pol|fin|econ)\.\]")
_TAGS = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")
_NOT_TRANSLATION = ('"', "see:", "Synonym", "Note:", "Antonym", "Example")
_ENGLISH = re.compile(r"[a-z]+(?:'[a-z]+)?")


def _number(code: str) -> int:
    """A dictd index offset or length (base64 digits)."""
    value = 0
    for char in code:
        value = value * 64 + _B64[char]
    return value


def translations(entry: str) -> tuple[bool, list[str]]:
    """(administrative or legal sense?, German single-word translations) of one dictd entry."""
    domain = False
    words: list[str] = []
    for line in entry.split("\n")[1:]:
        text = line.strip()
        if not text or text.startswith(_NOT_TRANSLATION) or line.startswith("      "):
            continue
        domain = domain or bool(_DOMAIN.search(text))
        for part in _TAGS.sub(" ", text).split(","):
            word = part.strip(" ;.")
            if word.isalpha() and word.lower() not in words:
                words.append(word.lower())
    return domain, words


def read_glossary(index: Path) -> dict[str, list[str]]:
    """English headword (one or two words, lower case) → German translations, administrative and
    legal senses first; from a dictd index and the .dict.dz beside it."""
    with gzip.open(index.with_suffix(".dict.dz")) as packed:  # dictzip is gzip-compatible
        data = packed.read()
    senses: dict[str, list[tuple[bool, list[str]]]] = {}
    with index.open(encoding="utf-8") as handle:
        for line in handle:
            head, offset, length = line.rstrip("\n").split("\t")
            head = head.lower()
            if not head[:1].isalpha() or head.count(" ") > 1:
                continue
            start = _number(offset)
            entry = data[start : start + _number(length)].decode("utf-8", "replace")
            sense = translations(entry)
            if sense[1]:
                senses.setdefault(head, []).append(sense)
    out: dict[str, list[str]] = {}
    for head, found in senses.items():
        ordered = [w for domain, words in found if domain for w in words]
        ordered += [w for domain, words in found if not domain for w in words]
        out[head] = list(dict.fromkeys(ordered))[:MAX_SENSES]
    return out


def _variants(word: str) -> list[str]:
    """The word and its likely dictionary forms: 'fees' → 'fee', 'destroyed' → 'destroy'."""
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    if word.endswith("ed"):
        forms += [word[:-2], word[:-1]]
    if word.endswith("ing"):
        forms += [word[:-3], word[:-3] + "e"]
    return forms


class Glossary(WordMap):
    """German translations of the words of English questions that occur in the corpus."""

    max_per_word = MAX_PER_WORD
    package = "dict-freedict-eng-deu"

    def __init__(self, path: Path | None = DEFAULT_PATH, cache: Path | None = None) -> None:
        super().__init__(path, cache)

    @property
    def available(self) -> bool:
        """Whether the dictionary (index and data) is installed."""
        return (
            super().available
            and self.path is not None
            and (self.path.with_suffix(".dict.dz").exists())
        )

    def parse(self) -> dict[str, list[str]]:
        """English headword → German translations."""
        assert self.path is not None
        return read_glossary(self.path)

    def keys(self, text: str) -> list[str]:
        """The headwords of an English question: its two-word terms, then its content words."""
        return self._entries(text)[0]

    def translate(
        self, text: str, known: Callable[[str], bool], weight: float, rank: Callable[[str], float]
    ) -> list[tuple[str, float]]:
        """(German translation, weight) for an English question, with one dictionary lookup."""
        keys, found = self._entries(text)
        return self.expansions(keys, known, weight, rank, entries=found)

    def _entries(self, text: str) -> tuple[list[str], dict[str, list[str]]]:
        """The question's headwords and the dictionary entries of all their candidate forms."""
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        words = [w for w in _ENGLISH.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]
        words = [w for w in words if len(w) > 2]
        terms = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
        found = self.lookup(list(dict.fromkeys(terms + [f for w in words for f in _variants(w)])))
        keys = [t for t in terms if t in found]
        keys += [next((f for f in _variants(w) if f in found), w) for w in words]
        return list(dict.fromkeys(keys)), found
