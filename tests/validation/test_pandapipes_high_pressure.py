"""Rung 4: side by side with pandapipes on high-pressure transmission networks (50-100 bar).

Each network is built in pandapipes with its own ``hgas`` fluid (density at 0 degC from its table,
``Z = 1 - 0.0022 p_abs[bar]``, viscosity at the gas temperature), solved by pandapipes (isothermal
"hydraulics" mode, Colebrook-White friction, tight tolerances), written with ``pandapipes.to_json``,
read back with pos2's converter and solved by pos2 (isothermal, ``colebrook_dvgw``: Colebrook-White
with ``k/(3.71 D)``, the form of pandapipes' "colebrook"). Assumptions match: same fluid mapping,
same friction law, same geometry, same boundary values.

Tolerance: node pressures agree within 0.1 % (relative, absolute pressure).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandapipes as pp
import pytest
from validation_harness import solve_pandapipes_case

from pos2.network.pandapipes_json import load_pandapipes_json

REL_TOL = 1e-3
T_K = 283.15


def _trunk_line() -> Any:
    """A 400 km, 1.2 m trunk line in four 100 km pipes, 100 bar(g) inlet, three offtakes."""
    net = pp.create_empty_network(fluid="hgas")
    j = pp.create_junctions(net, 5, pn_bar=90.0, tfluid_k=T_K, name=[f"km{100 * i}" for i in range(5)])
    for i in range(4):
        pp.create_pipe_from_parameters(
            net, j[i], j[i + 1], length_km=100.0, inner_diameter_mm=1200.0, k_mm=0.02, name=f"section{i + 1}"
        )
    pp.create_ext_grid(net, j[0], p_bar=99.0, t_k=T_K, type="pt")
    for i, q in zip((1, 2, 4), (100.0, 150.0, 250.0), strict=True):
        pp.create_sink(net, j[i], mdot_kg_per_s=q, name=f"offtake{i}")
    return net


def _meshed_regional() -> Any:
    """A 4 x 4 meshed regional grid (10-30 km pipes, 0.5-0.7 m), 70 bar(g) corner source, 6 offtakes."""
    rng = np.random.default_rng(3)
    net = pp.create_empty_network(fluid="hgas")
    k = 4
    j = pp.create_junctions(net, k * k, pn_bar=65.0, tfluid_k=T_K, name=[f"n{i}" for i in range(k * k)])
    idx = np.arange(k * k).reshape(k, k)
    pairs = list(zip(idx[:, :-1].ravel(), idx[:, 1:].ravel(), strict=True))
    pairs += list(zip(idx[:-1, :].ravel(), idx[1:, :].ravel(), strict=True))
    for a, b in pairs:
        pp.create_pipe_from_parameters(
            net,
            j[a],
            j[b],
            length_km=float(rng.uniform(10.0, 30.0)),
            inner_diameter_mm=float(rng.choice([500.0, 600.0, 700.0])),
            k_mm=0.05,
        )
    pp.create_ext_grid(net, j[0], p_bar=70.0, t_k=T_K, type="pt")
    for node in (5, 7, 10, 12, 14, 15):
        pp.create_sink(net, j[node], mdot_kg_per_s=float(rng.uniform(10.0, 25.0)))
    return net


def _two_sources_with_elevation() -> Any:
    """Two pressure sources (80 and 76 bar(g)) feeding a loop across 0-400 m of elevation, plus a supply."""
    net = pp.create_empty_network(fluid="hgas")
    heights = [0.0, 150.0, 400.0, 250.0, 50.0]
    j = pp.create_junctions(
        net, 5, pn_bar=75.0, tfluid_k=T_K, height_m=heights, name=[f"j{i}" for i in range(5)]
    )
    for a, b, length in ((0, 1, 40.0), (1, 2, 35.0), (2, 3, 30.0), (3, 4, 45.0), (4, 0, 25.0), (1, 3, 50.0)):
        pp.create_pipe_from_parameters(net, j[a], j[b], length_km=length, inner_diameter_mm=700.0, k_mm=0.03)
    pp.create_ext_grid(net, j[0], p_bar=80.0, t_k=T_K, type="pt")
    pp.create_ext_grid(net, j[2], p_bar=76.0, t_k=T_K, type="pt")
    pp.create_source(net, j[4], mdot_kg_per_s=20.0)
    pp.create_sink(net, j[1], mdot_kg_per_s=60.0)
    pp.create_sink(net, j[3], mdot_kg_per_s=80.0)
    return net


def _compressor_and_regulator() -> Any:
    """Supply at 70 bar(g), 120 km, a compressor (ratio 1.3), 150 km, a regulator to 60 bar(g), 30 km."""
    net = pp.create_empty_network(fluid="hgas")
    j = pp.create_junctions(net, 6, pn_bar=65.0, tfluid_k=T_K, name=[f"j{i}" for i in range(6)])
    pp.create_ext_grid(net, j[0], p_bar=70.0, t_k=T_K, type="pt")
    pp.create_pipe_from_parameters(net, j[0], j[1], length_km=120.0, inner_diameter_mm=1000.0, k_mm=0.02)
    pp.create_compressor(net, j[1], j[2], pressure_ratio=1.3, name="station")
    pp.create_pipe_from_parameters(net, j[2], j[3], length_km=150.0, inner_diameter_mm=1000.0, k_mm=0.02)
    pp.create_pressure_control(net, j[3], j[4], j[4], controlled_p_bar=60.0, name="regulator")
    pp.create_pipe_from_parameters(net, j[4], j[5], length_km=30.0, inner_diameter_mm=800.0, k_mm=0.02)
    pp.create_sink(net, j[5], mdot_kg_per_s=200.0)
    return net


NETWORKS: dict[str, Callable[[], Any]] = {
    "trunk_line_100bar": _trunk_line,
    "meshed_regional_70bar": _meshed_regional,
    "two_sources_elevation_80bar": _two_sources_with_elevation,
    "compressor_and_regulator_55_84bar": _compressor_and_regulator,
}


@pytest.mark.parametrize("name", list(NETWORKS))
def test_pandapipes_side_by_side_high_pressure(name: str, tmp_path: Path) -> None:
    """pos2 and pandapipes agree within 0.1 % on every node pressure."""
    logging.getLogger("pandapipes").setLevel(logging.ERROR)
    net = NETWORKS[name]()
    pp.pipeflow(
        net,
        mode="hydraulics",
        friction_model="colebrook",
        stop_condition="tol",
        tol_p=1e-8,
        tol_m=1e-8,
        tol_res=1e-7,
        max_iter_hyd=100,
        use_numba=False,
    )
    assert net.converged
    path = tmp_path / f"{name}.json"
    pp.to_json(net, str(path))
    _, gas, meta = load_pandapipes_json(path)
    sol = solve_pandapipes_case(meta, gas, "colebrook_dvgw")
    node_p = dict(zip(sol.result.nodes["name"], sol.result.nodes["p_pa"].to_numpy(dtype=float), strict=True))
    p_pp = net.res_junction.p_bar.to_numpy() * 1e5 + np.array([meta.p_ambient_pa[j] for j in meta.junctions])
    p_pos2 = np.array([node_p[j] for j in meta.junctions])
    assert np.all(p_pp > 49e5)
    rel = np.abs(p_pos2 / p_pp - 1.0)
    assert rel.max() < REL_TOL, (
        f"max relative deviation {rel.max():.2e} at {meta.junctions[int(rel.argmax())]}"
    )
