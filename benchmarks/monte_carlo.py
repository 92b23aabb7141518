"""Monte Carlo benchmark (issue 5): 100,000 price paths x 360 months, full valuation, one core.

Measures, in one run and on one core (Dask's synchronous scheduler, BLAS pinned to one thread):

* ``seconds``: simulate correlated Schwartz–Smith Brent and JKM paths (plus the 9 warm-up months
  of the price formula), price the contract monthly (9-0-3 oil formula), China's alternative,
  nominations, take-or-pay with make-up, the three parties' annual cash flows, NPV and IRR per
  path, and the P10/P50/P90 summary;
* ``lower_bound_s``: the numpy-only lower bound — draw the same normal variates chunk by chunk
  and stream them once (one reduction), with no model at all;
* ``peak_mb``: the process's peak resident memory (``ru_maxrss``) at the end;
* ``cpu_seconds`` and ``lower_bound_cpu_s``: the same in process CPU time, which a machine shared
  with other jobs does not inflate.

The twin is the hand-built PoS2 reference configuration (:func:`pos2.economics.calibration.
pos2_reference_twin`): the Monte Carlo cost does not depend on the hydraulics.

Usage: ``python benchmarks/monte_carlo.py [--json] [--paths N]``
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from pos2.economics import build_project  # noqa: E402
from pos2.economics.calibration import pos2_reference_twin  # noqa: E402
from pos2.economics.contract import warmup_months  # noqa: E402
from pos2.economics.montecarlo import chunk_sizes, run_monte_carlo  # noqa: E402
from pos2.scenario import load_scenario  # noqa: E402


def lower_bound(paths: int, months: int, chunk: int, seed: int) -> float:
    """Seconds to draw the 4 x paths x months normals chunk by chunk and reduce them once."""
    t0 = time.perf_counter()
    acc = 0.0
    for ss, n in zip(
        np.random.SeedSequence(seed).spawn(len(chunk_sizes(paths, chunk))),
        chunk_sizes(paths, chunk),
        strict=True,
    ):
        rng = np.random.Generator(np.random.PCG64(ss))
        acc += float(rng.standard_normal((4, months, n), dtype=np.float32).sum(dtype=np.float64))
    assert np.isfinite(acc)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--paths", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20250902)
    args = ap.parse_args()

    scn = load_scenario("pos2")
    twin = pos2_reference_twin()
    project = build_project(scn, twin)
    months = 12 * scn.model.contract.term_years
    chunk = scn.model.montecarlo.chunk_paths
    run_monte_carlo(scn, project, paths=chunk, seed=1, scheduler="sync")  # warm-up (imports, caches)

    t0, c0 = time.perf_counter(), time.process_time()
    res = run_monte_carlo(scn, project, paths=args.paths, seed=args.seed, scheduler="sync")
    q = np.percentile(res.npv_usd / 1e9, [10, 50, 90], axis=1)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    c1 = time.process_time()
    lb = lower_bound(args.paths, months + warmup_months(scn), chunk, args.seed)
    lb_cpu = time.process_time() - c1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    out = {
        "paths": args.paths,
        "months": months,
        "warmup_months": warmup_months(scn),
        "seconds": round(seconds, 3),
        "peak_mb": round(peak_mb, 1),
        "lower_bound_s": round(lb, 3),
        "cpu_seconds": round(cpu, 3),
        "lower_bound_cpu_s": round(lb_cpu, 3),
        "ratio_to_lower_bound": round(seconds / lb, 2),
        "chunk_paths": chunk,
        "npv_russia_usd_bn_p10_p50_p90": [round(float(x), 2) for x in q[:, 0]],
        "machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}, "
        f"numpy {np.__version__}",
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:>32}: {v}")


if __name__ == "__main__":
    main()
