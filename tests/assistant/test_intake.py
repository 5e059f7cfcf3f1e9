"""Long inputs: pasted mails reduced to their questions and the facts that decide them."""

from __future__ import annotations

from assistant.answer.intake import clean, take

MAIL = """Sehr geehrte Damen und Herren,

ich bin Kassenwart eines Sportvereins mit 640 Mitgliedern. Unser Verein hat seit 2023 ein
ELSTER-Organisationszertifikat. Auf Ihrem Serviceportal gibt es nur ein eigenes Benutzerkonto
der Gemeinde, die Anmeldung mit dem Organisationskonto wird nicht angeboten.

Deshalb meine zwei Fragen:

1. Ersetzt die Anmeldung über das Organisationskonto die gesetzlich vorgeschriebene Unterschrift?

2. Ist die Gemeinde verpflichtet, die Anmeldung mit dem Organisationskonto auf dem Serviceportal
zu akzeptieren?

Mit freundlichen Grüßen
Herbert Beispiel
Kassenwart TSV Musterdorf e.V.
Am Sportplatz 4, 87463 Musterdorf
Tel. 08374 1290

Am 03.05.2025 um 10:14 schrieb Bürgerservice:
> Bitte reichen Sie den Antrag unterschrieben ein.
> Mit freundlichen Grüßen
"""


def test_greeting_signature_and_quoted_history_are_dropped() -> None:
    cleaned = clean(MAIL)
    assert "Sehr geehrte" not in cleaned
    assert "Tel. 08374" not in cleaned and "Am Sportplatz" not in cleaned
    assert "Bitte reichen Sie" not in cleaned
    assert "ELSTER-Organisationszertifikat" in cleaned


def test_each_distinct_question_gets_its_own_condensed_query() -> None:
    intake = take(MAIL)
    assert intake.long and len(intake.queries) == 2
    assert intake.asks[0].startswith("1. Ersetzt die Anmeldung")
    assert intake.asks[1].startswith("2. Ist die Gemeinde verpflichtet")
    assert all(len(q.split()) <= 90 for q in intake.queries)
    assert "Organisationskonto" in intake.queries[0]


def test_short_questions_pass_unchanged() -> None:
    intake = take("Was regelt § 3a VwVfG?")
    assert not intake.long and intake.queries == ["Was regelt § 3a VwVfG?"]


def test_a_text_without_a_question_mark_is_its_own_question() -> None:
    text = ("Wir möchten Bescheide künftig nur noch elektronisch zustellen. " * 12).strip()
    intake = take(text)
    assert intake.long and len(intake.queries) == 1 and "elektronisch" in intake.queries[0]
