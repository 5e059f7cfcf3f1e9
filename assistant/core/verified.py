"""Verified answers: advisors publish, the next asker of the same question gets their answer.

The desk joins its concerns: the shared ground (``verification``), publishing (here), matching a
question (``matching``) and the advisors' review (``review``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from typing import Any

import yaml

from assistant.answer.models import Citation
from assistant.core.matching import VerifiedMatching
from assistant.core.review import VerifiedReview
from assistant.core.verification import DAY
from assistant.domain import DocType, Visibility
from assistant.errors import InvalidRequest
from assistant.retrieval.results import Hit
from assistant.store.verified import VerifiedRecord

log = logging.getLogger("assistant.verified")


class VerifiedDesk(VerifiedMatching, VerifiedReview):
    """Publish, match, check and review verified answers (scopes are checked by the caller)."""

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
