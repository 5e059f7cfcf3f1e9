"""Hybrid retrieval over real laws: references, aliases, compounds, filters, langchain."""

from __future__ import annotations

import re

import pytest

from assistant.core import Assistant, local
from assistant.integrations.langchain import LotseRetriever
from assistant.retrieval.colloquial import COLLOQUIAL, plain_words
from assistant.retrieval.hybrid import Filters, HybridRetriever
from assistant.retrieval.query import QueryParser
from assistant.retrieval.sections import RankingWeights
from assistant.services import Services
from tests.conftest import LAWS, ROOT, require_shared

CORPUS = ROOT / "corpus"


def _top(services: Services, query: str, k: int = 5) -> list[tuple[str, str | None]]:
    hits = services.retriever.search(query, k).hits
    return [(h.chunk.doc_id, h.chunk.metadata.get("section")) for h in hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Was steht in § 9 OZG?", ("ozg", "§ 9")),
        ("Paragraph 12a E-Government-Gesetz", ("egovg", "§ 12a")),
        ("§ 7 des Gesetzes zur Förderung der elektronischen Verwaltung (EGovG)", ("egovg", "§ 7")),
    ],
)
def test_legal_references_go_straight_to_the_section(indexed, query, expected) -> None:
    assert _top(indexed, query)[0] == expected


def test_law_names_and_abbreviations_are_interchangeable(indexed) -> None:
    by_name = _top(indexed, "Was regelt das Onlinezugangsgesetz zum Portalverbund?", 3)
    by_abbr = _top(indexed, "Was regelt das OZG zum Portalverbund?", 3)
    assert by_name[0][0] == "ozg" and by_abbr[0][0] == "ozg"


def test_compounds_do_not_defeat_lexical_matching(indexed) -> None:
    lexical = indexed.index.lexical()
    onlinezugang = [cid for cid, _ in lexical.search("Onlinezugang", 5)]
    docs = {indexed.manifest.chunks(onlinezugang)[c].doc_id for c in onlinezugang}
    assert "ozg" in docs
    e_akte = [cid for cid, _ in lexical.search("E-Akte", 5)]
    texts = " ".join(c.text for c in indexed.manifest.chunks(e_akte).values()).lower()
    assert "elektronische akte" in texts or "elektronisch" in texts


def test_one_document_does_not_crowd_out_the_rest(indexed) -> None:
    hits = indexed.retriever.search("elektronische Rechnung Verwaltung", 10).hits
    per_doc: dict[str, int] = {}
    for hit in hits:
        per_doc[hit.chunk.doc_id] = per_doc.get(hit.chunk.doc_id, 0) + 1
    assert max(per_doc.values()) <= 3 and len(per_doc) >= 3


def test_filters_restrict_dense_and_lexical_results(indexed) -> None:
    hits = indexed.retriever.search(
        "Rechnung", 10, Filters(doc_type=["legal_framework"], doc_id=["erechv"])
    ).hits
    assert hits and {h.chunk.doc_id for h in hits} == {"erechv"}


def test_langchain_retriever_returns_documents_with_provenance(indexed) -> None:
    retriever = LotseRetriever(assistant=Assistant(indexed), principal=local("langchain"), k=3)
    documents = retriever.invoke("§ 9 OZG")
    assert documents[0].metadata["law"] == "OZG"
    assert documents[0].metadata["section"] == "§ 9"
    assert documents[0].metadata["chunk_id"] == documents[0].id


def test_question_topic_leaves_out_law_names_and_references(indexed) -> None:
    parsed = indexed.retriever.parser().parse(
        "Für welche Auftraggeber gilt die E-Rechnungsverordnung nach § 3?"
    )
    assert "Auftraggeber" in parsed.topic
    assert "Rechnungsverordnung" not in parsed.topic and "§" not in parsed.topic
    assert ("Geltungsbereich", 0.6) in parsed.topic_expansions
    # the law's name still expands the lexical query, but is no topic for § titles
    assert any("Rechnung" in text for text, _ in parsed.expansions)
    assert not any("Rechnung" in text for text, _ in parsed.topic_expansions)


def test_section_title_matching_the_question_lifts_that_section(indexed) -> None:
    # § 5 ERechV is titled "Inhalt der elektronischen Rechnung"; without the title field a
    # starter-corpus overview of e-invoicing ranks first.
    query = "Welche Angaben muss eine elektronische Rechnung enthalten?"
    assert _top(indexed, query, 1) == [("erechv", "§ 5")]


def test_a_definition_question_lifts_the_text_that_defines_the_term(indexed) -> None:
    # § 1 OZG is titled "Portalverbund …" and uses the word; § 2 defines it („Portalverbund“ ist …)
    query = "Was ist der Portalverbund nach dem Onlinezugangsgesetz?"
    without = RankingWeights(definition=0.0)
    plain = HybridRetriever(indexed.index, without).search(query, 5).hits  # fused ranks only
    lifted = HybridRetriever(indexed.index, RankingWeights()).search(query, 5).hits
    before = {(h.chunk.doc_id, h.chunk.metadata.get("section")): h.score for h in plain}
    after = {(h.chunk.doc_id, h.chunk.metadata.get("section")): h.score for h in lifted}
    assert after[("ozg", "§ 2")] > before[("ozg", "§ 2")]
    assert after[("ozg", "§ 1")] == pytest.approx(before[("ozg", "§ 1")])
    assert _top(indexed, query, 1) == [("ozg", "§ 2")]


def test_further_chunks_of_a_section_come_after_other_sections(indexed) -> None:
    hits = indexed.retriever.search("Portalverbund Nutzerkonten Verwaltungsleistungen", 6).hits
    keys = [
        (h.chunk.doc_id, h.chunk.metadata["section"])
        for h in hits
        if h.chunk.metadata.get("section")
    ]
    assert len(hits) == 6 and len(keys) == len(set(keys))


def test_two_letter_abbreviations_name_a_law_only_next_to_a_reference() -> None:
    parser = QueryParser(
        [
            ("gg", "GG", "Grundgesetz für die Bundesrepublik Deutschland"),
            ("wg", "WG", "Wechselgesetz"),
        ]
    )
    assert parser.parse("Was steht in Art. 20 GG?").refs == [("gg", "Art. 20")]
    assert parser.parse("Art. 20 Grundgesetz").refs == [("gg", "Art. 20")]
    assert parser.parse("Eine WG will sich ummelden, geht das online?").laws == []
    assert parser.parse("gg Art. 20").refs == []  # lower case: not the abbreviation


REPEALING_LAW = """---
Title: Gesetz über die Testgebühren
jurabk: TestGebG
slug: testgebg
---

# Gesetz über die Testgebühren (TestGebG)

## § 1 Gebühren

Für die Ausstellung einer Bescheinigung erhebt die Behörde eine Gebühr von zehn Euro.

## § 2 (weggefallen)

## § 3 Fälligkeit

Die Gebühr wird mit der Bekanntgabe der Gebührenfestsetzung an den Schuldner fällig.
"""


def test_a_repealed_section_is_found_only_by_its_number(services: Services, tmp_path) -> None:
    from ingest.pipeline import Ingestor

    (tmp_path / "testgebg.md").write_text(REPEALING_LAW, encoding="utf-8")
    Ingestor(services.index, services.settings).run([tmp_path / "testgebg.md"])
    hits = services.retriever.search("Welche Gebühr kostet eine Bescheinigung?", 10).hits
    sections = [h.chunk.metadata.get("section") for h in hits]
    assert "§ 1" in sections and "§ 2" not in sections  # its few words match any question
    asked = services.retriever.search("Was regelt § 2 TestGebG?", 10).hits
    assert asked[0].chunk.metadata.get("section") == "§ 2" and asked[0].reference
    answer = services.engine.ask("Was regelt § 2 TestGebG?", mode="extractive").as_dict()
    assert answer["answer"] == "TestGebG § 2 ist weggefallen (aufgehoben). [1]"
    assert answer["citations"][0]["quote"] == "(weggefallen)"


def test_social_administration_is_read_from_the_question() -> None:
    from assistant.retrieval.social import social, social_law

    assert social("Darf das Jobcenter den Bürgergeld-Bescheid vollautomatisch erlassen?")
    assert social("Ein Kunde will das Gutachten vom ärztlichen Dienst in seiner Akte sehen.")
    assert not social("Der Antrag auf Sondernutzungserlaubnis kommt vom Schwager der Kollegin.")
    assert social_law("sgb10") and social_law("sgbx") and not social_law("vwvfg")


def _excerpt(name: str, sections: list[tuple[str, str]]) -> str:
    """A law's front matter and title with the text between pairs of § headings."""
    text = (LAWS / name).read_text(encoding="utf-8")
    head = text[: text.index("\n#", text.index("\n# ") + 1)]
    parts = [text[text.index(start) : text.index(end)] for start, end in sections]
    return head + "\n" + "\n".join(parts)


def test_sgb_x_twins_of_vwvfg_rules_answer_only_social_questions(
    services: Services, tmp_path
) -> None:
    from ingest.pipeline import Ingestor

    require_shared("SGB X und VwVfG")
    (tmp_path / "sgb_10.md").write_text(
        _excerpt("sgb_10.md", [("##### § 16 ", "##### § 17 "), ("##### § 31a ", "##### § 32 ")]),
        encoding="utf-8",
    )
    (tmp_path / "vwvfg.md").write_text(
        _excerpt("vwvfg.md", [("#### § 20 ", "#### § 21 "), ("#### § 35a ", "#### § 36 ")]),
        encoding="utf-8",
    )
    Ingestor(services.index, services.settings).run([tmp_path])

    def scores(question: str) -> dict[tuple[str, str], float]:
        hits = services.retriever.search(question, 10).hits
        return {(h.chunk.doc_id, h.chunk.metadata.get("section", "")): h.score for h in hits}

    general = scores("Darf der Bescheid über die Sondernutzungserlaubnis automatisch ergehen?")
    social = scores("Darf der Bescheid des Jobcenters über das Bürgergeld automatisch ergehen?")
    assert max(general, key=general.__getitem__) == ("vwvfg", "§ 35a")
    # the SGB X twin is not held back where the question is social
    twins = ("sgb_10", "§ 31a"), ("vwvfg", "§ 35a")
    assert social[twins[0]] / social[twins[1]] > 1.5 * general[twins[0]] / general[twins[1]]


GUIDE = """# VwVfG kompakt: Verwaltungsakte

## Vorab: Welches Gesetz gilt?

Das Verwaltungsverfahrensgesetz des Bundes gilt für Gemeinden nur, wenn sie Bundesrecht ausführen.

## § 37 Abs. 1: Bestimmtheit

Ein Verwaltungsakt muss inhaltlich hinreichend bestimmt sein, damit jeder weiß, was gilt.

## § 37 Abs. 2: Form

Absatz 2 regelt die Form, und er regelt sie abschließend: Ein Verwaltungsakt kann schriftlich,
elektronisch, mündlich oder in anderer Weise erlassen werden.
"""
REPORT = """# Erfahrungsbericht Musterstadt

## Bekanntgabe

Unsere Bescheide verweisen in der Fußzeile auf § 37 Abs. 2 VwVfG und auf die Bekanntgabe am
dritten Tag; Rückfragen kamen vor allem zur Portalanmeldung.
"""


def test_a_section_of_a_law_not_indexed_leads_with_the_text_whose_heading_names_it(
    services: Services, tmp_path
) -> None:
    from ingest.pipeline import Ingestor

    (tmp_path / "guide.md").write_text(GUIDE, encoding="utf-8")
    (tmp_path / "report.md").write_text(REPORT, encoding="utf-8")
    Ingestor(services.index, services.settings).run([tmp_path / "report.md", tmp_path / "guide.md"])
    # the guide about the VwVfG names § 37 in its headings, the report names it in passing;
    # asked nothing in particular, the § is read from its start
    hits = services.retriever.search("Was regelt § 37 VwVfG?", 5).hits
    assert hits[0].chunk.doc_id == "guide" and "§ 37 Abs. 1" in hits[0].chunk.breadcrumb
    assert "report" in [h.chunk.doc_id for h in hits]
    # asked something in particular, the heading that answers it leads
    asked = "Darf ein Verwaltungsakt nach § 37 VwVfG auch elektronisch erlassen werden?"
    hits = services.retriever.search(asked, 5).hits
    assert hits[0].chunk.doc_id == "guide" and "§ 37 Abs. 2" in hits[0].chunk.breadcrumb


def test_staff_colloquial_words_are_read_as_the_texts_words(indexed) -> None:
    asked = "Dürfen wir die Papierakten nach dem Scannen schreddern?"
    assert _top(indexed, asked) == _top(indexed, asked.replace("schreddern", "vernichten"))
    assert plain_words("Was kostet ein neuer Perso?") == "Was kostet ein neuer Personalausweis?"
    assert plain_words("Persönlich, per Person") == "Persönlich, per Person"  # whole words only


def test_colloquial_words_are_in_none_of_the_texts_and_their_terms_are() -> None:
    require_shared("Die Wörter der Gesetze")
    texts = [p.read_text(encoding="utf-8").lower() for p in sorted(LAWS.glob("*.md"))]
    texts += [p.read_text(encoding="utf-8").lower() for p in sorted(CORPUS.rglob("*.md"))]
    words = set(re.findall(r"[^\W\d_]+", " ".join(texts)))
    for word, term in COLLOQUIAL.items():
        assert word not in words, word  # a word the texts use is not colloquial to them
        assert set(re.findall(r"[^\W\d_]+", term.lower())) <= words, term
