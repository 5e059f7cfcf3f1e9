"""Domain errors; adapters translate them at the edge."""

from __future__ import annotations


class LotseError(Exception):
    """Base class of every error Digitallotse reports to users."""

    code = "error"


class ConfigError(LotseError):
    """A setting is missing or invalid."""

    code = "config_error"


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
