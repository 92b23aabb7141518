"""The summit game's fast mode against the full summit analysis: time per evaluation and agreement.

For the default scenario (the history scenario) and one move of each dashboard lever
(:data:`pos2.web.service.LEVER_KEYS`), evaluates

* the **full** summit analysis as ``pos2 deal`` runs it (the contract valuation with its details and the
  efficient-terms search, then :func:`pos2.bargaining.summits.run_summits`: vintage limits, the fit,
  today's game), and
* the **fast mode** (:func:`pos2.bargaining.fastgame.fast_summits`: today's limits on the held terms and
  today's game with the history scenario's hindcast held),

and prints the CPU seconds (process time, robust to other jobs on the machine) of each, their ratio, and
P(deal by 2030) of both with the difference. The economics of each state is deterministic (0 paths) and
run before the clock starts: both modes take the same costs.

    .venv/bin/python benchmarks/deal_fastgame.py [--json] [--quick]

``--quick``: the default scenario and two lever moves only.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from pos2.bargaining.engine import project_costs, value_deal
from pos2.bargaining.fastgame import fast_summits, summit_history
from pos2.bargaining.history import load_rounds
from pos2.bargaining.summits import run_summits
from pos2.bargaining.valuation import ProjectCosts
from pos2.pipeline import Pipeline, economics_input, link_levers, twin_input
from pos2.scenario import Scenario, load_scenario

MOVES: tuple[tuple[str, float], ...] = (
    ("bargaining.china_power", 0.3),
    ("transit.fee_usd_per_kcm_100km", 1.0),
    ("transit.fee_usd_per_kcm_100km", 4.0),
    ("contract.slope", 0.09),
    ("contract.slope", 0.13),
    ("contract.constant_usd_per_mmbtu", 1.0),
    ("contract.take_or_pay", 1.0),
    ("contract.flex_band", 0.0),
    ("finance.china_share", 0.25),
    ("hormuz.closure_months", 6.0),
    ("hormuz.closure_probability", 0.15),
    ("pipeline.throughput_bcm_per_year", 40.0),
)
"""One move of each dashboard lever (two for the transit fee and the slope)."""


def costs_of(pipe: Pipeline, sc: Scenario) -> ProjectCosts:
    twin = pipe.twin(twin_input(sc)).get()
    econ = pipe.economics(economics_input(sc, paths=0, with_tornado=False), twin.summary).get()
    return project_costs(
        sc,
        capex_usd=econ.capex_usd_bn * 1e9,
        tariff_usd_per_kcm=econ.tariff_usd_per_kcm,
        fuel_share=float(twin.summary.fuel_share),
    )


def full(sc: Scenario, costs: ProjectCosts) -> tuple[dict[str, Any], float]:
    t0 = time.process_time()
    val = value_deal(sc, costs, detail=True)
    out = run_summits(sc, costs, val, load_rounds())
    return out, time.process_time() - t0


def main() -> None:
    quick = "--quick" in sys.argv
    pipe = Pipeline()
    base, _ = link_levers(load_scenario("pos2"))
    costs = costs_of(pipe, base)
    out, t_full = full(base, costs)
    t0 = time.process_time()
    hist = summit_history(base, costs, out)
    t_hist = time.process_time() - t0
    rows: list[dict[str, Any]] = []
    moves = (("(default)", None), *tuple((k, v) for k, v in (MOVES[:2] if quick else MOVES)))
    fast_s: list[float] = []
    full_s: list[float] = [t_full]
    for key, value in moves:
        sc = base if value is None else link_levers(load_scenario("pos2", {key: value}))[0]
        c = costs_of(pipe, sc)
        t0 = time.process_time()
        fast = fast_summits(hist, sc, c)
        fast_s.append(time.process_time() - t0)
        if value is None:
            ref = out
        else:
            ref, t = full(sc, c)
            full_s.append(t)
        rows.append(
            {
                "lever": key if value is None else f"{key} = {value:g}",
                "p2030_full": ref["p_agreement_2030"],
                "p2030_fast": fast["p_agreement_2030"],
                "difference": fast["p_agreement_2030"] - ref["p_agreement_2030"],
                "price_mean_full": ref["price_at_signature_usd_per_kcm"].get("mean"),
                "price_mean_fast": fast["price_at_signature_usd_per_kcm"].get("mean"),
                "terms_held": ref["contract_terms_at_signature"] == out["contract_terms_at_signature"],
            }
        )
    res = {
        "full_cpu_s_mean": sum(full_s) / len(full_s),
        "history_extra_cpu_s": t_hist,
        "fast_cpu_s_mean": sum(fast_s) / len(fast_s),
        "fast_cpu_s_max": max(fast_s),
        "speedup": (sum(full_s) / len(full_s)) / (sum(fast_s) / len(fast_s)),
        "max_abs_difference_p2030": max(abs(r["difference"]) for r in rows),
        "rows": rows,
    }
    if "--json" in sys.argv:
        print(json.dumps(res))
        return
    for k, v in res.items():
        if k != "rows":
            print(f"{k:28s} {v:.4g}")
    print(f"{'lever':42s} {'full':>6s} {'fast':>6s} {'diff':>7s} {'price full/fast':>16s} terms held")
    for r in rows:
        print(
            f"{r['lever']:42s} {r['p2030_full']:6.3f} {r['p2030_fast']:6.3f} {r['difference']:+7.3f} "
            f"{r['price_mean_full']:7.0f}/{r['price_mean_fast']:<7.0f} {r['terms_held']}"
        )


if __name__ == "__main__":
    main()
