"""The twin's standard analyses, with the one set of parameters ``pos2 twin --out`` and ``pos2 report`` share.

Each analysis takes the scenario and returns its raw result; :data:`ANALYSES` lists them in the
order a report queues them (the executive summary's answers first, the capacity curves last).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from pos2.scenario import Scenario
from pos2.twin.analysis import (
    CapacityResult,
    ImpliedPressure,
    capacity,
    capacity_curve_pressure,
    capacity_curve_stations,
    design_stations,
    implied_pressure,
    part_loads,
    russian_length_effect,
)

CURVE_SECTION = "downstream"
"""The section whose capacity curves are drawn (the Mongolian Soyuz Vostok section for PoS2)."""

CAPACITY_TOL_BCM_PER_YEAR = 0.25
"""Bisection tolerance of the line's capacity [bcm/yr]."""

PRESSURE_FACTORS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.2)
"""MAOPs of the pressure curve, as multiples of the section's own MAOP [-]."""


def curve_station_counts(scn: Scenario) -> tuple[int, ...]:
    """Station counts of the capacity curve: the section's own count from -2 to +3 [-]."""
    n = scn.model.route.downstream.station_count
    return tuple(range(max(1, n - 2), n + 4))


def curve_pressures_mpa(scn: Scenario) -> tuple[float, ...]:
    """MAOPs of the capacity curve [MPa]."""
    p = scn.model.route.downstream.max_pressure_mpa
    return tuple(round(p * f, 2) for f in PRESSURE_FACTORS)


def line_capacity(scn: Scenario) -> CapacityResult:
    """The whole line's capacity at the scenario's stations."""
    return capacity(scn, tol_bcm_per_year=CAPACITY_TOL_BCM_PER_YEAR)


def section_implied_pressure(scn: Scenario) -> ImpliedPressure:
    """The MAOP the downstream section's stations imply at the throughput."""
    return implied_pressure(scn, CURVE_SECTION)


def by_stations(scn: Scenario) -> pd.DataFrame:
    """Capacity of the downstream section against its station count."""
    return capacity_curve_stations(scn, CURVE_SECTION, curve_station_counts(scn))


def by_pressure(scn: Scenario) -> pd.DataFrame:
    """Capacity of the downstream section against its MAOP."""
    return capacity_curve_pressure(scn, CURVE_SECTION, curve_pressures_mpa(scn))


ANALYSES: dict[str, Callable[[Scenario], Any]] = {
    "design": design_stations,
    "implied": section_implied_pressure,
    "capacity": line_capacity,
    "part_loads": part_loads,
    "length_effect": russian_length_effect,
    "by_pressure": by_pressure,
    "by_stations": by_stations,
}
"""Name -> analysis, in the order they are queued."""
