"""Deal-valuation benchmark (issue 13): >= 300 contracts x 2,000 paths x 30 years on one core.

Measures, in one run on one core (BLAS pinned to one thread):

* ``stack_seconds``: simulate the market (Schwartz–Smith Brent and JKM, demand, domestic output,
  Hormuz regimes) and build China's sorted supply stack and displaced-supply curve;
* ``seconds``: value the whole contract grid for China (nomination in the band, avoided cost,
  take-or-pay with make-up, dependence cost, CVaR), Gazprom and the state
  (:func:`pos2.bargaining.valuation.value_contracts`);
* ``contracts_paths_years_per_s``: contracts x paths x years / ``seconds``;
* ``floor_seconds``: the numpy floor measured in the same run — one fused multiply-add pass
  (``np.multiply(x, a, out=x); x += b``) over an array of the same size, in the same chunks;
* ``peak_mb``: peak traced allocation of the valuation (tracemalloc, numpy's buffers included) and
  ``peak_rss_mb``: the process's peak resident memory (``ru_maxrss``).

Usage: ``python benchmarks/deal.py [--json] [--contracts N] [--paths N]``
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

from pos2.bargaining.engine import base_contract, engine_inputs, project_costs  # noqa: E402
from pos2.bargaining.stack import build_stack  # noqa: E402
from pos2.bargaining.valuation import ContractGrid, value_contracts  # noqa: E402
from pos2.scenario import load_scenario  # noqa: E402

CHUNK = 1_000_000


def contract_grid(base: dict[str, object], n: int, seed: int) -> ContractGrid:
    """``n`` contracts spread over quantity, take-or-pay, flexibility, make-up, cost share and formula."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        rows.append(
            {
                **base,
                "acq_bcm": float(rng.choice([30.0, 38.0, 44.0, 50.0])),
                "take_or_pay": float(rng.uniform(0.5, 1.0)),
                "flex_band": float(rng.choice([0.0, 0.15, 0.4])),
                "make_up_years": int(rng.choice([0, 3, 5])),
                "china_share": float(rng.choice([0.0, 0.25, 0.5])),
                "equity": bool(rng.random() < 0.5),
                "jkm_weight": float(rng.choice([0.0, 0.5])),
                "s_curve_low_usd_per_bbl": float(rng.choice([0.0, 40.0])),
                "s_curve_high_usd_per_bbl": float(rng.choice([np.inf, 110.0])),
                "s_curve_slope": 0.055,
                "price_shift_usd_per_kcm": float(rng.uniform(-50, 50)),
            }
        )
    return ContractGrid.from_rows(rows)


def numpy_floor(cells: int) -> float:
    """Seconds of one fused multiply-add pass over ``cells`` float64 values, in the valuation's chunks."""
    x = np.random.default_rng(0).random(min(cells, CHUNK))
    t0 = time.perf_counter()
    done = 0
    while done < cells:
        n = min(CHUNK, cells - done)
        np.multiply(x[:n], 1.0000001, out=x[:n])
        x[:n] += 1e-9
        done += n
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--contracts", type=int, default=300)
    ap.add_argument("--paths", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20250902)
    args = ap.parse_args()

    sc = load_scenario("pos2")
    costs = project_costs(
        sc, capex_usd=25.4e9, tariff_usd_per_kcm=77.2, fuel_share=0.058
    )  # docs/economics.md
    inputs = engine_inputs(sc, costs=costs, n_paths=args.paths, seed=args.seed)
    grid = contract_grid(base_contract(sc), args.contracts, args.seed)
    t0 = time.perf_counter()
    stack = build_stack(inputs.portfolio, inputs.settings, inputs.price_model)
    curve = stack.displaced(float(grid.acq_bcm.max()))
    stack_s = time.perf_counter() - t0
    years = stack.market.shape[1]

    tracemalloc.start()
    t0 = time.perf_counter()
    c0 = time.process_time()
    v = value_contracts(grid, stack, inputs.costs, inputs.parties, curve=curve, chunk_elements=CHUNK)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cells = grid.n * args.paths * years
    floor = numpy_floor(cells)
    out = {
        "contracts": grid.n,
        "paths": args.paths,
        "years": years,
        "stack_seconds": round(stack_s, 3),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "contracts_paths_years_per_s": round(cells / seconds),
        "floor_seconds": round(floor, 4),
        "ratio_to_floor": round(seconds / floor, 1),
        "peak_mb": round(peak / 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "chunk_cells": CHUNK,
        "china_mean_npv_usd_bn_p50_over_grid": round(float(np.median(v.china_mean_musd)) / 1e3, 2),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "settings": dataclasses.asdict(inputs.settings) | {"portfolio_mode": inputs.settings.portfolio_mode},
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, val in out.items():
            if k != "settings":
                print(f"{k:40s} {val}")


if __name__ == "__main__":
    main()
