"""German synonyms from OpenThesaurus (Debian's mythes-de), for everyday words in questions.

Staff write "wegwerfen", "Handy", "Amt"; laws say "vernichten", "Mobiltelefon", "Behörde".
Each question word brings the single-word synonyms the thesaurus lists for it (colloquial,
figurative and hypernym entries left out) that also occur in the indexed texts, at a low weight,
so they can tip a close ranking but never outweigh the words actually asked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from assistant.retrieval.wordmap import WordMap
from assistant.store.analysis import normalise

DEFAULT_PATH = Path("/usr/share/mythes/th_de_DE_v2.dat")
WEIGHT = 0.2  # query weight of a synonym (a word of the question weighs 1.0)
MAX_PER_WORD = 6
_SKIP_TAGS = re.compile(
    r"ugs|derb|vulg|fig|veraltet|scherz|abwertend|jargon|salopp|oberbegriff|unterbegriff|"
    r"österr|schweiz|regional|selten|geh\.|fachspr|historisch|engl",
    re.IGNORECASE,
)
_TAG = re.compile(r"\s*\(([^)]*)\)")


def read_thesaurus(path: Path) -> dict[str, list[str]]:
    """Headword (lower case) → single-word synonyms (lower case), from a MyThes .dat file."""
    synonyms: dict[str, list[str]] = defaultdict(list)
    word: str | None = None
    with path.open(encoding="utf-8", errors="replace") as handle:
        handle.readline()  # encoding line
        for line in handle:
            if not line.startswith("-|"):
                head = line.split("|", 1)[0].strip().lower()
                word = head if head and " " not in head else None
                continue
            if word is None:
                continue
            for entry in line.rstrip("\n").split("|")[1:]:
                tags = " ".join(_TAG.findall(entry))
                base = _TAG.sub("", entry).strip().lower()
                if not base or " " in base or base == word or _SKIP_TAGS.search(tags):
                    continue
                if base not in synonyms[word]:
                    synonyms[word].append(base)
    return dict(synonyms)


class Thesaurus(WordMap):
    """Synonyms of question words that occur in the corpus, keyed by analysed term."""

    max_per_word = MAX_PER_WORD
    package = "mythes-de"

    def __init__(self, path: Path | None = DEFAULT_PATH, cache: Path | None = None) -> None:
        super().__init__(path, cache)

    def parse(self) -> dict[str, list[str]]:
        """Stem of a headword → synonyms of every headword with that stem."""
        import Stemmer

        assert self.path is not None
        stemmer = Stemmer.Stemmer("german")
        stems: dict[str, list[str]] = {}
        for head, synonyms in read_thesaurus(self.path).items():
            merged = stems.setdefault(stemmer.stemWord(normalise(head)), [])
            merged.extend(s for s in synonyms if s not in merged)
        return stems
