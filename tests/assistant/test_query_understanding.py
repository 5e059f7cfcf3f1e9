"""Query understanding for definitions and for laws named by their subject."""

from __future__ import annotations

import pytest

from assistant.retrieval.definitions import defines, definition_term
from assistant.retrieval.query import QueryParser, law_subject


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("Was ist der Portalverbund nach dem Onlinezugangsgesetz?", "Portalverbund"),
        ("Was bedeutet Amtshilfe zwischen Behörden und wann ist sie zu leisten?", "Amtshilfe"),
        ("Was ist das freiwillige IT-Sicherheitskennzeichen?", "IT-Sicherheitskennzeichen"),
        ("Was versteht man unter einem Verwaltungsportal?", "Verwaltungsportal"),
        ("What is a user account?", "account"),
        ("Was regelt das VwVfG zur Amtssprache?", None),
        ("Wie lange ist ein Personalausweis gültig?", None),
    ],
)
def test_definition_questions_name_the_term(question: str, term: str | None) -> None:
    assert definition_term(question) == term


def test_definitions_are_recognised_as_laws_write_them() -> None:
    assert defines("Portalverbund", "(1) Der „Portalverbund“ ist eine technische Verknüpfung")
    assert defines("Nutzerkonto", 'Ein "Nutzerkonto" ist eine zentrale Identifizierungskomponente')
    assert defines("Amtshilfe", "Amtshilfe im Sinne dieses Gesetzes ist die Hilfe ...")
    assert not defines(
        "Portalverbund", "Bund und Länder verknüpfen ihre Portale zu einem Portalverbund."
    )


BSIG = (
    "bsig_2009",
    "BSIG 2009",
    "Gesetz über das Bundesamt für Sicherheit in der Informationstechnik",
)


def test_a_law_is_named_by_the_subject_of_its_title() -> None:
    parsed = QueryParser([BSIG]).parse(
        "Welche Aufgaben hat das Bundesamt für Sicherheit in der Informationstechnik?"
    )
    assert parsed.laws == ["bsig"]
    # the § titles are then matched against what is asked, not against the institution's name
    assert "Aufgaben" in parsed.topic and "Informationstechnik" not in parsed.topic


def test_a_subject_that_several_laws_share_names_none_of_them() -> None:
    laws = [
        ("av1", "AV1", "Verordnung über die Prüfung zum anerkannten Abschluss Geprüfter Meister"),
        ("av2", "AV2", "Verordnung über die Prüfung zum anerkannten Abschluss Geprüfter Meister"),
    ]
    assert QueryParser(laws).parse("Prüfung zum anerkannten Abschluss Geprüfter Meister").laws == []


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        (BSIG[2], "bundesamt für sicherheit in der informationstechnik"),
        ("Gesetz über die Familienpflegezeit", "familienpflegezeit"),
        ("Gesetz zur Förderung der elektronischen Verwaltung", None),  # an aim, not a subject
        ("Gesetz über das Bundeskriminalamt und die Zusammenarbeit des Bundes", None),
        ("Verordnung über das Register", None),  # too short to be safe
    ],
)
def test_only_short_single_subjects_become_law_names(title: str, subject: str | None) -> None:
    assert law_subject(title) == subject
