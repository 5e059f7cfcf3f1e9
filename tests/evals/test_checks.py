"""The eval's own check for answers cut inside abbreviations, dates and enumerations."""

from __future__ import annotations

import pytest

from evals.checks import answer_pieces, check_answer, cut_inside, out_of_order


@pytest.mark.parametrize(
    "text",
    [
        "rund 820 Mio.",
        "in Kraft seit 24.",
        "z.",
        "wenn alle drei Bedingungen erfüllt sind: 1.",
        "folgende Angaben:",
        "nach § 3 Abs.",
        "nach Art.",
        "gemäß § 3 oder Art.",
        "der Name,",
    ],
)
def test_cut_statements_are_found(text: str) -> None:
    assert cut_inside(text)


@pytest.mark.parametrize(
    "text",
    [
        "Der Bund stellt rund 820 Mio. Euro bereit.",
        "Es gilt seit 24. Juli 2024.",
        "Das widerspricht dem Grundgedanken von § 5 Abs. 1.",
        "Siehe § 5.",
        "Gebühren nach § 22 Absatz 3 und 4.",
        "Das gilt z. B. für das Landesportal.",
        "5. Veranstaltungen ähnlicher Art.",
        "Waren jeder Art.",
        "(1) Die Behörde entscheidet.",
    ],
)
def test_whole_sentences_pass(text: str) -> None:
    assert not cut_inside(text)


def test_answer_pieces_and_verbatim_quotes() -> None:
    assert answer_pieces("Satz eins. [1] Satz zwei, z. [2]") == ["Satz eins.", "Satz zwei, z."]
    payload = {
        "outcome": "answer",
        "answer": "A gilt. [1]",
        "citations": [{"chunk_id": "c1", "quote": "A gilt. … B gilt nicht"}],
    }
    assert check_answer(payload, {"c1": "A gilt. X. B gilt nicht."}) == {
        "cut": 0,
        "dangling": 0,
        "runs_into_item": 0,
        "headless_item": 0,
        "not_verbatim": 0,
        "out_of_order": 0,
        "no_heading": 1,
    }
    assert check_answer(payload, {"c1": "A gilt."})["not_verbatim"] == 1


def _count(answer: str, check: str) -> int:
    """One check's count for an answer without citations."""
    return check_answer({"outcome": "answer", "answer": answer, "citations": []}, {})[check]


def test_statements_opening_with_a_reference_they_do_not_show_dangle() -> None:
    def dangling(answer: str) -> int:
        return _count(answer, "dangling")

    assert dangling("Satz 2 gilt nicht, wenn er nachweist, dass es später kam. [1]") == 1
    assert dangling("(3) Absatz 1 gilt entsprechend. [1] Die Sätze 1 und 2 gelten auch. [2]") == 2
    assert dangling("(2) Es gilt als zugestellt. Satz 1 gilt nicht, wenn … [1]") == 0
    assert dangling("Der Satz ist kurz. [1]") == 0
    assert dangling("Das ergibt hohe Zahlen. [1] (2) Hierfür sind die Länder zuständig. [2]") == 2
    assert dangling("Dort gilt das Landesrecht. [1] Das widerspricht dem Grundgedanken. [2]") == 2
    assert dangling("Sie zählt, sobald sie irgendwo online ist. Das ergibt hohe Zahlen. [1]") == 0
    assert dangling("Das neue Gesetz gilt. [1] (2) Dieses Gesetz gilt auch für Länder. [2]") == 0
    assert dangling("Prüfen Sie dort die Frist. [1] Für diese Stellen gilt es. [2]") == 2
    assert dangling("Wer auf Grund dieses Gesetzes verpflichtet ist, zahlt. [1]") == 0
    assert dangling("Die Regeln des Landes gelten. Prüfen Sie dort die Frist. [1]") == 0


def test_a_statement_running_on_into_the_next_bullet_item_is_counted() -> None:
    def run_on(answer: str) -> int:
        return _count(answer, "runs_into_item")

    assert run_on("90 % sehen Chancen; das sagt wenig.\n- „Nur 10 % digitalisieren.“ [1]") == 1
    assert run_on("- „A stimmt.“ – Nein. B stimmt. [1]\n- „C stimmt.“ – Auch nicht. [1]") == 0
    assert run_on("Ausnahmen: - eine Rechtsvorschrift bestimmt es, oder\n- die Behörde. [1]") == 0
    assert run_on("Prüfen Sie:\n- die Frist,\n- das Format. [1]") == 0
    assert run_on("Bedingungen: - Jeder hat Zugang.\n- Es gibt ein Abonnement. [1]") == 0
    assert run_on("Frage 1: Wer?\nKeine Antwort.\n\nFrage 2: Was?\n- „A.“ – Nein. [1]") == 0


def test_a_statement_or_quote_opening_with_an_item_without_its_head_is_counted() -> None:
    def headless(answer: str) -> int:
        return _count(answer, "headless_item")

    assert headless("4. die Kennzeichnung, die Herkunft und die Verwendung. [1]") == 1
    assert headless("Es gilt. [1] a) wen die Prüfung als Inhaber ausweist, [2]") == 1
    assert headless("Der Vermerk muss enthalten 1. die Bezeichnung, 2. den Ort. [1]") == 0
    assert headless("1. Alle Akten im Rathaus zählen. [1] (2) Es gilt. [2]") == 0
    payload = {
        "outcome": "candidates",
        "answer": "Fundstellen zum Prüfen",
        "citations": [{"chunk_id": "c1", "quote": "2. den Namen des Bediensteten,"}],
    }
    assert (
        check_answer(payload, {"c1": "2. den Namen des Bediensteten, 3. das Siegel."})[
            "headless_item"
        ]
        == 1
    )


def test_statements_quoted_against_their_sources_order_after_the_lead_are_counted() -> None:
    source = "(1) Grundsatz gilt. (2) Verfahren folgt. (3) Ausnahme besteht."
    other = "Ein anderes Gesetz sagt etwas."
    sources = {1: source, 2: other}
    in_order = "(3) Ausnahme besteht. [1] (1) Grundsatz gilt. [1] (2) Verfahren folgt. [1]"
    assert out_of_order(in_order, sources) == 0
    backwards = "(3) Ausnahme besteht. [1] (2) Verfahren folgt. [1] (1) Grundsatz gilt. [1]"
    assert out_of_order(backwards, sources) == 1
    mixed = "Ein anderes Gesetz sagt etwas. [2] (2) Verfahren folgt. [1] (1) Grundsatz gilt. [1]"
    assert out_of_order(mixed, sources) == 1
    # a list's first item shown on a line of its own is still found in its source
    listed = {1: "A gilt. Prüfen Sie: - erstens dies.\n- zweitens das. B gilt auch.", 2: other}
    assert out_of_order("B gilt auch. [1] Prüfen Sie:\n- erstens dies. [1]", listed) == 0
    backwards_list = "Prüfen Sie:\n- erstens dies. [1] B gilt auch. [1] A gilt. [1]"
    assert out_of_order(backwards_list, listed) == 1
    # each block of a many-part answer leads anew
    parts = "Frage 1: A?\n(2) Verfahren folgt. [1]\n\nFrage 2: B?\n(1) Grundsatz gilt. [1]"
    assert out_of_order(parts, sources) == 0
