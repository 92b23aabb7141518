"""Cost of the bargaining over summits (issue 14) against the contract valuation it builds on.

Runs, on the default scenario with the economics' pipeline costs, the contract valuation with its
details (``value_deal(detail=True)``, the part of ``pos2 deal`` the summit analysis is added to) and then
the summit analysis (vintage limits for every round, the grid fit with leave-one-round-out, today's game
and the levers: :func:`pos2.bargaining.summits.run_summits`), and the closed-form war of attrition
(Abreu & Gul; the no-noise limit, not the fast mode: benchmarks/deal_fastgame.py) against one full
game. Prints CPU seconds (process time, robust to other jobs on the machine) and the ratios.

    .venv/bin/python benchmarks/deal_dynamics.py [--json]
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from pos2.bargaining import dynamics as dyn
from pos2.bargaining.engine import project_costs, value_deal
from pos2.bargaining.history import load_rounds
from pos2.bargaining.summits import fast_p_deal_by, run_summits
from pos2.pipeline import default_pipeline, economics_input, twin_input
from pos2.scenario import load_scenario


def main() -> None:
    sc = load_scenario("pos2")
    pipe = default_pipeline()
    twin = pipe.twin(twin_input(sc)).get()
    econ = pipe.economics(economics_input(sc, paths=0, with_tornado=False), twin.summary).get()
    costs = project_costs(
        sc,
        capex_usd=econ.capex_usd_bn * 1e9,
        tariff_usd_per_kcm=econ.tariff_usd_per_kcm,
        fuel_share=float(twin.summary.fuel_share),
    )
    t0 = time.process_time()
    val = value_deal(sc, costs, detail=True)
    t1 = time.process_time()
    rounds = load_rounds()
    out = run_summits(sc, costs, val, rounds)
    t2 = time.process_time()
    game = dyn.Game(
        np.array([200.0, 190.0]),
        np.array([100.0, 150.0]),
        np.full((1, 14), 0.15),
        np.full((1, 14), 0.05),
        "china",
        25.0,
    )
    n_full = 20
    t3 = time.process_time()
    for _ in range(n_full):
        dyn.agreement_outlook(dyn.solve(game), np.full((2, 2), 0.25), 0.5, 0.5)
    t4 = time.process_time()
    n_fast = 2000
    for _ in range(n_fast):
        fast_p_deal_by(
            (200.0, 190.0),
            (100.0, 150.0),
            russia_rate=0.15,
            china_rate=0.05,
            p_capped=0.5,
            p_no_waiver=0.5,
            years=np.arange(1.0, 15.0),
        )
    t5 = time.process_time()
    res = {
        "valuation_with_details_cpu_s": t1 - t0,
        "summit_analysis_cpu_s": t2 - t1,
        "summit_over_valuation": (t2 - t1) / (t1 - t0),
        "full_game_solve_and_outlook_ms": 1e3 * (t4 - t3) / n_full,
        "abreu_gul_us": 1e6 * (t5 - t4) / n_fast,
        "abreu_gul_over_full_speedup": ((t4 - t3) / n_full) / ((t5 - t4) / n_fast),
        "rounds": len(rounds),
        "p_agreement_2030": out["p_agreement_2030"],
    }
    if "--json" in sys.argv:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f"{k:34s} {v:.4g}")


if __name__ == "__main__":
    main()
