"""Subjects only Land law rules: council meetings, local elections, the fire brigade, Land civil
servants' leave, contracts below the EU thresholds.

Federal law leaves these to the Länder (Gemeindeordnungen, Kommunalwahlgesetze,
Feuerwehrgesetze, Landesbeamtengesetze, Landesvergabegesetze). A question about one of them,
with or without its Land, that names no indexed law and whose leading passages never mention the
subject cannot be answered from federal law texts, however close they look to a similarity
search: it abstains and says which kind of Land law rules it (its passages are offered to check
only when they surely cover the question anyway: the matter may be mere context, "Können wir die
Hundesteuerbescheide automatisch erlassen?"). Sources that hold that Land law (an uploaded
Gemeindeordnung) mention the subject, so the question is answered from them. The words name
matters, not bodies, offices or places ("Gemeinderat", "Friedhof" are context in many federal-law
questions), and none of them occurs in the federal laws of ../shared (a test checks it). The
subjects and their words are team-written domain knowledge (assistant/data/land_subjects.json),
not taken from evaluation questions.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_WORD_START = re.compile(r"(?<![\w-])\w")
_SPACES = re.compile(r"\s+")
_KEY = 3  # a term is looked up by its first three letters at each word start


@dataclass(frozen=True)
class LandSubject:
    """A subject of Land law: its id, how the hand-off names it, and the words that name it."""

    id: str
    label: str
    terms: tuple[str, ...]

    def named_in(self, text: str) -> bool:
        """Whether the text uses one of the subject's words (at the start of a word)."""
        return self.id in _lexicon().subjects_in(text, only=self.id)


class _Lexicon:
    """Every subject's words by their first letters: one pass over the words of a text (an
    alternation of 800 words in one regular expression costs 3 µs per character)."""

    def __init__(self, subjects: tuple[LandSubject, ...]) -> None:
        self.subjects = subjects
        self._by_key: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for subject in subjects:
            for term in subject.terms:
                self._by_key[term[:_KEY]].append((term, subject.id))

    def subjects_in(self, text: str, only: str | None = None) -> set[str]:
        """The ids of the subjects whose words the text uses (only that one's, if given)."""
        low = _SPACES.sub(" ", text.lower())
        found: set[str] = set()
        for start in _WORD_START.finditer(low):
            at = start.start()
            for term, subject_id in self._by_key.get(low[at : at + _KEY], ()):
                if (only is None or subject_id == only) and low.startswith(term, at):
                    found.add(subject_id)
                    if only is not None:
                        return found
        return found


@lru_cache(maxsize=1)
def land_subjects() -> tuple[LandSubject, ...]:
    """The bundled subjects (assistant/data/land_subjects.json), words in lower case."""
    path = resources.files("assistant") / "data" / "land_subjects.json"
    entries = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        LandSubject(
            entry["id"],
            entry["label"],
            tuple(sorted({_SPACES.sub(" ", t.strip().lower()) for t in entry["terms"]} - {""})),
        )
        for entry in entries
    )


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon(land_subjects())


def subjects_named(text: str) -> set[str]:
    """The ids of every Land-law subject the text names."""
    return _lexicon().subjects_in(text)


def land_subject(text: str) -> str | None:
    """The id of the first Land-law subject (in the file's order) the question names, if any."""
    found = subjects_named(text)
    return next((s.id for s in land_subjects() if s.id in found), None)


def subject_by_id(subject_id: str) -> LandSubject | None:
    """The subject of that id."""
    return next((s for s in land_subjects() if s.id == subject_id), None)
