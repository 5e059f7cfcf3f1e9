"""The sync run: list each source, fetch what changed, ingest it, remove what was missing twice.

A source that cannot be listed (folder gone, sitemap or repository unreachable) fails alone: its
documents stay, nothing counts as missing. An item is removed only when the source was listed
successfully without it in two consecutive runs (a page answering 404/410 counts as missing)."""

from __future__ import annotations

import fnmatch
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, suppress
from pathlib import Path

from assistant.config import Settings
from assistant.errors import LotseError
from assistant.store.index import Index
from assistant.store.sync import SyncItem, SyncSitemap, SyncState
from ingest.discovery import Candidate, discover
from ingest.fetch import (
    SourceFailure,
    WebFetcher,
    file_suffix,
    sitemap_urls,
    stored_path,
    write_atomic,
)
from ingest.pipeline import FileResult, Ingestor, content_hash
from ingest.renames import adopt_renames
from ingest.repos import checkout
from ingest.sources import Source
from ingest.syncreport import SourceReport, SyncReport

log = logging.getLogger(__name__)

REMOVE_AFTER = 2  # consecutive successful runs without the item
INDEXED = ("added", "updated", "unchanged")
MB = 1024 * 1024
WriterLock = Callable[[], AbstractContextManager[None]]


class Stopped(Exception):
    """The run was asked to stop (server shutdown) between two items."""


def _included(relative: str, patterns: tuple[str, ...]) -> bool:
    return not patterns or any(fnmatch.fnmatch(relative, p) for p in patterns)


def _not_empty(listed: Sequence[object], known: dict[str, SyncItem]) -> None:
    """An empty listing of a source that had items is a failure (an unmounted share, a CMS
    glitch), never a reason to count everything missing."""
    if not listed and known:
        raise SourceFailure("Quelle ist leer – nichts als fehlend gezählt, nichts gelöscht")


class Syncer:
    """Runs the sources against one index; the writer lock is held only while writing it."""

    def __init__(
        self,
        index: Index,
        settings: Settings,
        state: SyncState,
        lock: WriterLock,
        stop: threading.Event | None = None,
    ) -> None:
        self.index = index
        self.settings = settings
        self.state = state
        self.lock = lock
        self.stop = stop or threading.Event()
        self.folder = settings.sync_dir.absolute()
        self.ingestor = Ingestor(index, settings)
        self._private: dict[str, str] = {}
        self._renamed: dict[str, str] = {}  # new name → old name, adopted in this run
        self._home = self.folder  # the current source's folder: its pages or its checkout

    def run(self, sources: list[Source]) -> SyncReport:
        """Every source in order; one failing never stops the others."""
        started = time.monotonic()
        report = SyncReport()
        max_bytes = int(self.settings.max_file_mb * MB)
        timeout, delay = self.settings.sync_timeout, self.settings.sync_delay
        try:
            self._renamed = adopt_renames(self.state, sources)
            with WebFetcher(timeout, delay, max_bytes) as fetcher:
                for source in sources:
                    if self.stop.is_set():
                        break
                    report.sources.append(self.source(source, fetcher))
        finally:
            self.ingestor.sentences.close()
        report.seconds = time.monotonic() - started
        return report

    def source(self, source: Source, fetcher: WebFetcher) -> SourceReport:
        """One source: list, ingest, count missing, remove; its run recorded in the state."""
        report = SourceReport(source.name, source.kind, source.location)
        report.renamed_from = self._renamed.get(source.name)
        self._private = self.index.manifest.private_documents()
        try:
            self._home = self.folder / self.state.register(source.name, source.identity)
            present = self._list(source, fetcher, report)
            if source.kind == "url" and report.counts["failed"]:
                report.status = "failed"  # the one page could not be fetched
            else:
                self._missing(source, present, report)
        except SourceFailure as exc:
            report.status = "failed"
            report.error(str(exc))
        except Stopped:
            report.status = "failed"
            report.error("abgebrochen (Server wird beendet)")
        except (LotseError, OSError) as exc:
            report.status = "failed"
            report.error(f"{type(exc).__name__}: {exc}"[:300])
        except Exception as exc:  # a bug in one source never stops the others
            log.error("sync %s failed", source.name, exc_info=exc)
            report.status = "failed"
            report.error(f"interner Fehler ({type(exc).__name__})")
        if report.status == "ok" and report.counts["failed"]:
            report.status = "partial"
        if report.changed:
            try:
                with self.lock():
                    self.index.lexical()
            except LotseError as exc:  # the next request or run rebuilds it
                report.error(f"Lexikalischer Index nicht neu aufgebaut: {exc}"[:300])
        report.finished_at = time.time()
        self.state.save_run(source.name, report.as_dict(), success=report.status != "failed")
        log.info("sync %s: %s %s", source.name, report.status, report.counts)
        return report

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise Stopped

    def _list(self, source: Source, fetcher: WebFetcher, report: SourceReport) -> set[str]:
        """Ingest what the source has; the keys it has (relative paths or URLs)."""
        if source.path is not None:
            return self._files(source, Path(source.path), report)
        if source.git is not None:
            timeout = self.settings.sync_git_timeout
            checkout(source.git, source.is_local_git(), self._home, source.branch, timeout)
            return self._files(source, self._home, report)
        if source.url is not None:
            return self._pages(source, [source.url], fetcher, report)
        known = self.state.sitemaps(source.name)  # on 304 their listing counts as read again
        read: dict[str, SyncSitemap] = {}
        pages, notes = sitemap_urls(fetcher, str(source.sitemap), known, read)
        self.state.save_sitemaps(source.name, read)
        for note in notes:
            report.error(note)
        return self._pages(source, pages, fetcher, report)

    def _ingest(self, candidate: Candidate, source: Source, url: str | None) -> FileResult:
        key = str(candidate.path.absolute())
        if url:
            self.ingestor.source_urls[key] = url
        with self.lock():
            result = self.ingestor.ingest_file(candidate, str(source.type) if source.type else None)
            if result.doc_id and result.status in INDEXED:
                wanted = source.organisation
                if self._private.get(result.doc_id) != wanted:
                    self.index.manifest.set_organisation(result.doc_id, wanted)
        return result

    @staticmethod
    def _count(result: FileResult, key: str, report: SourceReport) -> None:
        report.add(result.status)
        if result.status == "failed":
            report.error(f"{key}: {result.reason}")

    def _files(self, source: Source, root: Path, report: SourceReport) -> set[str]:
        try:
            os.listdir(root)  # unreadable or missing: the source fails, nothing is missing
        except OSError as exc:
            raise SourceFailure(f"Ordner nicht lesbar: {root} ({type(exc).__name__})") from None
        known = self.state.items(source.name)
        listed = []
        for candidate in discover(root):
            relative = candidate.path.relative_to(root).as_posix()
            if _included(relative, source.include):
                listed.append((candidate, relative))
        _not_empty(listed, known)
        present: set[str] = set()
        for candidate, relative in listed:
            self._check_stop()
            present.add(relative)
            self._count(self._ingest(candidate, source, None), relative, report)
            path = str(candidate.path.absolute())
            if relative not in known or known[relative].path != path:
                self.state.save_item(source.name, SyncItem(relative, path))
        self.state.seen(source.name, present & known.keys())
        return present

    def _pages(
        self, source: Source, urls: list[str], fetcher: WebFetcher, report: SourceReport
    ) -> set[str]:
        known = self.state.items(source.name)
        _not_empty(urls, known)
        present: set[str] = set()
        for url in urls:
            self._check_stop()
            if self._page(source, url, known.get(url), fetcher, report):
                present.add(url)
        self.state.seen(source.name, present & known.keys())
        return present

    def _page(
        self,
        source: Source,
        url: str,
        item: SyncItem | None,
        fetcher: WebFetcher,
        report: SourceReport,
    ) -> bool:
        """Fetch one page (conditionally) and ingest it; False when the server says it is gone."""
        have = item is not None and Path(item.path).is_file()
        etag = item.etag if item and have else None
        fetched = fetcher.get(url, etag, item.last_modified if item and have else None)
        if fetched.outcome == "gone":
            if item is None:
                report.add("skipped")
                report.error(f"{url}: {fetched.reason}")
            return False
        if fetched.outcome in ("failed", "refused"):
            report.add("failed" if fetched.outcome == "failed" else "skipped")
            report.error(f"{url}: {fetched.reason}")
            return True
        if fetched.outcome == "not_modified" and item is not None:
            path, digest = Path(item.path), item.content_hash
        else:
            suffix = file_suffix(fetched.url, fetched.content_type)
            if suffix is None:
                report.add("skipped")
                kind = fetched.content_type or "ohne Content-Type"
                report.error(f"{url}: Dateityp nicht unterstützt ({kind})")
                return True
            path = stored_path(self._home, url, suffix)
            digest = content_hash(fetched.content)
            if not (path.is_file() and item and item.content_hash == digest):
                write_atomic(path, fetched.content)
            if item is not None and item.path != str(path):
                self._forget_file(source, item.path)
        self._count(self._ingest(Candidate(path, None), source, url), url, report)
        validators = (fetched.etag, fetched.last_modified)
        self.state.save_item(source.name, SyncItem(url, str(path), *validators, digest))
        return True

    def _missing(self, source: Source, present: set[str], report: SourceReport) -> None:
        known = self.state.items(source.name)
        gone = sorted(k for k in known if k not in present)
        if not gone:
            return
        counts = self.state.count_missing(source.name, gone)
        for key in gone:
            if counts.get(key, 0) >= REMOVE_AFTER:
                self._forget_file(source, known[key].path)
                self.state.delete_item(source.name, key)
                report.add("removed")
                report.removed_items.append(key)
            else:
                report.add("missing")

    def _forget_file(self, source: Source, path: str) -> None:
        """Remove the document ingested from path (and the file, if sync fetched it)."""
        with self.lock():
            doc = self.index.manifest.find_by_path(path)
            if doc is not None:
                self.index.remove_document(doc.doc_id)
        stored = Path(path)
        if source.kind in ("url", "sitemap") and stored.is_relative_to(self.folder):
            stored.unlink(missing_ok=True)
            with suppress(OSError):  # the URL's folder, when empty
                stored.parent.rmdir()
