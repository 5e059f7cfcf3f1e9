"""Verified answers for a new question: the same question's answer, else the closest one offered."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

import numpy as np

from assistant.answer.language import detect_language
from assistant.answer.models import Answer, Citation
from assistant.answer.verified import judge, means_same, normalise, similarities, verified_answer
from assistant.core.verification import Verification
from assistant.retrieval.results import Hit
from assistant.store.verified import VerifiedRecord

log = logging.getLogger("assistant.verified")
JUDGED = 3  # most similar verified answers the judge looks at


class VerifiedMatching(Verification):
    """Match a question to the verified answers (the same one replaces the answer)."""

    def match(self, question: str, hidden: set[str]) -> tuple[Answer | None, dict[str, Any] | None]:
        """(the verified answer when a question means the same, else None; the verified answer
        to the most similar question as an offer, else None). `hidden` already holds every
        verified answer no longer valid (the facade's one visibility check), so the states are
        not checked twice per question."""
        records = [
            r
            for r in self.store.all()
            if r.vector is not None and r.doc_id and r.doc_id not in hidden
        ]
        if not records:
            return None, None
        vector = self.services.embeddings.query_vector(question)
        scores = similarities(vector, np.stack([r.vector for r in records if r.vector is not None]))
        ranked = [
            (records[int(i)], float(scores[int(i)]))
            for i in np.argsort(-scores)[:JUDGED]
            if means_same(self.policy, float(scores[int(i)]), question, records[int(i)].question)
        ]
        for record, score in ranked:
            if self._same(record.question, question):
                answer = self._answer(record, question, score)
                answer.verified_answer = _offer(record, score, same=True)
                return answer, None
        return None, (_offer(*ranked[0], same=False) if ranked else None)

    def _same(self, known: str, asked: str) -> bool:
        """The same question: equal after normalisation, or so judged by the configured LLM."""
        if normalise(known) == normalise(asked):
            return True
        if self.judge_model is None:
            return False
        try:
            return judge(self.judge_model, known, asked)
        except Exception as exc:  # the judge is optional: without it the answer is offered
            log.warning("verified-answer judge failed: %s", type(exc).__name__)
            return False

    def _answer(self, record: VerifiedRecord, question: str, score: float) -> Answer:
        own = self._own_citation(record)
        sources = ([asdict(own)] if own else []) + record.citations
        citations = [Citation(**{**c, "n": n}) for n, c in enumerate(sources, start=1)]
        language = detect_language(question)
        return verified_answer(question, record.text, record.created_at, citations, score, language)

    def _own_citation(self, record: VerifiedRecord) -> Citation | None:
        """The verified answer's own indexed document as citation 1."""
        chunks = self.services.manifest.document_chunks(record.doc_id) if record.doc_id else []
        if not chunks:
            return None
        return Citation.from_hit(1, Hit(chunks[0], 1.0), record.text.strip()[:300])


def _offer(record: VerifiedRecord, similarity: float, same: bool) -> dict[str, Any]:
    """What the asker sees of a verified answer: the question it was written for, the answer,
    its date and sources; `same_question` tells whether it replaced the answer."""
    return {
        "verified_id": record.verified_id,
        "question": record.question,
        "text": record.text,
        "published_at": record.created_at,
        "citations": record.citations,
        "similarity": round(similarity, 3),
        "same_question": same,
    }
