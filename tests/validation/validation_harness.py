"""Shared helpers of the validation ladder (imported by the tests in this folder).

The pandapipes STANET test networks are solved with pos2's own friction correlations (STANET's laws
are native in pos2: ``nikuradse_stanet`` for "N", ``colebrook_dvgw`` for "PC"; pipe loss
coefficients are native too). One thing remains beyond a plain pos2 solve: pumps with a curve
``dp = f(Q_inlet)``, represented by outlet-pressure-controlled compressors.
:func:`solve_pandapipes_case` closes them with an outer fixed-point loop around pos2's Newton solver:
solve, recompute the pump outlet pressures ``p_in + dp(Q_in)``, rebuild, solve again, until they stop
changing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pos2.gas.model import GasModel
from pos2.hydraulics import SteadyOptions, SteadyResult, solve_steady
from pos2.network import Network
from pos2.network.pandapipes_json import PandapipesMetadata
from pos2.units import G


@dataclass(frozen=True)
class CaseSolution:
    """A solved pandapipes case: the last network, its result and the outer iterations used."""

    network: Network
    result: SteadyResult
    outer_iterations: int


def mean_pressure_pa(p1_pa: np.ndarray, p2_pa: np.ndarray) -> np.ndarray:
    """Mean pressure of an isothermal gas pipe, ``2/3 (p1^3 - p2^3) / (p1^2 - p2^2)`` [Pa].

    This is the pressure at which pandapipes (and STANET) evaluate a pipe's mean density and velocity.
    """
    p1 = np.asarray(p1_pa, dtype=float)
    p2 = np.asarray(p2_pa, dtype=float)
    same = np.isclose(p1, p2, rtol=1e-14, atol=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        pm = 2.0 / 3.0 * (p1**3 - p2**3) / (p1**2 - p2**2)
    return np.where(same, p1, pm)


def column(table: pd.DataFrame, value: str, key: str = "name") -> dict[str, float]:
    """One numeric column of a result table as ``{name: value}``."""
    return dict(zip(table[key].astype(str), table[value].to_numpy(dtype=float).tolist(), strict=True))


def solve_pandapipes_case(
    meta: PandapipesMetadata,
    gas: GasModel,
    friction: str,
    *,
    tol: float = 1e-10,
    max_outer: int = 60,
) -> CaseSolution:
    """Solve a converted pandapipes network, closing its pump curves.

    Pump outlet pressures follow the curve at the inlet volume flow, minus the hydrostatic pressure
    of the height difference between the pump's junctions, ``rho_mean g (h_to - h_from)``
    (pandapipes applies it to every branch).

    Parameters
    ----------
    meta
        Metadata returned by :func:`pos2.network.pandapipes_json.load_pandapipes_json` [-].
    gas
        Gas model returned with it [-].
    friction
        pos2 friction correlation name [-].
    tol
        Relative change of the pump outlet pressures that ends the loop [-].
    max_outer
        Maximum outer iterations [-].
    """
    t_k = float(np.mean(list(meta.t_fluid_k.values())))
    opts = SteadyOptions(friction=friction, thermal=False, ambient_temperature_k=t_k, tol=1e-10)
    pump_p = meta.start_pump_outlet_pressure_pa()
    change = math.inf
    for it in range(1, max_outer + 1):
        net = meta.build(pump_outlet_pressure_pa=pump_p)
        res = solve_steady(net, gas, opts)
        if not meta.pumps:
            return CaseSolution(net, res, it)
        new_pump: dict[str, float] = {}
        c_in, c_out = column(res.compressors, "p_in_pa"), column(res.compressors, "p_out_pa")
        c_flow = column(res.compressors, "flow_kg_per_s")
        for pump in meta.pumps:
            p_in, p_out, m = c_in[pump.name], c_out[pump.name], c_flow[pump.name]
            q = m / float(gas.density(p_in, t_k))
            rho_mean = 0.5 * float(gas.density(p_in, t_k) + gas.density(p_out, t_k))
            dh = meta.elevation_m[pump.to_junction] - meta.elevation_m[pump.from_junction]
            new_pump[pump.name] = p_in + pump.lift_pa(q) - rho_mean * G * dh
        change = max([abs(new_pump[k] / pump_p[k] - 1.0) for k in pump_p] + [0.0])
        pump_p = new_pump
        if change < tol:
            net = meta.build(pump_outlet_pressure_pa=pump_p)
            return CaseSolution(net, solve_steady(net, gas, opts), it + 1)
    raise AssertionError(
        f"{meta.path}: outer loop did not settle in {max_outer} iterations (change {change:.2e})"
    )


def stanet_deviations(
    meta: PandapipesMetadata, gas: GasModel, sol: CaseSolution
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pressure and velocity deviations of a pos2 solution from the STANET reference values.

    Pressures are compared as pandapipes does, relative to the *gauge* value:
    ``|1 - p_pos2,g / p_STANET,g|``. Velocities are the mean velocity of a pipe at its mean
    pressure (:func:`mean_pressure_pa`) and mean temperature, ``v = m / (A rho(p_m, T))`` - the
    quantity STANET and pandapipes report - compared in absolute terms [m/s]. The table also holds
    the ``v_mean_m_per_s`` that pos2 itself reports for the pipe.

    Returns
    -------
    tuple of DataFrame
        ``(pressures, velocities)`` with the pos2 value, the STANET value and the deviation.
    """
    node_p = column(sol.result.nodes, "p_pa")
    rows = []
    for j, p_ref in meta.p_stanet_pa.items():
        amb = meta.p_ambient_pa[j]
        p = node_p[j]
        p_g, ref_g = (p - amb) / 1e5, (p_ref - amb) / 1e5
        rows.append(
            {"junction": j, "p_pos2_barg": p_g, "p_stanet_barg": ref_g, "rel_dev": abs(1.0 - p_g / ref_g)}
        )
    p_table = pd.DataFrame(rows)
    cols = ("p_in_pa", "p_out_pa", "t_in_k", "t_out_k", "flow_kg_per_s", "v_mean_m_per_s")
    pipes = {c: column(sol.result.pipes, c) for c in cols}
    vrows = []
    for name, v_ref in meta.v_stanet_m_per_s.items():
        if name not in pipes["p_in_pa"]:
            continue
        p_in, p_out = pipes["p_in_pa"][name], pipes["p_out_pa"][name]
        pm = float(mean_pressure_pa(np.asarray([p_in]), np.asarray([p_out]))[0])
        t_m = 0.5 * (pipes["t_in_k"][name] + pipes["t_out_k"][name])
        d = meta.pipe_diameter_m[name]
        v = pipes["flow_kg_per_s"][name] / (math.pi * d**2 / 4.0 * float(gas.density(pm, t_m)))
        vrows.append(
            {
                "pipe": name,
                "v_pos2_m_per_s": v,
                "v_mean_reported_m_per_s": pipes["v_mean_m_per_s"][name],
                "v_stanet_m_per_s": v_ref,
                "abs_dev": abs(v - v_ref),
            }
        )
    v_table = pd.DataFrame(
        vrows, columns=["pipe", "v_pos2_m_per_s", "v_mean_reported_m_per_s", "v_stanet_m_per_s", "abs_dev"]
    )
    return p_table, v_table


def max_or_zero(values: Mapping[str, float] | pd.Series) -> float:
    """Largest value, 0 for an empty collection."""
    vals = list(values.values()) if isinstance(values, Mapping) else list(values)
    return float(max(vals)) if vals else 0.0
