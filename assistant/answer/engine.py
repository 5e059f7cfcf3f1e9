"""The ask flow: resolve follow-ups, retrieve, answer (extractive or LLM), check, store."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from assistant.answer import extractive, llm
from assistant.answer.language import detect_language
from assistant.answer.models import Answer, Citation
from assistant.errors import InvalidRequest
from assistant.retrieval.hybrid import Filters, HybridRetriever, SearchResult
from assistant.store.records import RecordStore, new_id

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
ANSWER_HITS = 6
ABSTAIN_TEXT = {
    "de": (
        "Dazu finde ich in meinen Quellen keine verlässliche Antwort. Bitte wenden Sie sich an "
        "die Berater*innen des Kompetenzzentrums Digitale Städte und Regionen."
    ),
    "en": (
        "My sources do not answer this question reliably. Please contact the advisors of the "
        "competence centre for digital cities and regions."
    ),
}
_FOLLOWUP = re.compile(
    r"^(und|auch|aber|oder|was ist mit|wie ist es mit|and|what about|how about)\b|"
    r"\b(das|dies|dieses|diese|dafür|dazu|davon|darauf|damit|es|sie|dort|hier|this|that|it)\b",
    re.IGNORECASE,
)


@dataclass
class AskResult:
    """An answer with its stored id and conversation."""

    answer: Answer
    answer_id: str
    conversation_id: str

    def as_dict(self) -> dict[str, Any]:
        """Ask contract plus ids."""
        return {
            **self.answer.as_dict(),
            "answer_id": self.answer_id,
            "conversation_id": self.conversation_id,
        }


def is_followup(question: str) -> bool:
    """Short questions leaning on the previous turn ('Und bis wann gilt das?')."""
    words = re.findall(r"\w+", question)
    return len(words) <= 8 and bool(_FOLLOWUP.search(question))


class AnswerEngine:
    """Answers questions from the index; never cites a chunk it did not retrieve."""

    def __init__(
        self,
        retriever: HybridRetriever,
        records: RecordStore,
        chat_model: Any | None = None,
        abstain_below: float = 0.45,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.retriever = retriever
        self.records = records
        self.chat_model = chat_model
        self.abstain_below = abstain_below
        self.secrets = tuple(s for s in secrets if s and len(s) >= 6)

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> SearchResult:
        """Hybrid search with input checks."""
        _check_question(query, "query")
        if not 1 <= k <= 100:
            raise InvalidRequest("k", "muss zwischen 1 und 100 liegen")
        return self.retriever.search(query.strip(), k, filters)

    def resolve(self, question: str, conversation_id: str | None) -> str:
        """The question with its conversation context when it is a follow-up."""
        if not conversation_id:
            return question
        last = self.records.last_turn(conversation_id)
        if last and is_followup(question):
            return f"{last['resolved_question']} {question}"
        return question

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        mode: str | None = None,
    ) -> AskResult:
        """Answer a question and store it."""
        log.info("question (conversation %s): %s", conversation_id or "new", question[:500])
        answer = self.answer(question, conversation_id, filters, mode)
        return self.store(answer, conversation_id)

    def answer(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        mode: str | None = None,
    ) -> Answer:
        """Answer without storing (used by ask and streaming)."""
        return self.answer_prepared(self.prepare(question, conversation_id, filters, mode))

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

    def prepare(
        self,
        question: str,
        conversation_id: str | None,
        filters: Filters | None,
        mode: str | None,
    ) -> Prepared:
        """Retrieve and decide abstention; answer is set when no generation is needed."""
        _check_question(question, "question")
        question = question.strip()
        mode = mode or ("llm" if self.chat_model is not None else "extractive")
        if mode not in ("extractive", "llm"):
            raise InvalidRequest("mode", "muss 'extractive' oder 'llm' sein")
        resolved = self.resolve(question, conversation_id)
        language = detect_language(question)
        result = self.retriever.search(resolved, 10, filters)
        lexical = self.retriever.index.lexical()
        conf = extractive.confidence(lexical, result, language)
        hits = result.hits[:ANSWER_HITS]
        prepared = Prepared(question, resolved, language, mode, result, hits, conf)
        if not hits or conf < self.abstain_below:
            prepared.answer = self._abstain(prepared)
        return prepared

    def _abstain(self, p: Prepared) -> Answer:
        return Answer(
            ABSTAIN_TEXT[p.language],
            True,
            p.confidence,
            p.mode,
            [],
            language=p.language,
            question=p.question,
            resolved_question=p.resolved,
            retrieved=[h.chunk.chunk_id for h in p.hits],
        )

    def _extractive(self, p: Prepared, notice: str | None = None) -> Answer:
        lexical = self.retriever.index.lexical()
        text, citations = extractive.compose(lexical, p.result, p.hits, p.language)
        if not citations:
            return self._abstain(p)
        return Answer(
            self._redact(text),
            False,
            p.confidence,
            "extractive",
            self._redact_citations(citations),
            notice,
            p.language,
            p.question,
            p.resolved,
            [h.chunk.chunk_id for h in p.hits],
        )

    def _llm_answer(self, p: Prepared) -> Answer:
        if self.chat_model is None:
            return self._extractive(p, "Kein LLM konfiguriert – extraktive Antwort.")
        messages = llm.build_messages(p.resolved, p.hits, p.language)
        try:
            raw = llm.complete(self.chat_model, messages)
        except Exception as exc:  # any endpoint failure falls back, visibly
            log.warning("LLM endpoint failed: %s", type(exc).__name__)
            return self._extractive(p, fallback_notice(exc))
        return self.finish_llm(p, raw)

    def finish_llm(self, p: Prepared, raw: str) -> Answer:
        """Validate LLM output into an Answer (abstains or falls back when unusable)."""
        checked = llm.check_answer(raw, p.hits)
        if checked.abstained:
            return self._abstain(p)
        if not checked.citations:
            return self._extractive(p, "LLM-Antwort ohne gültige Quellen – extraktive Antwort.")
        notes = []
        if checked.invalid_markers:
            notes.append(f"{checked.invalid_markers} ungültige Quellenverweise entfernt")
        if checked.uncited_sentences:
            notes.append(f"{checked.uncited_sentences} Sätze ohne Quelle markiert")
        return Answer(
            self._redact(checked.text),
            False,
            p.confidence,
            "llm",
            self._redact_citations(checked.citations),
            "; ".join(notes) or None,
            p.language,
            p.question,
            p.resolved,
            [h.chunk.chunk_id for h in p.hits],
        )

    def stream_llm(self, p: Prepared) -> Iterator[str]:
        """LLM text pieces (secrets redacted); the caller validates the whole with finish_llm."""
        if self.chat_model is None:
            raise InvalidRequest("mode", "kein LLM konfiguriert (LOTSE_LLM_BASE_URL)")
        hold = max((len(s) for s in self.secrets), default=1) - 1
        buffer = ""
        for piece in llm.stream(
            self.chat_model, llm.build_messages(p.resolved, p.hits, p.language)
        ):
            buffer = self._redact(buffer + piece)
            if len(buffer) > hold:
                cut = len(buffer) - hold
                yield buffer[:cut]
                buffer = buffer[cut:]
        if buffer:
            yield self._redact(buffer)

    def store(self, answer: Answer, conversation_id: str | None) -> AskResult:
        """Persist an answer under its conversation."""
        conversation_id = conversation_id or new_id("conv")
        answer_id = self.records.add_answer(
            conversation_id, answer.question, answer.resolved_question, answer.as_dict()
        )
        return AskResult(answer, answer_id, conversation_id)

    def redact(self, text: str) -> str:
        """Text with configured secrets removed (for anything shown that comes from documents)."""
        return self._redact(text)

    def _redact_citations(self, citations: list[Citation]) -> list[Citation]:
        return [replace(c, quote=self._redact(c.quote)) for c in citations]

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[entfernt]")
        return text


@dataclass
class Prepared:
    """State between retrieval and generation."""

    question: str
    resolved: str
    language: str
    mode: str
    result: SearchResult
    hits: list[Any]
    confidence: float
    answer: Answer | None = None


def fallback_notice(exc: Exception) -> str:
    """Visible notice when the LLM failed and the extractive answer is shown instead."""
    kind = "Zeitüberschreitung" if "timeout" in type(exc).__name__.lower() else "Fehler"
    return f"LLM nicht verfügbar ({kind}) – extraktive Antwort."


def _check_question(text: str, field: str) -> None:
    if not isinstance(text, str) or not text.strip():
        raise InvalidRequest(field, "darf nicht leer sein")
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidRequest(field, f"zu lang (höchstens {MAX_QUESTION_CHARS} Zeichen)")
