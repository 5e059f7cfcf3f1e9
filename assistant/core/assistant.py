"""Assistant: the one door into the core; every use case takes the principal it acts for."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from assistant.answer.conversation import followup_probability
from assistant.answer.llm import fallback_notice
from assistant.answer.models import Answer, AskResult
from assistant.config import Settings
from assistant.core.answers import Answers
from assistant.core.cases import CaseDesk
from assistant.core.chat import ChatMessage, chat_reply
from assistant.core.library import Library, require
from assistant.core.principal import KeyRing, Principal, home, parse_api_keys
from assistant.core.reports import Reports
from assistant.core.results import (
    ChatReply,
    Delta,
    Done,
    Failed,
    Reset,
    SearchHit,
    Sources,
    StreamEvent,
)
from assistant.core.sync import SyncDesk
from assistant.core.validity import not_in_force, search_day
from assistant.core.verified import VerifiedDesk
from assistant.domain import Scope, vocabulary
from assistant.errors import LotseError, NotFound
from assistant.retrieval.results import Filters
from assistant.services import Services
from assistant.store.records import Owner
from assistant.store.reembed import reembed_index

log = logging.getLogger("assistant.core")


class Assistant(Answers, Library):
    """Use cases for every channel: ask, stream, chat, search, documents, feedback, records."""

    def __init__(self, services: Services, keyring: KeyRing | None = None) -> None:
        self.services = services
        self.verified = VerifiedDesk(services)  # advisors' answers, reused for the same question
        self.cases = CaseDesk(services, self.verified)  # questions that need a person
        self.reports = Reports(services, self.cases.store)  # gaps, usage, operations counts
        self.sync = SyncDesk(services)  # sync from sources, their last runs, the schedule
        self.warmed = threading.Event()  # set once warm() has run (first answers are fast)
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
        self.reports.close()
        self.sync.close()
        self.verified.close()
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

    def _hidden(self, principal: Principal, day: dt.date | None = None) -> list[str]:
        """Other organisations' documents (advisors and admins see all), published answers no
        longer verified and, for retrieval (a day), the versions not in force on that day."""
        manifest, today = self.services.manifest, dt.date.today()
        outdated = not_in_force(manifest, today)  # versions load once per request
        hidden = set(self.verified.unverified_documents(outdated))
        if day is not None:
            hidden.update(outdated if day == today else not_in_force(manifest, day))
        if not (principal.sees_all or principal.can(Scope.ADMIN)):
            own = home(principal)
            private = self.services.manifest.private_documents()
            hidden.update(d for d, org in private.items() if org != own)
        return sorted(hidden)

    def _visible(
        self, principal: Principal, filters: Filters | None, hidden: list[str] | None = None
    ) -> Filters | None:
        """The principal's filters narrowed to what it may see (one place for every channel)."""
        hidden = self._hidden(principal, search_day(filters)) if hidden is None else hidden
        if not hidden:
            return filters
        return replace(filters or Filters(), exclude_doc_id=hidden)

    def _verified(
        self, principal: Principal, question: str, filters: Filters | None, hidden: list[str]
    ) -> tuple[Answer | None, dict[str, Any] | None]:
        """Advisors' verified answers the principal may see: (the answer to the same question,
        or an offer for a similar one)."""
        if filters is not None and (filters.active() or filters.as_of):  # asks for documents
            return None, None
        try:
            return self.verified.match(question, set(hidden))
        except LotseError as exc:  # the index answers below; a failed lookup is not fatal
            log.warning("verified answers skipped: %s", exc)
            return None, None

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
        hidden = self._hidden(principal, search_day(filters))
        answer, offer = self._verified(principal, question, filters, hidden)
        if answer is None:
            answer = engine.answer(
                question, conversation, self._visible(principal, filters, hidden), mode
            )
            answer.verified_answer = offer
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
            hidden = self._hidden(principal, search_day(filters))
            verified, offer = self._verified(principal, question, filters, hidden)
            if verified is not None:
                yield Sources([])
                yield Delta(verified.answer)
                yield Done(engine.store(verified, conversation, self._owner(principal)))
                return
            visible = self._visible(principal, filters, hidden)
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
            answer.verified_answer = offer
            yield Done(engine.store(answer, conversation, self._owner(principal)))
        except LotseError as exc:
            yield Failed(exc.code, str(exc))
        except Exception as exc:
            log.error("stream failed: %s", type(exc).__name__, exc_info=exc)
            yield Failed("internal_error", "Interner Fehler")

    def chat(
        self, principal: Principal, messages: Sequence[ChatMessage], filters: Filters | None = None
    ) -> ChatReply:
        """Answer the last user message; earlier user turns resolve follow-ups."""
        require(principal, Scope.ASK, "Fragen")
        hidden = self._hidden(principal, search_day(filters))
        visible = self._visible(principal, filters, hidden)
        owner = self._owner(principal)
        return chat_reply(
            self.services.engine,
            messages,
            owner,
            visible,
            lambda question: self._verified(principal, question, filters, hidden),
        )

    def search(
        self, principal: Principal, query: str, k: int = 10, filters: Filters | None = None
    ) -> list[SearchHit]:
        """Hybrid search; text redacted, provenance without server paths."""
        require(principal, Scope.ASK, "Suchen")
        engine = self.services.engine
        hits = engine.search(query, k, self._visible(principal, filters)).hits
        notes = engine.validity.of_hits(hits)  # superseded, expired or old: as with citations
        sources = [hit.source() | note for hit, note in zip(hits, notes, strict=True)]
        return [
            SearchHit(h.chunk.chunk_id, round(h.score, 6), engine.redact(h.chunk.text), source)
            for h, source in zip(hits, sources, strict=True)
        ]

    # -- health and vocabulary ------------------------------------------------------------------

    def warm(self) -> None:
        """Load the lexical index and embed what the first question would otherwise wait for
        (the out-of-scope examples, the question register of the indexed laws) and load the
        follow-up model (scikit-learn and its weights: about 0.8 s)."""
        try:
            followup_probability("Und bis wann gilt das?")
            self.services.index.lexical()
            self.services.engine.search("Welche Verwaltungsleistungen müssen online sein?", 5)
        except LotseError as exc:  # an empty index, Chroma down: the first request will say so
            log.info("warm-up skipped: %s", exc)
        finally:
            self.warmed.set()

    def ready(self) -> dict[str, Any]:
        """Index, vector store and model reachable (StoreUnavailable otherwise), how many
        chunks have a dense vector, and which word lists are installed."""
        self.services.vectors.ping()
        lexical = self.services.index.lexical()
        embedded, total = self.services.index.dense_coverage()
        return {
            "documents": len(self.services.manifest.doc_ids()),
            "chunks": len(lexical),
            "vectors": embedded,
            "vectors_missing": total - embedded,
            "warm": self.warmed.is_set(),
            "word_lists": self.services.word_lists(),
        }

    @staticmethod
    def vocabulary() -> dict[str, object]:
        """Domain names and labels (document types, feedback tags, outcomes)."""
        return vocabulary()
