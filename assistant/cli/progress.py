"""Ingest progress on the terminal: a bar with rate and ETA, or quiet lines in CI."""

from __future__ import annotations

import sys
import time
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class IngestProgress:
    """Callback for Ingestor: rich bar on a TTY, a line every 10 % otherwise."""

    def __init__(self, quiet: bool = False) -> None:
        self.tty = sys.stderr.isatty() and not quiet
        self.quiet = quiet
        self.bar: Progress | None = None
        self.task: Any = None
        self.total = 0
        self.started = time.monotonic()
        self.next_report = 0.1
        self.embedded = 0

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        if event == "start":
            self._start(int(data["files"]))
        elif event == "file":
            self._file(int(data["n"]), data["result"])
        elif event == "done" and self.bar is not None:
            self.bar.stop()

    def _start(self, total: int) -> None:
        self.total, self.started = total, time.monotonic()
        if self.tty and total:
            self.bar = Progress(
                TextColumn("[bold]Ingest"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.fields[name]}"),
                transient=True,
            )
            self.task = self.bar.add_task("ingest", total=total, rate="", name="")
            self.bar.start()

    def _file(self, number: int, result: Any) -> None:
        self.embedded += result.embedded
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = f"{self.embedded / elapsed:.1f} Chunks/s eingebettet"
        if self.bar is not None:
            name = result.path.rsplit("/", 1)[-1][:40]
            self.bar.update(self.task, completed=number, rate=rate, name=name)
        elif not self.quiet and self.total and number / self.total >= self.next_report:
            eta = elapsed / number * (self.total - number)
            print(
                f"ingest: {number}/{self.total} Dateien, {rate}, noch ~{eta:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            while self.next_report <= number / self.total:
                self.next_report += 0.1
