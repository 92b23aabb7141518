"""What would close the gap? Re-run economics and deal with one lever moved at a time.

The levers are the sticking points of the source documents: price terms, volume flexibility,
cost sharing, a longer or likelier Hormuz closure, and the LNG price level. Each move is applied
alone to the scenario; the twin is reused from the cache (none of these levers is a twin key).
Two things keep the deal from being signed, and each row reports both:

* the *gap*: China's highest acceptable price minus Russia's lowest; a zone of agreement exists
  when it is >= 0;
* the *waiting premium*: China's value of waiting for a better offer minus its value of signing
  now (the delay model of the deal stage); China signs when it is <= 0.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pos2.bargaining import DealResult
from pos2.errors import Pos2Error
from pos2.pipeline import Pipeline
from pos2.report.extract import deal_numbers, dig, price_gap_usd_per_kcm
from pos2.scenario import Scenario, schema_table


@dataclass(frozen=True)
class Move:
    """One lever setting to try."""

    key: str
    label: str
    value: float
    why: str


def candidate_moves(scenario: Scenario) -> list[Move]:
    """Lever settings that the source documents discuss, clipped to the schema ranges."""
    rows = {r.key: r for r in schema_table()}

    def clip(key: str, v: float) -> float:
        r = rows[key]
        lo = r.ge if r.ge is not None else v
        hi = r.le if r.le is not None else v
        return float(min(max(v, lo), hi))

    cur = {k: float(scenario.get(k)) for k in rows if k in _KEYS}
    raw = [
        (
            "contract.flex_band",
            "Volume flexibility band",
            max(0.3, cur["contract.flex_band"] * 2),
            "flexibility",
        ),
        ("contract.take_or_pay", "Take-or-pay share", min(0.6, cur["contract.take_or_pay"]), "flexibility"),
        ("finance.china_share", "China's share of capex", 0.5, "cost sharing"),
        ("finance.china_share", "China's share of capex", 1.0, "cost sharing"),
        ("hormuz.closure_months", "Hormuz closure, months", 6.0, "a longer Hormuz closure"),
        ("hormuz.closure_months", "Hormuz closure, months", 12.0, "a longer Hormuz closure"),
        ("hormuz.closure_probability", "Hormuz closure probability", 0.25, "a likelier Hormuz closure"),
        (
            "valuation.jkm_long_run_usd_per_mmbtu",
            "Asian LNG long-run level",
            11.5,
            "LNG stays dear (no supply glut)",
        ),
        ("valuation.supplier_cap_share", "China's cap on one supplier", 1.0, "dependence"),
        ("taxes.export_duty_share", "Russian export duty", 0.0, "a tax waiver"),
        ("contract.slope", "Brent slope of the price", cur["contract.slope"] * 0.8, "price"),
        ("transit.fee_usd_per_kcm_100km", "Mongolian transit fee", 0.0, "transit terms"),
        ("demand.growth_per_year", "China demand growth", 0.04, "demand"),
    ]
    moves = []
    for key, label, value, why in raw:
        if key not in rows:
            continue
        v = clip(key, value)
        if abs(v - cur[key]) > 1e-12:
            moves.append(Move(key, label, v, why))
    return moves


_KEYS = {
    "contract.flex_band",
    "contract.take_or_pay",
    "finance.china_share",
    "hormuz.closure_months",
    "hormuz.closure_probability",
    "valuation.jkm_long_run_usd_per_mmbtu",
    "valuation.supplier_cap_share",
    "taxes.export_duty_share",
    "contract.slope",
    "transit.fee_usd_per_kcm_100km",
    "demand.growth_per_year",
}


def waiting_premium_usd_per_kcm(deal: DealResult | None) -> float | None:
    """China's value of waiting minus its value of signing now [USD per 1,000 m3]; > 0: China waits."""
    if deal is None:
        return None
    return float(deal.delay.value_wait_usd_per_kcm) - float(deal.delay.value_sign_now_usd_per_kcm)


def _row(
    label: str, key: str, value: Any, why: str, deal: DealResult | None, error: str | None
) -> dict[str, Any]:
    nums = deal_numbers(deal) or {}
    p = nums.get("p_agreement_by_year") or {}
    p_year = "2030" if "2030" in p else (max(p, key=lambda y: int(y)) if p else None)
    return {
        "lever": key,
        "label": label,
        "value": value,
        "value_text": value if isinstance(value, str) else f"{value:g}",
        "why": why,
        "gap_usd_per_kcm": price_gap_usd_per_kcm(nums) if deal else None,
        "zopa_low_usd_per_kcm": dig(nums, "zopa_usd_per_kcm", 0),
        "zopa_high_usd_per_kcm": dig(nums, "zopa_usd_per_kcm", 1),
        "nash_price_usd_per_kcm": nums.get("nash_price_usd_per_kcm"),
        "china_signs_now": deal.delay.sign_now if deal is not None else None,
        "waiting_premium_usd_per_kcm": waiting_premium_usd_per_kcm(deal),
        "p_agreement_year": p_year,
        "p_agreement": p.get(p_year) if p_year else None,
        "error": error,
    }


def explore_levers(
    scenario: Scenario,
    *,
    pipeline: Pipeline,
    paths: int = 0,
    seed: int | None = None,
    budget_s: float = 25.0,
) -> tuple[pd.DataFrame, list[Move]]:
    """Baseline and one-lever-at-a-time re-runs of economics and deal.

    Parameters
    ----------
    scenario
        The scenario of the report [-].
    pipeline
        The report's pipeline (its cached twin is reused: none of these levers is a twin key) [-].
    paths
        Monte Carlo paths of each re-run; 0 (default): deterministic economics, which is all the
        deal needs (Russia's breakeven); the baseline row uses the same, so rows compare [-].
    seed
        Random seed, the same for every row (``None``: the scenario's) [-].
    budget_s
        Stop trying further moves after this wall time [s].

    Returns
    -------
    table, skipped
        One row per run (the first is the baseline) and the moves not tried for lack of time.
    """
    t0 = time.perf_counter()
    # the agreement probability of every row: the summit game's fast mode with this scenario's own
    # hindcast held (docs/deal_dynamics.md 1b): the baseline row gives the report's headline
    base = pipeline.run(scenario, paths=paths, seed=seed, interactive=True, history_of=scenario)
    rows = [_row("As in the scenario", "baseline", "scenario", "", base.deal.result, base.deal.error)]
    moves = candidate_moves(scenario)
    skipped: list[Move] = []
    for i, mv in enumerate(moves):
        if time.perf_counter() - t0 > budget_s:
            skipped = moves[i:]
            break
        try:
            scn = scenario.with_overrides({mv.key: mv.value})
        except Pos2Error as e:
            rows.append(_row(mv.label, mv.key, mv.value, mv.why, None, f"{type(e).__name__}: {e}"))
            continue
        try:
            chain = pipeline.run(scn, paths=paths, seed=seed, interactive=True, history_of=scenario)
        except Pos2Error as e:
            rows.append(_row(mv.label, mv.key, mv.value, mv.why, None, f"{type(e).__name__}: {e}"))
            continue
        rows.append(_row(mv.label, mv.key, mv.value, mv.why, chain.deal.result, chain.deal.error))
    return pd.DataFrame(rows), skipped
