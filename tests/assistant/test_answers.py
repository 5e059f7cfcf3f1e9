"""Extractive answers: every sentence cited, citations retrieved, honest abstention."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import pytest

from assistant.answer.conversation import is_followup, resolve
from assistant.answer.engine import ABSTAIN_TEXT
from assistant.answer.llm import check_answer
from assistant.answer.models import Citation
from assistant.retrieval.results import Hit
from assistant.services import Services
from assistant.store.manifest_records import ChunkRecord
from ingest.chunking import Chunker
from ingest.limits import LoadLimits
from ingest.loaders import load_document
from tests.conftest import LAWS, require_shared


def _grounded(services: Services, question: str):
    answer = services.engine.answer(question, mode="extractive")
    assert not answer.abstained, answer
    retrieved = set(answer.retrieved)
    assert answer.citations and all(c.chunk_id in retrieved for c in answer.citations)
    sentences = [s for s in re.split(r"(?<=\])\s+", answer.answer) if s]
    assert all(re.search(r"\[\d+\]$", s) for s in sentences), answer.answer
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert numbers == {c.n for c in answer.citations}
    for citation in answer.citations:
        assert citation.quote and citation.doc_id and citation.path
    return answer


def test_extractive_answer_cites_the_right_section(indexed: Services) -> None:
    answer = _grounded(indexed, "Dürfen Behörden Papierdokumente nach dem Scannen vernichten?")
    assert any(c.law == "EGovG" and c.section == "§ 7" for c in answer.citations) or any(
        c.doc_id == "egovg-e-akte-ersetzendes-scannen" for c in answer.citations
    )
    assert 0.5 <= answer.confidence <= 1.0


def test_out_of_corpus_question_abstains_without_citations(indexed: Services) -> None:
    for question in (
        "Wie viele Kita-Plätze fehlen in Leipzig?",
        "Who won the 2022 FIFA World Cup?",
    ):
        answer = indexed.engine.answer(question)
        assert answer.abstained and answer.citations == []
        assert answer.answer in ABSTAIN_TEXT.values()
    assert "Kompetenzzentrum" in ABSTAIN_TEXT["de"]


def test_english_question_gets_english_framing(indexed: Services) -> None:
    answer = indexed.engine.answer(
        "What does the Online Access Act (OZG) say about the portal network?"
    )
    assert answer.language == "en"
    if not answer.abstained:
        assert answer.answer.startswith("According to the (German) sources")


def test_follow_up_is_resolved_against_previous_turn(indexed: Services) -> None:
    first = indexed.engine.ask("Was regelt § 7 EGovG?")
    follow = indexed.engine.ask("Und gilt das auch für Gemeinden?", first.conversation_id)
    assert follow.answer.resolved_question.startswith("Was regelt § 7 EGovG?")
    unrelated = indexed.engine.ask(
        "Was ist eine elektronische Rechnung nach der ERechV?", first.conversation_id
    )
    assert unrelated.answer.resolved_question == unrelated.answer.question
    assert is_followup("Und bis wann gilt das?") and not is_followup("Was ist der Portalverbund?")


def test_a_question_in_a_conversation_is_embedded_once(
    indexed: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    # follow-up detection reads the question's embedding; the search then reuses it
    backend = indexed.embeddings.backend
    embedded: list[str] = []
    original = backend.embed

    def counting(texts: Sequence[str], *, is_query: bool) -> Any:
        embedded.extend(texts)
        return original(texts, is_query=is_query)

    given: list[bool] = []  # was the follow-up model given the question's embedding?

    def resolving(*args: Any) -> Any:
        given.append(len(args) > 5 and args[5] is not None)
        return resolve(*args)

    monkeypatch.setattr(backend, "embed", counting)
    monkeypatch.setattr("assistant.answer.engine.resolve", resolving)
    first = indexed.engine.ask("Was regelt § 7 EGovG?")
    question = "Welche Pflichten hat eine Behörde nach dem Onlinezugangsgesetz genau?"
    second = indexed.engine.ask(question, first.conversation_id)
    assert not second.answer.followup and given[-1] and embedded.count(question) == 1
    # another embedding model's vectors mean nothing to the weights: the model without them
    monkeypatch.setattr(backend, "model_id", "openai:another-model@http://127.0.0.1:9")
    third = indexed.engine.ask("Und bis wann gilt das?", first.conversation_id)
    assert third.answer.followup and not given[-1]


def test_follow_ups_read_the_names_of_public_documents_only(services: Services) -> None:
    public = "# FITKO\n\nDie FITKO koordiniert den Portalverbund. Die FITKO sitzt in Frankfurt.\n"
    private = "# Intern\n\nDas GeheimNetz der Stadt verbindet Ämter. Das GeheimNetz ist intern.\n"
    services.ingest_uploads([("fitko.md", public.encode())])
    services.ingest_uploads([("intern.md", private.encode())], organisation="musterstadt")
    names = services.index.lexical().names
    assert names.get("fitko") == "FITKO" and "geheimnetz" not in names
    first = services.engine.ask("Was macht die FITKO?")
    typed = services.engine.ask("wo sitzt die fitko?", first.conversation_id)
    assert not typed.answer.followup and typed.answer.resolved_question == "wo sitzt die fitko?"
    assert services.engine.ask("und wo sitzt die?", first.conversation_id).answer.followup


def test_invalid_questions_name_the_field(indexed: Services) -> None:
    from assistant.errors import InvalidRequest

    with pytest.raises(InvalidRequest, match="question"):
        indexed.engine.ask("   ")
    with pytest.raises(InvalidRequest, match="mode"):
        indexed.engine.ask("Was ist der Portalverbund?", mode="poetry")


def test_llm_marker_check_without_a_server(indexed: Services) -> None:
    hits = indexed.retriever.search("Portalverbund", 3).hits
    checked = check_answer("Erster Satz [2]. Zweiter Satz [7]. Dritter Satz.", hits)
    assert checked.text.startswith("Erster Satz [1].")
    assert checked.invalid_markers == 1 and checked.uncited_sentences == 2
    assert checked.citations[0].chunk_id == hits[1].chunk.chunk_id


def test_a_section_without_a_title_is_placed_by_the_heading_it_stands_under() -> None:
    """VwGO § 70 has no title of its own: its citation names the Abschnitt it stands in."""
    require_shared("VwGO (§§ ohne Überschrift)")
    citations, records = {}, {}
    for name, section in (("vwgo.md", "§ 70"), ("vwvfg.md", "§ 3a"), ("kaeano.md", "§ 2")):
        document = load_document(LAWS / name, LoadLimits())
        chunks = Chunker().split_document(document, name[:-3], "legal_framework", name)
        chunk = next(c for c in chunks if c.metadata.get("section") == section)
        record = ChunkRecord(
            chunk.chunk_id, chunk.doc_id, 0, chunk.text, chunk.breadcrumb, chunk.metadata
        )
        citations[section] = Citation.from_hit(1, Hit(record, 1.0), chunk.text[:80])
        records[section] = record
    untitled, titled = citations["§ 70"], citations["§ 3a"]
    assert (
        untitled.heading
        == "8. Abschnitt - Besondere Vorschriften für Anfechtungs- und Verpflichtungsklagen"
    )
    assert untitled.heading_above and asdict(untitled)["heading_above"] is True
    assert untitled.label() == f"VwGO § 70 ({untitled.heading})"
    assert titled.heading == "Elektronische Kommunikation" and not titled.heading_above
    assert titled.label() == "VwVfG § 3a Elektronische Kommunikation"
    assert Hit(records["§ 3a"], 1.0).source()["heading_above"] is False
    # KAEAnO has neither § titles nor headings: the § stands under the law's own title
    headless = citations["§ 2"]
    assert headless.heading is not None and headless.heading.startswith("Anordnung über die Zul")
    assert headless.heading_above and headless.label() == f"KAEAnO § 2 ({headless.heading})"


def test_a_list_item_whose_head_is_in_the_chunk_before_is_never_quoted_alone(
    indexed: Services,
) -> None:
    """OZG § 8 and EGovG § 9a are split inside enumerations: the chunks opening with
    "2. die abgerufenen Daten …" and "2. den elektronischen Identitätsnachweis …" lack their head;
    the answer quotes another chunk of the same § instead."""
    for question, law, section in (
        ("Darf der Nutzer die abgerufenen Daten an sein Nutzerkonto übermitteln?", "OZG", "§ 8"),
        (
            "Wozu dient das Verwaltungsportal des Bundes mit dem Identitätsnachweis?",
            "EGovG",
            "§ 9a",
        ),
    ):
        answer = _grounded(indexed, question)
        lead = answer.citations[0]
        assert (lead.law, lead.section) == (law, section), answer.citations
        for piece in [answer.answer, *(c.quote for c in answer.citations)]:
            assert not re.match(r"(?:According to[^:]*: )?\d{1,2}\. [a-zäöü]", piece), piece
