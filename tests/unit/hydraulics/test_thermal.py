"""Non-isothermal mode: heat loss to ground, Joule-Thomson cooling, compressor heating, coolers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pos2.gas.simple import IdealGas
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.network import Network, NetworkBuilder

THERMAL = SteadyOptions(thermal=True, thermal_tol_k=1e-8)


def _line(u: float, t_in: float = 320.0, dz: float = 0.0) -> Network:
    nb = NetworkBuilder("hot line")
    nb.junction("A")
    nb.junction("B", elevation_m=dz)
    nb.pipe("P", "A", "B", 150e3, 1.0, 1e-5, u_w_per_m2k=u, ground_temperature_k=280.0)
    nb.pressure_source("S", "A", p_pa=9e6, t_k=t_in)
    nb.sink("D", "B", 300.0)
    return nb.build()


def test_adiabatic_ideal_gas_keeps_its_temperature(methane: IdealGas) -> None:
    res = solve_steady(_line(0.0), methane, THERMAL)
    assert np.allclose(res.segments.t_k, 320.0, rtol=0, atol=1e-9)
    assert res.thermal_iterations >= 1


def test_heat_loss_to_ground_matches_exponential_decay(methane: IdealGas) -> None:
    """m cp dT/dx = -U pi D (T - T_g): T_out = T_g + (T_in - T_g) exp(-U pi D L / (m cp))."""
    res = solve_steady(_line(2.0), methane, THERMAL)
    expected = 280.0 + 40.0 * math.exp(-2.0 * math.pi * 1.0 * 150e3 / (300.0 * 2200.0))
    assert float(res.pipes.t_out_k.iloc[0]) == pytest.approx(expected, rel=1e-10)
    # hotter gas is lighter: more pressure drop than the isothermal 280 K solution, less than at 320 K
    iso = solve_steady(_line(2.0), methane).pipes.dp_pa.iloc[0]
    assert float(res.pipes.dp_pa.iloc[0]) < float(iso)


def test_joule_thomson_cooling(jt_gas) -> None:  # type: ignore[no-untyped-def]
    """Adiabatic, flat: dT = mu_JT dp along the pipe (isenthalpic expansion)."""
    res = solve_steady(_line(0.0, t_in=300.0), jt_gas, THERMAL)
    pipe = res.pipes.iloc[0]
    assert pipe.t_out_k - pipe.t_in_k == pytest.approx(4.5e-6 * (pipe.p_out_pa - pipe.p_in_pa), rel=1e-9)
    assert pipe.t_out_k < 300.0 - 1.0


def test_uphill_gas_cools_by_g_dh_over_cp(methane: IdealGas) -> None:
    res = solve_steady(_line(0.0, t_in=300.0, dz=500.0), methane, THERMAL)
    assert float(res.pipes.t_out_k.iloc[0]) == pytest.approx(300.0 - 9.80665 * 500.0 / 2200.0, rel=1e-10)


def _station(aftercooler: float | None) -> Network:
    nb = NetworkBuilder("station")
    for j in ("A", "B", "C", "D"):
        nb.junction(j)
    nb.pipe("AB", "A", "B", 60e3, 1.0, 1e-5, u_w_per_m2k=1.5, ground_temperature_k=278.0)
    nb.compressor("CS", "B", "C", ratio=1.5, efficiency=0.82, aftercooler_outlet_k=aftercooler)
    nb.pipe("CD", "C", "D", 60e3, 1.0, 1e-5, u_w_per_m2k=1.5, ground_temperature_k=278.0)
    nb.pressure_source("S", "A", p_pa=7e6, t_k=290.0)
    nb.sink("X", "D", 250.0)
    return nb.build()


def test_compressor_discharge_temperature_and_aftercooler(methane: IdealGas) -> None:
    res = solve_steady(_station(None), methane, THERMAL)
    c = res.compressors.iloc[0]
    e = 0.3 / 1.3
    assert c.t_out_k == pytest.approx(c.t_in_k * (1 + (1.5**e - 1) / 0.82), rel=1e-9)
    nodes = res.nodes.set_index("name").t_k
    assert nodes["C"] == pytest.approx(c.t_out_k, rel=1e-9)
    assert nodes["B"] < 290.0  # cooled by the ground on the way to the station
    cooled = solve_steady(_station(303.0), methane, THERMAL)
    assert float(cooled.nodes.set_index("name").t_k["C"]) == pytest.approx(303.0, rel=1e-12)
    assert float(cooled.compressors.t_out_k.iloc[0]) == pytest.approx(303.0, rel=1e-12)
    # cooler gas downstream: less pressure drop in CD
    assert float(cooled.pipes.dp_pa.iloc[1]) < float(res.pipes.dp_pa.iloc[1])


def test_mixing_at_a_node(methane: IdealGas) -> None:
    nb = NetworkBuilder("mix")
    for j in ("A", "B", "M", "D"):
        nb.junction(j)
    nb.pipe("AM", "A", "M", 1e3, 0.8, 1e-5)
    nb.pipe("BM", "B", "M", 1e3, 0.8, 1e-5)
    nb.pipe("MD", "M", "D", 1e3, 0.8, 1e-5)
    nb.pressure_source("S", "A", p_pa=6e6, t_k=300.0)
    nb.flow_source("F", "B", 50.0, t_k=280.0)
    nb.sink("X", "D", 150.0)
    res = solve_steady(nb.build(), methane, THERMAL)
    assert float(res.nodes.set_index("name").t_k["M"]) == pytest.approx(
        (100 * 300 + 50 * 280) / 150, rel=1e-10
    )


def test_meshed_network_temperatures_stay_between_ground_and_supply(methane: IdealGas) -> None:
    """Flat, no Joule-Thomson: every temperature lies between the ground and the supply (max principle)."""
    rng = np.random.default_rng(5)
    nb = NetworkBuilder("thermal mesh")
    n = 5
    for i in range(n):
        for j in range(n):
            nb.junction(f"J{i}_{j}")
    k = 0
    for i in range(n):
        for j in range(n):
            for di, dj in ((0, 1), (1, 0)):
                if i + di < n and j + dj < n:
                    length = float(rng.uniform(5e3, 30e3))
                    b = f"J{i + di}_{j + dj}"
                    nb.pipe(
                        f"P{k}",
                        f"J{i}_{j}",
                        b,
                        length,
                        0.6,
                        2e-5,
                        u_w_per_m2k=1.75,
                        ground_temperature_k=278.0,
                    )
                    k += 1
    nb.pressure_source("S", "J0_0", p_pa=7e6, t_k=310.0)
    nb.flow_source("F", f"J{n - 1}_0", 10.0, t_k=300.0)
    for q in rng.choice(np.arange(1, n * n), size=8, replace=False):
        nb.sink(f"D{q}", f"J{q // n}_{q % n}", float(rng.uniform(2.0, 8.0)))
    res = solve_steady(nb.build(), methane, THERMAL)
    t = res.segments.t_k.to_numpy()
    assert t.min() >= 278.0 - 1e-9
    assert t.max() <= 310.0 + 1e-9
    assert res.thermal_iterations < 30
    assert float(res.nodes.set_index("name").t_k["J0_0"]) == pytest.approx(310.0)
