"""The operator's progress bar (files, pages/min, ETA); shown only on a terminal."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)


class BatchProgress:
    """A rich progress bar over the files of a batch; a no-op when disabled."""

    def __init__(self, total_files: int, enabled: bool):
        self._enabled = enabled
        self._pages = 0
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._task = None
        if enabled:
            self._progress = Progress(
                TextColumn("ingest"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} pages/min"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._task = self._progress.add_task("files", total=total_files, rate="-")

    def __enter__(self) -> BatchProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, pages: int) -> None:
        """One file finished with ``pages`` pages processed."""
        self._pages += pages
        if self._progress is None or self._task is None:
            return
        minutes = (time.monotonic() - self._started) / 60
        rate = f"{self._pages / minutes:.0f}" if minutes > 0 and self._pages else "-"
        self._progress.update(self._task, advance=1, rate=rate)
