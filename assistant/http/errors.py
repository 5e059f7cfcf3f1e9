"""One JSON error shape for every 4xx/5xx, German messages; domain errors translated here."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import (
    Busy,
    ConfigError,
    DocumentNotFound,
    EmbeddingError,
    Forbidden,
    InvalidRequest,
    LotseError,
    NotFound,
    SourcesUnusable,
    StoreUnavailable,
)

log = logging.getLogger("assistant.http")

STATUS = {
    InvalidRequest: 422,
    DocumentNotFound: 404,
    NotFound: 404,
    Forbidden: 403,
    Busy: 409,
    SourcesUnusable: 409,
    StoreUnavailable: 503,
    EmbeddingError: 503,
    ConfigError: 500,
}
HTTP_MESSAGES = {
    400: ("bad_request", "Ungültige Anfrage"),
    401: ("unauthorized", "Nicht angemeldet"),
    403: ("forbidden", "Nicht erlaubt"),
    404: ("not_found", "Nicht gefunden"),
    405: ("method_not_allowed", "Methode nicht erlaubt"),
    406: ("not_acceptable", "Antwortformat nicht verfügbar"),
    413: ("too_large", "Anfrage zu groß"),
    415: ("unsupported_media_type", "Inhaltstyp nicht unterstützt (erwartet application/json)"),
    429: ("rate_limited", "Zu viele Anfragen"),
}


class ErrorBody(BaseModel):
    """Code and German message."""

    code: str
    message: str


class ErrorResponse(BaseModel):
    """The single error shape of every 4xx/5xx response."""

    error: ErrorBody


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for error statuses (every route lists the ones it can return)."""
    return {code: {"model": ErrorResponse} for code in codes}


# statuses any authenticated JSON route can answer with, besides its own
COMMON = (400, 401, 403, 413, 415, 422, 429)


class ApiError(Exception):
    """An error with an HTTP status, raised by adapters."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The single error shape."""
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def _field(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers so no stack trace or parser text ever reaches a client."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(LotseError)
    async def _domain(_: Request, exc: LotseError) -> JSONResponse:
        status = next((s for t, s in STATUS.items() if isinstance(exc, t)), 400)
        if status >= 500 and isinstance(exc, ConfigError):
            reference = uuid.uuid4().hex[:12]
            log.error("configuration error %s: %s", reference, exc)
            return error_response(500, exc.code, f"Konfigurationsfehler (Referenz {reference})")
        return error_response(status, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "invalid_json", "Der Inhalt ist kein gültiges JSON")
        first = errors[0] if errors else {"loc": ("body",), "msg": "ungültig"}
        message = f"{_field(tuple(first.get('loc', ())))}: {_german(first)}"
        return error_response(422, "invalid_request", message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = HTTP_MESSAGES.get(exc.status_code, ("http_error", "HTTP-Fehler"))
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        reference = uuid.uuid4().hex[:12]
        log.error("internal error %s: %s", reference, type(exc).__name__, exc_info=exc)
        return error_response(500, "internal_error", f"Interner Fehler (Referenz {reference})")


_GERMAN = {
    "missing": "fehlt",
    "string_too_long": "zu lang",
    "string_too_short": "zu kurz",
    "too_long": "zu viele Einträge",
    "too_short": "zu wenige Einträge",
    "extra_forbidden": "unbekanntes Feld",
    "literal_error": "ungültiger Wert",
    "enum": "ungültiger Wert",
    "int_parsing": "keine ganze Zahl",
    "greater_than_equal": "zu klein",
    "less_than_equal": "zu groß",
    "bool_parsing": "kein Wahrheitswert",
    "string_type": "muss Text sein",
    "list_type": "muss eine Liste sein",
    "dict_type": "muss ein Objekt sein",
    "model_attributes_type": "muss ein Objekt sein",
    "string_pattern_mismatch": "ungültiges Format",
}


def _german(error: Any) -> str:
    kind = str(error.get("type", ""))
    if kind == "value_error":  # our own validators word their messages in German
        return str(error.get("msg", "")).removeprefix("Value error, ") or "ungültiger Wert"
    if kind in _GERMAN:
        return _GERMAN[kind]
    return "ungültiger Wert"
