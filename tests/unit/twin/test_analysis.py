"""Analyses: capacity search, station design, implied pressure, part loads, Russian length."""

from __future__ import annotations

import pytest

from pos2.errors import InfeasibleError
from pos2.scenario import load_scenario
from pos2.twin import ChainOptions, capacity, design_section, part_loads, russian_length_effect
from pos2.twin.analysis import _trial


def test_capacity_brackets_the_first_infeasible_throughput() -> None:
    scn = load_scenario("pos2")
    opts = ChainOptions(section="mongolia")
    c = capacity(scn, options=opts, tol_bcm_per_year=0.2)
    assert c.binding is not None
    assert c.binding.element.startswith("mongolia_cs")
    assert _trial(scn, c.throughput_bcm_per_year, opts).feasible
    assert not _trial(scn, c.throughput_bcm_per_year + 0.2, opts).feasible
    assert c.result is not None
    assert c.result.feasible


def test_capacity_grows_with_stations() -> None:
    scn = load_scenario("pos2")
    opts = ChainOptions(section="mongolia")
    c4 = capacity(
        scn.with_overrides({"route.downstream.station_count": 4}), options=opts, tol_bcm_per_year=0.5
    )
    c6 = capacity(
        scn.with_overrides({"route.downstream.station_count": 6}), options=opts, tol_bcm_per_year=0.5
    )
    assert c4.throughput_bcm_per_year < 50.0 < c6.throughput_bcm_per_year


def test_design_is_the_smallest_feasible_count() -> None:
    scn = load_scenario("pos2")
    d = design_section(scn, "downstream", 50.0)
    assert d.feasible
    assert d.stations == 5
    fewer = scn.with_overrides({"route.downstream.station_count": d.stations - 1})
    assert not _trial(fewer, 50.0, ChainOptions(section="mongolia")).feasible
    assert d.max_ratio <= scn.model.stations.max_ratio + 1e-9
    assert d.units_per_station == 3  # ~82 MW at the busiest station: 3 x 32 MW


def test_design_rejects_an_unknown_section() -> None:
    with pytest.raises(Exception, match="upstream"):
        design_section(load_scenario("pos2"), "middle")


def test_part_loads_monotone() -> None:
    t = part_loads(load_scenario("pos2"), (0.6, 0.8, 1.0))
    assert t["feasible"].all()
    assert t["total_power_mw"].is_monotonic_increasing
    assert t["fuel_share"].is_monotonic_increasing
    assert t["linepack_mcm"].is_monotonic_decreasing


def test_russian_length_effect_changes_power_not_the_count() -> None:
    t = russian_length_effect(load_scenario("pos2"), (2600.0, 2700.0))
    assert list(t["russia_length_km"]) == [2600.0, 2700.0]
    assert t["total_power_mw"].iloc[1] > t["total_power_mw"].iloc[0]
    assert t["linepack_mcm"].iloc[1] > t["linepack_mcm"].iloc[0]


def test_capacity_of_a_hopeless_line_is_an_error() -> None:
    scn = load_scenario("pos2", {"route.downstream.station_count": 1})
    with pytest.raises(InfeasibleError):
        capacity(scn, options=ChainOptions(section="mongolia"), lo_bcm_per_year=40.0, hi_bcm_per_year=60.0)
