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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from assistant.retrieval.lexicon import TermLexicon, normal_terms


@dataclass(frozen=True)
class LandSubject:
    """A subject of Land law: its id, how the hand-off names it, and the words that name it."""

    id: str
    label: str
    terms: tuple[str, ...]

    def named_in(self, text: str) -> bool:
        """Whether the text uses one of the subject's words (at the start of a word)."""
        return self.id in _lexicon().entries_in(text, only=self.id)


@lru_cache(maxsize=1)
def land_subjects() -> tuple[LandSubject, ...]:
    """The bundled subjects (assistant/data/land_subjects.json), words in lower case."""
    path = resources.files("assistant") / "data" / "land_subjects.json"
    entries = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        LandSubject(
            entry["id"],
            entry["label"],
            normal_terms(entry["terms"]),
        )
        for entry in entries
    )


@lru_cache(maxsize=1)
def _lexicon() -> TermLexicon:
    return TermLexicon((s.id, s.terms) for s in land_subjects())


def subjects_named(text: str) -> set[str]:
    """The ids of every Land-law subject the text names."""
    return _lexicon().entries_in(text)


def land_subject(text: str) -> str | None:
    """The id of the first Land-law subject (in the file's order) the question names, if any."""
    found = subjects_named(text)
    return next((s.id for s in land_subjects() if s.id in found), None)


def subject_by_id(subject_id: str) -> LandSubject | None:
    """The subject of that id."""
    return next((s for s in land_subjects() if s.id == subject_id), None)
