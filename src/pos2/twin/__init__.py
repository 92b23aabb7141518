"""The Power of Siberia 2 / 1 twins: route, network, profiles, capacity, calibration.

>>> from pos2.scenario import load_scenario
>>> from pos2.twin import run_twin
>>> result = run_twin(load_scenario("pos2"))            # doctest: +SKIP
>>> result.summary.to_json()["total_power_mw"]           # doctest: +SKIP
"""

from pos2.twin.analysis import (
    CapacityResult,
    ImpliedPressure,
    SectionDesign,
    capacity,
    capacity_curve_pressure,
    capacity_curve_stations,
    design_section,
    design_stations,
    implied_pressure,
    part_loads,
    profile,
    run_twin,
    russian_length_effect,
)
from pos2.twin.calibration import CalibrationResult, calibrate_pos1
from pos2.twin.network import ChainOptions
from pos2.twin.results import TwinResult, Violation
from pos2.twin.route import RouteGeometry, build_route, haversine_m
from pos2.twin.summary import SectionSummary, StationSummary, TwinSummary

__all__ = [
    "CalibrationResult",
    "CapacityResult",
    "ChainOptions",
    "ImpliedPressure",
    "RouteGeometry",
    "SectionDesign",
    "SectionSummary",
    "StationSummary",
    "TwinResult",
    "TwinSummary",
    "Violation",
    "build_route",
    "calibrate_pos1",
    "capacity",
    "capacity_curve_pressure",
    "capacity_curve_stations",
    "design_section",
    "design_stations",
    "haversine_m",
    "implied_pressure",
    "part_loads",
    "profile",
    "run_twin",
    "russian_length_effect",
]
