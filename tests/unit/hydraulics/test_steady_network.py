"""Meshed networks, gravity, stations, valves, discretisation and the analytic Jacobian."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pos2.gas.simple import IdealGas
from pos2.hydraulics import DEFAULT_LHV_J_PER_KG, SteadyOptions, solve_steady
from pos2.hydraulics import steady as steady_mod
from pos2.network import Network, NetworkBuilder
from pos2.units import G, R


def grid(n: int, *, seed: int = 3, demand: float = 2.0, elevation: float = 0.0) -> Network:
    """n x n meshed grid, pressure source in a corner, random offtakes."""
    rng = np.random.default_rng(seed)
    nb = NetworkBuilder(f"grid{n}")
    for i in range(n):
        for j in range(n):
            nb.junction(f"J{i}_{j}", elevation_m=float(rng.uniform(0.0, elevation)))
    k = 0
    for i in range(n):
        for j in range(n):
            for di, dj in ((0, 1), (1, 0)):
                if i + di < n and j + dj < n:
                    length = float(rng.uniform(5e3, 25e3))
                    nb.pipe(f"P{k}", f"J{i}_{j}", f"J{i + di}_{j + dj}", length, 0.5, 2e-5)
                    k += 1
    nb.pressure_source("S", "J0_0", p_pa=7e6, t_k=288.15)
    for q in rng.choice(np.arange(1, n * n), size=max(1, n * n // 4), replace=False):
        nb.sink(f"D{q}", f"J{q // n}_{q % n}", flow_kg_per_s=float(rng.uniform(0.2, 1.0) * demand))
    return nb.build()


def node_imbalance(net: Network, res: steady_mod.SteadyResult) -> pd.Series:
    """Inflow - outflow + supply - offtake at every junction from the result tables [kg/s]."""
    bal = pd.Series(0.0, index=[j.name for j in net.junctions])
    for row in res.pipes.itertuples():
        bal[row.to_junction] += row.flow_kg_per_s
        bal[row.from_junction] -= row.flow_kg_per_s
    for c, row in zip(net.compressors, res.compressors.itertuples(), strict=True):
        bal[c.from_junction] -= row.flow_kg_per_s
        bal[c.to_junction] += row.flow_kg_per_s - row.fuel_kg_per_s
    for r, row in zip(net.regulators, res.regulators.itertuples(), strict=True):
        bal[r.from_junction] -= row.flow_kg_per_s
        bal[r.to_junction] += row.flow_kg_per_s
    for v, row in zip(net.valves, res.valves.itertuples(), strict=True):
        bal[v.from_junction] -= row.flow_kg_per_s
        bal[v.to_junction] += row.flow_kg_per_s
    for row in res.sources.itertuples():
        bal[row.junction] += row.flow_kg_per_s
    for row in res.sinks.itertuples():
        bal[row.junction] -= row.flow_kg_per_s
    return bal


def test_mesh_mass_balance_closes(methane: IdealGas) -> None:
    net = grid(8, elevation=300.0)
    res = solve_steady(net, methane)
    bal = node_imbalance(net, res)
    total = float(res.sinks.flow_kg_per_s.sum())
    assert np.abs(bal).max() < 1e-8 * total
    assert float(res.sources.flow_kg_per_s.sum()) == pytest.approx(total, rel=1e-10)
    assert res.iterations < 15
    # every loop of the mesh carries flow both ways round: some pipes run against their orientation
    assert (res.pipes.flow_kg_per_s < 0).any() or (res.pipes.flow_kg_per_s > 0).all()
    assert (res.nodes.p_pa < 7e6).sum() == len(res.nodes) - 1


@pytest.mark.parametrize("gas_name", ["methane", "z_gas"])
def test_full_jacobian_matches_finite_differences(
    gas_name: str, request: pytest.FixtureRequest, jacobian_error: Callable[[Any, np.ndarray], float]
) -> None:
    """The analytic Jacobian (all blocks incl. Z(p), compressor fuel, valves) equals central differences."""
    methane = request.getfixturevalue(gas_name)
    nb = NetworkBuilder("jac")
    for j, z in (("A", 0), ("B", 150), ("C", 50), ("D", 0), ("E", 20)):
        nb.junction(j, elevation_m=z)
    nb.pipe("AB", "A", "B", 40e3, 0.7, 3e-5)
    nb.compressor("CS", "B", "C", ratio=1.3)
    nb.pipe("CD", "C", "D", 35e3, 0.6, 3e-5)
    nb.valve("V", "D", "E", diameter_m=0.4, loss_coefficient=2.0)
    nb.pipe("AE", "A", "E", 90e3, 0.4, 3e-5, loss_coefficient=12.0)
    nb.pressure_source("S", "A", p_pa=6e6)
    nb.sink("X", "D", 40.0)
    net = nb.build()
    from pos2.gas.model import GasModel

    gas: GasModel = methane
    opts = SteadyOptions(max_segment_length_m=15e3)
    st = steady_mod._prepare(net, gas, opts)
    rng = np.random.default_rng(1)
    x = steady_mod._initial_state(st)
    x[: st.topo.n_nodes] *= rng.uniform(0.9, 1.0, st.topo.n_nodes)
    x[st.topo.n_nodes :] += rng.uniform(1.0, 5.0, st.topo.n_branches)
    assert jacobian_error(st, x) < 1e-6
    res, jp = steady_mod._evaluate(st, x, jac=True)
    assert jp is not None
    jac = steady_mod._full_jacobian(st, jp).toarray()
    # the Schur-complement step equals the full Newton step
    full = np.linalg.solve(jac, -res)
    assert np.allclose(
        steady_mod._reduced_step(st, res, jp)[0], full, rtol=1e-9, atol=1e-12 * np.abs(full).max()
    )


def _line(
    dz_m: float, flow: float, gas: IdealGas, opts: SteadyOptions | None = None
) -> steady_mod.SteadyResult:
    nb = NetworkBuilder("line")
    nb.junction("A", elevation_m=0.0)
    nb.junction("B", elevation_m=dz_m)
    nb.pipe("P", "A", "B", 60e3, 0.8, 2e-5)
    nb.pressure_source("S", "A", p_pa=8e6, t_k=288.15)
    if flow:
        nb.sink("D", "B", flow)
    return solve_steady(nb.build(), gas, opts)


def test_gravity_sign(methane: IdealGas) -> None:
    flat = float(_line(0.0, 200.0, methane).pipes.dp_pa.iloc[0])
    up = float(_line(500.0, 200.0, methane).pipes.dp_pa.iloc[0])
    down = float(_line(-500.0, 200.0, methane).pipes.dp_pa.iloc[0])
    assert up > flat > down
    # roughly rho g dh (rho ~ 55 kg/m3 at 80 bar) apart
    assert (up - flat) == pytest.approx(55 * G * 500, rel=0.15)


def test_hydrostatic_column_matches_integral_of_rho_g_dh(methane: IdealGas) -> None:
    res = _line(2000.0, 0.0, methane, SteadyOptions(max_segment_length_m=500.0))
    p_a, p_b = res.nodes.p_pa.to_numpy()
    r_s = R / methane.molar_mass_kg_per_mol
    # isothermal ideal gas: p_B = p_A exp(-g dh / (R_s T)), exact in the segment equation
    assert p_b == pytest.approx(p_a * math.exp(-G * 2000.0 / (r_s * 288.15)), rel=1e-10)
    seg = res.segments
    z = seg.x_m.to_numpy() / 60e3 * 2000.0
    rho = seg.rho_kg_per_m3.to_numpy()
    integral = float(np.sum(0.5 * (rho[1:] + rho[:-1]) * G * np.diff(z)))
    assert p_a - p_b == pytest.approx(integral, rel=1e-6)
    assert np.allclose(res.pipes.flow_kg_per_s, 0.0, atol=1e-9)


def test_discretisation_converges(z_gas) -> None:  # type: ignore[no-untyped-def]
    """Halving the segment length changes the outlet pressure by less than 1e-5 (relative)."""
    nb = NetworkBuilder("long")
    nb.junction("A", elevation_m=0.0)
    nb.junction("B", elevation_m=800.0)
    nb.pipe("P", "A", "B", 300e3, 1.0, 1e-5)
    nb.pressure_source("S", "A", p_pa=10e6, t_k=285.0)
    nb.sink("D", "B", 300.0)
    net = nb.build()
    p = [
        float(solve_steady(net, z_gas, SteadyOptions(max_segment_length_m=s)).nodes.p_pa.iloc[1])
        for s in (40e3, 20e3, 10e3, 5e3)
    ]
    d = np.abs(np.diff(p)) / p[-1]
    assert d[-1] < 1e-5
    assert d[2] < d[1] < d[0]  # monotone convergence
    assert d[1] / d[2] == pytest.approx(4.0, rel=0.25)  # second order


def _station(gas: IdealGas, **kw: object) -> tuple[Network, steady_mod.SteadyResult]:
    nb = NetworkBuilder("station")
    for j in ("A", "B", "C", "D"):
        nb.junction(j)
    nb.pipe("AB", "A", "B", 80e3, 0.9, 2e-5)
    nb.compressor("CS", "B", "C", **kw)  # type: ignore[arg-type]
    nb.pipe("CD", "C", "D", 80e3, 0.9, 2e-5)
    nb.pressure_source("S", "A", p_pa=6e6, t_k=288.15)
    nb.sink("X", "D", 250.0)
    net = nb.build()
    return net, solve_steady(net, gas, SteadyOptions(tol=1e-12))


def test_compressor_ratio_power_and_fuel_by_hand(methane: IdealGas) -> None:
    net, res = _station(methane, ratio=1.4, efficiency=0.8, driver_efficiency=0.35)
    c = res.compressors.iloc[0]
    assert c.ratio == pytest.approx(1.4, rel=1e-10)
    r_s = R / methane.molar_mass_kg_per_mol
    kappa, t_in = 1.3, 288.15
    e = (kappa - 1) / kappa
    head = r_s * t_in / e * (1.4**e - 1.0)  # Z = 1
    m_comp = c.flow_kg_per_s - c.fuel_kg_per_s
    assert c.power_w == pytest.approx(m_comp * head / 0.8, rel=1e-10)
    assert c.fuel_kg_per_s == pytest.approx(c.power_w / (0.35 * DEFAULT_LHV_J_PER_KG), rel=1e-10)
    assert c.driver_power_w == pytest.approx(c.power_w / 0.35, rel=1e-10)
    assert c.t_out_k == pytest.approx(t_in * (1 + (1.4**e - 1) / 0.8), rel=1e-12)
    # the fuel leaves the system: supply = offtake + fuel
    assert float(res.sources.flow_kg_per_s.iloc[0]) == pytest.approx(250.0 + c.fuel_kg_per_s, rel=1e-10)
    assert res.total_fuel_kg_per_s == pytest.approx(c.fuel_kg_per_s)
    assert res.total_power_w == pytest.approx(c.power_w)
    assert np.abs(node_imbalance(net, res)).max() < 1e-8


def test_compressor_outlet_pressure_and_polytropic(methane: IdealGas) -> None:
    _, res = _station(
        methane, outlet_pressure_pa=7.5e6, efficiency=0.85, efficiency_kind="polytropic", fuel=False
    )
    c = res.compressors.iloc[0]
    assert c.p_out_pa == pytest.approx(7.5e6, rel=1e-10)
    assert c.fuel_kg_per_s == 0.0
    r_s = R / methane.molar_mass_kg_per_mol
    ep = 0.3 / 1.3 / 0.85
    assert c.power_w == pytest.approx(
        c.flow_kg_per_s * r_s * 288.15 * (c.ratio**ep - 1) / (ep * 0.85), rel=1e-10
    )
    assert c.t_out_k == pytest.approx(288.15 * c.ratio**ep, rel=1e-12)


def test_compressor_flow_set_point_with_second_source(methane: IdealGas) -> None:
    nb = NetworkBuilder("flowset")
    for j in ("A", "B", "C", "D"):
        nb.junction(j)
    nb.pipe("AB", "A", "B", 50e3, 0.9, 2e-5)
    nb.compressor("CS", "B", "C", flow_kg_per_s=120.0, fuel_lhv_j_per_kg=45e6)
    nb.pipe("CD", "C", "D", 50e3, 0.9, 2e-5)
    nb.pressure_source("S1", "A", p_pa=6e6)
    nb.pressure_source("S2", "D", p_pa=6.5e6)
    res = solve_steady(nb.build(), methane)
    c = res.compressors.iloc[0]
    assert c.flow_kg_per_s == pytest.approx(120.0, rel=1e-10)
    assert c.fuel_kg_per_s == pytest.approx(c.power_w / (0.36 * 45e6), rel=1e-10)
    flows = res.sources.set_index("name").flow_kg_per_s
    assert flows["S1"] == pytest.approx(120.0, rel=1e-10)
    assert flows["S2"] == pytest.approx(-(120.0 - c.fuel_kg_per_s), rel=1e-10)


def test_regulator_holds_outlet_pressure(methane: IdealGas) -> None:
    nb = NetworkBuilder("reg")
    for j in ("A", "B", "C", "D"):
        nb.junction(j)
    nb.pipe("AB", "A", "B", 30e3, 0.6, 2e-5)
    nb.regulator("R", "B", "C", outlet_pressure_pa=4e6)
    nb.pipe("CD", "C", "D", 30e3, 0.4, 2e-5)
    nb.pressure_source("S", "A", p_pa=7e6)
    nb.sink("X", "D", 30.0)
    res = solve_steady(nb.build(), methane)
    p = res.nodes.set_index("name").p_pa
    assert p["C"] == pytest.approx(4e6, rel=1e-10)
    assert p["B"] > p["C"] > p["D"]
    assert float(res.regulators.flow_kg_per_s.iloc[0]) == pytest.approx(30.0, rel=1e-10)


def test_valves_open_closed(methane: IdealGas) -> None:
    def build(open_: bool) -> Network:
        nb = NetworkBuilder("valves")
        for j in ("A", "B", "C", "D"):
            nb.junction(j)
        nb.pipe("AB", "A", "B", 30e3, 0.6, 2e-5)
        nb.valve("V", "B", "C", open=open_)
        nb.pipe("CD", "C", "D", 30e3, 0.6, 2e-5)
        nb.pipe("AD", "A", "D", 90e3, 0.6, 2e-5)
        nb.pressure_source("S", "A", p_pa=7e6)
        nb.sink("X", "D", 40.0)
        return nb.build()

    res = solve_steady(build(True), methane)
    p = res.nodes.set_index("name").p_pa
    assert p["B"] == pytest.approx(p["C"], rel=1e-12)
    assert float(res.valves.flow_kg_per_s.iloc[0]) > 10.0
    res = solve_steady(build(False), methane)
    assert float(res.valves.flow_kg_per_s.iloc[0]) == 0.0
    assert float(res.pipes.set_index("name").flow_kg_per_s["AD"]) == pytest.approx(40.0, rel=1e-10)


def test_friction_options_order(methane: IdealGas) -> None:
    """All correlations solve the same line; Colebrook and Hofer agree to 1 %."""
    dps = {
        name: float(_line(0.0, 200.0, methane, SteadyOptions(friction=name)).pipes.dp_pa.iloc[0])
        for name in ("colebrook", "hofer", "nikuradse", "weymouth", "panhandle_a", "panhandle_b")
    }
    assert dps["hofer"] == pytest.approx(dps["colebrook"], rel=0.01)
    assert dps["nikuradse"] < dps["colebrook"] * 1.01  # the rough limit ignores viscous resistance
    assert all(v > 0 for v in dps.values())


def test_result_tables_and_options(methane: IdealGas) -> None:
    opts = SteadyOptions(max_segment_length_m=7e3)
    res = _line(100.0, 150.0, methane, opts)
    assert res.options is opts
    assert list(res.nodes.columns) == ["name", "p_pa", "t_k", "elevation_m"]
    assert list(res.pipes.columns) == [
        "name", "from_junction", "to_junction", "flow_kg_per_s", "v_in_m_per_s", "v_out_m_per_s",
        "v_mean_m_per_s", "p_in_pa", "p_out_pa", "dp_pa", "t_in_k", "t_out_k", "linepack_kg",
    ]  # fmt: skip
    assert list(res.compressors.columns)[:10] == [
        "name", "flow_kg_per_s", "p_in_pa", "p_out_pa", "ratio", "t_in_k", "t_out_k", "power_w",
        "fuel_kg_per_s", "driver_power_w",
    ]  # fmt: skip
    assert {"name", "junction", "flow_kg_per_s", "p_pa"} <= set(res.sources.columns)
    assert list(res.segments.columns) == ["pipe", "x_m", "p_pa", "t_k", "rho_kg_per_m3", "v_m_per_s"]
    assert len(res.segments) == 10  # 60 km in 9 segments of <= 7 km -> 10 points
    pipe = res.pipes.iloc[0]
    assert pipe.v_out_m_per_s > pipe.v_mean_m_per_s > pipe.v_in_m_per_s > 0
    rho = methane.density(res.segments.p_pa.to_numpy(), 288.15)
    assert res.linepack_kg == pytest.approx(float(np.mean(rho)) * math.pi * 0.16 * 60e3, rel=1e-3)
    assert res.converged
    assert res.residual < 1e-8


def test_networks_without_pipes(methane: IdealGas) -> None:
    nb = NetworkBuilder("one node")
    nb.junction("A")
    nb.pressure_source("S", "A", p_pa=5e6)
    nb.sink("D", "A", 3.0)
    res = solve_steady(nb.build(), methane)
    assert float(res.sources.flow_kg_per_s.iloc[0]) == pytest.approx(3.0)
    assert res.pipes.empty
    assert res.segments.empty
    assert res.linepack_kg == 0.0

    nb = NetworkBuilder("station only")
    nb.junction("A")
    nb.junction("B")
    nb.pressure_source("S", "A", p_pa=5e6)
    nb.compressor("C", "A", "B", ratio=1.5)
    nb.sink("D", "B", 3.0)
    res = solve_steady(nb.build(), methane, SteadyOptions(thermal=True))
    c = res.compressors.iloc[0]
    assert c.p_out_pa == pytest.approx(7.5e6)
    assert c.flow_kg_per_s == pytest.approx(3.0 + c.fuel_kg_per_s)


def test_solving_twice_gives_the_same_answer_and_leaves_the_network_alone(methane: IdealGas) -> None:
    net = grid(5)
    before = net.table("pipe").copy()
    a = solve_steady(net, methane)
    b = solve_steady(net, methane)
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    pd.testing.assert_frame_equal(net.table("pipe"), before)
    # a different segment length is a different discretisation
    c = solve_steady(net, methane, SteadyOptions(max_segment_length_m=3e3))
    assert c.info["n_nodes"] > a.info["n_nodes"]
