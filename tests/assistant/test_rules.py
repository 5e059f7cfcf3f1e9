"""Rules a question names that the sources do not contain ("TVöD", "Hundesteuersatzung")."""

from __future__ import annotations

import pytest

from assistant.retrieval.query import QueryParser
from assistant.retrieval.rules import normalised, rule_mentions, stands_for
from assistant.store.lexical import LexicalIndex

LAWS = [
    ("milog", "MiLoG", "Gesetz zur Regelung eines allgemeinen Mindestlohns"),
    ("ozg", "OZG", "Gesetz zur Verbesserung des Onlinezugangs zu Verwaltungsleistungen"),
    ("gfrg", "GFRG", "Gesetz zur Neuordnung der Gemeindefinanzen"),
]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("In welche Entgeltgruppe nach TVöD gehört ein Sachbearbeiter?", ["TVöD"]),
        ("Dürfen wir in der Hundesteuersatzung 1.200 € ansetzen?", ["Hundesteuersatzung"]),
        ("Was sagt die GO NRW zur Einladungsfrist, und das KAG?", ["GO NRW", "KAG"]),
        ("Does the EU AI Act require a label?", ["EU AI Act"]),
        ("What does the EU's Data Governance Act mean for us?", ["EU's Data Governance Act"]),
        ("Gilt die NIS-2-Richtlinie für uns?", ["NIS-2-Richtlinie"]),  # not "NIS-2" again
        ("Was gilt nach der BauO NRW für Garagen?", ["BauO NRW"]),
        # courts, orders, agendas, generic words and other capitals name no rule
        ("Das OVG hat die Berufung zugelassen, das BVerwG nicht.", []),
        ("Bitte die Tagesordnung und die BSI-Anordnung an die EDV schicken.", []),
        ("Gilt das Gesetz oder eine EU-Verordnung?", []),
        ("Die EU hat eine neue Richtlinie erlassen, was heißt das?", []),
        (
            "Was gilt nach der europäischen KI-Verordnung?",
            ["europäischen KI-Verordnung"],
        ),
    ],
)
def test_rule_names_are_found_and_nothing_else(text: str, names: list[str]) -> None:
    assert [name for _, _, name in rule_mentions(text)] == names


def test_an_informal_name_stands_for_a_law_of_the_same_subject_and_kind() -> None:
    titles = [normalised(title) for _, _, title in LAWS]
    assert stands_for("Mindestlohngesetz", titles)
    assert not stands_for("Mindestlohnverordnung", titles)  # a Verordnung, not the Gesetz
    assert not stands_for("Gemeindeordnung", titles)  # "Gemeindefinanzen" is not its subject
    assert not stands_for("Hundesteuersatzung", titles)


def test_other_rules_only_when_no_indexed_law_is_named() -> None:
    parser = QueryParser(LAWS)
    assert parser.parse("Wie viel Urlaub gibt der TVöD?").other_rules == ["TVöD"]
    assert parser.parse("Gilt das Mindestlohngesetz auch für Praktikanten?").other_rules == []
    # an indexed law named beside it: the question is (also) about the sources
    assert parser.parse("Gilt der Mindestlohn nach dem MiLoG auch im TVöD?").other_rules == []
    assert parser.parse("Gilt das Onlinezugangsgesetz für Gemeinden?").other_rules == []


def test_the_sources_mention_a_name_only_as_a_whole_word() -> None:
    lexical = LexicalIndex.build(
        [("c1", "Die Hundesteuer erhebt die Gemeinde nach ihrer Satzung."), ("c2", "TVöD gilt.")],
        "g1",
    )
    assert lexical.mentions("TVöD")
    assert lexical.mentions("Hundesteuer")
    assert not lexical.mentions("Hundesteuersatzung")  # its parts occur, the rule does not
    assert not lexical.mentions("GO NRW")
    # only the chunks a principal may see count
    assert lexical.mentions("TVöD", {"c2"}) and not lexical.mentions("TVöD", {"c1"})


def test_a_genitive_informal_name_is_the_same_law() -> None:
    titles = [normalised(title) for _, _, title in LAWS]
    assert stands_for("Mindestlohngesetzes", titles)


def test_an_indexed_laws_short_title_names_it_and_is_no_rule_outside_the_sources() -> None:
    parser = QueryParser(
        [
            ("gewschg", "GewSchG", "Gesetz zum zivilrechtlichen Schutz vor Gewalttaten"),
            ("sgb_10", "SGB 10", "Zehntes Buch Sozialgesetzbuch - Sozialverwaltungsverfahren"),
            ("aufenthg_2004", "AufenthG 2004", "und die Integration von Ausländern"),
        ]
    )
    named = parser.parse(
        "Kann das Gericht nach dem Gewaltschutzgesetz ein Näherungsverbot erlassen?"
    )
    assert named.laws == ["gewschg"] and named.other_rules == []
    assert parser.parse("Was sagt das SGB X zur Rücknahme?").laws == ["sgb10"]
    assert parser.parse("Gilt das nach dem Aufenthaltsgesetz?").laws == ["aufenthg"]
    assert parser.parse("Gilt das SGB XII?").laws == []  # another book
