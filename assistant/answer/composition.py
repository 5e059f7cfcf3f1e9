"""Answers composed from retrieved passages: extractive, candidates, several parts, redacted."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assistant.answer import extractive
from assistant.answer.models import Answer, Citation, Part, Prepared
from assistant.answer.outcomes import (
    MAX_CANDIDATES,
    abstain_text,
    candidate_citations,
    candidates_text,
    outside_notice,
    several_parts,
)
from assistant.answer.wording import ABSTAIN_TEXT
from assistant.domain import Outcome
from assistant.redaction import Redactor
from assistant.retrieval.definitions import asks_nothing_particular
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.results import Hit, SearchResult
from assistant.store.sentences import SentenceStore


class AnswerComposition:
    """Mixin of the engine that turns a prepared question into an Answer, secrets masked."""

    retriever: HybridRetriever
    sentences: SentenceStore | None
    redactor: Redactor

    def _answer(self, p: Prepared, text: str, citations: list[Citation], **extra: Any) -> Answer:
        outcome = extra.pop("outcome", p.outcome)
        notices = [extra.pop("notice", None), *p.notices]
        if outcome == Outcome.ANSWER and not extra.get("parts"):
            # a rule or a matter the sources lack, named in the question's setting: said beside
            # the answer (the other outcomes' texts lead with it)
            notices.append(outside_notice(p.language, p.result))
            extra.setdefault("rules_not_in_sources", list(p.result.parsed.other_rules))
        notice = "; ".join(dict.fromkeys(n for n in notices if n))
        return Answer(
            self._redact(text),
            outcome == Outcome.ABSTAIN,
            p.confidence,
            extra.pop("mode", p.mode),
            self._redact_citations(citations),
            notice or None,
            p.language,
            p.question,
            p.resolved,
            [h.chunk.chunk_id for h in p.hits],
            outcome=outcome,
            followup=p.followup,
            anchor=p.anchor,
            **extra,
        )

    def _not_answered(self, p: Prepared, part: Part, notice: str | None = None) -> Answer:
        rules = part.result.parsed.other_rules
        if part.outcome == Outcome.CANDIDATES and part.hits:
            citations = self._candidates(part)
            text = candidates_text(citations, p.language, part.result)
            return self._answer(
                p,
                text,
                citations,
                outcome=Outcome.CANDIDATES,
                notice=notice,
                rules_not_in_sources=rules,
            )
        text = abstain_text(p.language, part.result)
        return self._answer(p, text, [], outcome=Outcome.ABSTAIN, rules_not_in_sources=rules)

    def _candidates(self, part: Part) -> list[Citation]:
        """The most likely §§/passages, one per section, each quoting its best sentence."""
        hits = self._quotable(part.result, part.hits, MAX_CANDIDATES)
        return candidate_citations(
            self.retriever.index.lexical(), replace(part, hits=hits), self._spans
        )

    def _quotable(self, result: SearchResult, hits: list[Hit], first: int) -> list[Hit]:
        """The first hits, a § chunk with no sentence to quote replaced by its best one that has."""
        lexical = self.retriever.index.lexical()
        return extractive.quotable(lexical, result, hits, self._spans, self._siblings, first)

    def _answerable(self, result: SearchResult, hits: list[Hit]) -> tuple[list[Hit], bool]:
        """The hits to quote, and whether only the first may be quoted: a § asked for by its
        number and nothing about it ("Was regelt § 3a VwVfG?") is quoted alone, from its start."""
        lexical = self.retriever.index.lexical()
        topic = result.parsed.topic
        whole = bool(hits) and hits[0].reference and asks_nothing_particular(lexical, topic)
        if whole:
            opening = min([hits[0], *self._siblings(hits[0])], key=lambda h: h.chunk.position)
            hits = [replace(hits[0], chunk=opening.chunk), *hits[1:]]
        return self._quotable(result, hits, extractive.CONSIDERED_HITS), whole

    def _siblings(self, hit: Hit) -> list[Hit]:
        """The other chunks of a hit's § (none for a chunk outside a law's §§)."""
        section = hit.chunk.metadata.get("section")
        if not section or not hit.chunk.metadata.get("law"):
            return []
        return [
            Hit(chunk, hit.score)
            for chunk in self.retriever.index.manifest.document_chunks(hit.chunk.doc_id)
            if chunk.metadata.get("section") == section and chunk.chunk_id != hit.chunk.chunk_id
        ]

    def _spans(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        if self.sentences is None:
            from assistant.store.sentences import segment

            return [segment(t) for t in texts]
        return self.sentences.spans_of(texts)

    def _extractive(self, p: Prepared, notice: str | None = None) -> Answer:
        lexical = self.retriever.index.lexical()
        p.hits, whole = self._answerable(p.result, p.hits)
        sources = 1 if whole else extractive.MAX_SOURCES
        text, citations = extractive.compose(
            lexical, p.result, p.hits, p.language, self._spans, sources
        )
        if not citations:
            return self._answer(p, ABSTAIN_TEXT[p.language], [], outcome=Outcome.ABSTAIN)
        return self._answer(p, text, citations, mode="extractive", notice=notice)

    def _several(self, p: Prepared) -> Answer:
        """One block per distinct question, each with its own outcome and citations."""
        lexical = self.retriever.index.lexical()
        p.parts = [
            replace(part, hits=self._answerable(part.result, part.hits)[0])
            if part.outcome == Outcome.ANSWER
            else part
            for part in p.parts
        ]
        text, citations, summary, overall = several_parts(
            lexical, p.parts, p.language, self._spans, self._candidates
        )
        p.outcome = overall
        p.hits = [h for part in p.parts for h in part.hits]
        rules = [r for part in p.parts for r in part.result.parsed.other_rules]
        return self._answer(
            p,
            text,
            citations,
            outcome=overall,
            mode="extractive",
            parts=summary,
            rules_not_in_sources=list(dict.fromkeys(rules)),
        )

    def redact(self, text: str) -> str:
        """Text with secrets masked (for anything shown that comes from documents)."""
        return self._redact(text)

    def _redact_citations(self, citations: list[Citation]) -> list[Citation]:
        return [replace(c, quote=self._redact(c.quote)) for c in citations]

    def _redact(self, text: str) -> str:
        return self.redactor.mask(text)
