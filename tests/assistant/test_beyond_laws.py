"""Which questions ask what no law text records: the present state, software set-up."""

from __future__ import annotations

import pytest

from assistant.retrieval.beyond_laws import PRESENT, SETUP, beyond_laws


@pytest.mark.parametrize(
    "question",
    [
        "Wer ist eigentlich gerade Bundesinnenminister bzw. Bundesinnenministerin?",
        "Wer ist derzeit Präsident des Statistischen Bundesamts?",
        "Who is the current mayor of Munich?",
        "Who is running the federal IT council right now?",
        "Wie viele Kommunen haben die E-Akte inzwischen flächendeckend eingeführt?",
        "Gibt es aktuelle Zahlen zur Nutzung der BundID?",
        "For the council I need a current number: what percentage of towns use e-files?",
        "How many municipalities offer online registration so far?",
    ],
)
def test_questions_about_the_present_state_are_recognised(question: str) -> None:
    assert beyond_laws(question) == PRESENT


@pytest.mark.parametrize(
    "question",
    [
        "Wie richte ich in Thunderbird eine Signatur für das Bürgerbüro ein?",
        "Welche Einstellungen brauchen wir im Videotool, damit Gäste im Warteraum landen?",
        "How do we configure the scanner so that it saves PDF/A files?",
    ],
)
def test_questions_about_setting_up_software_are_recognised(question: str) -> None:
    assert beyond_laws(question) == SETUP


@pytest.mark.parametrize(
    "question",
    [
        "Wer ist jetzt zuständig, wenn der Antrag beim falschen Amt eingegangen ist?",
        "Wer ist derzeit verpflichtet, einen Datenschutzbeauftragten zu benennen?",
        "Wie viel kostet ein Personalausweis aktuell?",  # a fee: the ordinance says
        "Wie viele Tage hat die Behörde Zeit, um über den Antrag zu entscheiden?",
        "Wer darf Einsicht in die Akten nehmen?",
        "Who is responsible for the portal at the moment?",
        "Darf das Land ein zentrales Personenstandsregister einrichten?",
        "Was muss in der Bekanntmachung stehen, wenn wir ein Beschaffungssystem einrichten?",
    ],
)
def test_questions_about_rules_are_not(question: str) -> None:
    assert beyond_laws(question) is None
