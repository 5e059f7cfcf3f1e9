"""Fetching for `lotse sync`: conditional HTTP GETs that respect robots.txt, a per-host delay,
timeouts and a size limit; sitemaps (and sitemap indexes) read with defusedxml."""

from __future__ import annotations

import hashlib
import os
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element, ParseError

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from protego import Protego

from assistant import __version__
from assistant.store.sync import SyncSitemap
from ingest.discovery import SUPPORTED, slugify

AGENT = "Digitallotse"  # the name robots.txt rules are matched against
USER_AGENT = f"{AGENT}-Sync/{__version__} (+robots.txt beachtet)"
MAX_REDIRECTS = 5
MAX_ROBOTS_CHARS = 500_000
MAX_CRAWL_DELAY = 60.0
MAX_SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file
GONE = (404, 410)


class SourceFailure(Exception):
    """A source could not be listed (folder, sitemap, repository): nothing is deleted."""


@dataclass
class Fetched:
    """One GET: changed (content), not_modified (304), gone (404/410), failed or refused."""

    outcome: str
    url: str
    content: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    reason: str | None = None


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


class WebFetcher:
    """HTTP(S) for one sync run: robots.txt per origin, at most one request per host per delay."""

    def __init__(
        self,
        timeout: float,
        delay: float,
        max_bytes: int,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout), headers={"User-Agent": USER_AGENT}
        )
        self.timeout = timeout
        self.delay = delay
        self.max_bytes = max_bytes
        self.sleep = sleep
        self._robots: dict[str, Protego | str | None] = {}
        self._last: dict[str, float] = {}

    def close(self) -> None:
        """Close connections."""
        self.client.close()

    def __enter__(self) -> WebFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait(self, origin: str) -> None:
        """Keep the per-host delay (the larger of LOTSE_SYNC_DELAY and robots' Crawl-delay)."""
        rules = self._robots.get(origin)
        delay = self.delay
        if isinstance(rules, Protego):
            delay = max(delay, min(float(rules.crawl_delay(AGENT) or 0), MAX_CRAWL_DELAY))
        due = self._last.get(origin, float("-inf")) + delay
        now = time.monotonic()
        if now < due:
            self.sleep(due - now)
        self._last[origin] = time.monotonic()

    def _rules(self, origin: str) -> Protego | str | None:
        """robots.txt of an origin: rules, None (none there: all allowed) or why it is unknown."""
        if origin in self._robots:
            return self._robots[origin]
        self._wait(origin)
        rules: Protego | str | None
        try:
            response = self.client.get(f"{origin}/robots.txt", follow_redirects=True)
        except httpx.TimeoutException:
            rules = f"Zeitüberschreitung ({self.timeout:g} s)"
        except httpx.HTTPError as exc:  # the host is down: every page of it fails alike
            rules = f"nicht erreichbar ({type(exc).__name__})"
        else:
            if response.status_code == 200:
                rules = Protego.parse(response.text[:MAX_ROBOTS_CHARS])
            elif 400 <= response.status_code < 500:
                rules = None
            else:
                rules = f"robots.txt nicht erreichbar (HTTP {response.status_code})"
        self._robots[origin] = rules
        return rules

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET with If-None-Match / If-Modified-Since; redirects followed (robots checked)."""
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return Fetched("failed", url, reason="Weiterleitung auf keine http(s)-Adresse")
            origin = f"{parts.scheme}://{parts.netloc}"
            rules = self._rules(origin)
            if isinstance(rules, str):  # RFC 9309: unreachable robots.txt means disallow
                return Fetched("failed", url, reason=rules)
            if rules is not None and not rules.can_fetch(url, AGENT):
                return Fetched("refused", url, reason="durch robots.txt ausgeschlossen")
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            self._wait(origin)
            try:
                with self.client.stream("GET", url, headers=headers) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    return self._outcome(url, response, etag, last_modified)
            except httpx.TimeoutException:
                return Fetched("failed", url, reason=f"Zeitüberschreitung ({self.timeout:g} s)")
            except httpx.HTTPError as exc:
                return Fetched("failed", url, reason=f"nicht erreichbar ({type(exc).__name__})")
        return Fetched("failed", url, reason="zu viele Weiterleitungen")

    def _outcome(
        self, url: str, response: httpx.Response, etag: str | None, last_modified: str | None
    ) -> Fetched:
        status = response.status_code
        if status == 304:
            return Fetched(
                "not_modified",
                url,
                etag=response.headers.get("etag", etag),
                last_modified=response.headers.get("last-modified", last_modified),
            )
        if status in GONE:
            return Fetched("gone", url, reason=f"HTTP {status}")
        if status != 200:
            return Fetched("failed", url, reason=f"HTTP {status}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return Fetched("failed", url, reason=f"zu groß ({_mb(int(declared))})")
        deadline = time.monotonic() + self.timeout * 10
        data = bytearray()
        for piece in response.iter_bytes():
            data.extend(piece)
            if len(data) > self.max_bytes:
                return Fetched("failed", url, reason=f"zu groß (> {_mb(self.max_bytes)})")
            if time.monotonic() > deadline:
                return Fetched("failed", url, reason="Übertragung zu langsam")
        return Fetched(
            "changed",
            url,
            bytes(data),
            response.headers.get("content-type", ""),
            response.headers.get("etag"),
            response.headers.get("last-modified"),
        )


SUFFIXES = {  # Content-Type → the file type a fetched item is stored as
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
    "text/plain": ".txt",
}


def file_suffix(url: str, content_type: str) -> str | None:
    """The file type to store a fetched item as: from Content-Type, else from the URL."""
    kind = content_type.split(";")[0].strip().lower()
    from_url = Path(unquote(urlsplit(url).path)).suffix.lower()
    if kind == "text/plain" and from_url in (".md", ".markdown", ".mdx"):
        return ".md"
    if kind in SUFFIXES:
        return SUFFIXES[kind]
    return from_url if from_url in SUPPORTED else None


def stored_path(folder: Path, url: str, suffix: str) -> Path:
    """<folder>/<hash of the URL>/<safe name from its last path segment><suffix>."""
    parts = urlsplit(url)
    segments = [s for s in unquote(parts.path).split("/") if s]
    stem = Path(segments[-1]).stem if segments else (parts.hostname or "seite")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return folder / digest / f"{slugify(stem)}{suffix}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _locs(root: Element, parent: str) -> list[str]:
    return [
        (loc.text or "").strip()
        for entry in root
        if _local(entry.tag) == parent
        for loc in entry
        if _local(loc.tag) == "loc" and (loc.text or "").strip()
    ]


def _unpacked(data: bytes, limit: int) -> bytes:
    """Gzipped sitemaps (sitemap.xml.gz) unpacked, at most limit bytes."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise SourceFailure("Sitemap: gzip beschädigt") from exc
    if len(out) > limit:
        raise SourceFailure(f"Sitemap: entpackt größer als {_mb(limit)}")
    return out


def _read(fetcher: WebFetcher, url: str, known: SyncSitemap | None) -> tuple[str, SyncSitemap]:
    """A sitemap's final URL and listing (the known one on 304); SourceFailure if unreadable."""
    fetched = fetcher.get(url, *((known.etag, known.last_modified) if known else (None, None)))
    if fetched.outcome == "not_modified" and known is not None:
        # a 304 may omit the validators: keep the known ones
        etag, modified = fetched.etag or known.etag, fetched.last_modified or known.last_modified
        return fetched.url, SyncSitemap(known.kind, known.locs, etag, modified)
    if fetched.outcome != "changed":
        raise SourceFailure(f"Sitemap {url}: {fetched.reason or fetched.outcome}")
    try:
        root = fromstring(_unpacked(fetched.content, fetcher.max_bytes))
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise SourceFailure(f"Sitemap {url}: kein gültiges XML ({type(exc).__name__})") from None
    kind = _local(root.tag)
    locs = _locs(root, {"urlset": "url", "sitemapindex": "sitemap"}.get(kind, ""))
    return fetched.url, SyncSitemap(kind, locs, fetched.etag, fetched.last_modified)


def sitemap_urls(
    fetcher: WebFetcher,
    url: str,
    known: dict[str, SyncSitemap] | None = None,
    read: dict[str, SyncSitemap] | None = None,
    depth: int = 2,
) -> tuple[list[str], list[str]]:
    """The page URLs of a sitemap (indexes followed `depth` levels), and notes on what was
    ignored; those in known fetched conditionally, each listing used put into read."""
    known = {} if known is None else known
    read = {} if read is None else read
    where, listing = _read(fetcher, url, known.get(url))
    read[url] = listing
    found: list[str] = []
    notes: list[str] = []
    if listing.kind == "urlset":
        found = list(listing.locs)
    elif listing.kind == "sitemapindex" and depth > 0:
        for child in listing.locs:
            pages, more = sitemap_urls(fetcher, urljoin(where, child), known, read, depth - 1)
            found.extend(pages)
            notes.extend(more)
    else:
        raise SourceFailure(f"Sitemap {url}: keine Sitemap (<{listing.kind}>)")
    origin = urlsplit(where)[:2]
    pages, others = [], 0
    for page in dict.fromkeys(urljoin(where, p) for p in found):
        if urlsplit(page)[:2] == origin:
            pages.append(page)
        else:
            others += 1
    if others:
        notes.append(f"Sitemap {url}: {others} Adressen anderer Hosts ignoriert")
    if len(pages) > MAX_SITEMAP_URLS:
        notes.append(f"Sitemap {url}: nur die ersten {MAX_SITEMAP_URLS} Adressen")
    return pages[:MAX_SITEMAP_URLS], notes
