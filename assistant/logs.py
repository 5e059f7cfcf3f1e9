"""Logging set-up: one record per line, control characters escaped, personal data and secrets
masked in every record; plain text or JSON lines."""

from __future__ import annotations

import json
import logging
import re

from assistant.redaction import Redactor

_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[E-Mail]"),
    (re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,4})?\b"), "[IBAN]"),
    (re.compile(r"(?<!\w)(?:\+|00)?\d[\d /()-]{7,}\d"), "[Telefon]"),
]
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def mask_personal_data(text: str) -> str:
    """Mask e-mail addresses, IBANs and phone numbers."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def escape_control(text: str) -> str:
    """Control characters as visible escapes, so no input can start a forged log line."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


class MaskingFilter(logging.Filter):
    """Rewrites each record's message: secrets and personal data masked, control chars escaped."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or Redactor()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = escape_control(mask_personal_data(self.redactor.mask(message)))
        if masked != message:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and exception type)."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            data["exception"] = record.exc_info[0].__name__
        return json.dumps(data, ensure_ascii=False)


class _OneLine(logging.Formatter):
    """Plain text; a traceback's line breaks are escaped so a record stays one line."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", "\\n")


def configure_logging(
    level: int = logging.INFO, secrets: tuple[str, ...] = (), json_format: bool = False
) -> None:
    """Root logging to stderr with masking; uvicorn's loggers propagate to it."""
    handler = logging.StreamHandler()
    if json_format:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(_OneLine("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter(Redactor(secrets)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
