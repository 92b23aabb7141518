"""Sweep throughput: points per second on 1 and 2 local Dask workers (issue 8).

Two kinds of sweep with the default deal evaluator (:class:`pos2.sweep.evaluate.DealEvaluator`):

``economics``
    Latin hypercube over contract and finance levers (price slope and constant, take-or-pay, China's
    capex share, transit fee). The hydraulics and China's supply LP do not depend on them: every worker
    solves them once while the cluster is warmed, before the clock starts.
``full``
    The same levers plus ``pipeline.throughput_bcm_per_year`` on three levels (ACQ fixed at 40 bcm/yr):
    the hydraulics are solved for each level on each worker that meets it, inside the timed run.

Timing covers the whole :func:`pos2.sweep.run_sweep` call (sampling, chunking, Dask tasks, DuckDB
writes), not the start of the local cluster.

Usage::

    python benchmarks/sweep.py [--json] [--points N] [--full-points N] [--workers 1 2] [--chunk-size N]
                               [--kinds economics full]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pos2.runtime import apply_app_environment

apply_app_environment()  # as `pos2 sweep` runs (its workers inherit it): before numpy is imported

from pos2.sweep import DaskExecutor, ParameterSpec, SweepSpec, run_sweep  # noqa: E402

LEVERS = (
    ParameterSpec("contract.slope", low=0.08, high=0.14),
    ParameterSpec("contract.constant_usd_per_mmbtu", low=0.0, high=2.0),
    ParameterSpec("contract.take_or_pay", low=0.6, high=1.0),
    ParameterSpec("finance.china_share", low=0.0, high=0.5),
    ParameterSpec("transit.fee_usd_per_kcm_100km", low=0.5, high=3.0),
)
THROUGHPUT = ParameterSpec("pipeline.throughput_bcm_per_year", values=(40.0, 45.0, 50.0))
FIXED_FULL = {"contract.acq_bcm_per_year": 40.0}


CHUNK_SIZE = {"economics": 1000, "full": 250}
"""Points per Dask task by kind (``--chunk-size`` sets both). Economics points are cheap: large chunks
keep the client's share (DuckDB writes, task bookkeeping) small; the full sweep's chunks are smaller so
that the three throughput levels spread over both workers."""


def spec_for(
    kind: str, points: int, seed: int, *, warm: bool = False, chunk_size: int | None = None
) -> SweepSpec:
    """The benchmark spec of ``kind`` (``economics`` or ``full``) with ``points`` points.

    ``warm``: the spec that warms the workers — same base and fixed overrides, but never the swept
    throughput levels, so the ``full`` run still solves its hydraulics inside the timed run.
    """
    params = LEVERS if kind == "economics" or warm else (*LEVERS, THROUGHPUT)
    return SweepSpec(
        name=f"bench-{kind}",
        scenario="pos2",
        method="lhs",
        parameters=params,
        fixed={} if kind == "economics" else dict(FIXED_FULL),
        samples=points,
        seed=seed,
        chunk_size=chunk_size or CHUNK_SIZE[kind],
        path="<benchmark>",
    )


CPU_S: dict[tuple[str, int], tuple[float, float]] = {}
"""CPU seconds (client, workers) of each measured run: a load-independent view on a shared machine.

A worker's CPU share (its CPU seconds over the wall time) near 100 % means it never waited: a rate
below the single-worker rate times the workers then comes from other processes competing for cores.
"""
LOAD: dict[tuple[str, int], float] = {}
"""1-minute load average just before each measured run [-]."""


def _cpu_s(ex: DaskExecutor) -> tuple[float, float]:
    return time.process_time(), sum(ex.client.run(time.process_time).values())


def measure(kind: str, workers: int, points: int, chunk_size: int | None = None) -> dict[str, Any]:
    """Run one benchmark sweep on a fresh local cluster; return the JSON row."""
    ex = DaskExecutor(workers=workers)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # warm every worker (imports, base scenario, hydraulics and LP at the base point)
            warm = spec_for(kind, 2 * workers, seed=1, warm=True)
            run_sweep(warm, Path(tmp) / "warm", executor=ex, progress=False)
            LOAD[(kind, workers)] = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            cpu0 = _cpu_s(ex)
            t0 = time.perf_counter()
            spec = spec_for(kind, points, seed=2, chunk_size=chunk_size)
            s = run_sweep(spec, Path(tmp) / "run", executor=ex, progress=False)
            seconds = time.perf_counter() - t0
            cpu1 = _cpu_s(ex)
            cpu = (cpu1[0] - cpu0[0], cpu1[1] - cpu0[1])
    finally:
        ex.close()
    CPU_S[(kind, workers)] = cpu
    if s.points_stored != points or s.failures:
        raise SystemExit(f"{kind} on {workers} worker(s): {s.points_stored} stored, {s.failures} failed")
    return {
        "kind": kind,
        "workers": workers,
        "points": points,
        "seconds": seconds,
        "points_per_s": points / seconds,
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print a JSON list of result objects")
    ap.add_argument("--points", type=int, default=12000, help="points of the economics sweep")
    ap.add_argument("--full-points", type=int, default=3000, help="points of the full sweep")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to measure")
    ap.add_argument("--chunk-size", type=int, default=None, help="points per Dask task (default by kind)")
    ap.add_argument("--kinds", nargs="+", default=["economics", "full"], choices=["economics", "full"])
    args = ap.parse_args(argv)
    rows = []
    sizes = {"economics": args.points, "full": args.full_points}
    for kind, n in ((k, sizes[k]) for k in args.kinds):
        for w in args.workers:
            rows.append(measure(kind, w, n, args.chunk_size))
            if not args.json:
                r = rows[-1]
                print(
                    f"{r['kind']:>9}  {r['workers']} worker(s)  {r['points']:>6} points  "
                    f"{r['seconds']:7.2f} s  {r['points_per_s']:8.1f} points/s  "
                    f"(CPU ms per point: client {CPU_S[(kind, w)][0] / n * 1e3:.2f}, "
                    f"workers {CPU_S[(kind, w)][1] / n * 1e3:.2f}; "
                    f"CPU share per worker {CPU_S[(kind, w)][1] / (r['seconds'] * w):.0%}, "
                    f"load before {LOAD[(kind, w)]:.1f})",
                    flush=True,
                )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for kind in ("economics", "full"):
        by_w = {r["workers"]: r["points_per_s"] for r in rows if r["kind"] == kind}
        if 1 in by_w and 2 in by_w:
            print(f"{kind}: 2 workers / 1 worker = {by_w[2] / by_w[1]:.2f}x")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load {load:.1f}; "
          f"Python {sys.version.split()[0]}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
