"""Whom a federal law applies to, and questions about someone it does not apply to.

Some indexed federal laws bind only the Bund's own people or bodies: the Bundesbeamtengesetz and
the Nebentätigkeitsverordnung federal civil servants, the BPolHfV the Federal Police, the PUAG the
Bundestag's committees of inquiry, the WissZeitVG academic staff, the StVollzG prison sentences
(not youth custody or pre-trial detention). A question about a Land's or a municipality's civil
servant, a Land's police, a Landtag, a town hall's employee or a volunteer firefighter is not
answered by them, however close their wording: when such a law leads and the question names an
addressee it does not apply to (and neither its own addressees nor the law), the answer says
so and hands off. A civil servant or a police officer counts as a Land's when the question
places itself in a Land and names no federal body ("Beamtin unserer Gemeinde in Niedersachsen";
a municipality alone does not do: "als Beamter im Gemeinderat" may serve the Bund). Where a
law's people are all it is about (the SoldGG soldiers, the WissZeitVG academic staff), a
question naming none of them is about someone else too ("Entschädigung für eine abgelehnte
Bewerberin der Kita": the AGG). The groups, their words and the laws are team-written domain
knowledge (assistant/data/addressees.json), not taken from evaluation questions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from assistant.retrieval.lands import lands_named
from assistant.retrieval.lexicon import TermLexicon, normal_terms


@dataclass(frozen=True)
class Addressees:
    """A group of people or bodies a law may or may not apply to, and the rule that governs the
    group when the law does not ("" for the laws' own groups)."""

    id: str
    label: str
    label_en: str
    rule: str
    rule_en: str
    terms: tuple[str, ...]
    # words that name the group only where the text places itself in a Land ("Beamtin")
    generic: tuple[str, ...] = ()

    def named_in(self, text: str) -> bool:
        """Whether the text uses one of the group's words (at the start of a word)."""
        return bool(_lexicon().entries_in(text, only=self.id))


@dataclass(frozen=True)
class Scope:
    """The groups a law applies to and the groups it names by contrast does not."""

    law: str  # the law's key ("bnv")
    applies_to: tuple[str, ...]
    not_to: tuple[str, ...]
    about: tuple[str, ...] = ()  # where set: the words without which a question is not about
    # the law's people at all (besides its groups' own words)


@dataclass(frozen=True)
class Mismatch:
    """A question about someone the leading law does not apply to, or about none of its people."""

    law: str
    asked: Addressees | None  # the group the question is about (None: none of the law's)
    covered: tuple[Addressees, ...]  # the groups the law applies to


@lru_cache(maxsize=1)
def _data() -> tuple[dict[str, Addressees], dict[str, Scope]]:
    """The bundled groups and scopes (assistant/data/addressees.json)."""
    path = resources.files("assistant") / "data" / "addressees.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    groups = {
        gid: Addressees(
            gid,
            entry["label"],
            entry["label_en"],
            entry.get("rule", ""),
            entry.get("rule_en", ""),
            normal_terms(entry["terms"]),
            normal_terms(entry.get("generic", ())),
        )
        for gid, entry in raw["groups"].items()
    }
    scopes = {
        law: Scope(
            law, tuple(entry["for"]), tuple(entry["not_for"]), normal_terms(entry.get("about", ()))
        )
        for law, entry in raw["laws"].items()
    }
    return groups, scopes


@lru_cache(maxsize=1)
def _lexicon() -> TermLexicon:
    groups, scopes = _data()
    return TermLexicon(
        [
            *((g.id, g.terms) for g in groups.values()),
            *((f"generic:{g.id}", g.generic) for g in groups.values() if g.generic),
            *((f"about:{s.law}", s.about) for s in scopes.values() if s.about),
        ]
    )


def addressees_named(text: str) -> frozenset[str]:
    """The ids of the groups the text names ("Landesbeamter", "Bundespolizei", "Landtag"; a
    group named by a generic word when the text places itself in a Land), and
    "about:<law>" where it names the people a law is all about ("Soldat": about:soldgg)."""
    found = _lexicon().entries_in(text)
    named = {f for f in found if not f.startswith("generic:")}
    generic = {f.removeprefix("generic:") for f in found} - found
    if generic and lands_named(text):  # the Länder looked for only when it matters
        named |= generic
    return frozenset(named)


def scoped_laws() -> frozenset[str]:
    """The keys of the laws whose addressees are recorded."""
    return frozenset(_data()[1])


def mismatch(law: str, named: frozenset[str]) -> Mismatch | None:
    """The group the law does not apply to that the question names, when it names none the law
    applies to; a mismatch without a group when the law is all about its people and the question
    names none of them; None otherwise (and for laws without a recorded scope)."""
    groups, scopes = _data()
    scope = scopes.get(law)
    if scope is None or named & set(scope.applies_to):
        return None
    covered = tuple(groups[g] for g in scope.applies_to)
    asked = next((g for g in scope.not_to if g in named), None)
    if asked is not None:
        return Mismatch(law, groups[asked], covered)
    if scope.about and f"about:{law}" not in named:
        return Mismatch(law, None, covered)
    return None
