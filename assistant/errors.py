"""Domain errors; adapters translate them at the edge."""

from __future__ import annotations


class LotseError(Exception):
    """Base class of every error Digitallotse reports to users."""

    code = "error"


class ConfigError(LotseError):
    """A setting is missing or invalid."""

    code = "config_error"


class IndexMismatch(ConfigError):
    """The index was built with another embedding provider, model or dimension than configured.

    A configuration problem, never a store outage: the vectors are there but not comparable.
    """

    code = "index_mismatch"

    def __init__(self, message: str, recorded: object = None, configured: object = None) -> None:
        super().__init__(message)
        self.recorded = recorded
        self.configured = configured


class LoadError(LotseError):
    """A file could not be loaded; names the file and the reason."""

    code = "load_error"

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class DocumentNotFound(LotseError):
    """No document with that id."""

    code = "not_found"

    def __init__(self, doc_id: str) -> None:
        super().__init__(f"Dokument nicht gefunden: {doc_id}")
        self.doc_id = doc_id


class StoreUnavailable(LotseError):
    """The vector store (Chroma) cannot be reached."""

    code = "store_unavailable"


class EmbeddingError(LotseError):
    """The embedding provider failed."""

    code = "embedding_error"


class InvalidRequest(LotseError):
    """A request field is invalid; names the field."""

    code = "invalid_request"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class ProviderError(LotseError):
    """An optional remote stage (reranker, LLM stage) failed; the offline path takes over."""

    code = "provider_error"

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason


class Busy(LotseError):
    """The same job is already running (e.g. a sync started elsewhere)."""

    code = "busy"


class SourcesUnusable(LotseError):
    """The sources file of a sync cannot be read (missing or invalid)."""

    code = "sources_invalid"


class NotFound(LotseError):
    """An answer, conversation or passage that does not exist or is not the principal's."""

    code = "not_found"


class Forbidden(LotseError):
    """The principal lacks the scope for this use case."""

    code = "forbidden"

    def __init__(self, scope: str, what: str) -> None:
        super().__init__(f"{what} erfordert den Scope '{scope}'")
        self.scope = scope
