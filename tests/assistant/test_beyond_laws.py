"""Which questions ask what no law text records: the present state, software set-up or
operation, others' experience, a document to write, a product to recommend."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.answer.confidence import beyond_laws_met
from assistant.retrieval.beyond_laws import (
    DRAFT,
    EXPERIENCE,
    OPERATE,
    PRESENT,
    RECOMMEND,
    SETUP,
    beyond_laws,
)
from assistant.retrieval.query import ParsedQuery
from assistant.retrieval.results import Hit, SearchResult
from assistant.store.manifest_records import ChunkRecord


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
        "Gibt es aktuell ein Förderprogramm für die Digitalisierung der Bauakten?",
        "Welche Onlinedienste hat unser Land inzwischen zur Nachnutzung freigegeben?",
        "Is there currently a federal funding call for broadband in business parks?",
        # session 36: figures of last year, how long things take now, who offers a service now
        "How many cyber attacks on town halls did the BSI count last year?",
        "Wie viele Anträge wurden im vergangenen Jahr online gestellt?",
        "Wie lange dauert es derzeit im Schnitt, bis ein neuer Reisepass da ist?",
        "How long does it usually take for the activation letter to arrive?",
        "Welcher Anbieter bietet das Postfach heute noch an?",
        "Is the service still offered by any provider?",
        # session 37: the value an amount, rate, threshold or version has now; a latest decision
        "Wie hoch ist der gesetzliche Mindestlohn derzeit pro Stunde?",
        "Wir rechnen Verzugszinsen: welcher Basiszinssatz gilt momentan?",
        "Wie hoch sind aktuell die Schwellenwerte für Bauaufträge?",
        "What is the current threshold for works contracts?",
        "How much is the minimum wage right now?",
        "Welche Einkommensgrenze gilt zurzeit beim Wohngeld?",
        "Wie hoch ist heute der Basiszinssatz?",
        "What is the minimum wage this year?",
        "Was hat die Kommission in ihrem jüngsten Beschluss zur Anpassung festgelegt?",
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
        "Welche Mindestversion der Kassensoftware muss bis zum Jahreswechsel laufen?",
        "Welche Version des XPersonenstand-Standards setzen wir ab dem Stichtag ein?",
        "Welche Servicezeiten hat die Hotline des Herstellers am Feiertag?",
        "Unser Signaturzertifikat läuft ab. Wie erneuern wir das technisch?",
        "Wie erreiche ich die Landesbeauftragte für Datenschutz am schnellsten?",
        "Which driver version works with the card readers in the citizens' office?",
        "Welche XRechnung-Version müssen wir ab dem Stichtag verarbeiten können?",
        "How can we contact the vendor's support at the weekend?",
        "Beim Hochladen ins Ratsinformationssystem kommt eine Fehlermeldung. Woran liegt das?",
        "The signature pad shows error code 0x17 at every login, what causes this?",
        "Our scanner stopped saving searchable PDFs after the update, how do we fix it?",
    ],
)
def test_questions_about_running_software_or_reaching_an_office_are_recognised(
    question: str,
) -> None:
    assert beyond_laws(question) == OPERATE


@pytest.mark.parametrize(
    "question",
    [
        "Gibt es Erfahrungswerte, wie lange die Einführung eines DMS dauert?",
        "Welche Erfahrungen haben andere Kommunen mit dem digitalen Bauantrag gemacht?",
        "Welche Stadt hat als erste die Hundeanmeldung komplett digital angeboten?",
        "Was sind die typischen Stolpersteine bei der Umstellung auf die E-Akte?",
        "Which German town was the first to offer residence registration online?",
        "What did other municipalities do about queues at the citizens' office?",
    ],
)
def test_questions_about_others_experience_are_recognised(question: str) -> None:
    assert beyond_laws(question) == EXPERIENCE


@pytest.mark.parametrize(
    "question",
    [
        "Welche Erfahrung muss ein Datenschutzbeauftragter nachweisen?",  # a rule's requirement
        "Müssen andere Behörden die Daten auch löschen?",
        "Welche Stadt ist für die Ummeldung zuständig, die alte oder die neue?",
    ],
)
def test_rules_about_experience_or_other_authorities_are_no_experience(question: str) -> None:
    assert beyond_laws(question) is None


@pytest.mark.parametrize(
    "question",
    [
        "Kannst du mir ein Anschreiben an die Eltern entwerfen, dass die Kita-Anmeldung jetzt "
        "online läuft?",
        "Könnten Sie uns eine kurze Pressemitteilung zum Start des Bürgerportals schreiben?",
        "Schreib mir bitte einen Aushang für das Bürgerbüro zu den neuen Öffnungszeiten.",
        "Kannst du uns eine Vorlage für das Protokoll der Ortsratssitzung machen?",
        "Can you draft a letter to residents about the new appointment system?",
        "Please write a short notice for our website about the e-invoice address.",
    ],
)
def test_requests_to_write_a_document_are_recognised(question: str) -> None:
    assert beyond_laws(question) == DRAFT


@pytest.mark.parametrize(
    "question",
    [
        "Welches Ratsinformationssystem könnt ihr uns für eine Gemeinde mit 8.000 Einwohnern "
        "empfehlen?",
        "Kannst du mir einen Anbieter für digitale Bezahlverfahren empfehlen?",
        "Could you recommend a scanning service provider for our old building files?",
    ],
)
def test_requests_to_recommend_a_product_are_recognised(question: str) -> None:
    assert beyond_laws(question) == RECOMMEND


@pytest.mark.parametrize(
    "question",
    [
        "Wer ist jetzt zuständig, wenn der Antrag beim falschen Amt eingegangen ist?",
        # about a rule: the writing is the asker's, and "Schreiben" is a document, not a request
        "Können Sie mir sagen, ob wir Bescheide per E-Mail schreiben dürfen?",
        "Kannst du erklären, wie man einen Bescheid elektronisch erstellen darf?",
        "Kannst du mir sagen, was wir machen müssen, wenn ein Schreiben zurückkommt?",
        "Muss ein Schreiben der Behörde eigenhändig unterschrieben sein?",
        "Can you tell me whether we may write to citizens by e-mail?",
        "Können Sie empfehlen, welche Frist wir für die Anhörung setzen sollen?",
        "Wer ist derzeit verpflichtet, einen Datenschutzbeauftragten zu benennen?",
        "Wie viel kostet ein Personalausweis aktuell?",  # a fee: the ordinance says
        "Wie hoch ist derzeit die Gebühr für eine Melderegisterauskunft?",
        "How high is the fee for a passport currently?",
        # an amount a law sets, asked without "now"; "jetzt" tells a case's moment, not the present
        "Wie hoch ist der Mindestlohn für Praktikanten?",
        "Wir haben jetzt knapp 9.000 Einwohner, gilt dann der Höchstsatz der Abgabe?",
        "Wer muss die Metadaten zu einem Geodatensatz erstellen und aktuell halten?",
        "Kann der Zusatz gestrichen werden, wenn ich jetzt einen Pass vorlege?",
        "Was gilt, wenn der Beschluss zuletzt geändert wurde?",
        "Ist der erhöhte Steuersatz für Listenhunde (aktuell 600 €) noch haltbar?",
        "Wie viele Tage hat die Behörde Zeit, um über den Antrag zu entscheiden?",
        "Wer darf Einsicht in die Akten nehmen?",
        "Who is responsible for the portal at the moment?",
        "Darf das Land ein zentrales Personenstandsregister einrichten?",
        "Was muss in der Bekanntmachung stehen, wenn wir ein Beschaffungssystem einrichten?",
        # whether opening hours and phone numbers must be published is a rule (EGovG § 3)
        "Müssen wir Öffnungszeiten und Telefonnummern im Internet veröffentlichen?",
        "Welche Fassung des Gesetzes gilt für Anträge aus dem Vorjahr?",
        "Gibt es eine Förderung, wenn wir Akten digitalisieren?",  # no "now": a rule may say
        "Welche Pflichten gelten für Behörden, die bisher keine E-Akte führen?",
        "Wie stellen wir sicher, dass die Akte technisch und organisatorisch geschützt ist?",
        # healing a defect of a notice is a rule (VwVfG § 45), not troubleshooting
        "Wie beheben wir einen Formfehler im Bescheid nachträglich?",
        "How do we remedy a missing hearing before the decision?",
        # a time limit or an obligation a law sets
        "Wie lange dauert es, bis ein Bescheid bestandskräftig wird?",
        "How long does the authority have to decide on an objection?",
        "Welche Anbieter müssen nach dem Gesetz ein Postfach bereitstellen?",
        "Wie viele Jahre muss das Register aufbewahrt werden?",
    ],
)
def test_questions_about_rules_are_not(question: str) -> None:
    assert beyond_laws(question) is None


def _met(today: date, *sources: dict[str, object]) -> str | None:
    """beyond_laws_met for a present-state question whose leading passages have this metadata."""
    hits = [
        Hit(ChunkRecord(f"c{n}", f"d{n}", 0, "Text.", f"D{n}", dict(meta)), 1.0)
        for n, meta in enumerate(sources)
    ]
    question = "Wie viele Kommunen nutzen inzwischen die E-Akte?"
    parsed = ParsedQuery(question, beyond_laws=beyond_laws(question))
    return beyond_laws_met(SearchResult(hits, parsed), today=today)


def test_the_present_is_recorded_by_a_recent_or_undated_document_never_by_a_law() -> None:
    today = date(2026, 12, 1)
    law, old = {"law": "EGovG", "section": "§ 6"}, {"stand_num": 20240724}
    assert _met(today, law, law, law) == PRESENT
    assert _met(today, old, law) == PRESENT
    assert _met(today, old, {"stand_num": 20260901}) is None  # three months old
    assert _met(today, old, {"title": "ohne Datum"}) is None  # may be current
    assert _met(date(2024, 9, 1), old) is None
    assert _met(today) is None  # nothing found: the relevance decides


def test_running_software_is_beyond_laws_only_when_law_texts_lead() -> None:
    question = "Welche Mindestversion des Fachverfahrens muss installiert sein?"
    parsed = ParsedQuery(question, beyond_laws=beyond_laws(question))
    law = Hit(ChunkRecord("c1", "bmg", 0, "Text.", "BMG", {"law": "BMG", "section": "§ 33"}), 1.0)
    guide = Hit(ChunkRecord("c2", "leitfaden", 0, "Text.", "Leitfaden", {}), 1.0)
    assert beyond_laws_met(SearchResult([law, law, law], parsed)) == OPERATE
    assert beyond_laws_met(SearchResult([guide, law, law], parsed)) is None


def test_others_experience_is_beyond_laws_only_when_law_texts_lead() -> None:
    question = "Welche Erfahrungen haben andere Kommunen mit der E-Akte gemacht?"
    parsed = ParsedQuery(question, beyond_laws=beyond_laws(question))
    egovg = {"law": "EGovG", "section": "§ 6"}
    law = Hit(ChunkRecord("c1", "egovg", 0, "Text.", "EGovG", egovg), 1.0)
    study = Hit(ChunkRecord("c2", "fallstudie", 0, "Text.", "Fallstudie", {}), 1.0)
    assert beyond_laws_met(SearchResult([law, law, law], parsed)) == EXPERIENCE
    assert beyond_laws_met(SearchResult([study, law, law], parsed)) is None
