"""The question register: a § is scored by all of its everyday questions, not one lucky match."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from assistant.retrieval.register import DocumentQuestions, QuestionRegister, RegisterEntry
from assistant.retrieval.results import Filters
from assistant.services import Services
from ingest.pipeline import Ingestor
from tests.conftest import ROOT

QUESTION = "Darf ich den Bauantrag meines Schwagers selbst bearbeiten?"
OTHER = "Wie lange darf die Behörde für die Entscheidung brauchen?"


def _register(services: Services) -> QuestionRegister:
    entries = [
        # § 1: the question word for word once; § 2: the same question twice, and one unrelated
        RegisterEntry("vwvfg", "§ 1", QUESTION, "team"),
        RegisterEntry("vwvfg", "§ 2", QUESTION, "team"),
        RegisterEntry("vwvfg", "§ 2", QUESTION + " ", "team"),
        RegisterEntry("vwvfg", "§ 3", OTHER, "team"),
    ]
    return QuestionRegister(entries, services.embeddings, {"vwvfg"})


def test_a_section_several_of_whose_questions_match_ranks_first(indexed: Services) -> None:
    register = _register(indexed)
    vector = indexed.embeddings.query_vector(QUESTION)
    best_only = register.match(QUESTION, vector, temperature=0.0)
    pooled = register.match(QUESTION, vector, temperature=40.0)
    alone = dict(best_only.dense)
    assert {key for key, _ in best_only.dense[:2]} == {("vwvfg", "§ 1"), ("vwvfg", "§ 2")}
    assert abs(alone[("vwvfg", "§ 1")] - alone[("vwvfg", "§ 2")]) < 1e-5  # a tie on the best
    assert [key for key, _ in pooled.dense][:2] == [("vwvfg", "§ 2"), ("vwvfg", "§ 1")]
    assert pooled.dense[-1][0] == ("vwvfg", "§ 3")
    # the best single similarity is reported as it is, whatever the pooling
    assert best_only.best == pooled.best == best_only.dense[0][1]
    assert pooled.best > 0.99
    # a soft maximum: never below the best question, at most log(n) / temperature above it
    scores = dict(pooled.dense)
    assert pooled.best <= scores[("vwvfg", "§ 2")] <= pooled.best + np.log(2) / 40 + 1e-6
    assert abs(scores[("vwvfg", "§ 1")] - pooled.best) < 1e-5


def test_an_empty_register_matches_nothing(indexed: Services) -> None:
    register = QuestionRegister([], indexed.embeddings, {"vwvfg"})
    match = register.match(QUESTION, indexed.embeddings.query_vector(QUESTION), temperature=40.0)
    assert match.dense == [] and match.lexical == [] and match.best == 0.0


def test_the_documents_register_covers_every_starter_document_in_its_own_words() -> None:
    rows = [
        json.loads(line)
        for line in (ROOT / "assistant" / "data" / "register_documents.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    ]
    stems = {p.stem for p in (ROOT / "corpus").rglob("*.md")}
    assert sorted(r["doc"] for r in rows) == sorted(stems)
    assert all(len(r["questions"]) >= 4 for r in rows)


def test_documents_questions_count_only_for_documents_the_asker_sees(indexed: Services) -> None:
    documents = DocumentQuestions(indexed.embeddings)
    vector = indexed.embeddings.embed_passages(
        ["Dürfen wir die Papierakten nach dem Einscannen wegwerfen?"], kind="query"
    )[0]
    scanned = frozenset({"egovg-e-akte-ersetzendes-scannen"})
    seen = documents.similarity(vector, scanned)
    assert seen > documents.similarity(vector, frozenset({"mucgpt-muenchen"}))
    assert seen > 0.85
    assert documents.similarity(vector, frozenset()) == 0.0  # hidden or not indexed: nothing


def test_a_search_reads_the_documents_register_only_for_what_the_asker_sees(
    indexed: Services,
) -> None:
    retriever = indexed.retriever
    retriever.catalog()  # the documents of the current index
    question = "Dürfen wir die Papierakten nach dem Einscannen wegwerfen?"
    evidence = SimpleNamespace(
        vector=indexed.embeddings.embed_passages([question], kind="query")[0]
    )
    best = retriever._documents_best(evidence, Filters())  # type: ignore[arg-type]
    scanning = ["egovg-e-akte-ersetzendes-scannen"]
    hidden = retriever._documents_best(evidence, Filters(exclude_doc_id=scanning))  # type: ignore[arg-type]
    typed = retriever._documents_best(evidence, Filters(doc_type=["legal_framework"]))  # type: ignore[arg-type]
    assert best > 0.85 and hidden < best  # the other document's questions are further away
    assert typed == 0.0  # the register knows no document types


def test_a_law_without_register_questions_is_marked_unregistered_not_weak(
    services: Services, law_dir: Path
) -> None:
    """Its units say that the register evidence is missing (a law uploaded or never enriched)
    rather than weak, so the section ranker can tell the two apart."""
    Ingestor(services.index, services.settings).run([law_dir])
    retriever = services.retriever
    assert retriever.register is not None
    question = "Welche Verwaltungsleistungen müssen Bund und Länder online anbieten?"

    def searched() -> dict[str, dict[str, float]]:
        result = retriever.search(question, 10)
        assert result.units
        return {doc: f for (doc, _), f in result.units}

    whole = searched()
    assert {f["unregistered"] for f in whole.values()} == {0.0}
    retriever.register.withheld = frozenset({"ozg"})
    part = searched()
    assert part["ozg"]["unregistered"] == 1.0 and part["ozg"]["register_rr"] == 0.0
    assert part["ifg"]["unregistered"] == 0.0
    # the ranker does not take missing register evidence for doubt: the law still leads
    assert retriever.search(question, 10).hits[0].chunk.doc_id == "ozg"
    retriever.register.withheld = frozenset({"ozg", "ifg", "erechv"})  # none has questions
    assert {f["unregistered"] for f in searched().values()} == {0.0}
