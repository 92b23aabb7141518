"""The report's twin analyses wait as long as they take when there is no budget (``--budget 0``)."""

from __future__ import annotations

import math
import time
from typing import Any

from pos2.report.twin_extras import TASKS, ExtrasJob


class _Result:
    def __init__(self, name: str, seen: list[Any]) -> None:
        self.name, self.seen = name, seen

    def get(self, timeout: float | None = None) -> tuple[str, str, None, float]:
        self.seen.append(timeout)
        return (self.name, f"value of {self.name}", None, 0.0)


def _job(seen: list[Any]) -> ExtrasJob:
    job = ExtrasJob.__new__(ExtrasJob)
    job._pool = object()  # type: ignore[assignment]
    job._pending = {n: _Result(n, seen) for n in TASKS}  # type: ignore[assignment,misc]
    job.close = lambda: None  # type: ignore[method-assign]
    return job


def test_no_budget_waits_without_a_timeout() -> None:
    seen: list[Any] = []
    out = _job(seen).collect(math.inf)
    assert seen == [None] * len(TASKS)
    assert set(out.results) == set(TASKS)


def test_a_budget_gives_each_task_what_is_left() -> None:
    seen: list[Any] = []
    _job(seen).collect(time.perf_counter() + 60.0)
    assert all(isinstance(t, float) and 0.0 < t <= 60.0 for t in seen)
