"""Shared helpers of the validation ladder (imported by the tests in this folder).

The pandapipes STANET test networks need two things beyond a plain pos2 solve:

* STANET's friction laws differ slightly from pos2's correlations (see
  :func:`stanet_friction_factor`). With constant viscosity and temperature the Reynolds number, hence
  the friction factor, is constant along a pipe, so a pipe under STANET's law is exactly a pos2 pipe
  of length ``L f_STANET(Re) / f_pos2(Re)`` (pipe loss coefficients are native in pos2 and need
  nothing);
* pumps with a curve ``dp = f(Q_inlet)``, represented by outlet-pressure-controlled compressors.

:func:`solve_pandapipes_case` closes both with an outer fixed-point loop around pos2's Newton solver:
solve, recompute the friction factors from the solved flows and the pump outlet pressures
``p_in + dp(Q_in)``, rebuild, solve again, until the set values stop changing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pos2.gas.model import GasModel
from pos2.hydraulics import SteadyOptions, SteadyResult, correlations, solve_steady
from pos2.network import Network
from pos2.network.pandapipes_json import PandapipesMetadata
from pos2.units import G


def friction_factor(friction: str, reynolds: float, diameter_m: float, roughness_m: float) -> float:
    """Darcy friction factor pos2's solver uses for correlation ``friction`` at one Reynolds number [-].

    As in :mod:`pos2.hydraulics.steady`: the turbulent law (evaluated from Re = 1000 up) unless the
    laminar law ``64/Re`` is larger.
    """
    re_t = np.asarray([max(reynolds, 1000.0)])
    f_t, _ = correlations.friction_and_derivative(
        friction, re_t, np.asarray([roughness_m / diameter_m]), np.asarray([diameter_m])
    )
    return max(float(f_t[0]), 64.0 / reynolds)


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


def stanet_friction_factor(method: str, reynolds: float, diameter_m: float, roughness_m: float) -> float:
    """Darcy friction factor of STANET's laws as pandapipes implements them (its STANET reference) [-].

    * ``"nikuradse"`` (STANET "N"): laminar plus fully rough, ``64/Re + 1/(2 log10(D/k) + 1.14)^2``
      (Nikuradse 1933 rough-pipe law with his constant 1.14, laminar term added; pandapipes
      ``calc_lambda_nikuradse_*``).
    * ``"colebrook"`` (STANET "PC", Prandtl-Colebrook): ``1/sqrt(f) = -2 log10(2.51/(Re sqrt(f)) +
      k/(3.71 D))``, the DVGW form with 3.71 (pandapipes ``colebrook_*``), solved to machine precision
      by the fixed-point iteration ``x <- -2 log10(a + b x)`` on ``x = 1/sqrt(f)`` (a contraction
      for every physical ``f < 1.3``).

    Parameters
    ----------
    method
        ``"nikuradse"`` or ``"colebrook"`` [-].
    reynolds
        Reynolds number, > 0 [-].
    diameter_m
        Inner diameter [m].
    roughness_m
        Wall roughness [m].
    """
    if method == "nikuradse":
        return 64.0 / reynolds + 1.0 / (2.0 * math.log10(diameter_m / roughness_m) + 1.14) ** 2
    if method == "colebrook":
        a = roughness_m / (3.71 * diameter_m)
        b = 2.51 / reynolds
        x = 7.0
        for _ in range(500):
            x_new = -2.0 * math.log10(a + b * x)
            if abs(x_new - x) <= 1e-15 * abs(x_new):
                x = x_new
                break
            x = x_new
        return 1.0 / (x * x)
    raise ValueError(f"unknown STANET friction law {method!r}")


def solve_pandapipes_case(
    meta: PandapipesMetadata,
    gas: GasModel,
    friction: str,
    *,
    reference_friction: str | None = None,
    tol: float = 1e-10,
    max_outer: int = 60,
) -> CaseSolution:
    """Solve a converted pandapipes network, closing pump curves and (optionally) the friction law.

    With ``reference_friction`` the outer loop sets every pipe's length to ``L_eff`` such that pos2's
    friction term equals the reference one: ``f_pos2(Re) L_eff / D = f_ref(Re) L / D``, exact because
    ``Re`` is constant along an isothermal pipe with constant viscosity (the pipe's loss coefficient
    enters both sides alike). Pump outlet pressures follow the curve at the inlet
    volume flow, minus the hydrostatic pressure of the height difference between the pump's
    junctions, ``rho_mean g (h_to - h_from)`` (pandapipes applies it to every branch).

    Parameters
    ----------
    meta
        Metadata returned by :func:`pos2.network.pandapipes_json.load_pandapipes_json` [-].
    gas
        Gas model returned with it [-].
    friction
        pos2 friction correlation name [-].
    reference_friction
        STANET friction law to reproduce (:func:`stanet_friction_factor`), or None [-].
    tol
        Relative change of the pipe lengths and pump outlet pressures that ends the loop [-].
    max_outer
        Maximum outer iterations [-].
    """
    t_k = float(np.mean(list(meta.t_fluid_k.values())))
    opts = SteadyOptions(friction=friction, thermal=False, ambient_temperature_k=t_k, tol=1e-10)
    mu = float(gas.viscosity(1e5, t_k))
    extra: dict[str, float] = {}
    pump_p = meta.start_pump_outlet_pressure_pa()
    needs_loop = bool(meta.pumps) or reference_friction is not None
    pipe_geom = {p.name: p for p in meta._pipes}
    change = math.inf
    for it in range(1, max_outer + 1):
        net = meta.build(pipe_extra_length_m=extra, pump_outlet_pressure_pa=pump_p)
        res = solve_steady(net, gas, opts)
        if not needs_loop:
            return CaseSolution(net, res, it)
        pipe_flow = column(res.pipes, "flow_kg_per_s")
        new_extra: dict[str, float] = {}
        for name, g in pipe_geom.items():
            if reference_friction is None:
                break
            m = abs(pipe_flow[name])
            re = 4.0 * m / (math.pi * g.inner_diameter_m * mu)
            if re < 1.0:  # (almost) no flow: friction plays no role, keep the last length
                new_extra[name] = extra.get(name, 0.0)
                continue
            lam = friction_factor(friction, re, g.inner_diameter_m, g.roughness_m)
            # Colebrook-White has no physical root far below transition; there (Re < 100, a
            # practically stagnant pipe) pos2's own (laminar) law stands for the reference one
            lam_ref = (
                lam
                if reference_friction == "colebrook" and re < 100.0
                else stanet_friction_factor(reference_friction, re, g.inner_diameter_m, g.roughness_m)
            )
            new_extra[name] = g.length_m * (lam_ref / lam - 1.0)
        new_pump: dict[str, float] = {}
        if meta.pumps:
            c_in, c_out = column(res.compressors, "p_in_pa"), column(res.compressors, "p_out_pa")
            c_flow = column(res.compressors, "flow_kg_per_s")
            for pump in meta.pumps:
                p_in, p_out, m = c_in[pump.name], c_out[pump.name], c_flow[pump.name]
                q = m / float(gas.density(p_in, t_k))
                rho_mean = 0.5 * float(gas.density(p_in, t_k) + gas.density(p_out, t_k))
                dh = meta.elevation_m[pump.to_junction] - meta.elevation_m[pump.from_junction]
                new_pump[pump.name] = p_in + pump.lift_pa(q) - rho_mean * G * dh
        change = max(
            [abs((new_extra[k] - extra.get(k, 0.0)) / pipe_geom[k].length_m) for k in new_extra]
            + [abs(new_pump[k] / pump_p[k] - 1.0) for k in pump_p]
            + [0.0]
        )
        extra, pump_p = new_extra, new_pump
        if change < tol:
            net = meta.build(pipe_extra_length_m=extra, pump_outlet_pressure_pa=pump_p)
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
