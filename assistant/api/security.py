"""API keys with scopes and a per-key rate limit."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass

from assistant.errors import ConfigError

SCOPES = ("ask", "admin")


@dataclass(frozen=True)
class ApiKey:
    """A configured key; only its hash is kept for comparison and logging."""

    digest: str
    scopes: frozenset[str]

    @property
    def label(self) -> str:
        """Loggable identity (never the key)."""
        return f"key-{self.digest[:8]}"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def parse_api_keys(spec: str | None) -> list[ApiKey]:
    """'KEY1:ask|admin,KEY2:ask' → keys with scopes (default scope: ask)."""
    keys: list[ApiKey] = []
    for entry in (spec or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        raw, _, scopes = entry.partition(":")
        wanted = {s.strip() for s in scopes.split("|") if s.strip()} or {"ask"}
        unknown = wanted - set(SCOPES)
        if unknown or len(raw.strip()) < 8:
            raise ConfigError(
                "LOTSE_API_KEYS: Format 'SCHLÜSSEL:ask|admin,…', Schlüssel ≥ 8 Zeichen, "
                f"Scopes {', '.join(SCOPES)}"
            )
        keys.append(ApiKey(_digest(raw.strip()), frozenset(wanted)))
    return keys


class KeyRing:
    """Looks up presented keys in constant time per key."""

    def __init__(self, keys: list[ApiKey]) -> None:
        self.keys = keys

    @property
    def enabled(self) -> bool:
        """True when keys are configured (otherwise the API is loopback-only and open)."""
        return bool(self.keys)

    def find(self, presented: str) -> ApiKey | None:
        """The key matching the presented secret, or None."""
        digest = _digest(presented)
        found = None
        for key in self.keys:
            if hmac.compare_digest(key.digest, digest):
                found = key
        return found


class RateLimiter:
    """Token bucket per identity: `per_minute` requests, bursts up to the same number."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, identity: str) -> float:
        """0 when allowed, else seconds until the next request is allowed."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(identity, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[identity] = (tokens - 1.0, now)
                return 0.0
            self._buckets[identity] = (tokens, now)
            return (1.0 - tokens) / self.rate
