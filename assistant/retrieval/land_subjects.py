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
Matters a federal law outside the bundled laws rules (Elterngeld, Gewerbeanzeige, Zensus;
assistant/data/federal_subjects.json, session 44) are looked up alike: each names the law that
rules it, its words occur in at most two of the bundled laws' files and in none of their
register's questions (tests check both). Sources often rule part of such a question anyway (the
Sozialgesetzbuch X a Wohngeld decision's withdrawal), so that matter alone never keeps an answer
back: it only raises the scope gate's threshold, as a rule the sources lack does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from assistant.retrieval.lexicon import TermLexicon, normal_terms


@dataclass(frozen=True)
class Subject:
    """A subject of Land law or of a federal law outside the bundled ones: its id, how the
    hand-off names it, and the words that name it."""

    id: str
    label: str
    terms: tuple[str, ...]
    federal: bool = False

    def named_in(self, text: str) -> bool:
        """Whether the text uses one of the subject's words (at the start of a word)."""
        return self.id in _lexicon().entries_in(text, only=self.id)


@lru_cache(maxsize=1)
def land_subjects() -> tuple[Subject, ...]:
    """The subjects only Land law rules (land_subjects.json), words in lower case."""
    return _load("land_subjects.json", federal=False)


@lru_cache(maxsize=1)
def federal_subjects() -> tuple[Subject, ...]:
    """The matters a federal law outside the bundled laws rules (federal_subjects.json)."""
    return _load("federal_subjects.json", federal=True)


def subjects() -> tuple[Subject, ...]:
    """Every bundled subject, Land law's first."""
    return land_subjects() + federal_subjects()


def _load(name: str, federal: bool) -> tuple[Subject, ...]:
    """One bundled file's subjects, words in lower case."""
    path = resources.files("assistant") / "data" / name
    entries = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Subject(entry["id"], entry["label"], normal_terms(entry["terms"]), federal)
        for entry in entries
    )


@lru_cache(maxsize=1)
def _lexicon() -> TermLexicon:
    return TermLexicon((s.id, s.terms) for s in subjects())


@lru_cache(maxsize=1)
def _by_id() -> dict[str, Subject]:
    return {s.id: s for s in subjects()}


def subjects_named(text: str) -> set[str]:
    """The ids of every subject (Land or federal) the text names."""
    return _lexicon().entries_in(text)


def first_subjects(text: str) -> tuple[str | None, str | None]:
    """The ids of the first Land-law subject and of the first matter of a federal law outside
    the bundled ones (each in its file's order) the question names, if any: one pass."""
    found = subjects_named(text)
    land = next((s.id for s in land_subjects() if s.id in found), None)
    federal = next((s.id for s in federal_subjects() if s.id in found), None)
    return land, federal


def subject_by_id(subject_id: str) -> Subject | None:
    """The subject of that id."""
    return _by_id().get(subject_id)
