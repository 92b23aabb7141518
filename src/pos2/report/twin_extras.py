"""The twin's slower analyses for the report: station design, implied pressure, capacity, part loads.

They answer "can the line carry 50 bcm/yr, with how many stations and MW?" beyond the single
operating point. Each runs as its own task in a small pool of spawned worker processes, in parallel with the
economics and the deal, under a time budget: what is not done in time is reported as
such, never estimated.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pos2.errors import Pos2Error
from pos2.report import transient_section
from pos2.scenario import Scenario
from pos2.twin import standard


def _implied(scn: Scenario) -> Any:
    r = standard.section_implied_pressure(scn)
    return {
        "section": r.section,
        "stations": r.stations,
        "throughput_bcm_per_year": r.throughput_bcm_per_year,
        "max_pressure_mpa": r.max_pressure_mpa,
        "flat_terrain_max_pressure_mpa": r.flat_terrain_max_pressure_mpa,
        "wall_thickness_mm": r.wall_thickness_mm,
    }


def _capacity(scn: Scenario) -> Any:
    r = standard.line_capacity(scn)
    return {"capacity_bcm_per_year": r.throughput_bcm_per_year, "binding": r.binding_text()}


BUDGET_NOTE = "not computed within the report's time budget (pos2 report --budget SECONDS; 0: no limit)"
"""Why a task has no result when the report's time budget ran out."""

TASKS: dict[str, Callable[[Scenario], Any]] = {
    **standard.ANALYSES,
    "implied": _implied,
    "capacity": _capacity,
    "transient": transient_section.compute,  # last: it never displaces the analyses above
}
"""The twin's standard analyses (:data:`pos2.twin.standard.ANALYSES`, the same parameters as
``pos2 twin --out``), with the two whose results are objects turned into plain dicts for the worker
processes."""


def run_task(name: str, scn: Scenario) -> tuple[str, Any, str | None, float]:
    """Run one analysis: (name, result or None, error message or None, seconds)."""
    t0 = time.perf_counter()
    try:
        return name, TASKS[name](scn), None, time.perf_counter() - t0
    except Pos2Error as e:
        return name, None, f"{type(e).__name__}: {e}", time.perf_counter() - t0


@dataclass
class TwinExtras:
    """Results of the twin analyses that finished (by task name) and the problems met."""

    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        """Result of a task or ``None``."""
        return self.results.get(name)

    def table(self, name: str) -> pd.DataFrame | None:
        """A task's table or ``None``."""
        r = self.results.get(name)
        return r if isinstance(r, pd.DataFrame) else None

    def why_missing(self, name: str) -> str:
        """Why a task has no result."""
        return self.errors.get(name, "not computed")


class ExtrasJob:
    """The analyses running in spawned workers; :meth:`collect` waits up to a deadline."""

    def __init__(self, scn: Scenario, workers: int = 2) -> None:
        self._pool: Any = None
        self._pending: dict[str, Any] = {}
        self._scn = scn
        try:
            self._pool = multiprocessing.get_context("spawn").Pool(workers)
            self._pending = {n: self._pool.apply_async(run_task, (n, scn)) for n in TASKS}
        except OSError:  # no subprocesses here: run them in-process at collect()
            self._pool = None

    def collect(self, deadline: float) -> TwinExtras:
        """Results finished by ``deadline`` (a :func:`time.perf_counter` value) [s]."""
        out = TwinExtras()
        try:
            for name in TASKS:
                if self._pool is None:
                    if time.perf_counter() > deadline:
                        out.errors[name] = BUDGET_NOTE
                        continue
                    res = run_task(name, self._scn)
                else:
                    try:
                        left = deadline - time.perf_counter()
                        # no budget (an infinite deadline): wait as long as the task takes
                        res = self._pending[name].get(timeout=None if math.isinf(left) else max(0.01, left))
                    except multiprocessing.TimeoutError:
                        out.errors[name] = BUDGET_NOTE
                        continue
                _, value, err, secs = res
                out.seconds[name] = secs
                if err is None:
                    out.results[name] = value
                else:
                    out.errors[name] = err
        finally:
            self.close()
        return out

    def close(self) -> None:
        """Stop the worker (unfinished tasks are abandoned)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
