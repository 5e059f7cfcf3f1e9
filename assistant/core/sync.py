"""Sync from sources behind the facade: one run at a time, each source's last run, the schedule."""

from __future__ import annotations

import fcntl
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.core.library import require
from assistant.core.principal import Principal, local
from assistant.domain import Scope
from assistant.errors import Busy, ConfigError, LotseError, SourcesUnusable
from assistant.services import Services
from assistant.store.sync import SyncState
from ingest.sources import Source, load_sources
from ingest.sync import Syncer
from ingest.syncreport import COUNTS, SyncReport

log = logging.getLogger("assistant.sync")


def check_sources(path: Path) -> list[str]:
    """The source names of a sources file (ConfigError names the file and the field)."""
    return [source.name for source in load_sources(path)]


def _never_run(source: Source) -> dict[str, Any]:
    return {
        "name": source.name,
        "kind": source.kind,
        "location": source.location,
        "status": "never",
        "started_at": None,
        "finished_at": None,
        "seconds": 0.0,
        **dict.fromkeys(COUNTS, 0),
        "errors": [],
        "removed_items": [],
        "renamed_from": None,
        "last_success": None,
    }


class SyncDesk:
    """`lotse sync`, `lotse sources`, GET /v1/sources and the schedule of `lotse serve`."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._state: SyncState | None = None
        self._open = threading.Lock()
        self._running = threading.Lock()
        self._started: SyncScheduler | None = None  # a run started through the API

    @property
    def state(self) -> SyncState:
        """The sync state (opened on first use)."""
        with self._open:
            if self._state is None:
                self._state = SyncState(self.services.settings.sync_state_path)
            return self._state

    def config_path(self, config: Path | None = None) -> Path:
        """The sources file: the one given, else LOTSE_SYNC_CONFIG."""
        return config or self.services.settings.sync_config

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One run at a time, in this process and across processes on this data dir."""
        if not self._running.acquire(blocking=False):
            raise Busy("Synchronisation läuft bereits")
        try:
            data_dir = self.services.settings.data_dir
            data_dir.mkdir(parents=True, exist_ok=True)
            with (data_dir / "sync.lock").open("a") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise Busy("Synchronisation läuft bereits (anderer Prozess)") from None
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            self._running.release()

    def run(
        self,
        principal: Principal,
        config: Path | None = None,
        stop: threading.Event | None = None,
    ) -> SyncReport:
        """Sync every source of the sources file (ConfigError for a bad file, Busy if running)."""
        require(principal, Scope.ADMIN, "Synchronisieren")
        sources = load_sources(self.config_path(config))
        with self._exclusive():
            services = self.services
            syncer = Syncer(
                services.index, services.settings, self.state, services.writer_lock, stop
            )
            return syncer.run(sources)

    def start(self, principal: Principal) -> str:
        """Start a run in the background; the sources file it reads (Busy if one is running,
        SourcesUnusable for a missing or bad file)."""
        require(principal, Scope.ADMIN, "Synchronisieren")
        path = self.config_path()
        try:
            load_sources(path)  # a bad file fails here, not unseen in the thread
        except ConfigError as exc:
            raise SourcesUnusable(str(exc)) from None
        if self._running.locked():
            raise Busy("Synchronisation läuft bereits")
        self._started = SyncScheduler(self, 0)
        threading.Thread(target=self._started.run_once, name="sync", daemon=True).start()
        return str(path)

    def sources(self, principal: Principal, config: Path | None = None) -> dict[str, Any]:
        """Each source with its last run; configured sources that never ran; the file's error."""
        require(principal, Scope.ADMIN, "Quellenübersicht")
        path = self.config_path(config)
        runs = self.state.runs()
        recorded = self.state.recorded()
        problem = None
        try:
            configured = load_sources(path)
        except ConfigError as exc:
            configured, problem = [], str(exc)
        listed: list[dict[str, Any]] = []
        for source in configured:
            entry = runs.pop(source.name, None) or _never_run(source)
            listed.append({**entry, "configured": True})
        listed.extend({**entry, "configured": False} for entry in runs.values())
        for entry in listed:
            entry["items"] = self.state.item_count(entry["name"])
            known = recorded.get(entry["name"])  # the last rename, not only this run's
            entry["renamed_from"] = known.renamed_from if known else None
        return {"config": str(path), "config_error": problem, "sources": listed}

    def schedule(self) -> SyncScheduler | None:
        """Start syncing every LOTSE_SYNC_INTERVAL seconds (None when it is 0)."""
        interval = self.services.settings.sync_interval
        if not interval:
            return None
        return SyncScheduler(self, interval).start()

    def close(self) -> None:
        """Stop a run started through the API after its current item; close the state."""
        if self._started is not None:
            self._started.stopping.set()
        if self._running.acquire(timeout=30):  # let a run record where it stopped
            self._running.release()
        with self._open:
            if self._state is not None:
                self._state.close()
                self._state = None


class SyncScheduler:
    """A background thread: a run at start, then one every interval after the last ended."""

    def __init__(self, desk: SyncDesk, interval: float) -> None:
        self.desk = desk
        self.interval = interval
        self.stopping = threading.Event()
        self.runs = 0
        self._thread = threading.Thread(target=self._loop, name="sync", daemon=True)

    def start(self) -> SyncScheduler:
        """Start the thread."""
        log.info("Synchronisation alle %g s", self.interval)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self.stopping.is_set():
            self.run_once()
            if self.stopping.wait(self.interval):
                break

    def run_once(self) -> None:
        """One run; every error is logged, never raised."""
        try:
            report = self.desk.run(local("sync"), stop=self.stopping)
        except Busy as exc:
            log.info("sync übersprungen: %s", exc)
            return
        except LotseError as exc:
            log.error("sync fehlgeschlagen: %s", exc)
            return
        except Exception as exc:
            log.error("sync fehlgeschlagen: %s", type(exc).__name__, exc_info=exc)
            return
        finally:
            self.runs += 1
        failed = [s.name for s in report.failed]
        log.info(
            "sync: %d Quellen in %.1f s%s",
            len(report.sources),
            report.seconds,
            f", mit Fehlern: {', '.join(failed)}" if failed else "",
        )

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the run to stop after its current item and wait for the thread."""
        self.stopping.set()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """True while the thread runs."""
        return self._thread.is_alive()
