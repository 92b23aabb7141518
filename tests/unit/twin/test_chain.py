"""The twin's chain network and its results: balances, limits, summary contract, errors."""

from __future__ import annotations

import math

import pytest

from pos2.errors import InfeasibleError, Pos2Error
from pos2.scenario import load_scenario
from pos2.twin import ChainOptions, run_twin
from pos2.twin.network import build_chain
from pos2.twin.solve import solve_chain
from pos2.units import SECONDS_PER_YEAR

CONTRACT_KEYS = (
    "scenario",
    "throughput_bcm_per_year",
    "sections",
    "stations",
    "total_power_mw",
    "fuel_share",
    "linepack_mcm",
    "min_pressure_mpa",
    "max_pressure_mpa",
    "delivery_pressure_mpa",
)


@pytest.fixture(scope="module")
def pos2_result():  # type: ignore[no-untyped-def]
    return run_twin(load_scenario("pos2"))


def test_summary_has_the_issue_4_contract(pos2_result) -> None:  # type: ignore[no-untyped-def]
    d = pos2_result.summary.to_json()
    for k in CONTRACT_KEYS:
        assert k in d
    assert [s["name"] for s in d["sections"]] == ["russia", "mongolia"]
    for s in d["sections"]:
        for k in ("length_km", "outer_diameter_mm", "wall_thickness_mm", "roughness_um", "max_pressure_mpa"):
            assert isinstance(s[k], float)
            assert math.isfinite(s[k])
    for st in d["stations"]:
        for k in (
            "name",
            "section",
            "chainage_km",
            "suction_pressure_mpa",
            "discharge_pressure_mpa",
            "power_mw",
        ):
            assert k in st
    assert "calibration" not in d


def test_default_scenario_is_feasible_with_published_mongolian_stations(pos2_result) -> None:  # type: ignore[no-untyped-def]
    s = pos2_result.summary
    assert pos2_result.feasible
    assert sum(st.section == "mongolia" for st in s.stations) == 5  # Gazprom FS (facts §1a)
    assert s.throughput_bcm_per_year == 50.0


def test_station_set_points_and_pressure_bounds(pos2_result) -> None:  # type: ignore[no-untyped-def]
    s = pos2_result.summary
    for st in s.stations:
        maop = s.section(st.section).max_pressure_mpa
        assert st.discharge_pressure_mpa == pytest.approx(maop, rel=1e-9)
        assert 0 < st.suction_pressure_mpa < st.discharge_pressure_mpa
    assert s.max_pressure_mpa == pytest.approx(11.9, rel=1e-9)  # nothing above the MAOP
    assert 0 < s.min_pressure_mpa <= s.delivery_pressure_mpa
    assert s.delivery_pressure_mpa >= 5.5


def test_mass_balance_and_fuel_share() -> None:
    scn = load_scenario("pos2")
    res = run_twin(scn)
    chain = build_chain(scn, 50.0)
    st = res.stations
    fuel = float(st["fuel_kg_per_s"].sum())
    inflow = float(st["flow_kg_per_s"].iloc[0])  # the head station takes everything the feeder supplies
    assert inflow == pytest.approx(chain.delivered_kg_per_s + fuel, rel=1e-6)
    assert res.summary.fuel_share == pytest.approx(fuel / inflow, rel=1e-9)
    # fuel in bcm/yr at 20 degC uses the same reference density as the throughput
    assert res.summary.fuel_bcm_per_year == pytest.approx(
        fuel * SECONDS_PER_YEAR / chain.rho_ref_kg_per_m3 / 1e9, rel=1e-9
    )
    # the flow through each station decreases by the fuel burnt upstream
    flows = st["flow_kg_per_s"].to_numpy()
    assert all(
        flows[i + 1] == pytest.approx(flows[i] - st["fuel_kg_per_s"].iloc[i], rel=1e-6)
        for i in range(len(st) - 1)
    )


def test_fuel_follows_the_shaft_power() -> None:
    res = run_twin(load_scenario("pos2"))
    st = res.stations
    scn = load_scenario("pos2")
    eta = scn.model.stations.driver_efficiency
    # fuel LHV implied by the solver: shaft / (eta * fuel) is one constant, 45-51 MJ/kg for lean gas
    lhv = st["power_mw"] * 1e6 / (eta * st["fuel_kg_per_s"])
    assert lhv.max() == pytest.approx(lhv.min(), rel=1e-6)
    assert 45e6 < float(lhv.iloc[0]) < 51e6


def test_linepack_is_consistent_with_the_profile(pos2_result) -> None:  # type: ignore[no-untyped-def]
    prof = pos2_result.profile
    # integrate density over the pipe volume piecewise (trapezoid per pipe) and compare
    scn = load_scenario("pos2")
    total = 0.0
    for sec in scn.model.route.upstream, scn.model.route.downstream:
        area = math.pi / 4 * sec.inner_diameter_m**2
        part = prof[prof["section"] == sec.name]
        for _, g in part.groupby("pipe"):
            x = g["chainage_km"].to_numpy() * 1000
            r = g["rho_kg_per_m3"].to_numpy()
            total += float(((r[1:] + r[:-1]) / 2 * (x[1:] - x[:-1])).sum()) * area
    rho_ref = build_chain(scn, 50.0).rho_ref_kg_per_m3
    assert pos2_result.summary.linepack_mcm == pytest.approx(total / rho_ref / 1e6, rel=0.01)


def test_profile_covers_the_route_with_short_segments(pos2_result) -> None:  # type: ignore[no-untyped-def]
    prof = pos2_result.profile
    assert prof["chainage_km"].iloc[0] == pytest.approx(0.0)
    assert prof["chainage_km"].iloc[-1] == pytest.approx(3662.9)
    steps = prof["chainage_km"].diff().dropna()
    assert steps.max() <= 10.0 + 1e-6
    for col in ("elevation_m", "p_mpa", "t_c", "rho_kg_per_m3", "v_m_per_s"):
        assert prof[col].notna().all()
    # velocities of a large trunk line at 50 bcm/yr: a few to ~15 m/s
    assert prof["v_m_per_s"].min() > 3.0
    assert prof["v_m_per_s"].max() < 20.0


def test_more_throughput_needs_more_power_and_fuel() -> None:
    scn = load_scenario("pos2")
    a = run_twin(scn, 40.0).summary
    b = run_twin(scn, 50.0).summary
    assert b.total_power_mw > a.total_power_mw
    assert b.fuel_share > a.fuel_share
    assert b.linepack_mcm < a.linepack_mcm  # lower pressures at higher flow


def test_a_throughput_the_line_cannot_carry_names_the_binding_constraint() -> None:
    scn = load_scenario("pos2")
    with pytest.raises(InfeasibleError) as e:
        run_twin(scn, 58.0, check=True)
    assert e.value.element is not None
    assert e.value.constraint is not None
    assert "cannot carry 58 bcm/yr" in str(e.value)
    # named in route terms (a station, or a stretch of pipe near a waypoint), not just an internal id
    assert "mongolia" in e.value.element or "russia" in e.value.element


def test_far_too_much_gas_is_a_pos2_error_not_a_crash() -> None:
    with pytest.raises(Pos2Error):
        run_twin(load_scenario("pos2"), 150.0)


def test_non_finite_throughput_is_rejected() -> None:
    with pytest.raises(Pos2Error):
        run_twin(load_scenario("pos2"), float("nan"))


def test_flat_terrain_option_removes_the_climb() -> None:
    scn = load_scenario("pos2")
    hill = solve_chain(scn, options=ChainOptions(section="mongolia"))
    flat = solve_chain(scn, options=ChainOptions(section="mongolia", flat_terrain=True))
    assert flat.profile["elevation_m"].nunique() == 1
    # the climb onto the plateau costs pressure: station 2 (after the Darkhan-UB crest) sucks lower
    assert hill.stations["suction_pressure_mpa"].iloc[1] < flat.stations["suction_pressure_mpa"].iloc[1]


def test_loop_adds_parallel_pipes_and_lowers_the_ratios() -> None:
    scn = load_scenario("pos1")
    plain = build_chain(scn, 38.0)
    looped_scn = scn.with_overrides({"route.downstream.loop_length_km": 1000.0})
    looped = build_chain(looped_scn, 38.0)
    loops = [p for p in looped.pipe_start_m if p.endswith("_loop")]
    assert loops
    assert not [p for p in plain.pipe_start_m if p.endswith("_loop")]
    total = 0.0
    for p in loops:
        assert looped.pipe_section[p] == "chayanda_blagoveshchensk"
        total += looped.pipe_length_m[p]
    assert total == pytest.approx(1_000_000.0, rel=1e-6)
    r0 = solve_chain(scn, 38.0).stations["ratio"].max()
    r1 = solve_chain(looped_scn, 38.0).stations["ratio"].max()
    assert r1 < r0


def test_offtakes_leave_the_line_on_top_of_the_delivery() -> None:
    scn = load_scenario("pos2", {"pipeline.offtakes": True})
    res = solve_chain(scn, 50.0)
    chain = build_chain(scn, 50.0)
    st = res.stations
    inflow = float(st["flow_kg_per_s"].iloc[0])
    fuel = float(st["fuel_kg_per_s"].sum())
    offtake = inflow - fuel - chain.delivered_kg_per_s
    # Darkhan 0.2 + Ulaanbaatar 1.0 + Choir 0.1 + Sainshand 0.2 bcm/yr (assumptions in the data)
    assert offtake * SECONDS_PER_YEAR / chain.rho_ref_kg_per_m3 / 1e9 == pytest.approx(1.5, rel=1e-6)


def test_pos1_has_two_supplies() -> None:
    scn = load_scenario("pos1")
    chain = build_chain(scn, 38.0)
    res = solve_chain(scn, 38.0)
    st = res.stations
    # Kovykta (the pressure source) supplies its share plus every station's fuel; Chayanda the rest
    kovykta = float(st["flow_kg_per_s"].iloc[0])
    fuel = float(st["fuel_kg_per_s"].sum())
    assert kovykta == pytest.approx(0.35 * chain.delivered_kg_per_s + fuel, rel=1e-6)


def test_terrain_classes_cover_each_section(pos2_result) -> None:  # type: ignore[no-untyped-def]
    known = {"west_siberian_lowland", "taiga", "mountain", "steppe", "gobi", "permafrost"}
    for sec in pos2_result.summary.sections:
        assert set(sec.terrain_km) <= known
        assert sum(sec.terrain_km.values()) == pytest.approx(sec.length_km, abs=0.5)
    assert pos2_result.summary.section("mongolia").terrain_km["gobi"] > 300.0
    assert pos2_result.summary.section("russia").terrain_km["mountain"] > 200.0  # Khamar-Daban belt


def test_station_limits_are_listed_or_raised() -> None:
    scn = load_scenario("pos2")
    res = run_twin(scn, 52.0)
    assert not res.feasible
    v = res.violations[0]
    assert v.element == "russia_cs2"
    assert v.constraint == "pressure ratio above the maximum"
    assert v.value > v.limit == 1.6
    with pytest.raises(InfeasibleError) as e:
        run_twin(scn, 52.0, check=True)
    assert e.value.element == "russia_cs2"
    assert e.value.constraint == "pressure ratio above the maximum"


def test_reference_conditions_are_stated_and_convertible() -> None:
    from pos2.twin.gas import reference_info

    info = reference_info(load_scenario("pos2"), 50.0)
    assert info["reference_temperature_c"] == 20.0
    assert info["reference_pressure_kpa"] == 101.325
    # GERG-2008 standard density of the West Siberian gas at 20 degC (engineering_facts V7: 0.6878)
    assert info["reference_density_kg_per_m3"] == pytest.approx(0.6878, rel=5e-4)
    assert info["throughput_kg_per_s"] == pytest.approx(1090.0, rel=2e-3)  # eng §1e: ~1,090 kg/s
    # the same mass at 15 degC is fewer cubic metres, by ~T15/T20 (Z is ~1 at 1 atm)
    assert info["throughput_bcm_per_year_iso_15c"] == pytest.approx(50.0 * 288.15 / 293.15, rel=1e-3)
    iso = load_scenario("pos2", {"gas.reference_temperature_c": 15.0})
    # 50 bcm/yr counted at 15 degC is more gas (denser) than 50 bcm/yr counted at 20 degC
    assert reference_info(iso, 50.0)["throughput_kg_per_s"] > info["throughput_kg_per_s"]
