"""Part load: stations whose suction pressure is at or above their set point are bypassed."""

from __future__ import annotations

import itertools

import pytest

import pos2.twin.chain as chain_mod
from pos2.errors import ConvergenceError
from pos2.scenario import load_scenario
from pos2.twin import TwinResult, run_twin

LOADS_BCM = (5.0, 10.0, 20.0, 50.0)


@pytest.fixture(scope="module")
def runs() -> dict[float, TwinResult]:
    scn = load_scenario("pos2")
    return {q: run_twin(scn, q) for q in LOADS_BCM}


def test_part_loads_solve_and_stations_are_bypassed_at_5(runs: dict[float, TwinResult]) -> None:
    low = runs[5.0].summary.stations
    off = [s for s in low if not s.running]
    assert off, "at 5 bcm/yr some stations should be bypassed"
    assert any(s.running for s in low)
    for s in off:
        assert s.power_mw == 0.0
        assert s.fuel_kg_per_s == 0.0
        assert s.discharge_pressure_mpa == pytest.approx(s.suction_pressure_mpa, rel=1e-9)


def test_bypass_rule_holds_at_every_load(runs: dict[float, TwinResult]) -> None:
    scn = load_scenario("pos2")
    set_point_mpa = {
        scn.model.route.upstream.name: scn.model.route.upstream.max_pressure_mpa,
        scn.model.route.downstream.name: scn.model.route.downstream.max_pressure_mpa,
    }
    for q, r in runs.items():
        for s in r.summary.stations:
            sp = set_point_mpa[s.section]
            if s.running:  # compresses to the set point from below it
                assert s.suction_pressure_mpa < sp, (q, s.name)
                assert s.discharge_pressure_mpa == pytest.approx(sp, rel=1e-6), (q, s.name)
                assert s.power_mw > 0.0, (q, s.name)
            else:  # the gas arrives above the set point and passes straight through
                assert s.suction_pressure_mpa >= sp * (1 - 1e-9), (q, s.name)
        table = r.stations.set_index("name")
        for s in r.summary.stations:
            assert bool(table.loc[s.name, "running"]) is s.running
            if not s.running:
                assert table.loc[s.name, "ratio"] == pytest.approx(1.0, abs=1e-12)


def test_power_and_fuel_fall_with_throughput(runs: dict[float, TwinResult]) -> None:
    qs = sorted(runs)
    power = [runs[q].summary.total_power_mw for q in qs]
    fuel = [runs[q].summary.fuel_bcm_per_year for q in qs]
    assert all(a < b for a, b in itertools.pairwise(power)), power
    assert all(a < b for a, b in itertools.pairwise(fuel)), fuel
    for q in qs:
        s = runs[q].summary
        assert s.total_power_mw == pytest.approx(sum(st.power_mw for st in s.stations), rel=1e-12)


def test_design_load_runs_every_station_in_one_solve(runs: dict[float, TwinResult]) -> None:
    r = runs[50.0]
    assert all(s.running for s in r.summary.stations)
    assert r.solver["bypass_rounds"] == 1
    # the golden values of tests/regression/test_twin_golden.py (same tolerances)
    assert r.summary.total_power_mw == pytest.approx(1185.0, rel=0.01)
    assert r.summary.fuel_share == pytest.approx(0.0582, rel=0.03)
    assert r.summary.linepack_mcm == pytest.approx(689.2, rel=0.01)


def test_json_keeps_the_contract_keys_and_adds_running(runs: dict[float, TwinResult]) -> None:
    d = runs[5.0].summary.to_json()
    for st in d["stations"]:
        assert set(st) >= {
            "name",
            "section",
            "chainage_km",
            "suction_pressure_mpa",
            "discharge_pressure_mpa",
            "power_mw",
            "running",
        }


def test_bypass_search_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # at 5 bcm/yr the running set settles in the second solve; one solve allowed must raise
    monkeypatch.setattr(chain_mod, "MAX_BYPASS_ROUNDS", 1)
    with pytest.raises(ConvergenceError, match="running compressor stations does not settle") as ei:
        run_twin(load_scenario("pos2"), 5.0)
    assert ei.value.iterations == 1


def test_pressure_above_maop_downhill_of_bypassed_stations_is_flagged(runs: dict[float, TwinResult]) -> None:
    low = runs[5.0]
    above = [w for w in low.warnings if "above the maximum operating pressure" in w]
    assert above, "at 5 bcm/yr the gas runs downhill through bypassed stations above MAOP"
    assert float(low.profile["p_mpa"].max()) > 11.9
    design = runs[50.0]
    assert not [w for w in design.warnings if "maximum operating pressure" in w]
