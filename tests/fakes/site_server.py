"""A website on 127.0.0.1 for `lotse sync`: pages, a sitemap and robots.txt that change.

Pages can be added, changed and removed; conditional requests (If-None-Match /
If-Modified-Since) get 304 and are counted (sitemaps apart); the sitemap is also served
gzipped and behind a sitemap index; any page, or the sitemap, can answer 404, 410, 500
or stall longer than the client's timeout ("slow").
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HTML = "text/html; charset=utf-8"
SITEMAPS = ("/sitemap.xml", "/sitemap.xml.gz", "/sitemap-index.xml")


@dataclass
class Page:
    """One resource: its body, type, answer mode and validators."""

    body: bytes
    content_type: str = HTML
    mode: str = "ok"  # ok | 404 | 410 | 500 | slow
    listed: bool = True  # in the sitemap
    etag: bool = True  # send an ETag (else only Last-Modified)
    modified: float = field(default_factory=lambda: float(int(time.time())))

    @property
    def tag(self) -> str:
        """The entity tag of the current body."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class FakeSite:
    """Run with `with FakeSite() as site:`; `site.url("/x")`, `site.sitemap_url`."""

    robots: str = "User-agent: *\nDisallow: /privat/\n"
    sitemap_mode: str = "ok"
    slow_seconds: float = 3.0
    pages: dict[str, Page] = field(default_factory=dict)
    conditional_hits: int = 0  # 304 answers for pages
    sitemap_hits: int = 0  # 304 answers for sitemaps
    requests: list[str] = field(default_factory=list)

    def put(self, path: str, text: str, content_type: str = HTML, **options: Any) -> None:
        """Add or change a page (a change gets a new ETag and a later Last-Modified)."""
        old = self.pages.get(path)
        modified = max(float(int(time.time())), (old.modified + 1) if old else 0.0)
        self.pages[path] = Page(text.encode("utf-8"), content_type, modified=modified, **options)

    def remove(self, path: str) -> None:
        """Drop a page from the sitemap; it answers 404 from now on."""
        self.pages[path].listed = False
        self.pages[path].mode = "404"

    def set_mode(self, mode: str, *paths: str) -> None:
        """Answer mode of the given pages, or of every page and the sitemap."""
        for path in paths or tuple(self.pages):
            self.pages[path].mode = mode
        if not paths:
            self.sitemap_mode = mode

    def sitemap(self) -> bytes:
        """The sitemap of the listed pages."""
        entries = "".join(
            f"<url><loc>{self.url(p)}</loc></url>" for p, page in self.pages.items() if page.listed
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</urlset>"
        ).encode()

    def sitemap_file(self, path: str) -> bytes:
        """One of SITEMAPS: the plain one, gzipped, or an index listing the gzipped one."""
        if path == "/sitemap.xml.gz":
            return gzip.compress(self.sitemap(), mtime=0)
        if path == "/sitemap-index.xml":
            return (
                b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                b"<sitemap><loc>/sitemap.xml.gz</loc></sitemap></sitemapindex>"
            )
        return self.sitemap()

    def __enter__(self) -> FakeSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                site.requests.append(self.path)
                if self.path == "/robots.txt":
                    self._send(200, site.robots.encode(), "text/plain")
                elif self.path in SITEMAPS:
                    body = site.sitemap_file(self.path)
                    self._answer(Page(body, "application/xml", site.sitemap_mode), sitemap=True)
                elif self.path in site.pages:
                    self._answer(site.pages[self.path])
                else:
                    self._send(404, b"nicht gefunden", "text/plain")

            def _answer(self, page: Page, sitemap: bool = False) -> None:
                if page.mode == "slow":
                    time.sleep(site.slow_seconds)
                if page.mode != "ok" and page.mode != "slow":
                    self._send(int(page.mode), b"Fehler", "text/plain")
                    return
                if self._fresh(page):
                    if sitemap:
                        site.sitemap_hits += 1
                    else:
                        site.conditional_hits += 1
                    self._send(304, b"", None, page)
                    return
                self._send(200, page.body, page.content_type, page)

            def _fresh(self, page: Page) -> bool:
                match = self.headers.get("If-None-Match")
                if match is not None and page.etag:
                    return match == page.tag
                since = self.headers.get("If-Modified-Since")
                if since is None:
                    return False
                return parsedate_to_datetime(since).timestamp() >= page.modified

            def _send(
                self, status: int, body: bytes, kind: str | None, page: Page | None = None
            ) -> None:
                self.send_response(status)
                if kind:
                    self.send_header("Content-Type", kind)
                if page is not None:
                    if page.etag:
                        self.send_header("ETag", page.tag)
                    self.send_header("Last-Modified", formatdate(page.modified, usegmt=True))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                return  # a client that timed out closed the connection

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def url(self, path: str) -> str:
        """Absolute URL of a path on this site."""
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    @property
    def sitemap_url(self) -> str:
        """Where the sitemap is."""
        return self.url("/sitemap.xml")

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
