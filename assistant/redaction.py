"""Secrets in text: found at ingest (a warning per file) and masked in every output (one place)."""

from __future__ import annotations

import re

MASK = "[entfernt]"
MIN_CONFIGURED = 6

# "passwort = hunter2", "token: abc…", "api_key=…": the keyword stays, the value is masked;
# "Das Passwort lautet X7#k…" only when the value looks like one (has a digit or a sign)
_KEYWORD = (
    r"(?i)\b(passw(?:or)?[dt]|kennwort|passphrase|pwd|secret|geheimnis|client[_-]?secret"
    r"|token|access[_-]?token|auth[_-]?token|api[_-]?key|api[_-]?schlüssel|zugangsschlüssel"
    r"|private[_-]?key)"
)
_VALUE = r"(?!\[entfernt\])([^\s\"',;]{3,}[^\s\"',;.!?:)\]])"
_ASSIGNED = re.compile(_KEYWORD + r"(\s*[:=]\s*[\"']?)" + _VALUE)
_STATED = re.compile(
    r"(?i)\b(passw(?:or)?t|kennwort)(\s+(?:ist|lautet)\s+[\"'„]?)"
    r"((?=\S*[\d#$%&*+/=@^_~])[^\s\"',;“]{3,}[^\s\"',;.!?:)\]“])"
)
# well-known token formats, masked wherever they stand
_TOKENS = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----"
    r"|\bsk-[A-Za-z0-9_-]{16,}"
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}"
    r"|\bxapp-[A-Za-z0-9-]{10,}"
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}"
    r"|\bglpat-[A-Za-z0-9_-]{20,}"
    r"|\bAKIA[0-9A-Z]{16}\b"
    r"|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
    re.DOTALL,
)


class Redactor:
    """Masks configured secret values and secret-looking assignments and tokens."""

    def __init__(self, configured: tuple[str, ...] = ()) -> None:
        # longest first, so that a key is masked before a prefix of it
        self.configured = tuple(
            sorted({s for s in configured if s and len(s) >= MIN_CONFIGURED}, key=len, reverse=True)
        )

    def mask(self, text: str) -> str:
        """Text with every secret replaced by [entfernt]."""
        if not text:
            return text
        for secret in self.configured:
            if secret in text:
                text = text.replace(secret, MASK)
        text = _TOKENS.sub(MASK, text)
        for pattern in (_ASSIGNED, _STATED):
            text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
        return text

    def find(self, text: str) -> list[str]:
        """Kinds of secrets in text (for the ingest report; never the values)."""
        kinds: list[str] = []
        if any(s in text for s in self.configured):
            kinds.append("konfigurierter Schlüssel")
        for match in _TOKENS.finditer(text):
            kind = "privater Schlüssel" if match.group(0).startswith("-----") else "Zugangstoken"
            if kind not in kinds:
                kinds.append(kind)
        for pattern in (_ASSIGNED, _STATED):
            for match in pattern.finditer(text):
                kind = f"{match.group(1).lower()}=…"
                if match.group(3) != MASK and kind not in kinds:
                    kinds.append(kind)
        return kinds

    @property
    def longest(self) -> int:
        """Length of the longest configured secret (streams hold back that many characters)."""
        return max((len(s) for s in self.configured), default=1)
