"""Steady-state benchmark: pos2 against warm pandapipes on seeded synthetic meshed grids.

Usage::

    python benchmarks/steady_state.py [--sizes 1000,10000,50000] [--json] [--seed 7]

For each requested size the script builds the same square grid in pos2 and in pandapipes: k x k
junctions (k chosen so that the grid has at least the requested number of pipes, 2 k (k - 1)),
each junction piped to its right and its lower neighbour, pipe lengths uniform in 5-20 km, inner
diameter 0.6 m, roughness 0.05 mm, flat; one fixed-pressure source (70 bar absolute, 283.15 K) in
the corner junction (0, 0); 10 % of the other junctions (drawn with a seeded generator) take an
offtake, uniform in 0.5-1.5 times a mean chosen so that the total is 300 kg/s (about 12 bcm/yr).

Both solvers run under identical assumptions: isothermal at 283.15 K, Colebrook-White friction in
the same DVGW form with ``k / (3.71 D)`` (pandapipes ``"colebrook"``, pos2 ``"colebrook_dvgw"``),
pandapipes' ``hgas`` fluid (density at 0 degC and 1.01325 bar, ``Z = 1 - 0.0022 p_abs[bar]``,
viscosity at 283.15 K), which pos2 represents with :class:`pos2.gas.simple.LinearZ`.

pandapipes is timed at its best: numba installed (``use_numba=True``), the first call (JIT
compilation) discarded, then the best of three warm calls timed. pos2 is timed the same way (best of
three calls after a first, discarded one), so both are measured at their best on a shared machine.
The human table also shows process CPU time (best of three) for both, which a loaded machine
inflates far less than wall-clock time.
Both use tight tolerances (pandapipes ``tol_p = tol_m = 1e-7``, ``tol_res = 1e-6``; pos2 ``tol = 1e-8``)
so the answers can be compared at 1e-4 relative.

The "factorisation floor" is the time of one sparse LU factorisation (SuperLU through
``scipy.sparse.linalg.splu``) of pos2's Newton matrix at the solution, obtained through the
documented hook ``pos2.hydraulics.steady.jacobian_at_solution``: a Newton solver cannot do an
iteration faster than that. Two are reported: the matrix pos2 actually factorises each iteration
(segment flows and internal pipe nodes eliminated, the solver's own ordering and pivoting), and the
full Jacobian in ``[p^2, m]`` (COLAMD ordering) for reference.

Remaining difference between the two models: pandapipes treats each pipe as one section with Z at
its mean pressure, pos2 splits pipes longer than 10 km into segments (with Z per segment).

``--json`` prints, on stdout, a JSON list with one object per size and exactly the keys ``pipes``,
``pos2_s``, ``pandapipes_s``, ``speedup`` (pandapipes_s / pos2_s), ``max_rel_dp`` (largest relative
difference of node pressures between the two), ``iterations_pos2``, ``iterations_pandapipes``; the
factorisation floor then goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

P_SOURCE_PA = 70e5
T_K = 283.15
DIAMETER_M = 0.6
ROUGHNESS_M = 5e-5
TOTAL_OFFTAKE_KG_PER_S = 300.0
REPEATS = 3
POS2_FRICTION = "colebrook_dvgw"  # Colebrook-White with k/(3.71 D), the form pandapipes' "colebrook" uses
P_AMBIENT_PA = 101_325.0


@dataclass(frozen=True)
class Grid:
    """A synthetic square grid, solver-neutral."""

    k: int
    from_node: np.ndarray
    to_node: np.ndarray
    length_m: np.ndarray
    offtake_node: np.ndarray
    offtake_kg_per_s: np.ndarray

    @property
    def n_nodes(self) -> int:
        return self.k * self.k

    @property
    def n_pipes(self) -> int:
        return int(self.from_node.size)


def make_grid(min_pipes: int, seed: int) -> Grid:
    """Seeded k x k grid with at least ``min_pipes`` pipes."""
    k = 2
    while 2 * k * (k - 1) < min_pipes:
        k += 1
    rng = np.random.default_rng(seed)
    idx = np.arange(k * k).reshape(k, k)
    right_from, right_to = idx[:, :-1].ravel(), idx[:, 1:].ravel()
    down_from, down_to = idx[:-1, :].ravel(), idx[1:, :].ravel()
    from_node = np.concatenate([right_from, down_from])
    to_node = np.concatenate([right_to, down_to])
    length_m = rng.uniform(5_000.0, 20_000.0, from_node.size)
    candidates = np.arange(1, k * k)
    n_off = max(1, round(0.1 * k * k))
    offtake_node = np.sort(rng.choice(candidates, size=n_off, replace=False))
    w = rng.uniform(0.5, 1.5, n_off)
    offtake = TOTAL_OFFTAKE_KG_PER_S * w / w.sum()
    return Grid(k, from_node, to_node, length_m, offtake_node, offtake)


def pandapipes_fluid_constants() -> tuple[float, float, float, float, float]:
    """(rho_n, viscosity, cp, z_offset, z_slope_per_bar) of pandapipes' hgas at T_K."""
    import pandapipes as pp
    from pandapipes.properties.fluids import get_fluid

    net = pp.create_empty_network(fluid="hgas")
    fluid = get_fluid(net)
    comp = fluid.all_properties["compressibility"]
    return (
        float(fluid.get_density(273.15)),
        float(fluid.get_viscosity(T_K)),
        float(fluid.get_heat_capacity(T_K)),
        float(comp.offset),
        float(comp.slope),
    )


def pos2_gas() -> Any:
    """pos2 gas model equal to pandapipes' hgas under pandapipes' conventions."""
    from pos2.gas.simple import LinearZ
    from pos2.units import R

    rho_n, mu, cp, z0, slope = pandapipes_fluid_constants()
    molar_mass = rho_n * R * 273.15 / 101_325.0
    return LinearZ(z0, slope * 1e-5, molar_mass, mu, cp, name="pandapipes hgas")


def build_pos2(grid: Grid) -> Any:
    from pos2.network import NetworkBuilder

    nb = NetworkBuilder(f"grid{grid.k}")
    for i in range(grid.n_nodes):
        nb.junction(f"n{i}")
    for e in range(grid.n_pipes):
        nb.pipe(
            f"p{e}",
            f"n{grid.from_node[e]}",
            f"n{grid.to_node[e]}",
            length_m=float(grid.length_m[e]),
            inner_diameter_m=DIAMETER_M,
            roughness_m=ROUGHNESS_M,
        )
    nb.pressure_source("src", "n0", p_pa=P_SOURCE_PA, t_k=T_K)
    for node, q in zip(grid.offtake_node, grid.offtake_kg_per_s, strict=True):
        nb.sink(f"s{node}", f"n{node}", flow_kg_per_s=float(q))
    return nb.build()


def build_pandapipes(grid: Grid) -> Any:
    import pandapipes as pp

    net = pp.create_empty_network(fluid="hgas")
    pp.create_junctions(net, grid.n_nodes, pn_bar=(P_SOURCE_PA - P_AMBIENT_PA) / 1e5, tfluid_k=T_K)
    pp.create_pipes_from_parameters(
        net,
        grid.from_node,
        grid.to_node,
        length_km=grid.length_m / 1e3,
        inner_diameter_mm=DIAMETER_M * 1e3,
        k_mm=ROUGHNESS_M * 1e3,
    )
    pp.create_ext_grid(net, 0, p_bar=(P_SOURCE_PA - P_AMBIENT_PA) / 1e5, t_k=T_K, type="pt")
    pp.create_sinks(net, grid.offtake_node, mdot_kg_per_s=grid.offtake_kg_per_s)
    return net


def run_pandapipes(net: Any) -> tuple[float, float, np.ndarray, int]:
    """Warm timing: (wall seconds, CPU seconds, absolute node pressures [Pa], iterations)."""
    import pandapipes as pp

    kwargs: dict[str, Any] = {
        "mode": "hydraulics",
        "friction_model": "colebrook",
        "use_numba": True,
        "stop_condition": "tol",
        "tol_p": 1e-7,
        "tol_m": 1e-7,
        "tol_res": 1e-6,
        "max_iter_hyd": 100,
    }
    pp.pipeflow(net, **kwargs)  # JIT compilation and caches
    dt, cpu = math.inf, math.inf
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        pp.pipeflow(net, **kwargs)
        dt, cpu = min(dt, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    if not net.converged:
        raise RuntimeError("pandapipes did not converge")
    iters = int(net["_internal_results"]["iterations_hydraulics"])
    p_abs = net.res_junction.p_bar.to_numpy() * 1e5 + P_AMBIENT_PA
    return dt, cpu, p_abs, iters


def run_pos2(net: Any, gas: Any) -> tuple[float, float, np.ndarray, int, Any, Any]:
    """Warm timing: (wall s, CPU s, node pressures [Pa] in grid order, iterations, result, options)."""
    from pos2.hydraulics import SteadyOptions, solve_steady

    opts = SteadyOptions(friction=POS2_FRICTION, thermal=False, ambient_temperature_k=T_K, tol=1e-8)
    res = solve_steady(net, gas, opts)  # warm-up (imports, caches)
    dt, cpu = math.inf, math.inf
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        res = solve_steady(net, gas, opts)
        dt, cpu = min(dt, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    nodes = res.nodes.set_index("name")
    p = nodes.loc[[f"n{i}" for i in range(len(nodes))], "p_pa"].to_numpy()
    return dt, cpu, p, int(res.iterations), res, opts


def factorisation_floor_s(net: Any, gas: Any, opts: Any, res: Any) -> tuple[float, float, int, int]:
    """Time of one sparse LU factorisation of pos2's Newton matrix at the solution (best of 3).

    Uses the documented hook :func:`pos2.hydraulics.steady.jacobian_at_solution`. Returns
    ``(reduced_s, full_s, n_reduced, n_full)``: the matrix each pos2 Newton step factorises (segment
    flows and internal pipe nodes eliminated; factorised with the solver's own SuperLU settings),
    and the full Jacobian in ``[p^2, m]`` (SuperLU, COLAMD) [s, s, -, -].
    """
    import scipy.sparse.linalg as spla

    from pos2.hydraulics.steady import jacobian_at_solution

    reduced = jacobian_at_solution(net, gas, opts, res, reduced=True).tocsc()
    full = jacobian_at_solution(net, gas, opts, res, reduced=False).tocsc()

    def best(matrix: Any, **kwargs: Any) -> float:
        t_best = math.inf
        for _ in range(3):
            t0 = time.perf_counter()
            spla.splu(matrix, **kwargs)
            t_best = min(t_best, time.perf_counter() - t0)
        return t_best

    t_reduced = best(
        reduced,
        permc_spec=opts.permc_spec,
        diag_pivot_thresh=opts.lu_diag_pivot_thresh,
        options={"SymmetricMode": opts.lu_symmetric_mode},
    )
    t_full = best(full, permc_spec="COLAMD")
    return t_reduced, t_full, reduced.shape[0], full.shape[0]


def run(sizes: list[int], seed: int) -> list[dict[str, Any]]:
    gas = pos2_gas()
    rows = []
    for size in sizes:
        grid = make_grid(size, seed)
        pos2_net = build_pos2(grid)
        t_pos2, cpu_pos2, p_pos2, it_pos2, res, opts = run_pos2(pos2_net, gas)
        t_pp, cpu_pp, p_pp, it_pp = run_pandapipes(build_pandapipes(grid))
        lu_reduced, lu_full, n_reduced, n_full = factorisation_floor_s(pos2_net, gas, opts, res)
        rows.append(
            {
                "pipes": grid.n_pipes,
                "pos2_s": t_pos2,
                "pandapipes_s": t_pp,
                "speedup": t_pp / t_pos2,
                "max_rel_dp": float(np.max(np.abs(p_pos2 - p_pp) / p_pp)),
                "iterations_pos2": it_pos2,
                "iterations_pandapipes": it_pp,
                "_cpu_pos2_s": cpu_pos2,
                "_cpu_pandapipes_s": cpu_pp,
                "_lu_reduced_s": lu_reduced,
                "_lu_full_s": lu_full,
                "_n_reduced": n_reduced,
                "_n_full": n_full,
                "_junctions": grid.n_nodes,
                "_min_p_bar": float(p_pos2.min() / 1e5),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated minimum pipe counts")
    parser.add_argument("--json", action="store_true", help="print a JSON list on stdout")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    warnings.simplefilter("ignore")
    logging.getLogger("pandapipes").setLevel(logging.ERROR)
    rows = run(sizes, args.seed)
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]))
        for r in rows:
            print(
                f"pipes={r['pipes']} lu_newton_matrix_s={r['_lu_reduced_s']:.4f} (n={r['_n_reduced']}) "
                f"lu_full_jacobian_s={r['_lu_full_s']:.4f} (n={r['_n_full']})",
                file=sys.stderr,
            )
        return 0
    head = (
        f"{'pipes':>7} {'junctions':>9} {'pos2 [s]':>9} {'pandapipes [s]':>14} {'speedup':>8} "
        f"{'max rel dp':>10} {'it pos2':>7} {'it pp':>5} {'LU Newton [s]':>13} {'LU full J [s]':>13} "
        f"{'min p [bar]':>11} {'CPU pos2 [s]':>12} {'CPU pp [s]':>10} {'CPU speedup':>11}"
    )
    print(head)
    for r in rows:
        print(
            f"{r['pipes']:>7} {r['_junctions']:>9} {r['pos2_s']:>9.3f} {r['pandapipes_s']:>14.3f} "
            f"{r['speedup']:>8.2f} {r['max_rel_dp']:>10.2e} {r['iterations_pos2']:>7} "
            f"{r['iterations_pandapipes']:>5} {r['_lu_reduced_s']:>13.4f} {r['_lu_full_s']:>13.4f} "
            f"{r['_min_p_bar']:>11.2f} {r['_cpu_pos2_s']:>12.3f} {r['_cpu_pandapipes_s']:>10.3f} "
            f"{r['_cpu_pandapipes_s'] / r['_cpu_pos2_s']:>11.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
