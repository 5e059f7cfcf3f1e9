"""Verified answers: advisors publish, the next asker of the same question gets their answer."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from assistant.answer.language import detect_language
from assistant.answer.models import Answer, Citation
from assistant.answer.verified import (
    judge,
    means_same,
    normalise,
    policy,
    similarities,
    verified_answer,
)
from assistant.core.principal import Principal
from assistant.core.validity import not_in_force
from assistant.domain import DocType, Scope, VerifiedState, Visibility
from assistant.errors import Forbidden, InvalidRequest, NotFound
from assistant.providers.llm import build_chat_model
from assistant.retrieval.results import Hit
from assistant.services import Services
from assistant.store.verified import VerifiedRecord, VerifiedStore

log = logging.getLogger("assistant.verified")
DAY = 86400.0
JUDGED = 3  # most similar verified answers the judge looks at


def _advisor(principal: Principal) -> None:
    if not principal.can(Scope.ADVISE):
        raise Forbidden(str(Scope.ADVISE), "Geprüfte Antworten")


VALID = (VerifiedState.VALID, "")


class VerifiedDesk:
    """Publish, match, check and review verified answers (scopes are checked by the caller)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        settings = services.settings
        self.store = VerifiedStore(settings.data_dir / "verified.sqlite3")
        self.folder = settings.data_dir / "verified"
        self.policy = policy(services.embeddings.backend.model_id, settings.verified_min_similarity)
        self.judge_model = build_chat_model(settings, timeout=settings.llm_stage_timeout)

    # -- publishing -----------------------------------------------------------------------------

    def publish(
        self,
        case: dict[str, Any],
        author: str,
        visibility: Visibility,
        valid_days: int | None = None,
    ) -> VerifiedRecord:
        """Turn an answered case into a verified answer: stored, written and indexed."""
        answer = case.get("answer") or {}
        if not answer.get("text"):
            raise InvalidRequest("publish", "nur ein beantworteter Fall kann veröffentlicht werden")
        organisation = case.get("organisation") if visibility == Visibility.ORGANISATION else None
        if visibility == Visibility.ORGANISATION and not organisation:
            raise InvalidRequest("visibility", "der Fall gehört zu keiner Organisation")
        now = time.time()
        days = valid_days or self.services.settings.verified_valid_days
        citations = self._resolve(answer.get("citations") or [])
        record = VerifiedRecord(
            verified_id="",
            case_id=case["case_id"],
            question=case["question"],
            text=answer["text"],
            citations=[asdict(c) for c in citations],
            sources=self._fingerprints(citations),
            author=author,
            visibility=str(visibility),
            organisation=organisation,
            doc_id=None,
            created_at=now,
            valid_until=now + days * DAY,
            vector=self.services.embeddings.query_vector(case["question"]),
        )
        self.store.add(record)
        self._index(record)
        return record

    def check_citations(self, cited: list[dict[str, Any]]) -> None:
        """InvalidRequest naming the first source that is not in the index."""
        self._resolve(cited)

    def _resolve(self, cited: list[dict[str, Any]]) -> list[Citation]:
        """The advisor's sources as citations of indexed chunks (unknown ones are refused)."""
        manifest = self.services.manifest
        out: list[Citation] = []
        for number, item in enumerate(cited, start=1):
            chunk_id, doc_id = item.get("chunk_id"), item.get("doc_id")
            chunk = manifest.chunks([chunk_id]).get(chunk_id) if chunk_id else None
            if chunk is None and doc_id:  # the named § or page of the document, else its start
                chunks = manifest.document_chunks(doc_id)
                wanted = [
                    c
                    for c in chunks
                    if (item.get("section") and c.metadata.get("section") == item["section"])
                    or (item.get("page") and c.metadata.get("page") == item["page"])
                ]
                chunk = next(iter(wanted or chunks), None)
            if chunk is None:
                raise InvalidRequest(f"citations[{number - 1}]", "Quelle nicht im Index gefunden")
            quote = str(item.get("quote") or "")
            out.append(Citation.from_hit(len(out) + 1, Hit(chunk, 1.0), quote))
        return out

    def _fingerprints(self, citations: list[Citation]) -> dict[str, str]:
        """Each cited document's content hash now (a later change takes the mark away)."""
        found: dict[str, str] = {}
        for c in citations:
            doc = self.services.manifest.get_document(c.doc_id)
            if doc is not None:
                found[c.doc_id] = doc.content_hash
        return found

    def _index(self, record: VerifiedRecord) -> None:
        """Write the answer as a document of type verified_answer and ingest it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{record.verified_id}.md"
        front = {
            "title": f"Geprüfte Antwort: {record.question[:160]}",
            "type": str(DocType.VERIFIED_ANSWER),
            "stand": time.strftime("%Y-%m-%d", time.localtime(record.created_at)),
        }
        sources = "\n".join(f"- {Citation(**c).label()}" for c in record.citations)
        body = f"# {record.question}\n\n{record.text.strip()}\n"
        if sources:
            body += f"\n## Quellen\n\n{sources}\n"
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n"
        path.write_text(text + body, encoding="utf-8")
        result = self.services.ingest_written(path, record.organisation)
        if result.doc_id is None:
            log.warning("verified answer %s not indexed: %s", record.verified_id, result.reason)
        record.doc_id = result.doc_id
        self.store.save(record)

    # -- validity -------------------------------------------------------------------------------

    def state(
        self, record: VerifiedRecord, now: float | None = None, outdated: set[str] | None = None
    ) -> tuple[VerifiedState, str]:
        """Whether the answer is still verified, and why not (outdated: the documents not in
        force today, computed when not given)."""
        if record.withdrawn:
            return VerifiedState.WITHDRAWN, "von der Beratung zurückgezogen"
        if record.valid_until < (now or time.time()):
            until = time.strftime("%d.%m.%Y", time.localtime(record.valid_until))
            return VerifiedState.EXPIRED, f"Prüfdatum {until} überschritten"
        for doc_id, digest in record.sources.items():
            doc = self.services.manifest.get_document(doc_id)
            if doc is None:
                return VerifiedState.SOURCE_MISSING, f"Quelle {doc_id} entfernt"
            if doc.content_hash != digest:
                return VerifiedState.SOURCE_CHANGED, f"Quelle {doc.title or doc_id} geändert"
            if outdated is None:
                outdated = not_in_force(self.services.manifest, dt.date.today())
            if doc_id in outdated:  # superseded by a newer version, or past its valid_until
                title = doc.title or doc_id
                return VerifiedState.SOURCE_CHANGED, f"Quelle {title} nicht mehr in Kraft"
        return VerifiedState.VALID, ""

    def unverified_documents(self, outdated: set[str] | None = None) -> list[str]:
        """Indexed verified answers that are no longer verified (kept out of retrieval;
        outdated: the documents not in force today, when the caller has them)."""
        records = [r for r in self.store.all() if r.doc_id]
        if records and outdated is None:
            outdated = not_in_force(self.services.manifest, dt.date.today())
        return [r.doc_id for r in records if r.doc_id and self.state(r, None, outdated) != VALID]

    # -- matching -------------------------------------------------------------------------------

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

    # -- review ---------------------------------------------------------------------------------

    def listing(self, principal: Principal, review_only: bool = False) -> list[dict[str, Any]]:
        """Advisors: verified answers with their state; `review_only`: those to review."""
        _advisor(principal)
        out = []
        for r in self.store.all():
            state, reason = self.state(r)
            if review_only and state in (VerifiedState.VALID, VerifiedState.WITHDRAWN):
                continue
            out.append(_public(r, state, reason))
        return out

    def get(self, principal: Principal, verified_id: str) -> dict[str, Any]:
        """Advisors: one verified answer with its state."""
        _advisor(principal)
        return self._state_of(self._record(verified_id))

    def of_case(self, case_id: str) -> dict[str, Any] | None:
        """The verified answer published from a case, with its state, or None."""
        record = self.store.by_case(case_id)
        return self._state_of(record) if record else None

    def _state_of(self, record: VerifiedRecord) -> dict[str, Any]:
        return _public(record, *self.state(record))

    def _record(self, verified_id: str) -> VerifiedRecord:
        record = self.store.get(verified_id)
        if record is None:
            raise NotFound(f"Geprüfte Antwort nicht gefunden: {verified_id}")
        return record

    def renew(
        self, principal: Principal, verified_id: str, valid_days: int | None = None
    ) -> dict[str, Any]:
        """Advisors: confirm after review (sources as they are now, a new review date)."""
        _advisor(principal)
        record = self._record(verified_id)
        if record.withdrawn:
            raise InvalidRequest("verified_id", "zurückgezogene Antworten neu veröffentlichen")
        citations = [Citation(**c) for c in record.citations]
        if any(self.services.manifest.get_document(c.doc_id) is None for c in citations):
            raise InvalidRequest("citations", "eine Quelle fehlt: Antwort neu verfassen")
        days = valid_days or self.services.settings.verified_valid_days
        record.sources = self._fingerprints(citations)
        record.valid_until = time.time() + days * DAY
        self.store.save(record)
        return self._state_of(record)

    def withdraw(self, principal: Principal, verified_id: str) -> dict[str, Any]:
        """Advisors: take an answer back (never reused again; its document leaves the index)."""
        _advisor(principal)
        record = self._record(verified_id)
        record.withdrawn = True
        if record.doc_id and self.services.manifest.get_document(record.doc_id):
            self.services.remove_document(record.doc_id)
        Path(self.folder / f"{record.verified_id}.md").unlink(missing_ok=True)
        self.store.save(record)
        return self._state_of(record)

    def purge(self, older_than_seconds: float) -> int:
        """Delete withdrawn or expired verified answers published before the age (their
        documents too); valid ones stay. The count deleted."""
        now = time.time()
        old = [
            r
            for r in self.store.all()
            if r.created_at < now - older_than_seconds and (r.withdrawn or r.valid_until < now)
        ]
        for record in old:
            if record.doc_id and self.services.manifest.get_document(record.doc_id):
                self.services.remove_document(record.doc_id)
            (self.folder / f"{record.verified_id}.md").unlink(missing_ok=True)
        return self.store.delete([r.verified_id for r in old])

    def close(self) -> None:
        """Close the database."""
        self.store.close()


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


def _public(record: VerifiedRecord, state: VerifiedState, reason: str) -> dict[str, Any]:
    return {
        "verified_id": record.verified_id,
        "case_id": record.case_id,
        "question": record.question,
        "text": record.text,
        "citations": record.citations,
        "author": record.author,
        "visibility": record.visibility,
        "organisation": record.organisation,
        "doc_id": record.doc_id,
        "published_at": record.created_at,
        "valid_until": record.valid_until,
        "state": str(state),
        "verified": state == VerifiedState.VALID,
        "reason": reason or None,
    }
