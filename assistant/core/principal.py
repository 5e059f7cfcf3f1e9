"""Principals (who asks, with scopes and organisation) and the API keys that name them."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from assistant.domain import Scope
from assistant.errors import ConfigError

MIN_KEY_CHARS = 24
VARIABLE = "LOTSE_API_KEYS"


@dataclass(frozen=True)
class Principal:
    """Who a request acts for; every use case of the core takes one."""

    id: str  # pseudonymous and loggable: key-1a2b3c4d, slack-T1-U2, local, cli
    scopes: frozenset[Scope] = field(default_factory=frozenset)
    organisation: str | None = None
    channel: str = "api"

    def can(self, scope: Scope) -> bool:
        """True when the principal holds the scope."""
        return scope in self.scopes

    @property
    def sees_all(self) -> bool:
        """Advisors see every question, answer and feedback."""
        return Scope.ADVISE in self.scopes


ALL_SCOPES = frozenset(Scope)


def home(principal: Principal) -> str:
    """The organisation a principal's uploads belong to (a key without one is its own)."""
    return principal.organisation or principal.id


def local(channel: str = "api") -> Principal:
    """The operator on this machine (no keys configured: the server listens on loopback only)."""
    return Principal("local", ALL_SCOPES, None, channel)


@dataclass(frozen=True)
class ApiKey:
    """A configured key; only its SHA-256 digest is kept."""

    digest: str
    scopes: frozenset[Scope]
    organisation: str | None = None

    def principal(self, channel: str = "api") -> Principal:
        """The principal this key acts as."""
        return Principal(f"key-{self.digest[:8]}", self.scopes, self.organisation, channel)


def digest(raw: str) -> str:
    """SHA-256 hex digest of a key."""
    return hashlib.sha256(raw.encode()).hexdigest()


def _scopes(spec: str, number: int) -> tuple[frozenset[Scope], str | None]:
    scopes, _, organisation = spec.partition("@")
    wanted = {s.strip() for s in scopes.split("|") if s.strip()} or {"ask"}
    unknown = sorted(wanted - {str(s) for s in Scope})
    if unknown:
        raise ConfigError(
            f"{VARIABLE}: Eintrag {number} hat unbekannte Scopes {', '.join(unknown)} "
            f"(erlaubt: {', '.join(str(s) for s in Scope)})"
        )
    return frozenset(Scope(s) for s in wanted), organisation.strip() or None


def parse_api_keys(spec: str | None) -> list[ApiKey]:
    """'KEY1:ask|admin,KEY2:ask@musterstadt' → keys; a bad list is a ConfigError, never open."""
    if spec is None:
        return []
    entries = [e.strip() for e in spec.split(",")]
    if not any(entries):
        raise ConfigError(f"{VARIABLE} ist gesetzt, enthält aber keinen Schlüssel")
    keys: list[ApiKey] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        if not entry:
            raise ConfigError(f"{VARIABLE}: Eintrag {number} ist leer (doppeltes Komma?)")
        raw, _, spec_part = entry.partition(":")
        raw = raw.strip()
        if len(raw) < MIN_KEY_CHARS:
            raise ConfigError(
                f"{VARIABLE}: Schlüssel {number} ist kürzer als {MIN_KEY_CHARS} Zeichen"
            )
        hashed = digest(raw)
        if hashed in seen:
            raise ConfigError(f"{VARIABLE}: Schlüssel {number} kommt doppelt vor")
        seen.add(hashed)
        scopes, organisation = _scopes(spec_part, number)
        keys.append(ApiKey(hashed, scopes, organisation))
    return keys


class KeyRing:
    """Looks up presented keys by digest in constant time per key."""

    def __init__(self, keys: list[ApiKey]) -> None:
        self.keys = keys

    @property
    def enabled(self) -> bool:
        """True when keys are configured (otherwise: loopback only, everyone is `local`)."""
        return bool(self.keys)

    def find(self, presented: str) -> ApiKey | None:
        """The key matching the presented secret, or None."""
        hashed = digest(presented)
        found = None
        for key in self.keys:
            if hmac.compare_digest(key.digest, hashed):
                found = key
        return found
