"""Transient solver: steady hold, step to the new steady state, mass balance, stations, valves, errors."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from pos2.errors import ConvergenceError, InfeasibleError, NetworkError
from pos2.gas.simple import ConstantZ, IdealGas
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.hydraulics.schedules import Controls, Schedule, network_at
from pos2.hydraulics.transient import TransientOptions, simulate_transient
from pos2.network import Network, NetworkBuilder

DAY_S = 86_400.0


def _line(thermal: bool = False, flow: float = 300.0) -> Network:
    """Source - 150 km - compressor station - 150 km - sink (buried, 5 degC ground)."""
    nb = NetworkBuilder("line")
    for j in "abcd":
        nb.junction(j)
    u = 2.0 if thermal else 0.0
    kw = {"inner_diameter_m": 1.0, "roughness_m": 1e-5, "u_w_per_m2k": u, "ground_temperature_k": 278.15}
    nb.pipe("p1", "a", "b", length_m=150e3, **kw)  # type: ignore[arg-type]
    nb.compressor("cs", "b", "c", outlet_pressure_pa=7e6, max_ratio=1.6, aftercooler_outlet_k=293.15)
    nb.pipe("p2", "c", "d", length_m=150e3, **kw)  # type: ignore[arg-type]
    nb.pressure_source("src", "a", 7e6, 293.15)
    nb.sink("out", "d", flow)
    return nb.build()


def _opts(thermal: bool, **kw: float) -> TransientOptions:
    # the start is the steady solution to a tight tolerance, so that a hold shows the transient's own
    # drift, not the steady solver's residual (1e-8 by default)
    so = SteadyOptions(
        max_segment_length_m=5e3, thermal=thermal, check_limits=False, tol=1e-12, thermal_tol_k=1e-9
    )
    return TransientOptions(steady=so, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("thermal", [False, True])
def test_constant_boundaries_hold_the_steady_state(real_gas: ConstantZ, thermal: bool) -> None:
    net = _line(thermal)
    r = simulate_transient(net, real_gas, options=_opts(thermal, dt_s=600.0, duration_s=DAY_S))
    p0 = r.junctions.iloc[0, 1:].to_numpy(dtype=float)
    p1 = r.junctions.iloc[-1, 1:].to_numpy(dtype=float)
    assert np.max(np.abs(p1 / p0 - 1.0)) < 1e-8
    assert np.max(np.abs(r.t_k[-1] - r.t_k[0])) < 1e-6
    assert np.max(np.abs(r.p_pa[-1] / r.p_pa[0] - 1.0)) < 1e-8
    assert abs(r.linepack_kg[-1] / r.linepack_kg[0] - 1.0) < 1e-9
    assert set(r.compressors["mode"]) == {"set point"}


@pytest.mark.parametrize("thermal", [False, True])
def test_a_step_converges_to_the_new_steady_state(real_gas: ConstantZ, thermal: bool) -> None:
    net = _line(thermal)
    ctl = Controls(sink_flow_kg_per_s={"out": Schedule((0.0, 3600.0), (300.0, 270.0))})
    r = simulate_transient(net, real_gas, ctl, _opts(thermal, dt_s=1800.0, duration_s=6 * DAY_S))
    so = SteadyOptions(max_segment_length_m=5e3, thermal=thermal)
    s = solve_steady(network_at(net, ctl, 1e9), real_gas, so)
    p_end = r.junctions.iloc[-1]
    for name, p in zip(s.nodes["name"], s.nodes["p_pa"], strict=True):
        assert p_end[name] == pytest.approx(p, rel=1e-4)
    # all points along the pipes, and the linepack (the transient's storage = the steady linepack)
    assert r.p_pa[-1] == pytest.approx(s.segments["p_pa"].to_numpy(), rel=1e-4)
    assert r.linepack_kg[-1] == pytest.approx(s.linepack_kg, rel=1e-4)
    assert r.compressors["ratio"].iloc[-1] == pytest.approx(s.compressors["ratio"].iloc[0], rel=1e-4)


def test_mass_balance_over_a_day_with_trip_profile_and_valve(real_gas: ConstantZ) -> None:
    nb = NetworkBuilder("looped")
    for j in "abcdef":
        nb.junction(j)
    kw = {"inner_diameter_m": 1.0, "roughness_m": 1e-5}
    nb.pipe("p1", "a", "b", length_m=120e3, **kw)  # type: ignore[arg-type]
    nb.compressor("cs", "b", "c", outlet_pressure_pa=7.5e6, max_ratio=1.6)
    nb.pipe("p2", "c", "d", length_m=100e3, **kw)  # type: ignore[arg-type]
    nb.valve("v", "c", "e")
    nb.pipe("p3", "e", "d", length_m=100e3, **kw)  # type: ignore[arg-type]
    nb.pipe("p4", "d", "f", length_m=80e3, **kw)  # type: ignore[arg-type]
    nb.pressure_source("src", "a", 6.5e6, 288.15)
    nb.sink("out", "f", 350.0)
    nb.sink("side", "e", 20.0)
    net = nb.build()
    t = np.arange(0.0, DAY_S + 1.0, 900.0)
    ctl = Controls(
        sink_flow_kg_per_s={
            "out": Schedule(tuple(t), tuple(350.0 * (1 + 0.15 * np.sin(2 * np.pi * t / DAY_S))))
        },
        compressor_running={"cs": Schedule((0.0, 6 * 3600.0, 9 * 3600.0), (1.0, 0.0, 1.0), "step")},
        valve_open={"v": Schedule((0.0, 12 * 3600.0), (1.0, 0.0), "step")},
    )
    r = simulate_transient(net, real_gas, ctl, _opts(False, dt_s=600.0, duration_s=DAY_S))
    daily_kg = 370.0 * DAY_S
    assert r.mass_balance_error_kg < 1e-6 * daily_kg
    modes = r.compressors.set_index("time_s")["mode"]
    assert modes.loc[7 * 3600.0] == "tripped"
    assert modes.loc[DAY_S - 600.0] in ("set point", "max ratio")
    assert r.compressors.set_index("time_s").loc[7 * 3600.0, "fuel_kg_per_s"] == 0.0
    # the closed valve carries no flow: the side offtake then comes from pipe p3 alone (its pack)
    bal = r.balance
    assert bal["linepack_kg"].iloc[-1] != pytest.approx(bal["linepack_kg"].iloc[0], rel=1e-3)
    # cumulative flows: inflow - outflow - fuel equals the linepack change at every step
    lp = bal["linepack_kg"].to_numpy()
    net_in = (bal["inflow_kg"] - bal["outflow_kg"] - bal["fuel_kg"]).to_numpy()
    assert np.max(np.abs((lp - lp[0]) - net_in)) < 1e-6 * daily_kg


def test_station_caps_at_its_max_ratio_and_keeps_mass(real_gas: ConstantZ) -> None:
    net = _line(False)
    ctl = Controls(sink_flow_kg_per_s={"out": Schedule((0.0, 3600.0), (300.0, 355.0))})
    r = simulate_transient(net, real_gas, ctl, _opts(False, dt_s=900.0, duration_s=2 * DAY_S))
    c = r.compressors
    assert c["ratio"].max() <= 1.6 * (1 + 1e-6)
    assert c["mode"].iloc[-1] == "max ratio"
    assert r.pressure("c")[-1] < 7e6  # the set point is lost once the ratio binds


def test_stop_when_the_delivery_pressure_falls(real_gas: ConstantZ) -> None:
    net = _line(False)
    ctl = Controls(source_flow_kg_per_s={"src": Schedule((0.0, 600.0), (math.nan, 0.0), "step")})
    opts = _opts(False, dt_s=900.0, duration_s=5 * DAY_S)
    r = simulate_transient(net, real_gas, ctl, replace(opts, stop_junction="d", stop_below_pa=4e6))
    assert r.stopped_at_s is not None
    assert r.stopped_at_s < 5 * DAY_S
    assert r.pressure("d")[-1] < 4e6 <= r.pressure("d")[-2]
    assert set(r.sources["mode"].iloc[1:]) == {"flow"}
    assert r.mass_balance_error_kg < 1e-6 * 300.0 * DAY_S


def test_infeasible_demand_is_an_error_naming_the_time(real_gas: ConstantZ) -> None:
    net = _line(False)
    ctl = Controls(sink_flow_kg_per_s={"out": Schedule((0.0, 3600.0), (300.0, 900.0))})
    with pytest.raises((InfeasibleError, ConvergenceError), match=r"t = \d"):
        simulate_transient(net, real_gas, ctl, _opts(False, dt_s=1800.0, duration_s=DAY_S))


def test_controls_and_options_are_checked(methane: IdealGas) -> None:
    net = _line(False)
    with pytest.raises(NetworkError, match="no sink of this name"):
        simulate_transient(net, methane, Controls(sink_flow_kg_per_s={"nope": Schedule.constant(1.0)}))
    with pytest.raises(NetworkError, match="only after t = 0"):
        Controls(source_flow_kg_per_s={"src": Schedule.constant(0.0)}).check(net)
    with pytest.raises(NetworkError, match="dt_s"):
        TransientOptions(dt_s=0.0)
    with pytest.raises(NetworkError, match="strictly increasing"):
        Schedule((0.0, 0.0), (1.0, 2.0))
    assert Schedule((0.0, 10.0), (0.0, 1.0)).at(5.0) == pytest.approx(0.5)
    assert Schedule((0.0, 10.0), (0.0, 1.0), "step").at(9.99) == 0.0


def test_compressor_set_point_schedule_is_followed(real_gas: ConstantZ) -> None:
    net = _line(False)
    ctl = Controls(compressor_set_point={"cs": Schedule((0.0, 3600.0), (7.0e6, 6.5e6), "step")})
    r = simulate_transient(net, real_gas, ctl, _opts(False, dt_s=900.0, duration_s=6 * 3600.0))
    p_out = r.compressors.set_index("time_s")["p_out_pa"]
    assert p_out.loc[0.0] == pytest.approx(7.0e6, rel=1e-9)
    assert p_out.loc[3600.0] == pytest.approx(6.5e6, rel=1e-9)
    assert p_out.iloc[-1] == pytest.approx(6.5e6, rel=1e-9)
    # less pressure downstream: the delivery pressure falls and the line gives up gas
    assert r.pressure("d")[-1] < r.pressure("d")[0]
    assert r.linepack_kg[-1] < r.linepack_kg[0]


def test_closing_one_of_two_loss_free_valves_keeps_the_other_open(real_gas: ConstantZ) -> None:
    """Two open loss-free valves in parallel form a loss-free loop: one of them is given zero flow.
    When a schedule closes the other, the first carries the flow (both ends keep one pressure)."""
    nb = NetworkBuilder("bypass pair")
    for j in "abcd":
        nb.junction(j)
    kw = {"inner_diameter_m": 0.8, "roughness_m": 1e-5}
    nb.pipe("p1", "a", "b", length_m=60e3, **kw)  # type: ignore[arg-type]
    nb.valve("v1", "b", "c")
    nb.valve("v2", "b", "c")
    nb.pipe("p2", "c", "d", length_m=60e3, **kw)  # type: ignore[arg-type]
    nb.pressure_source("src", "a", 6.0e6, 288.15)
    nb.sink("out", "d", 100.0)
    ctl = Controls(valve_open={"v1": Schedule((0.0, 3600.0), (1.0, 0.0), "step")})
    r = simulate_transient(nb.build(), real_gas, ctl, _opts(False, dt_s=900.0, duration_s=4 * 3600.0))
    assert r.pressure("b") == pytest.approx(r.pressure("c"), rel=1e-9)
    assert r.mass_balance_error_kg < 1e-6 * 100.0 * 4 * 3600.0


def _steady_power_w(net: Network, gas: ConstantZ, flow: float) -> float:
    so = _opts(False).steady
    res = solve_steady(replace(net, sinks=(replace(net.sinks[0], flow_kg_per_s=flow),)), gas, so)
    return float(res.compressors["power_w"].iloc[0])


def test_station_at_its_power_limit_delivers_less_head(real_gas: ConstantZ) -> None:
    """A demand step that needs more power than installed: the station runs at max_power_w (the
    ratio falls so that the shaft power equals it), the discharge pressure drops below the set
    point, and mass stays conserved."""
    net0 = _line(False)
    p_before = _steady_power_w(net0, real_gas, 300.0)
    p_after = _steady_power_w(net0, real_gas, 340.0)
    p_max = 0.5 * (p_before + p_after)  # enough for the start, not for the new demand
    net = replace(net0, compressors=(replace(net0.compressors[0], max_power_w=p_max),))
    ctl = Controls(sink_flow_kg_per_s={"out": Schedule((0.0, 3600.0), (300.0, 340.0))})
    r = simulate_transient(net, real_gas, ctl, _opts(False, dt_s=900.0, duration_s=DAY_S))
    c = r.compressors
    assert c["mode"].iloc[0] == "set point"
    assert c["mode"].iloc[-1] == "max power"
    assert c["power_w"].max() <= p_max * (1 + 1e-5)
    held = c[c["mode"] == "max power"]
    assert np.allclose(held["power_w"], p_max, rtol=1e-5)
    assert r.pressure("c")[-1] < 7e6 * (1 - 1e-3)  # less head than the set point
    assert r.mass_balance_error_kg < 1e-6 * 300.0 * DAY_S
    # without the limit the same run holds the set point at a higher power
    free = simulate_transient(net0, real_gas, ctl, _opts(False, dt_s=900.0, duration_s=DAY_S))
    assert free.compressors["power_w"].iloc[-1] > p_max * 1.01
    assert free.pressure("c")[-1] == pytest.approx(7e6, rel=1e-6)


def test_low_suction_trips_the_station_and_it_stays_off(real_gas: ConstantZ) -> None:
    """A supply cut drains the line in front of the station; when its suction falls below the
    minimum it trips (ratio 1, no fuel) and does not restart by itself."""
    net = _line(False)
    ctl = Controls(source_flow_kg_per_s={"src": Schedule((0.0, 600.0), (math.nan, 0.0), "step")})
    opts = _opts(False, dt_s=900.0, duration_s=DAY_S, min_suction_pa=4.5e6)
    opts = replace(opts, stop_junction="d", stop_below_pa=3e6)  # the delivery collapses afterwards
    r = simulate_transient(net, real_gas, ctl, opts)
    c = r.compressors
    tripped = c["mode"] == "low suction trip"
    assert tripped.any()
    first = int(np.argmax(tripped.to_numpy()))
    assert c["p_in_pa"].iloc[first - 1] >= 4.5e6 * (1 - 1e-6)  # it ran while the suction sufficed
    after = c.iloc[first:]
    assert (after["mode"] == "low suction trip").all()  # latched
    assert np.allclose(after["ratio"], 1.0, atol=1e-9)
    assert (after["fuel_kg_per_s"] == 0.0).all()
    assert r.mass_balance_error_kg < 1e-6 * 300.0 * DAY_S
    # without the protection the station keeps compressing from an ever lower suction
    free = simulate_transient(net, real_gas, ctl, replace(opts, min_suction_pa=None))
    assert free.compressors["p_in_pa"].min() < 4.5e6
    assert r.stopped_at_s is not None
    assert free.stopped_at_s is not None
    assert free.stopped_at_s > r.stopped_at_s  # compressing on keeps the delivery up for longer
    assert "low suction trip" not in set(free.compressors["mode"])


def test_min_suction_option_is_checked(real_gas: ConstantZ) -> None:
    with pytest.raises(NetworkError, match="min_suction_pa"):
        TransientOptions(min_suction_pa=-1.0)
    with pytest.raises(NetworkError, match="no compressor"):
        simulate_transient(
            _line(False), real_gas, None, _opts(False, duration_s=900.0, min_suction_pa={"x": 1e6})
        )
