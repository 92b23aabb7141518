"""The PoS2 line over time: events, survival time, hold, mass balance, report quantities."""

from __future__ import annotations

import numpy as np
import pytest

from pos2.errors import ScenarioError
from pos2.scenario import load_scenario
from pos2.twin import run_twin
from pos2.twin.transient import demand_multiplier, parse_event, parse_events, simulate_route, survival_time_h


@pytest.fixture(scope="module")
def scn():  # type: ignore[no-untyped-def]
    return load_scenario("pos2")


def test_event_syntax() -> None:
    e = parse_event("trip:russia_cs3@2h-8h")
    assert (e.kind, e.station, e.start_s, e.end_s) == ("trip", "russia_cs3", 7200.0, 28800.0)
    assert parse_event("supply_cut:50%@30min").fraction == 0.5
    assert parse_event("demand_step:-10%@3h").fraction == pytest.approx(-0.1)
    assert parse_event("ramp:+20%@2h-6h").end_s == 21600.0
    assert parse_event("profile:daily").fraction == pytest.approx(0.10)
    assert parse_event("profile:daily:15%").fraction == pytest.approx(0.15)
    assert parse_event("setpoint:mongolia_cs1=11.0@4h").value_pa == pytest.approx(11.0e6)
    f = demand_multiplier([parse_event("demand_step:+10%@1h"), parse_event("ramp:-20%@2h-4h")])
    assert [f(0.0), f(3600.0), f(3 * 3600.0), f(5 * 3600.0)] == pytest.approx([1.0, 1.1, 1.0, 0.9])
    daily = demand_multiplier([parse_event("profile:daily")])
    assert np.mean([daily(t) for t in np.arange(0.0, 86_400.0, 60.0)]) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(
    "text",
    [
        "trip",
        "trip:russia_cs3",
        "trip:russia_cs3@2 days",
        "blast:russia_cs3@2h",
        "supply_cut:150%@1h",
        "ramp:+20%@2h",
        "demand_step:+x%@1h",
        "profile:weekly",
        "trip:russia_cs3@5h-2h",
    ],
)
def test_bad_events_name_the_option_and_value(text: str) -> None:
    with pytest.raises(ScenarioError, match="--event") as ei:
        parse_events([text])
    assert repr(text) in str(ei.value)


def test_unknown_station_lists_the_stations(scn) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError, match=r"no station 'KS-3'.*russia_cs1"):
        simulate_route(scn, parse_events(["trip:KS-3@1h"]), 2.0)
    with pytest.raises(ScenarioError, match="after the end of the run"):
        simulate_route(scn, parse_events(["demand_step:+10%@30h"]), 24.0)


def test_no_event_holds_the_twin_steady_state(scn) -> None:  # type: ignore[no-untyped-def]
    rt = simulate_route(scn, (), 24.0)
    twin = run_twin(scn).summary
    d = rt.delivery
    assert d["delivery_pressure_mpa"].to_numpy() == pytest.approx(twin.delivery_pressure_mpa, rel=1e-6)
    assert rt.linepack_mcm == pytest.approx(twin.linepack_mcm, rel=1e-6)
    assert rt.survival_time_h is None
    assert rt.result.mass_balance_error_kg < 1e-6 * float(d["delivery_kg_per_s"].iloc[0]) * 86_400.0


def test_trip_downstream_survival_and_station_modes(scn) -> None:  # type: ignore[no-untyped-def]
    rt = simulate_route(scn, parse_events(["trip:mongolia_cs2@1h"]), 48.0, stop_at_minimum=True)
    assert rt.survival_time_h is not None
    assert 2.0 < rt.survival_time_h < 47.0
    st = rt.stations
    assert set(st[st["name"] == "mongolia_cs2"]["mode"].iloc[7:]) == {"tripped"}
    assert "max ratio" in set(st[st["name"] == "mongolia_cs5"]["mode"])
    assert rt.delivery["delivery_pressure_mpa"].iloc[-1] < rt.min_delivery_pressure_mpa
    daily = float(rt.delivery["delivery_kg_per_s"].iloc[0]) * 86_400.0
    assert rt.result.mass_balance_error_kg < 1e-6 * daily
    j = rt.to_json()
    assert j["survival_time_h"] == pytest.approx(rt.survival_time_h)
    assert rt.space_time().shape == (len(rt.result.profile_time_s), rt.chainage_km.size)
    assert np.all(np.diff(rt.chainage_km) >= 0)


def test_daily_profile_swings_the_linepack_with_the_same_daily_volume(scn) -> None:  # type: ignore[no-untyped-def]
    rt = simulate_route(scn, parse_events(["profile:daily:10%"]), 24.0, dt_s=900.0)
    lp = rt.linepack_mcm
    d = rt.delivery
    # a +-10 % cosine over a day: linepack falls while the offtake is above the mean
    assert lp.max() - lp.min() > 1.0
    q = d["delivery_kg_per_s"]
    assert q.max() / q.iloc[:-1].mean() == pytest.approx(1.1, rel=1e-3)
    assert q.min() / q.iloc[:-1].mean() == pytest.approx(0.9, rel=1e-3)
    # the linepack is lowest after the hours of above-mean offtake (peak at 16:00, mean again at 22:00)
    assert 18.0 <= float(d["time_h"].iloc[int(np.argmin(lp))]) <= 24.0
    assert rt.result.mass_balance_error_kg < 1e-6 * float(d["delivery_kg_per_s"].mean()) * 86_400.0


def test_survival_time_interpolates() -> None:
    t = np.array([0.0, 1.0, 2.0, 3.0])
    p = np.array([8.0, 8.0, 6.0, 5.0])
    assert survival_time_h(t, p, 5.5, 1.0) == pytest.approx(1.5)
    assert survival_time_h(t, p, 4.0, 0.0) is None


def test_the_low_suction_trip_is_the_scenarios_and_can_be_switched_off() -> None:
    # the default 3.5 MPa abs trips nothing in a quiet run; a setting above the line's normal suction
    # (about 8 MPa abs at the stations) trips stations with no trip event; 0 switches the trip off
    def tripped(rt) -> set[str]:  # type: ignore[no-untyped-def]
        st = rt.stations
        return set(st[st["mode"] == "low suction trip"]["name"])

    quiet = simulate_route(load_scenario("pos2"), (), 2.0, dt_s=900.0)
    assert tripped(quiet) == set()
    high = load_scenario("pos2", {"stations.min_suction_mpa": 8.5})
    assert tripped(simulate_route(high, (), 2.0, dt_s=900.0))
    assert tripped(simulate_route(high, (), 2.0, dt_s=900.0, min_suction_mpa=0.0)) == set()
    assert tripped(simulate_route(load_scenario("pos2", {"stations.min_suction_mpa": 0.0}), (), 2.0)) == set()
    with pytest.raises(ScenarioError, match="min_suction_mpa"):
        simulate_route(high, (), 2.0, min_suction_mpa=-1.0)
    with pytest.raises(ScenarioError, match=r"stations\.min_suction_mpa"):
        load_scenario("pos2", {"stations.min_suction_mpa": -0.5})
