"""Rate limits per principal (or client address) and the client address behind trusted proxies."""

from __future__ import annotations

import ipaddress
import threading
import time

from starlette.requests import Request


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
            if len(self._buckets) > 100_000:  # never grows without bound under a flood
                self._buckets.clear()
            tokens, last = self._buckets.get(identity, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[identity] = (tokens - 1.0, now)
                return 0.0
            self._buckets[identity] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def blocked(self, identity: str) -> float:
        """Seconds until identity may try again, without spending a token (0: not blocked)."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(identity, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate


def _in(address: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request: Request, trusted_proxies: list[str]) -> str:
    """The peer address; X-Forwarded-For only counts when the peer is a trusted proxy."""
    peer = request.client.host if request.client else "?"
    if not trusted_proxies or not _in(peer, trusted_proxies):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):  # the first address not added by one of our proxies
        if not _in(hop, trusted_proxies):
            return hop
    return peer
