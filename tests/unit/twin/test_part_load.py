"""Part load: stations whose suction pressure is at or above their set point are bypassed, and
stations throttle where the gas would otherwise rise above the MAOP downhill."""

from __future__ import annotations

import itertools

import pytest

import pos2.twin.dispatch as dispatch_mod
from pos2.errors import ConvergenceError
from pos2.scenario import load_scenario
from pos2.twin import TwinResult, run_twin

LOADS_BCM = (5.0, 10.0, 20.0, 50.0)


def _maop_mpa() -> dict[str, float]:
    """Section name -> its maximum operating pressure in the default scenario [MPa abs]."""
    route = load_scenario("pos2").model.route
    return {
        route.upstream.name: route.upstream.max_pressure_mpa,
        route.downstream.name: route.downstream.max_pressure_mpa,
    }


@pytest.fixture(scope="module")
def runs() -> dict[float, TwinResult]:
    scn = load_scenario("pos2")
    return {q: run_twin(scn, q) for q in LOADS_BCM}


def test_part_loads_solve_and_stations_are_bypassed_at_5(runs: dict[float, TwinResult]) -> None:
    low = runs[5.0].summary.stations
    off = [s for s in low if not s.running]
    assert off, "at 5 bcm/yr some stations should be bypassed or throttle"
    assert any(s.running for s in low)
    for s in off:
        assert s.mode in ("bypassed", "throttling")
        assert s.power_mw == 0.0
        assert s.fuel_kg_per_s == 0.0
        if s.mode == "bypassed":
            assert s.discharge_pressure_mpa == pytest.approx(s.suction_pressure_mpa, rel=1e-9)
        else:  # a regulator: the outlet held below the inlet
            assert s.discharge_pressure_mpa < s.suction_pressure_mpa


def test_bypass_rule_holds_at_every_load(runs: dict[float, TwinResult]) -> None:
    set_point_mpa = _maop_mpa()
    for q, r in runs.items():
        for s in r.summary.stations:
            maop = set_point_mpa[s.section]
            if s.running:  # compresses to its set point (the MAOP, or lower where it throttles) from below
                assert s.suction_pressure_mpa < s.discharge_pressure_mpa <= maop * (1 + 1e-9), (q, s.name)
                assert s.power_mw > 0.0, (q, s.name)
            elif s.mode == "bypassed":  # the gas arrives above the set point and passes straight through
                assert s.suction_pressure_mpa >= maop * (1 - 1e-9), (q, s.name)
            else:  # throttling: outlet held at a lowered set point
                assert s.discharge_pressure_mpa < min(s.suction_pressure_mpa, maop), (q, s.name)
        table = r.stations.set_index("name")
        for s in r.summary.stations:
            assert bool(table.loc[s.name, "running"]) is s.running
            assert table.loc[s.name, "mode"] == s.mode
            if s.mode == "bypassed":
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
    monkeypatch.setattr(dispatch_mod, "MAX_BYPASS_ROUNDS", 1)
    with pytest.raises(ConvergenceError, match="throttling compressor stations does not settle") as ei:
        run_twin(load_scenario("pos2"), 5.0)
    assert ei.value.iterations == 1


def test_stations_throttle_so_that_no_pressure_exceeds_the_maop(runs: dict[float, TwinResult]) -> None:
    # at 5 bcm/yr the gas gains pressure running downhill (Khamar-Daban, the Mongolian descent to the
    # Chinese border); without throttling it reached 12.37 MPa against an 11.9 MPa MAOP
    maop = _maop_mpa()
    for q, r in runs.items():
        for sec, p in r.profile.groupby("section")["p_mpa"]:
            assert float(p.max()) <= maop[str(sec)] * (1 + 1e-6), (q, sec)
        assert not [w for w in r.warnings if "pressure rises to" in w], q
    low = runs[5.0]
    throttling = [s for s in low.summary.stations if s.mode == "throttling"]
    assert throttling
    assert any("throttling at" in w for w in low.warnings)
    # throttled no more than needed: the span each throttling station feeds still reaches the MAOP
    prof = low.profile
    xs = [s.chainage_km for s in low.summary.stations]
    for s in throttling:
        k = xs.index(s.chainage_km)
        hi = xs[k + 1] if k + 1 < len(xs) else float("inf")
        span = prof[(prof["chainage_km"] >= s.chainage_km) & (prof["chainage_km"] <= hi)]
        assert float(span["p_mpa"].max()) == pytest.approx(maop[s.section], rel=1e-3), s.name
    design = runs[50.0]
    assert not [s for s in design.summary.stations if s.mode != "running"]
    assert not [w for w in design.warnings if "throttling" in w]


@pytest.mark.parametrize("head_c", [-20.0, 60.0])
def test_gas_entering_far_from_ground_temperature_still_solves(head_c: float) -> None:
    # once reported as "the line cannot carry 50 bcm/yr" (a thermal-iteration failure, not physics):
    # the head station's after-cooler sets 15 degC, so everything downstream matches the default run
    base = run_twin(load_scenario("pos2"))
    r = run_twin(load_scenario("pos2", [f"pipeline.head_temperature_c={head_c}"]))
    # hot gas costs the head station more power (above its installed MW at 60 degC): a real limit,
    # reported as such; nothing else changes
    assert {v.element for v in r.violations} <= {"russia_cs1"}
    assert r.summary.delivery_pressure_mpa == pytest.approx(base.summary.delivery_pressure_mpa, rel=1e-6)
    head = r.summary.stations[0]
    assert head.power_mw != pytest.approx(base.summary.stations[0].power_mw, rel=1e-3)


@pytest.fixture(scope="module")
def min_power() -> dict[float, TwinResult]:
    scn = load_scenario("pos2", ["stations.dispatch=min_power"])
    return {q: run_twin(scn, q) for q in (5.0, 20.0, 50.0)}


def test_min_power_dispatch_runs_a_head_prefix_and_delivers_at_the_minimum(
    min_power: dict[float, TwinResult], runs: dict[float, TwinResult]
) -> None:
    scn = load_scenario("pos2")
    p_min = scn.model.pipeline.min_delivery_pressure_mpa
    for q, r in min_power.items():
        s = r.summary
        assert r.feasible, (q, r.violations)
        k = r.solver["running_stations"]
        # the running stations are the first k from the head; none after them compresses
        assert [st.mode == "running" for st in s.stations] == [i < k for i in range(len(s.stations))], q
        # less power than holding every station at the MAOP, for the same delivered gas
        assert s.total_power_mw <= runs[q].summary.total_power_mw * (1 + 1e-9), q
        assert s.max_pressure_mpa <= 11.9 * (1 + 1e-6), q
        if k:  # the last running station is trimmed until the gas arrives at the minimum
            assert p_min <= s.delivery_pressure_mpa <= p_min * (1 + dispatch_mod.MIN_POWER_REL) + 1e-6, q
        else:  # the feeder alone delivers above the minimum
            assert s.delivery_pressure_mpa >= p_min
            assert s.total_power_mw == 0.0
    assert min_power[5.0].solver["running_stations"] == 0
    # 20 bcm/yr: fewer stations, markedly less power than the MAOP dispatch (79.6 MW)
    assert min_power[20.0].summary.total_power_mw < 0.85 * runs[20.0].summary.total_power_mw
    assert min_power[50.0].solver["running_stations"] == 18


def test_min_power_with_one_station_fewer_cannot_deliver(min_power: dict[float, TwinResult]) -> None:
    # the count is the smallest that works: switch off the last running station too and the gas
    # arrives below the minimum (or a station breaks a limit)
    r = min_power[20.0]
    k = r.solver["running_stations"]
    from pos2.twin.dispatch import _acceptable, settler

    settle = settler(load_scenario("pos2", ["stations.dispatch=min_power"]), 20.0)
    names = [s.name for s in r.summary.stations]
    chain, res, *_ = settle(frozenset(names[k - 1 :]), {})
    assert _acceptable(chain, res) is None
