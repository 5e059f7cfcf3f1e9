"""The ask flow: resolve follow-ups, read long inputs, retrieve, decide, answer, store."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from assistant.answer.confidence import features
from assistant.answer.conversation import embedding_model, is_followup, resolve
from assistant.answer.doubt import Calibration, calibration
from assistant.answer.generation import LlmGeneration
from assistant.answer.intake import MAX_INPUT_CHARS, check_question, take
from assistant.answer.language import detect_language
from assistant.answer.models import Answer, AskResult, Part, Prepared
from assistant.answer.outcomes import distinct_parts
from assistant.answer.validity import ValidityNotes
from assistant.answer.wording import ABSTAIN_TEXT
from assistant.domain import Outcome
from assistant.errors import InvalidRequest
from assistant.redaction import Redactor
from assistant.retrieval.hybrid import Filters, HybridRetriever, SearchResult
from assistant.store.records import Owner, RecordStore, new_id
from assistant.store.sentences import SentenceStore

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = MAX_INPUT_CHARS
LEAN = 0.1  # how much surer the sources must be of the joined question to call it a follow-up
ANSWER_HITS = 6
__all__ = ["ABSTAIN_TEXT", "AnswerEngine", "AskResult", "MAX_QUESTION_CHARS", "Prepared"]


class AnswerEngine(LlmGeneration):
    """Answers questions from the index; never cites a chunk it did not retrieve."""

    def __init__(
        self,
        retriever: HybridRetriever,
        records: RecordStore,
        chat_model: Any | None = None,
        abstain_below: float | None = None,
        secrets: tuple[str, ...] = (),
        sentences: SentenceStore | None = None,
        answer_from: float | None = None,
        stale_after_years: float = 5.0,
    ) -> None:
        self.retriever = retriever
        self.validity = ValidityNotes(retriever.index.manifest, stale_after_years)
        self.records = records
        self.chat_model = chat_model
        self.redactor = Redactor(secrets)
        self.sentences = sentences
        base = calibration(retriever.index.embeddings.backend.model_id)
        self.calibration: Calibration = replace(
            base,
            abstain_below=base.abstain_below if abstain_below is None else abstain_below,
            documents_abstain_below=(
                base.documents_abstain_below if abstain_below is None else abstain_below
            ),
            answer_from=base.answer_from if answer_from is None else answer_from,
            documents_answer_from=(
                base.documents_answer_from if answer_from is None else answer_from
            ),
            unscoped_answer_from=(
                base.unscoped_answer_from if answer_from is None else answer_from
            ),
        )

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> SearchResult:
        """Hybrid search with input checks."""
        check_question(query, "query")
        if not 1 <= k <= 100:
            raise InvalidRequest("k", "muss zwischen 1 und 100 liegen")
        query = take(query).queries[0]
        return self.retriever.search(query, k, filters, detect_language(query))

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        mode: str | None = None,
        history: list[str] | None = None,
        owner: Owner | None = None,
    ) -> AskResult:
        """Answer a question and store it (history: earlier questions, without a conversation)."""
        answer = self.answer(question, conversation_id, filters, mode, history)
        return self.store(answer, conversation_id, owner)

    def answer(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        mode: str | None = None,
        history: list[str] | None = None,
    ) -> Answer:
        """Answer without storing (used by ask and streaming)."""
        return self.answer_prepared(self.prepare(question, conversation_id, filters, mode, history))

    def _previous(
        self, conversation_id: str | None, history: list[str] | None
    ) -> tuple[str | None, str | None]:
        """The previous question and the last self-contained one before it."""
        if conversation_id:
            last = self.records.last_turn(conversation_id)
            if last:
                anchor = last["payload"].get("anchor") or last["resolved_question"]
                return last["question"], anchor
        if history:
            names = self.retriever.index.lexical().names
            anchor = next((q for q in reversed(history) if not is_followup(q, names)), history[0])
            return history[-1], anchor
        return None, None

    def prepare(
        self,
        question: str,
        conversation_id: str | None,
        filters: Filters | None,
        mode: str | None,
        history: list[str] | None = None,
    ) -> Prepared:
        """Resolve, read, retrieve and decide; answer is set when no generation is needed."""
        check_question(question, "question")
        question = question.strip()
        log.info("question (conversation %s): %s", conversation_id or "new", question[:500])
        mode = mode or ("llm" if self.chat_model is not None else "extractive")
        if mode not in ("extractive", "llm"):
            raise InvalidRequest("mode", "muss 'extractive' oder 'llm' sein")
        intake = take(question)
        resolution = resolve(question, None, None)
        # the doubt models read how long the person's question is, not the query searched for it
        # (a follow-up joined to its anchor is longer, and must not seem surer for that alone);
        # a long input's parts are read by their condensed queries, which keep its facts
        searched: dict[tuple[str, str, int | None], Part] = {}  # each search once per question

        def part(asked: str, query: str, language: str) -> Part:
            key = (query, language, None if intake.long else len(asked.split()))
            if key not in searched:
                searched[key] = self._part(asked, query, filters, language, key[2])
            return replace(searched[key], asked=asked)

        if not intake.long:
            previous, anchor = self._previous(conversation_id, history)

            def leans_on(alone: str, joined: str) -> bool:
                language = detect_language(alone)
                single = part(alone, alone, language).confidence
                return part(alone, joined, language).confidence > single + LEAN

            names = self.retriever.index.lexical().names
            embeddings = self.retriever.index.embeddings
            vector = (
                embeddings.query_vector
                if embedding_model() == embeddings.backend.model_id
                else None
            )
            resolution = resolve(question, previous, anchor, leans_on, names, vector)
        notices: list[str] = []
        stages = self.retriever.stages
        if resolution.followup and stages is not None and stages.rewrite_enabled:
            rewritten, notice = stages.standalone(resolution.anchor, question)
            notices += [notice] if notice else []
            if rewritten:
                resolution.resolved = rewritten
        language = detect_language(intake.cleaned if intake.long else question)
        queries = [resolution.resolved] if not intake.long else intake.queries
        asks = intake.asks if intake.long else [question]
        parts = distinct_parts(
            [part(a, q, language) for a, q in zip(asks, queries, strict=True)], intake.listed
        )
        lead = parts[0]
        prepared = Prepared(
            question,
            resolution.resolved if not intake.long else " | ".join(queries),
            language,
            mode,
            lead.result,
            lead.hits,
            lead.confidence,
            outcome=lead.outcome,
            followup=resolution.followup,
            anchor=resolution.anchor,
            parts=parts if len(parts) > 1 else [],
            notices=notices + [n for part in parts for n in part.result.notices],
        )
        if len(parts) > 1:
            prepared.answer = self._several(prepared)
        elif lead.outcome != Outcome.ANSWER or not lead.hits:
            prepared.answer = self._not_answered(prepared, lead)
        log.info(
            "asked (%s chars, %s part(s)): outcome %s, confidence %.2f",
            len(question),
            len(parts),
            prepared.outcome,
            prepared.confidence,
        )
        return prepared

    def _part(
        self, asked: str, query: str, filters: Filters | None, language: str, words: int | None
    ) -> Part:
        result = self.retriever.search(query, 10, filters, language)
        hits = result.hits[:ANSWER_HITS]
        if not hits:
            return Part(asked, query, result, hits, Outcome.ABSTAIN, 0.0)
        signals = features(self.retriever.index.lexical(), result, language, words)
        outcome, confidence, _ = self.calibration.decide(signals)
        return Part(asked, query, result, hits, outcome, confidence)

    def answer_prepared(self, prepared: Prepared) -> Answer:
        """Generate the answer for a prepared question."""
        if prepared.answer is not None:
            return prepared.answer
        if prepared.mode == "llm":
            return self._llm_answer(prepared)
        return self._extractive(prepared)

    def fallback(self, prepared: Prepared, notice: str) -> Answer:
        """The extractive answer with a visible notice (LLM failed)."""
        return self._extractive(prepared, notice)

    def store(
        self, answer: Answer, conversation_id: str | None, owner: Owner | None = None
    ) -> AskResult:
        """Persist an answer under its conversation (a new one is issued when none is given)."""
        self.validity.annotate(answer.citations)  # superseded, expired or old sources say so
        conversation_id = conversation_id or new_id("conv")
        answer_id = self.records.add_answer(
            conversation_id, answer.question, answer.resolved_question, answer.as_dict(), owner
        )
        return AskResult(answer, answer_id, conversation_id)
