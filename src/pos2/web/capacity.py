"""The line's capacity for the dashboard's throughput slider (issue 15, item 4).

The slider's range follows what the line can carry: its top is the capacity of the stations as
built (:func:`pos2.twin.standard.line_capacity`), computed once per scenario (none of the other
levers is a twin input, so no lever moves it). Past it the page asks the user to say so, and flags
every result as infeasible.
"""

from __future__ import annotations

import threading
from typing import Any

from pos2.errors import Pos2Error
from pos2.scenario import load_scenario
from pos2.twin import standard


class CapacityCache:
    """Line capacity per embedded scenario name, computed on first use (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: dict[str, dict[str, Any]] = {}
        self._locks: dict[str, threading.Lock] = {}

    def get(self, scenario: str) -> dict[str, Any]:
        """``capacity_bcm_per_year`` and ``binding`` (what limits it), or ``error`` when unknown."""
        with self._lock:
            if scenario in self._done:
                return self._done[scenario]
            lock = self._locks.setdefault(scenario, threading.Lock())
        with lock:  # one computation per scenario, however many pages ask at once
            with self._lock:
                if scenario in self._done:
                    return self._done[scenario]
            try:
                r = standard.line_capacity(load_scenario(scenario))
                answer: dict[str, Any] = {
                    "scenario": scenario,
                    "capacity_bcm_per_year": float(r.throughput_bcm_per_year),
                    "binding": r.binding_text(),
                    "error": None,
                }
            except Pos2Error as e:
                answer = {
                    "scenario": scenario,
                    "capacity_bcm_per_year": None,
                    "binding": None,
                    "error": f"{type(e).__name__}: {e}",
                }
            with self._lock:
                self._done[scenario] = answer
            return answer
