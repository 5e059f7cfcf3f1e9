"""Assistant: the one door into the core; every use case takes the principal it acts for."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.answer.engine import fallback_notice
from assistant.answer.models import AskResult
from assistant.config import Settings
from assistant.core import documents as docs
from assistant.core.cases import CaseDesk
from assistant.core.chat import ChatMessage, chat_reply
from assistant.core.principal import KeyRing, Principal, home, parse_api_keys
from assistant.core.results import (
    ChatReply,
    Delta,
    DocumentsPage,
    Done,
    Failed,
    OriginalFile,
    Reset,
    SearchHit,
    Sources,
    StreamEvent,
    UploadResult,
)
from assistant.domain import FeedbackTag, Rating, Scope, Visibility, vocabulary
from assistant.errors import DocumentNotFound, Forbidden, LotseError, NotFound
from assistant.retrieval.results import Filters
from assistant.services import Services
from assistant.store.records import Owner
from assistant.store.reembed import reembed_index
from ingest.enrich import EnrichReport
from ingest.pipeline import IngestReport, ProgressCallback

log = logging.getLogger("assistant.core")


def require(principal: Principal, scope: Scope, what: str) -> None:
    """Raise Forbidden unless the principal holds the scope."""
    if not principal.can(scope):
        raise Forbidden(str(scope), what)


class Assistant:
    """Use cases for every channel: ask, stream, chat, search, documents, feedback, records."""

    def __init__(self, services: Services, keyring: KeyRing | None = None) -> None:
        self.services = services
        self.cases = CaseDesk(services)  # questions that need a person
        secret = services.settings.api_keys
        self.keyring = keyring or KeyRing(
            parse_api_keys(secret.get_secret_value() if secret else None)
        )

    @classmethod
    def build(cls, settings: Settings) -> Assistant:
        """Check the keys first (a bad list never starts), then build clients and stores."""
        keyring = KeyRing(
            parse_api_keys(settings.api_keys.get_secret_value() if settings.api_keys else None)
        )
        return cls(Services.build(settings), keyring)

    @staticmethod
    def reembed(settings: Settings, progress: Callable[[int, int], None] | None = None) -> int:
        """Embed every chunk again with the configured model (after switching providers).

        A class-level use case: it runs exactly where building an assistant refuses to start
        (IndexMismatch). Only the operator at the console calls it; stop servers first.
        """
        return reembed_index(settings, progress)

    @property
    def settings(self) -> Settings:
        """The settings this assistant was built from."""
        return self.services.settings

    def close(self) -> None:
        """Release files and connections."""
        self.cases.close()
        self.services.close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- questions ------------------------------------------------------------------------------

    def _conversation(self, principal: Principal, conversation_id: str | None) -> str | None:
        """A conversation id the principal may continue (ids are issued by the server)."""
        if conversation_id is None:
            return None
        owner = self.services.records.conversation_owner(conversation_id)
        if owner is None or owner.principal != principal.id:
            raise NotFound(f"Unterhaltung nicht gefunden: {conversation_id}")
        return conversation_id

    @staticmethod
    def _owner(principal: Principal) -> Owner:
        return Owner(principal.id, principal.organisation, principal.channel)

    def _hidden(self, principal: Principal) -> list[str]:
        """Documents of other organisations (advisors and admins see all)."""
        if principal.sees_all or principal.can(Scope.ADMIN):
            return []
        own = home(principal)
        return sorted(
            d for d, org in self.services.manifest.private_documents().items() if org != own
        )

    def _visible(self, principal: Principal, filters: Filters | None) -> Filters | None:
        """The principal's filters narrowed to what it may see (one place for every channel)."""
        hidden = self._hidden(principal)
        if not hidden:
            return filters
        return replace(filters or Filters(), exclude_doc_id=hidden)

    def _check_document(self, principal: Principal, doc_id: str) -> None:
        if doc_id in self._hidden(principal):
            raise DocumentNotFound(doc_id)

    def ask(
        self,
        principal: Principal,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        mode: str | None = None,
    ) -> AskResult:
        """Answer a question with citations and store it in the principal's conversation."""
        require(principal, Scope.ASK, "Fragen")
        conversation = self._conversation(principal, conversation_id)
        engine = self.services.engine
        answer = engine.answer(question, conversation, self._visible(principal, filters), mode)
        return engine.store(answer, conversation, self._owner(principal))

    def ask_stream(
        self,
        principal: Principal,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        mode: str | None = None,
    ) -> Iterator[StreamEvent]:
        """Sources, answer pieces and the stored answer as typed events (errors as Failed)."""
        engine = self.services.engine
        try:
            require(principal, Scope.ASK, "Fragen")
            conversation = self._conversation(principal, conversation_id)
            visible = self._visible(principal, filters)
            prepared = engine.prepare(question, conversation, visible, mode)
            sources = [{"chunk_id": h.chunk.chunk_id, **h.source()} for h in prepared.hits]
            yield Sources([] if prepared.answer else sources)
            if prepared.answer is None and prepared.mode == "llm" and engine.chat_model:
                pieces: list[str] = []
                try:
                    for piece in engine.stream_llm(prepared):
                        pieces.append(piece)
                        yield Delta(piece)
                    answer = engine.finish_llm(prepared, "".join(pieces))
                except Exception as exc:  # the endpoint failed mid-stream: fall back visibly
                    answer = engine.fallback(prepared, fallback_notice(exc))
                    yield Reset(answer.notice)
                    yield Delta(answer.answer)
            else:
                answer = prepared.answer or engine.answer_prepared(prepared)
                words = answer.answer.split(" ")
                for start in range(0, len(words), 8):
                    yield Delta(" ".join(words[start : start + 8]) + " ")
            yield Done(engine.store(answer, conversation, self._owner(principal)))
        except LotseError as exc:
            yield Failed(exc.code, str(exc))
        except Exception as exc:
            log.error("stream failed: %s", type(exc).__name__, exc_info=exc)
            yield Failed("internal_error", "Interner Fehler")

    def chat(self, principal: Principal, messages: Sequence[ChatMessage]) -> ChatReply:
        """Answer the last user message; earlier user turns resolve follow-ups."""
        require(principal, Scope.ASK, "Fragen")
        visible = self._visible(principal, None)
        return chat_reply(self.services.engine, messages, self._owner(principal), visible)

    def search(
        self, principal: Principal, query: str, k: int = 10, filters: Filters | None = None
    ) -> list[SearchHit]:
        """Hybrid search; text redacted, provenance without server paths."""
        require(principal, Scope.ASK, "Suchen")
        engine = self.services.engine
        result = engine.search(query, k, self._visible(principal, filters))
        return [
            SearchHit(h.chunk.chunk_id, round(h.score, 6), engine.redact(h.chunk.text), h.source())
            for h in result.hits
        ]

    # -- answers, feedback, records -------------------------------------------------------------

    def answer(self, principal: Principal, answer_id: str) -> dict[str, Any]:
        """A stored answer with its feedback: the asker's own, or any for advisors."""
        record = self.services.records.get_answer(answer_id)
        owner = record.pop("owner", None) if record else None
        if record is None or not (
            principal.sees_all or (owner and owner.principal == principal.id)
        ):
            raise NotFound(f"Antwort nicht gefunden: {answer_id}")
        return record

    def feedback(
        self,
        principal: Principal,
        answer_id: str,
        rating: Rating,
        tags: Sequence[FeedbackTag] = (),
        comment: str | None = None,
    ) -> str:
        """Rate an answer the principal may see; returns the feedback id."""
        self.answer(principal, answer_id)
        return self.services.records.add_feedback(
            answer_id,
            str(rating),
            [str(t) for t in tags],
            comment,
            principal.channel,
            principal.id,
        )

    def add_feedback_reason(self, principal: Principal, feedback_id: str, tag: FeedbackTag) -> None:
        """Add a reason (after 👎) to the principal's own feedback."""
        exists, owner = self.services.records.feedback_principal(feedback_id)
        if not exists or not (principal.sees_all or owner == principal.id):
            raise NotFound(f"Rückmeldung nicht gefunden: {feedback_id}")
        self.services.records.add_feedback_tags(feedback_id, [str(tag)])

    def recent(self, principal: Principal, limit: int = 30) -> list[dict[str, Any]]:
        """Latest questions with feedback: the principal's own, or everyone's for advisors."""
        require(principal, Scope.ASK, "Verlauf")
        records = self.services.records
        rows = records.recent(limit, None if principal.sees_all else principal.id)
        return [docs.recent_item(row, records.get_answer(row["answer_id"]) or {}) for row in rows]

    def purge(self, principal: Principal, older_than_days: float) -> int:
        """Delete stored questions, answers and feedback older than the given age."""
        require(principal, Scope.ADMIN, "Löschen gespeicherter Antworten")
        return self.services.records.purge(older_than_days * 86400)

    # -- documents ------------------------------------------------------------------------------

    def documents(
        self,
        principal: Principal,
        offset: int = 0,
        limit: int = 50,
        doc_type: str | None = None,
        jurisdiction: str | None = None,
    ) -> DocumentsPage:
        """Ingested documents, ordered by id."""
        require(principal, Scope.ADMIN, "Dokumentenliste")
        return docs.page(self.services.manifest, offset, limit, doc_type, jurisdiction)

    def document(self, principal: Principal, doc_id: str) -> dict[str, Any]:
        """One document with its sections or pages."""
        require(principal, Scope.ADMIN, "Dokumentdetails")
        return docs.detail(self.services.manifest, doc_id)

    def upload(
        self,
        principal: Principal,
        files: list[tuple[str, bytes]],
        visibility: Visibility | None = None,
    ) -> list[UploadResult]:
        """Store and ingest uploaded files; one result each (secrets found are warnings).

        `ask` principals upload for their organisation only; `admin` uploads are public unless
        `organisation` visibility is asked for."""
        if not (principal.can(Scope.ADMIN) or principal.can(Scope.ASK)):
            raise Forbidden(str(Scope.ASK), "Hochladen")
        if visibility is None:
            visibility = (
                Visibility.PUBLIC if principal.can(Scope.ADMIN) else Visibility.ORGANISATION
            )
        if visibility == Visibility.PUBLIC:
            require(principal, Scope.ADMIN, "Öffentliches Hochladen")
        organisation = home(principal) if visibility == Visibility.ORGANISATION else None
        results = self.services.ingest_uploads(files, organisation)
        hidden = set(self._hidden(principal))
        out: list[UploadResult] = []
        for r in results:
            if r.doc_id in hidden:  # same content as another organisation's document
                r.doc_id, r.reason = None, "gleicher Inhalt wie ein vorhandenes Dokument"
            out.append(UploadResult(r.path, r.status, r.doc_id, r.chunks, r.reason, r.warnings))
        return out

    def remove(self, principal: Principal, doc_id: str) -> dict[str, Any]:
        """Remove a document, its chunks and its uploaded file (CLI and API the same way)."""
        if not principal.can(Scope.ADMIN):
            private = self.services.manifest.private_documents()
            if private.get(doc_id) != home(principal):  # askers: their organisation's uploads
                raise DocumentNotFound(doc_id)
        return docs.public(self.services.remove_document(doc_id))

    def ingest(
        self,
        principal: Principal,
        paths: Sequence[Path],
        doc_type: str | None = None,
        prune: bool = False,
        progress: ProgressCallback | None = None,
        defer_vectors: bool = False,
    ) -> IngestReport:
        """Ingest files and folders incrementally (the CLI)."""
        require(principal, Scope.ADMIN, "Einlesen")
        return docs.ingest(self.services, paths, doc_type, prune, progress, defer_vectors)

    def fill_vectors(self, principal: Principal, batch: int, report: Any) -> tuple[int, int]:
        """Embed chunks ingested with deferred vectors; (missing before, filled)."""
        require(principal, Scope.ADMIN, "Einbetten")
        with self.services.writer_lock():
            missing = self.services.index.missing_vectors()
            return len(missing), self.services.index.fill_vectors(missing, batch, report)

    def enrich(
        self, principal: Principal, laws: list[str] | None, limit: int | None
    ) -> EnrichReport:
        """Generate everyday questions per § with the configured LLM (`lotse enrich`)."""
        require(principal, Scope.ADMIN, "Anreichern")
        return docs.enrich(self.settings, laws, limit)

    # -- passages and original files ------------------------------------------------------------

    def passage(
        self, principal: Principal, chunk_id: str, quote: str = "", around: int = 1
    ) -> dict[str, Any]:
        """A cited chunk with its neighbours, the quote marked, secrets masked."""
        require(principal, Scope.ASK, "Fundstellen")
        found = docs.passage(self.services, chunk_id, quote, around)
        if found["doc_id"] in self._hidden(principal):
            raise NotFound(f"Abschnitt nicht gefunden: {chunk_id}")
        return found

    def original(self, principal: Principal, doc_id: str) -> OriginalFile:
        """The original file of a document (advisors and admins only)."""
        if not (principal.can(Scope.ADVISE) or principal.can(Scope.ADMIN)):
            raise Forbidden(str(Scope.ADVISE), "Originaldatei")
        self._check_document(principal, doc_id)
        return docs.original(self.services, doc_id)

    def may_download(self, principal: Principal) -> bool:
        """True when the principal may fetch original files."""
        return principal.can(Scope.ADVISE) or principal.can(Scope.ADMIN)

    def filters(self, principal: Principal) -> dict[str, Any]:
        """Document types and jurisdictions for filter controls."""
        require(principal, Scope.ASK, "Filter")
        return docs.filter_values(self.services.manifest, set(self._hidden(principal)))

    # -- health and vocabulary ------------------------------------------------------------------

    def warm(self) -> None:
        """Load the lexical index and embed what the first question would otherwise wait for
        (the out-of-scope examples, the question register of the indexed laws)."""
        self.services.index.lexical()
        try:
            self.services.engine.search("Welche Verwaltungsleistungen müssen online sein?", 5)
        except LotseError as exc:  # an empty index, Chroma down: the first request will say so
            log.info("warm-up skipped: %s", exc)

    def ready(self) -> dict[str, Any]:
        """Index, vector store and model reachable (StoreUnavailable otherwise)."""
        self.services.vectors.ping()
        lexical = self.services.index.lexical()
        return {"documents": len(self.services.manifest.doc_ids()), "chunks": len(lexical)}

    @staticmethod
    def vocabulary() -> dict[str, object]:
        """Domain names and labels (document types, feedback tags, outcomes)."""
        return vocabulary()
