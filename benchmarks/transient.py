"""Transient benchmark: 24 h of the Power of Siberia 2 line against a sparse-LU floor, in one run.

Usage::

    python benchmarks/transient.py [--cell-km 1] [--dt-s 60] [--hours 24] [--json]

The case: the default scenario (``pos2``, 50 bcm/yr, non-isothermal, GERG-2008 tables, 18 compressor
stations holding their set points, ratio limits on) with the pipes cut into cells of at most
``--cell-km`` and a daily offtake profile (``profile:daily``, +-10 %) at the delivery point, so that
every time step does real work; ``--dt-s`` is the time step. Timed: :func:`simulate_route` without
the steady start (the settled steady state of the twin, solved once before the clock starts), on one
core (BLAS pinned to one thread by the solver).

There is no open peer with a gas transient on a network to run side by side (pandapipes' transient
mode covers heat only), so the run is set against two floors measured in the same run:

* ``lu_floor_s``: the number of Newton iterations the run needed, times the best time of one SuperLU
  factorisation plus one solve of the transient's own nodal matrix (``nodal_matrix_at_start``): a
  Newton method on this matrix cannot do an iteration faster.
* ``band_floor_s``: the same with one banded LU solve (reverse Cuthill-McKee order, LAPACK
  ``dgbsv``) of that matrix, the linear solver the transient uses on a line.
* ``steady_solves_s``: as many cold steady solves of the same network (``solve_steady``) as there are
  time steps, estimated from the best of three solves: what "a steady state per time step"
  (quasi-steady simulation) would cost.

``--json`` prints one object with ``cells``, ``nodes``, ``steps``, ``dt_s``, ``newton_iterations``,
``seconds`` (wall), ``cpu_seconds`` (process time of the run), ``load_average_1min`` (of the machine
when the run starts: the wall time on a shared machine depends on it),
``simulated_hours_per_wall_second``, ``real_time_factor``, ``lu_floor_s``, ``ratio_to_lu_floor``,
``band_floor_s``, ``ratio_to_band_floor``, ``steady_solve_s``, ``steady_solves_s``,
``ratio_to_steady_solves``,
``mass_balance_error_rel``, ``linepack_swing_mcm``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from typing import Any

import numpy as np
from scipy.sparse.linalg import splu


def run(cell_km: float, dt_s: float, hours: float) -> dict[str, Any]:
    """Time one route transient and its floors."""
    from pos2.hydraulics import solve_steady
    from pos2.hydraulics.transient import TransientOptions, nodal_matrix_at_start
    from pos2.scenario import load_scenario
    from pos2.twin.dispatch import settler
    from pos2.twin.gas import gas_for
    from pos2.twin.transient import parse_events, simulate_route

    scn = load_scenario("pos2", [f"pipeline.max_segment_km={cell_km}"])
    events = parse_events(["profile:daily"])
    simulate_route(scn, events, 1.0, dt_s=dt_s)  # warm caches (gas tables, topology code paths)
    load_before = os.getloadavg()[0]
    cpu0 = time.process_time()
    rt = simulate_route(scn, events, hours, dt_s=dt_s, save_every_s=3600.0)
    cpu_seconds = time.process_time() - cpu0  # includes the settled steady start (~0.5 s)
    r = rt.result
    seconds = r.solve_time_s

    # floors: the nodal matrix of this network, and cold steady solves
    settle = settler(scn, scn.model.pipeline.throughput_bcm_per_year)
    chain, res = settle(frozenset(), {})[:2]
    gas = gas_for(scn.model.gas.composition)
    opts = TransientOptions(steady=settle.sopts, dt_s=dt_s)
    a = nodal_matrix_at_start(chain.network, gas, opts, res)
    so = settle.sopts
    best_lu = float("inf")
    for _ in range(20):
        t0 = time.perf_counter()
        lu = splu(
            a,
            permc_spec=so.permc_spec,
            diag_pivot_thresh=so.lu_diag_pivot_thresh,
            options={"SymmetricMode": so.lu_symmetric_mode},
        )
        lu.solve(a @ a.diagonal())
        best_lu = min(best_lu, time.perf_counter() - t0)
    # the banded solve the transient uses on this line (RCM order, LAPACK dgbsv)
    from pos2.hydraulics.banded import BandedSolver
    from pos2.hydraulics.topology import make_pattern

    coo = a.tocoo()
    pattern = make_pattern(coo.row.astype(np.int64), coo.col.astype(np.int64), a.shape[0])
    band = BandedSolver.build(pattern.rows, pattern.cols, pattern.n)
    best_band = float("nan")
    if band is not None:
        rhs = a @ a.diagonal()
        best_band = float("inf")
        for _ in range(20):
            t0 = time.perf_counter()
            band.solve(coo.data, rhs)
            best_band = min(best_band, time.perf_counter() - t0)
    best_steady = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        solve_steady(chain.network, gas, replace(so, check_limits=False))
        best_steady = min(best_steady, time.perf_counter() - t0)
    daily_kg = float(rt.delivery["delivery_kg_per_s"].mean()) * 86_400.0
    lp = rt.linepack_mcm
    return {
        "cell_km": cell_km,
        "cells": int(r.info["n_segments"]),
        "nodes": int(r.info["n_nodes"]),
        "nodal_system": int(r.info["n_nodal_system"]),
        "steps": r.steps,
        "dt_s": dt_s,
        "newton_iterations": r.iterations,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "load_average_1min": round(load_before, 2),
        "simulated_hours_per_wall_second": round(hours / seconds, 2),
        "real_time_factor": round(hours * 3600.0 / seconds, 0),
        "lu_floor_s": round(best_lu * r.iterations, 3),
        "ratio_to_lu_floor": round(seconds / (best_lu * r.iterations), 2),
        "band_floor_s": round(best_band * r.iterations, 3),
        "ratio_to_band_floor": round(seconds / (best_band * r.iterations), 2),
        "steady_solve_s": round(best_steady, 4),
        "steady_solves_s": round(best_steady * r.steps, 2),
        "ratio_to_steady_solves": round(seconds / (best_steady * r.steps), 3),
        "mass_balance_error_rel": r.mass_balance_error_kg / daily_kg,
        "linepack_swing_mcm": round(float(lp.max() - lp.min()), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cell-km", type=float, default=1.0, help="longest cell [km]")
    parser.add_argument("--dt-s", type=float, default=60.0, help="time step [s]")
    parser.add_argument("--hours", type=float, default=24.0, help="simulated time [h]")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = parser.parse_args(argv)
    out = run(args.cell_km, args.dt_s, args.hours)
    if args.json:
        print(json.dumps(out))
        return 0
    print(
        f"{args.hours:g} h of the PoS2 line, {out['cells']} cells of <= {args.cell_km:g} km, "
        f"dt {args.dt_s:g} s: {out['steps']} steps, {out['newton_iterations']} Newton iterations"
    )
    print(
        f"  pos2 transient         {out['seconds']:8.2f} s  "
        f"({out['simulated_hours_per_wall_second']:.1f} simulated h per wall s, "
        f"{out['real_time_factor']:,.0f}x real time)"
    )
    print(
        f"  LU floor               {out['lu_floor_s']:8.2f} s  "
        f"(pos2 / floor = {out['ratio_to_lu_floor']:.2f})"
    )
    print(
        f"  banded floor           {out['band_floor_s']:8.2f} s  "
        f"(pos2 / floor = {out['ratio_to_band_floor']:.2f})"
    )
    print(f"  cpu {out['cpu_seconds']:.2f} s, load average {out['load_average_1min']:.2f} at the start")
    print(
        f"  {out['steps']} steady solves  {out['steady_solves_s']:8.2f} s  "
        f"(pos2 / steady solves = {out['ratio_to_steady_solves']:.3f})"
    )
    print(f"  mass balance error {out['mass_balance_error_rel']:.1e} of a day's delivery")
    return 0


if __name__ == "__main__":
    sys.exit(main())
