"""Long inputs: pasted mails reduced to their questions and the facts that decide them."""

from __future__ import annotations

from assistant.answer.intake import take
from assistant.answer.mail import clean

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


FORWARDED = """Hallo Herr Kästner,

ich leite Ihnen den Verlauf weiter. Meine Fragen stehen ganz unten, der Rest ist zur Info.

Sehr geehrte Damen und Herren,
wir beantragen Akteneinsicht in die Bauakte und bitten um Übermittlung als PDF per E-Mail.
Mit freundlichen Grüßen
Dr. Hoffmeister, Rechtsanwalt
Marktstraße 3, 14467 Potsdam

-------- Interne Notiz Sachbearbeitung --------
Die Akte ist vollständig im Dokumentenmanagement, der Entscheidungsentwurf ist nicht unterschrieben.

Meine Fragen an Sie, bevor ich antworte:

1. Dürfen wir die gescannten Papierakten nach dem Scannen vernichten? Müssen wir vorher das
Archiv fragen?

2. Müssen wir dem Anwalt die elektronische Akte per E-Mail übermitteln, oder reicht
Einsicht vor Ort?

Danke und Gruß
Claudia Reimann
"""


def test_questions_after_a_quoted_signature_are_found_and_announcements_are_not_questions() -> None:
    intake = take(FORWARDED)
    assert len(intake.asks) == 2, intake.asks
    assert intake.asks[0].startswith("1. Dürfen wir die gescannten Papierakten")
    assert "Müssen wir vorher das Archiv fragen?" in intake.asks[0]  # part of question 1
    assert intake.asks[1].startswith("2. Müssen wir dem Anwalt")
    assert "Marktstraße" not in intake.cleaned and "Interne Notiz" not in intake.cleaned


def _asks(fact: str, questions: str) -> list[str]:
    """The questions found in a long input: one fact repeated, then the questions."""
    return take((fact + " ") * 6 + "\n\n" + questions).asks


def test_inline_lettered_questions_are_asked_one_by_one() -> None:
    asks = _asks(
        "Die Firma hat uns eine PDF-Rechnung über 900 Euro geschickt, ohne Leitweg-ID.",
        "Meine Fragen also: a) Dürfen wir die PDF-Rechnung zurückweisen? "
        "b) Ist die Leitweg-ID eine Pflichtangabe in der elektronischen Rechnung?",
    )
    assert len(asks) == 2 and asks[1].startswith("b) Ist die Leitweg-ID"), asks


def test_a_question_leaning_on_what_follows_joins_it() -> None:
    asks = _asks(
        "Der Kämmerer meint, die Steuer-ID werde zur Personenkennziffer für alle Register.",
        "Ist das wirklich richtig so?\nSind wirklich alle Register der Verwaltung von der "
        "Umstellung betroffen, und welche Frist gilt dafür?",
    )
    assert len(asks) == 1 and asks[0].startswith("Ist das wirklich richtig"), asks


def test_an_indirect_question_before_a_direct_one_is_still_a_question() -> None:
    asks = _asks(
        "Wir betreiben seit 2023 ein Bürgerportal mit vielen Diensten für die Einwohner.",
        "Ich möchte wissen, ob die Gemeinde zur Annahme elektronischer Rechnungen verpflichtet "
        "ist. Und bis wann muss das umgesetzt sein?",
    )
    assert len(asks) == 1 and asks[0].startswith("Ich möchte wissen"), asks


def test_the_askers_questions_follow_their_announcement() -> None:
    text = (
        "Die Bürgerin schreibt uns: Warum dauert bei Ihnen alles so lange? Wozu gibt es überhaupt "
        "ein Onlineportal, wenn man doch ins Amt kommen muss?\n\n"
        + "Sie hat den Antrag am 6. Mai online gestellt und den Nachweis als Scan hochgeladen. "
        * 4
        + "\n\nIch fasse die zwei Fragen noch einmal zusammen:\n"
        "1. Müssen wir für den Onlineantrag eine elektronische Bezahlmöglichkeit anbieten?\n"
        "2. Dürfen wir die Vorlage des Originals verlangen, obwohl ein Scan hochgeladen wurde?"
    )
    intake = take(text)
    assert [a[:2] for a in intake.asks] == ["1.", "2."], intake.asks


COMPLAINT = (
    "Ich will jetzt nicht einfach einknicken. Deshalb zwei Dinge an Sie.\n\n"
    "Erstens: Dürfen wir bei einem Onlineantrag auf dem Original bestehen, wenn der Scan schon "
    "hochgeladen wurde?\n\n"
    "Zweitens: Herr W. schreibt, wir sollen uns die Bescheinigung selbst holen. Ginge das "
    "tatsächlich, also mit seinem Einverständnis direkt beim Finanzamt elektronisch anfordern?\n\n"
    "Viele Grüße\nAnnegret Pohlmann\nTeamleitung Gewerbe\n\n"
    "================ Kontaktformular-Nachricht ================\n"
    "Ich habe alle Unterlagen ordentlich eingescannt, in Farbe, als PDF. "
    "Wofür gibt es dann bitte einen Onlineantrag??? Glauben Sie, ich fälsche Bescheinigungen "
    "vom Finanzamt? Wer kommt dann für meinen Verdienstausfall auf?\n\n"
    "Bitte prüfen Sie, ob der Ausdruck dieser E-Mail wirklich nötig ist."
)


def test_when_the_asker_lists_the_questions_the_others_are_someone_elses() -> None:
    intake = take(COMPLAINT)
    assert len(intake.asks) == 2 and intake.listed == [True, True], intake.asks
    assert intake.asks[0].startswith("Erstens") and intake.asks[1].startswith("Ginge das")
    assert "Ausdruck dieser E-Mail" not in intake.cleaned  # a mail footer, not a request


def test_labelled_questions_are_questions_and_a_heading_announces_them() -> None:
    text = (
        "Die Fraktion fragt: 1. Wie viel Geld hat die Stadt ausgegeben? 2. Warum gibt es keine "
        "Strategie?\n\n"
        + "Die Klausur hat die Smart City Charta als Leitbild empfohlen. "
        * 4
        + "\n\nMeine eigentlichen Fragen\n\n"
        "Frage 1: Was hat die Umfrage des Städte- und Gemeindebundes zur Digitalisierung "
        "ergeben?\n\nFrage 2: Welche Leitlinien enthält die Smart City Charta genau?"
    )
    assert [a[:7] for a in take(text).asks] == ["Frage 1", "Frage 2"]


def test_a_subject_line_asks_only_when_the_text_does_not() -> None:
    header = "Von: Ina Berg\nBetreff: WG: Registrierungspflicht bei EU-Vergaben?\n\n"
    fact = "Wir schreiben die Netzwerktechnik der Schulen EU-weit aus, Volumen 600.000 Euro. " * 5
    asked = take(
        header + fact + "\n\nDürfen wir den Download der Vergabeunterlagen von einer "
        "Registrierung abhängig machen?"
    )
    assert len(asked.asks) == 1 and asked.asks[0].startswith("Dürfen wir"), asked.asks
    assert take(header + fact).asks == ["Registrierungspflicht bei EU-Vergaben?"]


QUOTED_FIGURES = """Hallo Frau Petersen,
können Sie mir bitte für die Antwort an Herrn Vollmer (unten) etwas zusammenstellen?

Am 11.02.2025 um 17:40 schrieb Rainer Vollmer:
> Sehr geehrter Herr Bürgermeister,
> beim Start des Dashboards im Oktober 2020 waren angeblich schon 315 Leistungen online.
> Der Beamtenbund schreibt dagegen, Ende 2022 seien nur 33 Leistungen verfügbar gewesen.
> Ist die Digitalisierung also rückwärts gelaufen?
> Mit freundlichen Grüßen
> Rainer Vollmer

Konkret: Wie sind diese unterschiedlichen Zahlen von Leistungen zu erklären?
Danke, Michael Sauer
"""


def test_the_quoted_history_gives_facts_but_asks_nothing() -> None:
    intake = take(QUOTED_FIGURES)
    # the forwarded mail's question is someone else's; the asker's own are asked
    assert not any("rückwärts" in ask for ask in intake.asks)
    assert any("Konkret: Wie sind diese" in ask for ask in intake.asks)
    # … and "diese Zahlen" brings the figures from the quote (before session 42 it was dropped)
    query = next(q for q, a in zip(intake.queries, intake.asks, strict=True) if "Konkret" in a)
    assert "315 Leistungen" in query
    # greetings and sign-offs inside the quote stay out
    assert not any("Sehr geehrter" in q or "Mit freundlichen" in q for q in intake.queries)
    assert "Bürgermeister" not in clean(QUOTED_FIGURES)


FORWARDED_REQUEST = """Hi Micha,

kannst du kurz drüberschauen, bevor ich der Dame antworte? Sie will die Geburtsurkunde ihres
Onkels für ihre Familienforschung. Dürfen wir die Gebühr dafür selbst festlegen oder ist sie
irgendwo fest vorgegeben?

Danke dir & Gruß
Sabine

-----Ursprüngliche Nachricht-----
Von: Hildegard Brandes <h.brandes@example.org>
Gesendet: Dienstag, 11. Juni 2024 09:14
Betreff: Anfrage Geburtsurkunde

Sehr geehrte Damen und Herren,

mein Onkel wurde 1938 in Ihrer Gemeinde geboren und ist 1991 verstorben. Wie gehe ich vor und
was kostet das?

Mit freundlichen Grüßen
Hildegard Brandes
"""


def test_a_forwarded_messages_questions_are_someone_elses_when_the_asker_asks() -> None:
    intake = take(FORWARDED_REQUEST)
    # the asker's own question; not her request to look it over, not the citizen's question
    assert intake.asks == [
        "Dürfen wir die Gebühr dafür selbst festlegen oder ist sie irgendwo fest vorgegeben?"
    ]
    # … whose facts may still come from the forwarded message
    assert "Onkel" in intake.queries[0]
    # an asker who only forwards it ("siehe unten") adopts the forwarded questions
    own = FORWARDED_REQUEST[len("Hi Micha,") : FORWARDED_REQUEST.index("Danke dir")]
    adopted = take(FORWARDED_REQUEST.replace(own, "\n\nsiehe unten.\n\n"))
    assert adopted.asks == ["Wie gehe ich vor und was kostet das?"]


def test_a_second_question_kept_in_one_sentence_is_asked_on_its_own() -> None:
    text = (
        "moin\n\nkurze frage für die schalterinfo die wir gerade überarbeiten: ab welchem alter "
        "muss man eigentlich nen personalausweis haben? und wie lang ist der gültig wenn jemand "
        "20 ist, auch 10 jahre?\n\ndanke"
    )
    assert len(take(text).asks) == 2
