"""A rule named as a Land's ("E-Government-Gesetz unseres Landes") is not the federal law."""

from __future__ import annotations

import pytest

from assistant.retrieval.lands import ALL_PLACES, land_qualifier, lands_named, names_land
from assistant.retrieval.query import QueryParser
from assistant.store.lexical import LexicalIndex

LAWS = [
    ("egovg", "EGovG", "Gesetz zur Förderung der elektronischen Verwaltung"),
    ("erechv", "ERechV", "Verordnung über die elektronische Rechnungsstellung"),
    ("ozg", "OZG", "Gesetz zur Verbesserung des Onlinezugangs zu Verwaltungsleistungen"),
    ("bmg", "BMG", "Bundesmeldegesetz"),
]


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        (
            "Bis wann verlangt das E-Government-Gesetz unseres Landes die E-Akte?",
            ["E-Government-Gesetz unseres Landes"],
        ),
        (
            "Ab welchem Betrag gilt die E-Rechnungsverordnung des Landes Baden-Württemberg?",
            ["E-Rechnungsverordnung des Landes Baden-Württemberg"],
        ),
        ("Gibt es im EGovG NRW eine Frist?", ["EGovG NRW"]),
        ("Was regelt das Bayerische Digitalgesetz?", ["Bayerische Digitalgesetz"]),
        ("Was steht im Datenschutzgesetz von Hessen?", ["Datenschutzgesetz von Hessen"]),
        # the federal law, asked about for a Land or beside a Land's
        ("Gilt das OZG für Sachsen?", []),
        ("Gilt das Bundesmeldegesetz auch in Bayern?", []),
        ("Was sagt das EGovG NRW zur E-Akte, und was das EGovG des Bundes?", []),
    ],
)
def test_a_rule_named_as_a_lands_is_another_rule(text: str, rules: list[str]) -> None:
    assert QueryParser(LAWS).parse(text).other_rules == rules


def test_a_lands_rule_is_not_routed_to_the_federal_law() -> None:
    parsed = QueryParser(LAWS).parse("Was verlangt das E-Government-Gesetz des Landes Hessen?")
    assert parsed.laws == []
    name, places = parsed.land_rules["E-Government-Gesetz des Landes Hessen"]
    assert name == "E-Government-Gesetz" and places == ("Hessen",)


def test_an_unnamed_land_stands_for_every_land() -> None:
    text = "Was sagt das Kita-Gesetz unseres Bundeslandes?"
    start = text.index("Kita")
    found = land_qualifier(text, start, start + len("Kita-Gesetz"))
    assert found == (start, len(text) - 1, ALL_PLACES)


def test_sources_hold_a_lands_rule_only_where_they_name_it_beside_the_land() -> None:
    lexical = LexicalIndex.build(
        [
            ("fed", "Das E-Government-Gesetz gilt für Behörden des Bundes und der Länder."),
            ("nrw", "In Nordrhein-Westfalen verlangt das E-Government-Gesetz die E-Akte."),
            ("by", "Bayern hat ein Digitalgesetz."),
        ],
        "g1",
    )
    assert lexical.mentioned_with("E-Government-Gesetz", ("Nordrhein-Westfalen", "NRW"))
    assert not lexical.mentioned_with("E-Government-Gesetz", ("Hessen",))
    # a rule and a Land named in different chunks do not make the Land's rule
    assert not lexical.mentioned_with("Digitalgesetz", ("Hessen",))
    assert lexical.mentioned_with("Digitalgesetz", ("Bayern",))
    # only the chunks the principal may see count
    assert not lexical.mentioned_with(
        "E-Government-Gesetz", ("NRW", "Nordrhein-Westfalen"), {"fed"}
    )


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Wir sind eine Gemeinde in NRW. Wie lange vorher laden wir zur Ratssitzung ein?", {"NW"}),
        ("Bei uns in Niedersachsen werden zwei Gemeinden zusammengelegt.", {"NI"}),
        ("Steueramt einer Stadt in Sachsen-Anhalt", {"ST"}),
        ("Wie erreiche ich den Hessischen Datenschutzbeauftragten?", {"HE"}),
        ("How many signatures does a Bavarian citizens' initiative need?", {"BY"}),
        ("Is the rule different in Lower Saxony?", {"NI"}),
        ("Gibt es da landesweit feste Sätze?", {"*"}),
        ("Welche Dienste hat unser Bundesland freigegeben?", {"*"}),
        # a city state's name is the city's; Landesrecht and "he" name no Land
        ("Sie ist in Hamburg gemeldet. Muss sie sich bei uns anmelden?", set()),
        ("Gilt Bundesrecht oder Landesrecht, wenn he says so?", set()),
        ("Muss unser Landkreis das Nutzerkonto eines anderen Bundeslandes akzeptieren?", set()),
    ],
)
def test_the_land_a_question_places_itself_in(text: str, codes: set[str]) -> None:
    assert lands_named(text) == codes


def test_passages_meet_a_land_only_when_they_name_it() -> None:
    assert names_land("In Nordrhein-Westfalen gilt das EGovG NRW.", {"NW"})
    assert not names_land("Die Länder regeln das Nähere durch Landesrecht.", {"NW"})
    assert names_land("Das Bayerische Digitalgesetz (BayDiG) …", {"*"})
    assert not names_land("Das Bayerische Digitalgesetz (BayDiG) …", {"NW"})
