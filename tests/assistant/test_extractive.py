"""Extractive answers are built from whole thoughts: verbatim, with their lists and context."""

from __future__ import annotations

import pytest

from assistant.answer.extractive import Passage, compose, in_reading_order, quotable
from assistant.answer.thoughts import complete, widen
from assistant.retrieval.query import ParsedQuery
from assistant.retrieval.results import Hit, SearchResult
from assistant.store.lexical import LexicalIndex
from assistant.store.manifest import ChunkRecord
from assistant.store.sentences import segment

FIRST = (
    "Ein Antrag gilt als genehmigt, wenn alle drei Bedingungen erfüllt sind: "
    "1. Die Behörde ist zuständig. 2. Der Antrag ist vollständig. 3. Die Frist ist abgelaufen. "
    "Sonst gilt etwas anderes."
)
SECOND = (
    "Die Landesportale bündeln die Leistungen der Kommunen. Dort finden Bürgerinnen und "
    "Bürger z. B. den Antrag auf einen Anwohnerparkausweis."
)


def _spans(texts: list[str]) -> list[list[tuple[int, int]]]:
    return [segment(t) for t in texts]


def _answer(question: str, texts: list[str]) -> str:
    """The extractive answer's text for a question over chunks of these texts."""
    lexical, result = _result(question, texts)
    return compose(lexical, result, result.hits, "de", _spans)[0]


def _result(question: str, texts: list[str]) -> tuple[LexicalIndex, SearchResult]:
    chunks = [
        ChunkRecord(f"c{i}", f"doc{i}", 0, t, f"Dokument {i} › Abschnitt {i}", {"title": f"D{i}"})
        for i, t in enumerate(texts)
    ]
    lexical = LexicalIndex.build([(c.chunk_id, c.text) for c in chunks], "g")
    hits = [Hit(c, 1.0 / (i + 1)) for i, c in enumerate(chunks)]
    return lexical, SearchResult(hits, ParsedQuery(question))


def test_a_sentence_ending_in_a_colon_brings_its_items() -> None:
    lexical, result = _result("Wann gilt ein Antrag als genehmigt?", [FIRST])
    text, citations = compose(lexical, result, result.hits, "de", _spans)
    assert "3. Die Frist ist abgelaufen. [1]" in text
    assert citations[0].quote in FIRST


def test_a_sentence_that_refers_back_brings_the_one_before() -> None:
    lexical, result = _result("Wo finden Bürger den Anwohnerparkausweis?", [SECOND])
    text, citations = compose(lexical, result, result.hits, "de", _spans)
    assert text.startswith("Die Landesportale bündeln die Leistungen der Kommunen. Dort finden")
    assert "z. B. den Antrag" in text and "[1]" in text


def test_das_as_a_pronoun_refers_back_as_an_article_it_does_not() -> None:
    counts = (
        "Eine Leistung zählt als online, sobald eine Kommune sie digital anbietet. Das ergibt "
        "hohe Zahlen für die Onlineleistungen. Das neue Dashboard zählt Onlineleistungen anders."
    )
    lexical, result = _result("Warum sind die Zahlen der Onlineleistungen so hoch?", [counts])
    text, _ = compose(lexical, result, result.hits, "de", _spans)
    assert text.startswith("Eine Leistung zählt als online, sobald eine Kommune sie digital")
    text = _answer("Wie zählt das neue Dashboard?", [counts])
    assert text.startswith("Das neue Dashboard zählt Onlineleistungen anders.")


def test_a_subsection_opening_with_hierfuer_brings_the_sentence_before() -> None:
    law = (
        "(1) Die Länder richten Verwaltungsportale ein. "
        "(2) Hierfür sind ausschließlich die obersten Landesbehörden zuständig."
    )
    text = _answer("Welche Behörden sind ausschließlich zuständig?", [law])
    assert text.startswith("(1) Die Länder richten Verwaltungsportale ein. (2) Hierfür sind")


def test_a_chosen_sentence_is_widened_by_the_next_one_referring_back_to_it() -> None:
    law = (
        "(1) Macht die Person glaubhaft, dass sie sofort einen Ausweis benötigt, ist ihr ein "
        "vorläufiger Ausweis auszustellen. (2) Hierfür sind ausschließlich die Ausweisbehörden "
        "zuständig. (3) Ein vorläufiger Ausweis gilt höchstens drei Monate."
    )
    question = "Wer stellt sofort einen vorläufigen Ausweis aus, welche Behörden sind zuständig?"
    lexical, result = _result(question, [law])
    text, citations = compose(lexical, result, result.hits, "de", _spans)
    assert text.startswith("(1) Macht die Person glaubhaft, dass sie sofort einen Ausweis")
    assert "auszustellen. (2) Hierfür sind ausschließlich" in text
    assert text.count("(1) Macht") == 1
    assert all(piece in law for piece in citations[0].quote.split(" … "))


def test_a_reference_back_past_a_sentence_citing_others_brings_the_subsection() -> None:
    law = (
        "(5) Beschäftigte haben einen Anspruch auf Freistellung von bis zu drei Monaten. "
        "Absatz 1 Satz 2 und die Absätze 2 bis 4 gelten entsprechend. "
        "Beschäftigte können diesen Anspruch wahlweise statt des anderen geltend machen."
    )
    spans = segment(law)
    widened = widen(law, spans, len(spans) - 1)
    assert widened is not None and law[widened[0] : widened[1]] == law
    # a subsection that opens with other subsections cannot be led into: nothing whole
    other = (
        "(3) Die Absätze 1 und 2 gelten entsprechend. Beschäftigte können diesen Anspruch "
        "geltend machen."
    )
    assert widen(other, segment(other), 1) is None


def test_the_answer_leads_with_the_top_source_and_quotes_verbatim() -> None:
    lexical, result = _result("Wann gilt ein Antrag als genehmigt?", [FIRST, SECOND])
    text, citations = compose(lexical, result, result.hits, "de", _spans)
    assert citations[0].chunk_id == "c0" and text.startswith("Ein Antrag gilt als genehmigt")
    for citation, source in zip(citations, [FIRST, SECOND], strict=False):
        assert all(piece in source for piece in citation.quote.split(" … "))


def test_an_answer_quoting_one_section_names_the_next_one_to_see_also() -> None:
    lexical, result = _result("Wann gilt ein Antrag als genehmigt?", [FIRST, SECOND])
    text, citations = compose(lexical, result, result.hits, "de", _spans)
    assert [c.chunk_id for c in citations] == ["c0", "c1"]
    assert text.endswith("\n\nSiehe auch: D1 › Abschnitt 1 [2]")
    assert citations[1].quote in SECOND  # its best whole sentence, verbatim


def test_an_answer_quoting_two_sections_names_no_third() -> None:
    third = "Ein Antrag gilt nach drei Monaten als genehmigt, wenn die Behörde nicht entscheidet."
    lexical, result = _result("Wann gilt ein Antrag als genehmigt?", [FIRST, third, SECOND])
    text, citations = compose(lexical, result, result.hits, "de", _spans)
    assert {c.chunk_id for c in citations} == {"c0", "c1"}
    assert "Siehe auch" not in text


def test_a_lone_source_has_nothing_to_see_also() -> None:
    lexical, result = _result("Wann gilt ein Antrag als genehmigt?", [FIRST])
    text, citations = compose(lexical, result, result.hits, "de", _spans)
    assert len(citations) == 1 and "Siehe auch" not in text


def test_a_span_the_segmenter_cut_after_an_abbreviation_is_never_quoted() -> None:
    header = (
        "Ausfertigungsdatum: 2017-08-14 Fundstelle: BGBl I: 2017, 3122 Zuletzt geändert durch: "
        "Art. 16 G v. 28.6.2021 I 2250 Das Gesetz wurde zuletzt durch Artikel 16 geändert."
    )
    assert any(header[a:b].endswith("durch: Art.") for a, b in segment(header))  # SoMaJo's cut
    lexical, result = _result("Wodurch wurde das Gesetz zuletzt geändert?", [header])
    text, citations = compose(lexical, result, result.hits, "de", _spans)
    assert "durch: Art. [" not in text and not citations[0].quote.endswith("Art.")
    assert "Das Gesetz wurde zuletzt durch Artikel 16 geändert. [1]" in text


def test_a_sentence_citing_another_sentence_brings_its_subsection() -> None:
    law = (
        "(1) Die Gemeinde stellt Bescheide elektronisch zu. "
        "(2) Ein Bescheid gilt am dritten Tag nach der Absendung als zugestellt. "
        "Satz 1 gilt nicht, wenn der Empfänger nachweist, dass ihn der Bescheid später "
        "erreicht hat."
    )
    lexical, result = _result(
        "Was gilt, wenn der Empfänger nachweist, dass er später zugestellt?", [law]
    )
    text, citations = compose(lexical, result, result.hits, "de", _spans)
    assert text.startswith(
        "(2) Ein Bescheid gilt am dritten Tag nach der Absendung als zugestellt. Satz 1"
    )
    assert citations[0].quote in law


def test_a_sentence_citing_one_the_chunk_cut_off_is_never_quoted() -> None:
    cut = (
        "Satz 1 gilt nicht, wenn der Empfänger nachweist, dass ihn der Bescheid später "
        "erreicht hat. Die Behörde vermerkt den Tag der Absendung in der Akte."
    )
    text = _answer("Was gilt, wenn der Empfänger nachweist, dass er später zugestellt?", [cut])
    assert not text.startswith("Satz 1") and "Satz 1 gilt nicht" not in text


def test_a_sentence_citing_other_subsections_is_never_quoted_alone() -> None:
    law = (
        "(1) Die Gemeinde stellt Bescheide elektronisch zu. (2) Die Gemeinde darf Bescheide "
        "auch per Post zustellen. (3) Die Absätze 1 und 2 gelten für Bescheide der Kreise "
        "entsprechend, wenn der Kreis keine eigene Regel hat."
    )
    text = _answer("Gilt das für Bescheide der Kreise entsprechend?", [law])
    assert "Die Absätze 1 und 2 gelten" not in text


MYTHS = (
    "Die Umfrage fragte nach Chancen und Strategien.\n"
    "- „Jede Gemeinde hat schon eine E-Akte.“ – Nein. Die Umfrage fragte nur nach Plänen; über "
    "eingeführte Systeme sagt sie nichts.\n"
    "- „Keine Gemeinde plant eine E-Akte.“ – Auch das stimmt nicht. Zwei Drittel der Gemeinden "
    "planen eine Einführung in den nächsten Jahren."
)


def test_a_bullet_after_a_finished_sentence_starts_a_sentence_of_its_own() -> None:
    sentences = [MYTHS[a:b] for a, b in segment(MYTHS)]
    assert "Die Umfrage fragte nur nach Plänen; über eingeführte Systeme sagt sie nichts." in (
        sentences
    )
    assert "- „Keine Gemeinde plant eine E-Akte.“" in sentences
    listed = "Sie brauchen\n- einen Antrag,\n- einen Nachweis."
    assert [listed[a:b] for a, b in segment(listed)] == [listed]  # one sentence, its bullets
    # ingest joins a paragraph and the list after it with a space: the item still starts anew
    joined = "Die kurze Antwort: nur teilweise. - Grundsätzlich gilt es für Bund.\n- Sonst nicht."
    assert [joined[a:b] for a, b in segment(joined)] == [
        "Die kurze Antwort: nur teilweise.",
        "- Grundsätzlich gilt es für Bund.",
        "- Sonst nicht.",
    ]
    opened = "Prüfen Sie im Landesgesetz: - Gemeinsame Benennung.\n- Externe Person."
    assert len(segment(opened)) == 2  # after a colon the first item stays with its opener


def test_a_bullet_item_is_quoted_whole_so_a_claim_never_stands_without_its_correction() -> None:
    lexical, result = _result("Hat jede Gemeinde schon eine E-Akte eingeführt?", [MYTHS])
    text, citations = compose(lexical, result, result.hits, "de", _spans)
    claim = "- „Jede Gemeinde hat schon eine E-Akte.“ – Nein. Die Umfrage fragte nur nach Plänen;"
    assert text.startswith(claim), text
    assert "eingeführte Systeme sagt sie nichts. [1]" in text
    for statement in text.split("[1]"):
        if "„Keine Gemeinde plant eine E-Akte.“" in statement:
            assert "Zwei Drittel der Gemeinden planen" in statement
            assert statement.startswith("\n- „Keine")  # its own line, as in the source
    assert all(piece in MYTHS for piece in citations[0].quote.split(" … "))


def test_a_lists_first_item_stands_on_its_own_line_as_the_items_after_it() -> None:
    # ingest joins a paragraph and the list after it with a space; the answer shows the list
    listed = (
        "Für Ihre Gemeinde prüfen Sie die Regeln im Landesgesetz: - Gemeinsame Benennung für "
        "mehrere Stellen ist möglich.\n- Die Person kann extern arbeiten.\n"
        "3. Landesrecht prüfen: Viele Länder haben eigene Gesetze für Datenschutzbeauftragte."
    )
    lexical, result = _result("Dürfen mehrere Stellen eine gemeinsame Person benennen?", [listed])
    text, citations = compose(lexical, result, result.hits, "de", _spans)
    assert "Landesgesetz:\n- Gemeinsame Benennung" in text, text
    assert "\n- Die Person kann extern arbeiten." in text
    assert citations[0].quote in listed  # the quote stays verbatim
    steps = (
        "Die Gemeinde hat beim Datenschutz eine Pflicht zur Benennung einer Person.\n"
        "3. Landesrecht prüfen: Viele Länder haben eigene Datenschutzgesetze für Gemeinden."
    )
    asked = "Pflicht der Gemeinde zur Benennung einer Person? Länder mit Datenschutzgesetzen?"
    both = _answer(asked, [steps])
    assert "[1]\n3. Landesrecht prüfen:" in both, both  # a numbered item alone starts a line


def test_a_numbered_item_after_a_finished_sentence_starts_a_sentence_of_its_own() -> None:
    steps = (
        "1. Rechtsgrundlage klären: Gibt es im Landesrecht eine Regel wie § 7 EGovG?\n"
        "2. Zugang sichern: Jede Behörde muss elektronisch erreichbar sein."
    )
    assert [steps[a:b] for a, b in segment(steps)] == steps.split("\n")
    law = "Im Sinne dieses Gesetzes sind:\n1. Behörden: jede Stelle;\n2. Akten: alle Dokumente."
    assert [law[a:b] for a, b in segment(law)] == [law]  # one sentence, its enumeration


def test_a_question_in_the_source_is_never_quoted_as_the_answer() -> None:
    steps = (
        "1. Rechtsgrundlage klären: Gibt es im Landesrecht eine Regel wie § 7 EGovG?\n"
        "2. Zugang sichern: Nach § 7 EGovG dürfen Papierdokumente nach dem Scannen vernichtet "
        "werden."
    )
    text = _answer("Was regelt § 7 EGovG im Landesrecht?", [steps])
    assert text.startswith("2. Zugang sichern: Nach § 7 EGovG dürfen"), text
    assert "?" not in text


def test_a_sentence_pointing_back_in_its_first_words_brings_the_one_before() -> None:
    invoices = (
        "Die Verordnung gilt für den Bund. Für Rechnungen an Gemeinden gelten die Regeln des "
        "Landes. Prüfen Sie dort insbesondere, ab wann E-Rechnungen angenommen werden müssen."
    )
    lexical, result = _result("Ab wann müssen Gemeinden E-Rechnungen annehmen?", [invoices])
    text, _ = compose(lexical, result, result.hits, "de", _spans)
    assert "Für Rechnungen an Gemeinden gelten die Regeln des Landes. Prüfen Sie dort" in text
    law = (
        "(1) Wer auf Grund dieses Gesetzes zur Anzeige verpflichtet ist, kann dazu angehalten "
        "werden. (2) Das Zwangsgeld beträgt höchstens tausend Euro."
    )
    text = _answer("Wer ist auf Grund dieses Gesetzes zur Anzeige verpflichtet?", [law])
    assert text.startswith("(1) Wer auf Grund dieses Gesetzes")  # its own law: stands alone


def test_dieser_richtlinie_after_a_sentence_naming_one_brings_that_sentence() -> None:
    rules = (
        "(4) Wer Anlagen betreibt, beachtet die Technische Richtlinie der Bundesnetzagentur. "
        "Nach dieser Richtlinie gebaute Anlagen gelten als geeignet."
    )
    spans = segment(rules)
    widened = widen(rules, spans, 1)
    assert widened is not None and rules[widened[0] : widened[1]] == rules
    own = "(1) Diese Richtlinie gilt für Zuschüsse. Nach dieser Richtlinie wird nur gefördert."
    widened = widen(own, segment(own), 1)  # no Richtlinie named before: its own unit
    assert widened is not None and own[widened[0] : widened[1]].startswith("Nach dieser")


def test_a_reference_back_to_a_sentence_that_refers_back_brings_both() -> None:
    models = (
        "Als Vorbilder werden Schweden und Estland genannt. Details, welche Lösungen dieser "
        "Länder taugen, enthält die Quelle nicht. Wer mit diesen Beispielen wirbt, sollte sich "
        "daher auf die allgemeine Aussage beschränken."
    )
    text = _answer("Wer mit diesen Beispielen wirbt, worauf beschränken?", [models])
    assert text.startswith("Als Vorbilder werden Schweden und Estland genannt. Details"), text


def test_a_list_joined_to_its_announcement_brings_all_its_items() -> None:
    rule = (
        "Ein Bescheid darf automatisch ergehen, wenn alle drei Bedingungen erfüllt sind: 1. Ein "
        "Gesetz erlaubt es. Die Behörde kann das nicht selbst bestimmen.\n2. Es gibt kein "
        "Ermessen. Wer abwägen muss, entscheidet selbst.\n3. Es gibt keinen Spielraum."
    )
    lexical, result = _result("Wann darf ein Bescheid automatisch ergehen?", [rule])
    text, _ = compose(lexical, result, result.hits, "de", _spans)
    assert text.startswith("Ein Bescheid darf automatisch ergehen"), text
    assert text.endswith("3. Es gibt keinen Spielraum. [1]"), text
    law = "(1) Behörden im Sinne dieses Gesetzes sind: 1. Ämter; 2. Kassen.\n(2) Es gilt."
    text = _answer("Welche Behörden im Sinne dieses Gesetzes?", [law])
    assert "(2) Es gilt." not in text  # a subsection is not an item of the list before it


# a § split over chunks: the first chunk's sentence announces items the second one holds
HEAD = (
    "(1) Die Beglaubigung ist zulässig. (2) Der Vermerk muss bei der Beglaubigung eines Ausdrucks "
    "zusätzlich"
)
ITEMS = (
    "1. den Namen des Bediensteten enthalten, 2. das Dienstsiegel zeigen. "
    "(3) Die Behörde führt über Beglaubigungen ein Verzeichnis mit Namen und Datum."
)
TAIL = "(4) Der Vermerk muss den Namen des Bediensteten und das Dienstsiegel enthalten."


def _law_hits(texts: list[str]) -> list[Hit]:
    meta = {"law": "VwVfG", "section": "§ 33", "title": "VwVfG"}
    return [
        Hit(ChunkRecord(f"s{i}", "vwvfg", i, t, "VwVfG › § 33", meta), 1.0)
        for i, t in enumerate(texts)
    ]


def test_an_item_opening_a_law_chunk_is_never_quoted_without_its_head() -> None:
    lexical, result = _result("Was muss der Vermerk enthalten, Namen und Dienstsiegel?", [ITEMS])
    hits = _law_hits([ITEMS])
    text, _ = compose(lexical, result, hits, "de", _spans)
    assert not text.startswith("1. den Namen") and "2. das Dienstsiegel" not in text
    assert text.startswith("(3) Die Behörde führt"), text
    # outside a law an item going on in lower case has lost its head too; a capitalised one not
    assert not compose(lexical, result, result.hits, "de", _spans)[0].startswith("1. den")
    steps = "1. Alle Akten im Rathaus zählen und nach Alter sortieren.\n2. Den Plan beschließen."
    lexical, result = _result("Wie zählen wir die Akten im Rathaus?", [steps])
    assert compose(lexical, result, result.hits, "de", _spans)[0].startswith("1. Alle Akten")


def test_a_section_chunk_with_nothing_to_quote_gives_way_to_its_best_sibling() -> None:
    only_items = "1. den Namen des Bediensteten, 2. das Dienstsiegel."
    lexical, result = _result(
        "Was muss der Vermerk enthalten, Namen und Dienstsiegel?", [only_items, SECOND]
    )
    first, other = _law_hits([only_items, TAIL])
    hits = [first, result.hits[1]]
    assert quotable(lexical, result, hits, _spans, lambda h: []) == hits
    replaced = quotable(lexical, result, hits, _spans, lambda h: [other] if h is first else [])
    assert replaced == [other, result.hits[1]]  # the § keeps its rank, by a chunk it can quote
    text, citations = compose(lexical, result, replaced, "de", _spans)
    assert text.startswith(TAIL) and citations[0].chunk_id == "s1"


def test_a_chunk_opening_inside_a_bracket_does_not_offer_that_fragment() -> None:
    cut = (
        "(Informationen), die bei einer Stelle über Lebensmittel vorhanden sind. (2) Stelle im "
        "Sinne des Absatzes 1 ist jede Behörde."
    )
    lexical, result = _result("Welche Informationen über Lebensmittel hat eine Stelle?", [cut])
    text, _ = compose(lexical, result, _law_hits([cut]), "de", _spans)
    assert text.startswith("(2) Stelle im Sinne"), text


def test_after_the_lead_each_source_is_quoted_in_the_order_of_its_text() -> None:
    lead = Passage(0, 200, 260, "(3) Ausnahme …", 0.9)
    other = Passage(1, 0, 40, "Ein anderes Gesetz …", 0.8)
    second = Passage(0, 100, 150, "(2) Verfahren …", 0.7)
    first = Passage(0, 0, 90, "(1) Grundsatz …", 0.6)
    assert in_reading_order([lead, other, second, first]) == [lead, first, second, other]
    assert in_reading_order([]) == []


# a form in an Anlage, in the team's words: each field announces the boxes to tick below it
FORM = (
    "Die Angaben sind vollständig einzutragen. 10. Art der Tätigkeit (bitte ankreuzen):\n"
    "* Forschung,* Handel,* sonstige Tätigkeit (bitte angeben): * 11. Zweck der Lieferung:\n"
    "* Lagerung\n* Rücksendung"
)
# a form's bullet item whose last sentence announces fields the item does not hold (own words)
FORM_ITEMS = (
    "Bitte geben Sie an, ob bereits ein Verfahren läuft.\n"
    "- Aktenzeichen des Verfahrens:\n"
    "- Ort des Gerichts: ( ) Hilfe bei einem Streit über ein schon ergangenes Urteil? "
    "In diesem Fall sind anzugeben:\n"
    "- Datum des Urteils:"
)
# a sentence citing its subsection, which opens with other subsections
SUBSECTION = (
    "(1) Die Behörde erhebt für Auskünfte Gebühren. (2) Sie kann daneben Auslagen verlangen. "
    "(3) Die Absätze 1 und 2 gelten nicht für einfache Auskünfte. Satz 1 gilt entsprechend "
    "für die Einsicht in Akten vor Ort."
)
# a list item going on in lower case, the sentence announcing it not in the chunk
ITEM = (
    "Das Team trifft sich regelmäßig zu festen Terminen. Vier Termine gibt es im Sprint.\n"
    "3. rückschau: Das ist ein Treffen, bei dem das Team die Ergebnisse vorstellt."
)


@pytest.mark.parametrize(
    ("text", "sentence", "question", "absent"),
    [
        # its item runs on into the next field's "…:"
        (FORM, "10. Art", "Welche Art der Tätigkeit ist anzukreuzen?", "Lieferung: [1]"),
        # its "…anzugeben:" brings no field
        (FORM_ITEMS, "Ort des", "Hilfe bei einem Streit über ein Urteil?", "anzugeben: [1]"),
        # "(3) Die Absätze 1 und 2 …" shows neither
        (SUBSECTION, "Satz 1", "Gilt das für die Einsicht in Akten vor Ort?", "Die Absätze"),
        # "3. rückschau: …" goes on from a sentence it does not show
        (ITEM, "3. rückschau", "Was ist die Rückschau im Sprint?", "3. rückschau"),
    ],
)
def test_a_sentence_that_cannot_stand_whole_is_never_quoted(
    text: str, sentence: str, question: str, absent: str
) -> None:
    spans = segment(text)
    i = next(i for i, (a, b) in enumerate(spans) if sentence in text[a:b])
    assert widen(text, spans, i) is None
    answer = _answer(question, [text])
    assert absent not in answer and not answer.rstrip().endswith(":"), answer


def test_a_chunk_opening_inside_a_bracket_is_never_quoted_from_its_first_words() -> None:
    cut = (
        "Juni 2008) und Teil 6 der Anlage gelten entsprechend. Die Behörde prüft den Antrag "
        "binnen eines Monats."
    )
    text = _answer("Gilt Teil 6 der Anlage entsprechend?", [cut])
    assert "Juni 2008)" not in text, text


@pytest.mark.parametrize(
    "cut",
    [
        "Die Stelle koordiniert die Umsetzung (z.",  # the segmenter split "(z. | B. …"
        "Vgl. Müller, 2018, S. 113 ff. u.",  # … and "u. | S. 153"
        "Folglich lässt sich sagen, dass der Art.",  # "Artikel", not the noun
        "Träger ist das Krankenhaus St.",  # "St. | Johannes-Hospital"
    ],
)
def test_a_span_ending_in_a_lone_abbreviation_is_not_whole(cut: str) -> None:
    text = f"Die Behörde prüft jeden Antrag sorgfältig. {cut}"
    spans = [(0, 42), (43, len(text))]
    assert complete(text, spans, 0) and not complete(text, spans, 1)


def test_a_sentence_holding_citation_markers_of_its_own_is_never_quoted() -> None:
    text = (
        "Die Prüffälle sind im Prüfkatalog nach den Anlagen [2] und [3] dokumentiert. Der "
        "Anbieter erstellt für jeden Prüffall ein Protokoll und bewahrt es zehn Jahre auf."
    )
    answer = _answer("Wo sind die Prüffälle dokumentiert und wer erstellt das Protokoll?", [text])
    assert "[2]" not in answer and "[3]" not in answer
    assert answer.startswith("Der Anbieter erstellt"), answer
