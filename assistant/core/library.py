"""Use cases of the document library: listing, uploads, removal, ingest, passages, files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.core import documents as docs
from assistant.core.principal import Principal, home
from assistant.core.results import DocumentsPage, OriginalFile, UploadResult
from assistant.domain import Scope, Visibility
from assistant.errors import DocumentNotFound, Forbidden, NotFound
from assistant.services import Services
from ingest.enrich import EnrichReport
from ingest.pipeline import IngestReport, ProgressCallback


def require(principal: Principal, scope: Scope, what: str) -> None:
    """Raise Forbidden unless the principal holds the scope."""
    if not principal.can(scope):
        raise Forbidden(str(scope), what)


class Library:
    """Documents and their passages for the facade (which says what each principal may see)."""

    services: Services

    def _hidden(self, principal: Principal) -> list[str]:
        raise NotImplementedError

    def _check_document(self, principal: Principal, doc_id: str) -> None:
        if doc_id in self._hidden(principal):
            raise DocumentNotFound(doc_id)

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
        return docs.enrich(self.services.settings, laws, limit)

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
