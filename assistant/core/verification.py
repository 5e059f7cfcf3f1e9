"""Shared ground of the verified-answer desk: its store and judge, whether an answer still holds."""

from __future__ import annotations

import datetime as dt
import time

from assistant.answer.models import Citation
from assistant.answer.verified import policy
from assistant.core.validity import not_in_force
from assistant.domain import VerifiedState
from assistant.providers.llm import build_chat_model
from assistant.services import Services
from assistant.store.verified import VerifiedRecord, VerifiedStore

DAY = 86400.0

VALID = (VerifiedState.VALID, "")


class Verification:
    """Base of the verified-answer desk: store, folder, match policy, judge model and validity."""

    def __init__(self, services: Services) -> None:
        self.services = services
        settings = services.settings
        self.store = VerifiedStore(settings.data_dir / "verified.sqlite3")
        self.folder = settings.data_dir / "verified"
        self.policy = policy(services.embeddings.backend.model_id, settings.verified_min_similarity)
        self.judge_model = build_chat_model(settings, timeout=settings.llm_stage_timeout)

    def _fingerprints(self, citations: list[Citation]) -> dict[str, str]:
        """Each cited document's content hash now (a later change takes the mark away)."""
        found: dict[str, str] = {}
        for c in citations:
            doc = self.services.manifest.get_document(c.doc_id)
            if doc is not None:
                found[c.doc_id] = doc.content_hash
        return found

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

    def close(self) -> None:
        """Close the database."""
        self.store.close()
