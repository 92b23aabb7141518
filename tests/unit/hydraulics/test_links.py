"""Lossy and loss-free links in loops, and several stations into one junction (issue 16, items 1-3)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from pos2.errors import NetworkError
from pos2.gas.simple import IdealGas
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.hydraulics.topology import loop_closing_links
from pos2.network import Network, NetworkBuilder
from pos2.units import R


def _ends(nb: NetworkBuilder, sink_kg_per_s: float = 30.0) -> None:
    """Source at A, pipe A-B, (links between B and C added by the caller), pipe C-D, sink at D."""
    for j in "ABCD":
        nb.junction(j)
    nb.pipe("P1", "A", "B", 20e3, 0.5, 2e-5)
    nb.pipe("P2", "C", "D", 20e3, 0.5, 2e-5)
    nb.pressure_source("S", "A", p_pa=6e6, t_k=288.15)
    nb.sink("K", "D", sink_kg_per_s)


def _imbalance(net: Network, res: object) -> float:
    """Largest mass imbalance over the junctions [kg/s]."""
    bal = dict.fromkeys((j.name for j in net.junctions), 0.0)
    r = res  # SteadyResult
    for table, recs in (("pipes", net.pipes), ("valves", net.valves), ("compressors", net.compressors)):
        flows = getattr(r, table).flow_kg_per_s.to_numpy()
        for rec, m in zip(recs, flows, strict=True):
            bal[rec.from_junction] -= m
            bal[rec.to_junction] += m
    for s in net.sinks:
        bal[s.junction] -= s.flow_kg_per_s
    for name, junction, flow in zip(r.sources.name, r.sources.junction, r.sources.flow_kg_per_s, strict=True):  # type: ignore[attr-defined]
        del name
        bal[junction] += flow
    return max(abs(v) for v in bal.values())


def test_two_lossy_valves_in_parallel_split_as_by_hand(methane: IdealGas) -> None:
    """Item 1: failed with 'singular Jacobian at the start'. Same ends, same gas state, so
    k1 m1^2 = k2 m2^2 with k = zeta / A^2: m1/m2 = sqrt(k2/k1), and p_B^2 - p_C^2 = zeta Z R_s T m^2 / A^2."""
    nb = NetworkBuilder("two valves")
    _ends(nb)
    nb.valve("V1", "B", "C", diameter_m=0.3, loss_coefficient=2.0)
    nb.valve("V2", "B", "C", diameter_m=0.4, loss_coefficient=5.0)
    net = nb.build()
    res = solve_steady(net, methane, SteadyOptions(tol=1e-12))
    m1, m2 = res.valves.flow_kg_per_s.to_numpy()
    a1, a2 = math.pi * 0.3**2 / 4, math.pi * 0.4**2 / 4
    assert m1 / m2 == pytest.approx(math.sqrt((5.0 / a2**2) / (2.0 / a1**2)), rel=1e-9)
    assert m1 + m2 == pytest.approx(30.0, rel=1e-10)
    p = res.nodes.set_index("name").p_pa
    r_s = R / methane.molar_mass_kg_per_mol
    assert p["B"] ** 2 - p["C"] ** 2 == pytest.approx(2.0 * r_s * 288.15 * m1**2 / a1**2, rel=1e-7)


def test_three_resistors_in_parallel_and_a_loop_of_four(methane: IdealGas) -> None:
    """The GasLib-582 shapes: three lossy links in parallel, and a ring of four lossy links."""
    nb = NetworkBuilder("resistors")
    _ends(nb, sink_kg_per_s=20.0)
    for k, (d, zeta) in enumerate(((0.3, 2.0), (0.25, 1.0), (0.35, 8.0))):
        nb.valve(f"R{k}", "B", "C", diameter_m=d, loss_coefficient=zeta)
    for j in ("E", "F", "G"):
        nb.junction(j)
    ring = (("B", "E"), ("E", "F"), ("F", "G"), ("G", "B"))
    for k, (a, b) in enumerate(ring):
        nb.valve(f"L{k}", a, b, diameter_m=0.3, loss_coefficient=3.0 + k)
    nb.sink("KF", "F", 5.0)
    net = nb.build()
    res = solve_steady(net, methane)
    assert res.residual < 1e-8
    assert _imbalance(net, res) < 1e-8
    flows = res.valves.set_index("name").flow_kg_per_s
    assert flows[["R0", "R1", "R2"]].sum() == pytest.approx(20.0, rel=1e-10)
    assert (flows[["R0", "R1", "R2"]] > 0).all()
    # the ring carries 5 kg/s from B to F both ways round
    assert flows["L0"] + (-flows["L3"]) == pytest.approx(5.0, rel=1e-9)


def test_lossy_valve_closing_a_pipe_loop_with_no_flow(methane: IdealGas) -> None:
    """A lossy valve between two points of equal pressure carries (almost) no flow: still solvable."""
    nb = NetworkBuilder("balanced loop")
    for j in "ABCD":
        nb.junction(j)
    nb.pipe("AB", "A", "B", 30e3, 0.5, 2e-5)
    nb.pipe("AC", "A", "C", 30e3, 0.5, 2e-5)
    nb.pipe("BD", "B", "D", 30e3, 0.5, 2e-5)
    nb.pipe("CD", "C", "D", 30e3, 0.5, 2e-5)
    nb.valve("V", "B", "C", diameter_m=0.2, loss_coefficient=4.0)
    nb.pressure_source("S", "A", p_pa=6e6)
    nb.sink("K", "D", 40.0)
    net = nb.build()
    res = solve_steady(net, methane)
    p = res.nodes.set_index("name").p_pa
    assert p["B"] == pytest.approx(p["C"], rel=1e-9)
    assert abs(float(res.valves.flow_kg_per_s.iloc[0])) < 1e-3
    assert _imbalance(net, res) < 1e-8


def test_loss_free_loop_merges_the_junctions(methane: IdealGas) -> None:
    """Item 2: two open loss-free valves in parallel and a triangle of them solve like one link."""

    def build(loop: bool) -> Network:
        nb = NetworkBuilder("bypass")
        _ends(nb)
        nb.valve("V1", "B", "C")
        if loop:
            nb.junction("E")
            nb.valve("V2", "B", "C")
            nb.valve("V3", "B", "E")
            nb.valve("V4", "E", "C")
        return nb.build()

    single = solve_steady(build(False), methane)
    net = build(True)
    looped = solve_steady(net, methane)
    p1 = single.nodes.set_index("name").p_pa
    p2 = looped.nodes.set_index("name").p_pa
    for j in "ABCD":
        assert p2[j] == pytest.approx(p1[j], rel=1e-10)
    assert p2["E"] == pytest.approx(p2["B"], rel=1e-12)
    assert _imbalance(net, looped) < 1e-8
    flows = looped.valves.set_index("name").flow_kg_per_s
    # the split around a loss-free loop is undetermined: the loop-closing links are given zero flow
    assert flows.sum() == pytest.approx(30.0, rel=1e-10)
    assert (flows[["V2", "V4"]] == 0.0).all()


def test_loop_closing_links_spanning_forest() -> None:
    a = np.array([0, 1, 2, 0, 3], dtype=np.int64)
    b = np.array([1, 2, 0, 1, 4], dtype=np.int64)
    lossless = np.array([True, True, True, False, True])
    assert loop_closing_links(a, b, lossless, 5).tolist() == [False, False, True, False, False]


def test_loss_free_link_between_two_set_points_is_named() -> None:
    nb = NetworkBuilder("two refs")
    _ends(nb)
    nb.valve("V1", "B", "C")
    nb.regulator("R", "A", "B", outlet_pressure_pa=5e6)
    nb.pressure_source("S2", "C", p_pa=5e6)
    with pytest.raises(NetworkError, match="joined by loss-free valves") as exc:
        nb.build()
    assert exc.value.element in ("R", "S2")


def test_station_bridged_by_a_loss_free_bypass_is_named() -> None:
    nb = NetworkBuilder("bypass")
    _ends(nb)
    nb.compressor("CS", "B", "C", ratio=1.2)
    nb.valve("BY", "B", "C")
    with pytest.raises(NetworkError, match="bridged by loss-free valves") as exc:
        nb.build()
    assert exc.value.element == "CS"
    # closed, the bypass is fine
    nb2 = NetworkBuilder("bypass closed")
    _ends(nb2)
    nb2.compressor("CS", "B", "C", ratio=1.2)
    nb2.valve("BY", "B", "C", open=False)
    assert nb2.build().summary()["valve"] == 1


def _two_stations(second: dict[str, float]) -> Network:
    nb = NetworkBuilder("two stations")
    for j in "ABCDE":
        nb.junction(j)
    nb.pipe("P1", "A", "B", 20e3, 0.5, 2e-5)
    nb.pipe("P1b", "A", "C", 20e3, 0.5, 2e-5)
    nb.compressor("C1", "B", "D", outlet_pressure_pa=7e6, fuel=False)
    nb.compressor("C2", "C", "D", fuel=False, **second)  # type: ignore[arg-type]
    nb.pipe("P2", "D", "E", 20e3, 0.5, 2e-5)
    nb.pressure_source("S", "A", p_pa=6e6)
    nb.sink("K", "E", 80.0)
    return nb.build()


def test_several_compressors_into_one_junction(methane: IdealGas) -> None:
    """Item 3: a ratio (or flow) station may discharge where another holds the pressure."""
    net = _two_stations({"ratio": 1.2})
    res = solve_steady(net, methane, SteadyOptions())
    c = res.compressors.set_index("name")
    p = res.nodes.set_index("name").p_pa
    assert p["D"] == pytest.approx(7e6, rel=1e-10)
    assert c.ratio["C2"] == pytest.approx(1.2, rel=1e-10)
    assert p["C"] == pytest.approx(7e6 / 1.2, rel=1e-10)
    assert c.flow_kg_per_s.sum() == pytest.approx(80.0, rel=1e-10)
    assert (c.flow_kg_per_s > 0).all()
    net = _two_stations({"flow_kg_per_s": 30.0})
    res = solve_steady(net, methane)
    assert res.compressors.set_index("name").flow_kg_per_s["C1"] == pytest.approx(50.0, rel=1e-9)


def test_two_absolute_set_points_into_one_junction_are_named() -> None:
    with pytest.raises(NetworkError, match="already set by 'C1'") as exc:
        _two_stations({"outlet_pressure_pa": 7e6})
    assert exc.value.element == "C2"


def test_parallel_ratio_stations_are_named() -> None:
    nb = NetworkBuilder("parallel")
    _ends(nb)
    nb.compressor("C1", "B", "C", ratio=1.2)
    nb.compressor("C2", "B", "C", ratio=1.2)
    with pytest.raises(NetworkError, match="already joins these junctions") as exc:
        nb.build()
    assert exc.value.element == "C2"


def _triangle(f: tuple[float | None, float | None, float | None]) -> Network:
    nb = NetworkBuilder("per-pipe f")
    for j in "ABC":
        nb.junction(j)
    pipes = (("P1", "A", "B", 40e3, 0.6), ("P2", "B", "C", 40e3, 0.6), ("P3", "A", "C", 60e3, 0.5))
    for (name, a, b, length, d), fk in zip(pipes, f, strict=True):
        nb.pipe(name, a, b, length, d, 2e-5, friction_factor=fk)
    nb.pressure_source("S", "A", p_pa=6e6)
    nb.sink("K", "C", 50.0)
    return nb.build()


def test_per_pipe_friction_factor_matches_the_fixed_law(methane: IdealGas) -> None:
    """Item 6: pipes with their own Darcy factor give the answer of the solver's 'fixed' law with it;
    the other pipes keep the solver's law."""
    own = solve_steady(_triangle((0.011, 0.011, 0.011)), methane, SteadyOptions(tol=1e-12))
    fixed = SteadyOptions(friction="fixed", fixed_friction_factor=0.011, tol=1e-12)
    ref = solve_steady(_triangle((None, None, None)), methane, fixed)
    assert np.allclose(own.nodes.p_pa, ref.nodes.p_pa, rtol=1e-12)
    law = solve_steady(_triangle((None, None, None)), methane)
    rough = solve_steady(_triangle((0.02, 0.02, None)), methane)
    # a larger factor on P1 and P2 pushes flow onto P3 (which keeps Colebrook)
    assert rough.pipes.flow_kg_per_s.iloc[2] > law.pipes.flow_kg_per_s.iloc[2]
    with pytest.raises(NetworkError, match="0 < x <= 1"):
        NetworkBuilder().pipe("P", "A", "B", 1e3, 0.5, 2e-5, friction_factor=1.5)


def test_fixed_pressure_drop_resistor(methane: IdealGas) -> None:
    """Item 6: a resistor of fixed drop holds p1 - p2 = dp in the flow direction; in parallel with a
    lossy valve it takes the flow that leaves the valve the same drop (zeta law by hand)."""
    nb = NetworkBuilder("fixed drop")
    _ends(nb)
    nb.valve("R", "B", "C", pressure_drop_pa=0.5e5)
    net = nb.build()
    res = solve_steady(net, methane, SteadyOptions(tol=1e-12))
    p = res.nodes.set_index("name").p_pa
    assert p["B"] - p["C"] == pytest.approx(0.5e5, rel=1e-7)
    assert float(res.valves.flow_kg_per_s.iloc[0]) == pytest.approx(30.0, rel=1e-10)
    # reversed orientation: the drop follows the flow, not the from/to order
    nb = NetworkBuilder("fixed drop reversed")
    _ends(nb)
    nb.valve("R", "C", "B", pressure_drop_pa=0.5e5)
    res = solve_steady(nb.build(), methane, SteadyOptions(tol=1e-12))
    p = res.nodes.set_index("name").p_pa
    assert p["B"] - p["C"] == pytest.approx(0.5e5, rel=1e-7)
    # in parallel with a lossy valve: the valve's flow gives the same drop
    nb = NetworkBuilder("fixed drop and valve")
    _ends(nb, sink_kg_per_s=60.0)
    nb.valve("R", "B", "C", pressure_drop_pa=0.2e5)
    nb.valve("V", "B", "C", diameter_m=0.3, loss_coefficient=3.0)
    res = solve_steady(nb.build(), methane, SteadyOptions(tol=1e-12))
    p = res.nodes.set_index("name").p_pa
    mv = float(res.valves.set_index("name").flow_kg_per_s["V"])
    r_s = R / methane.molar_mass_kg_per_mol
    a = math.pi * 0.3**2 / 4
    m_r = float(res.valves.set_index("name").flow_kg_per_s["R"])
    m_s = 1e-4 * 60.0  # the documented smoothing scale, 1e-4 of the reference flow
    assert p["B"] - p["C"] == pytest.approx(0.2e5 * m_r / math.hypot(m_r, m_s), rel=1e-9)
    assert p["B"] - p["C"] == pytest.approx(0.2e5, rel=(m_s / m_r) ** 2)
    assert p["B"] ** 2 - p["C"] ** 2 == pytest.approx(3.0 * r_s * 288.15 * mv * abs(mv) / a**2, rel=1e-7)
    assert float(res.valves.flow_kg_per_s.sum()) == pytest.approx(60.0, rel=1e-10)


def test_valve_jacobian_with_fixed_drop_matches_differences(
    methane: IdealGas, jacobian_error: Callable[[Any, np.ndarray], float]
) -> None:
    from pos2.hydraulics import steady as steady_mod

    nb = NetworkBuilder("jac")
    _ends(nb)
    nb.valve("R", "B", "C", pressure_drop_pa=0.3e5, diameter_m=0.4, loss_coefficient=2.0)
    nb.valve("V", "B", "C", diameter_m=0.3, loss_coefficient=3.0)
    st = steady_mod._prepare(nb.build(), methane, SteadyOptions())
    x = steady_mod._initial_state(st)
    x[st.topo.n_nodes :] += 3.0
    assert jacobian_error(st, x) < 1e-6


def test_three_stations_without_aftercooler_converge_in_thermal_mode() -> None:
    """Item 9 (the GasLib-4197 report): three ratio stations in series with no after-cooler and
    adiabatic pipes. The hydraulics-temperature iteration converges, and each discharge temperature is
    the isentropic one, T_out / T_in = 1 + (r^e - 1) / eta, e = (kappa - 1) / kappa."""
    from pos2.gas.pseudocritical import PseudoCriticalGas

    gas = PseudoCriticalGas(0.018, 46.7e5, 202.4)  # no table range: discharge may exceed 340 K
    nb = NetworkBuilder("three stations")
    for j in ("S", "A1", "B1", "A2", "B2", "A3", "B3", "D"):
        nb.junction(j)
    nb.pipe("P0", "S", "A1", 60e3, 1.0, 2e-5)
    nb.compressor("C1", "A1", "B1", ratio=1.3, fuel=False)
    nb.pipe("P1", "B1", "A2", 100e3, 1.0, 2e-5)
    nb.compressor("C2", "A2", "B2", ratio=1.3, fuel=False)
    nb.pipe("P2", "B2", "A3", 100e3, 1.0, 2e-5)
    nb.compressor("C3", "A3", "B3", ratio=1.3, fuel=False)
    nb.pipe("P3", "B3", "D", 80e3, 1.0, 2e-5)
    nb.pressure_source("Src", "S", p_pa=6.5e6, t_k=288.15)
    nb.sink("K", "D", 220.0)
    res = solve_steady(nb.build(), gas, SteadyOptions(thermal=True))
    assert res.thermal_iterations < 20
    c = res.compressors
    kappa = gas.isentropic_exponent(c.p_in_pa.to_numpy(), c.t_in_k.to_numpy())
    e = (kappa - 1.0) / kappa
    expected = c.t_in_k.to_numpy() * (1.0 + (c.ratio.to_numpy() ** e - 1.0) / 0.84)
    assert np.allclose(c.t_out_k.to_numpy(), expected, rtol=1e-9)
    assert (c.t_out_k > c.t_in_k + 15.0).all()
