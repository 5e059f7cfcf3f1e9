"""German synonyms from OpenThesaurus (Debian's mythes-de), for everyday words in questions.

Staff write "wegwerfen", "Handy", "Amt"; laws say "vernichten", "Mobiltelefon", "Behörde".
Each question word brings the single-word synonyms the thesaurus lists for it (colloquial,
figurative and hypernym entries left out) that also occur in the indexed texts, at a low weight,
so they can tip a close ranking but never outweigh the words actually asked.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from assistant.store.analysis import normalise

log = logging.getLogger(__name__)

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


class Thesaurus:
    """Synonyms of question words that occur in the corpus, keyed by analysed term."""

    def __init__(self, path: Path | None = DEFAULT_PATH, cache: Path | None = None) -> None:
        self.path = path
        self.cache = cache
        self._raw: dict[str, list[str]] | None = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        """Whether the thesaurus file is installed."""
        return self.path is not None and self.path.exists()

    def _entries(self) -> dict[str, list[str]]:
        """Stem of a headword → synonyms of every headword with that stem."""
        with self._lock:
            if self._raw is None:
                self._raw = self._read() if self.available else {}
            return self._raw

    def _read(self) -> dict[str, list[str]]:
        """From the cache file when it was made from this thesaurus file, else parsed anew."""
        assert self.path is not None
        stat = self.path.stat()
        stamp = f"{self.path}:{stat.st_size}:{stat.st_mtime_ns}"
        if self.cache is not None and self.cache.exists():
            try:
                data = json.loads(self.cache.read_text(encoding="utf-8"))
                if data.get("stamp") == stamp:
                    return dict(data["stems"])
            except (OSError, ValueError, KeyError):
                pass
        import Stemmer

        stemmer = Stemmer.Stemmer("german")
        stems: dict[str, list[str]] = {}
        for head, synonyms in read_thesaurus(self.path).items():
            merged = stems.setdefault(stemmer.stemWord(normalise(head)), [])
            merged.extend(s for s in synonyms if s not in merged)
        log.info("thesaurus read: %d stems from %s", len(stems), self.path)
        if self.cache is not None:
            tmp = self.cache.with_suffix(f".tmp-{os.getpid()}")
            tmp.write_text(json.dumps({"stamp": stamp, "stems": stems}), encoding="utf-8")
            tmp.replace(self.cache)
        return stems

    def load(self) -> None:
        """Read the thesaurus now (it takes seconds; done once, in the background)."""
        self._entries()

    def expansions(
        self, stems: list[str], known: Callable[[str], bool], weight: float = WEIGHT
    ) -> list[tuple[str, float]]:
        """(synonym, weight) for the stems of the question's words, if the corpus has them."""
        entries = self._entries()
        out: list[tuple[str, float]] = []
        seen: set[str] = set()
        for stem in stems:
            found = 0
            for synonym in entries.get(stem, ()):
                if synonym in seen or not known(synonym):
                    continue
                seen.add(synonym)
                out.append((synonym, weight))
                found += 1
                if found == MAX_PER_WORD:
                    break
        return out
