"""Progress of a sweep on the terminal: points done, rate [points/s], ETA and failures (rich)."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text


class Progress(Protocol):
    """A context manager that is told how many points finished."""

    def __enter__(self) -> Progress: ...

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def advance(self, points: int, failures: int) -> None:
        """``points`` more points finished; ``failures`` failed so far."""
        ...


class _RateColumn(ProgressColumn):
    """Points per second since the start."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- pts/s" if speed is None else f"{speed:,.0f} pts/s")


class _RichProgress:
    def __init__(self, total: int, description: str) -> None:
        self._p = RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TextColumn("failures {task.fields[failures]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            speed_estimate_period=30.0,
        )
        self._task = self._p.add_task(description, total=total, failures=0)

    def __enter__(self) -> _RichProgress:
        self._p.__enter__()
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._p.__exit__(et, e, tb)

    def advance(self, points: int, failures: int) -> None:
        self._p.update(self._task, advance=points, failures=failures)


class _NoProgress:
    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def advance(self, points: int, failures: int) -> None:
        return None


def make_progress(show: bool, *, total: int, description: str) -> Progress:
    """A rich progress bar on stderr, or a silent stand-in.

    Parameters
    ----------
    show
        Whether to draw the bar.
    total
        Points to evaluate in this run [-].
    description
        Label shown left of the bar.
    """
    return _RichProgress(total, description) if show else _NoProgress()
