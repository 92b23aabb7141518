"""Tornado: one-at-a-time swings of the inputs on each party's deterministic NPV.

Each input is moved to a low and a high value (±20 % of its base value, or a stated absolute
range for shares and inputs whose base is zero, clipped to the schema's bounds) on the
deterministic deck; inputs are ranked by the swing of Russia's NPV.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from pos2.economics.cashflow import PARTIES
from pos2.errors import ScenarioError
from pos2.scenario import Scenario, schema_table
from pos2.twin.summary import TwinSummary

RELATIVE_SWING: float = 0.2
"""Relative swing of inputs with a non-zero base [-]."""
ABSOLUTE_SWING: dict[str, float] = {
    "contract.constant_usd_per_mmbtu": 1.0,
    "contract.take_or_pay": 0.15,
    "contract.flex_band": 0.15,
    "finance.china_share": 0.3,
    "transit.fee_usd_per_kcm_100km": 0.5,
}
"""Absolute swings (same unit as the key) of shares and of inputs that are often zero."""


def tornado_keys(scenario: Scenario) -> list[str]:
    """Inputs of the tornado (the pipeline throughput is a twin input and is left out)."""
    d = scenario.model.prices.deck
    keys = [
        "contract.slope",
        "contract.constant_usd_per_mmbtu",
        "contract.take_or_pay",
        "contract.flex_band",
        "contract.acq_bcm_per_year",
        "finance.china_share",
        "finance.discount_rate_russia",
        "finance.discount_rate_china",
        "finance.construction_years",
        "transit.fee_usd_per_kcm_100km",
        "costs.pipe_usd_per_t",
        "costs.construction_usd_per_km_mm",
        "costs.station_usd_per_mw",
        "costs.owners_cost_share",
        "costs.opex_share_per_year",
        "costs.fuel_value_usd_per_kcm",
        "costs.upstream_cost_usd_per_kcm",
        "costs.china_transport_usd_per_kcm",
        "taxes.met_usd_per_kcm",
        "taxes.export_duty_share",
        f"prices.decks.{d}.brent_usd_per_bbl",
        f"prices.decks.{d}.jkm_usd_per_mmbtu",
        "prices.lng_slope",
    ]
    if scenario.model.contract.formula != "oil":
        keys.remove("contract.slope")
    return keys


def _swing(
    scenario: Scenario, key: str, bounds: dict[str, tuple[float | None, float | None]]
) -> tuple[float, float]:
    base = float(scenario.get(key))
    if key in ABSOLUTE_SWING:
        lo, hi = base - ABSOLUTE_SWING[key], base + ABSOLUTE_SWING[key]
    else:
        lo, hi = base * (1 - RELATIVE_SWING), base * (1 + RELATIVE_SWING)
    ge, le = bounds.get(key, (None, None))
    if ge is not None:
        lo, hi = max(lo, ge), max(hi, ge)
    if le is not None:
        lo, hi = min(lo, le), min(hi, le)
    if isinstance(scenario.get(key), int) and not isinstance(scenario.get(key), bool):
        lo, hi = float(max(round(lo), 1)), float(round(hi))
    return lo, hi


def tornado(
    scenario: Scenario,
    twin: TwinSummary,
    evaluate: Callable[[Scenario, TwinSummary], dict[str, float]],
    *,
    top: int = 10,
) -> pd.DataFrame:
    """The ``top`` most influential inputs on Russia's NPV, with every party's NPV at low and high.

    Parameters
    ----------
    scenario
        Base scenario [-]
    twin
        Twin summary (unchanged: the throughput is not swung) [-]
    evaluate
        Deterministic NPV per party of a scenario [USD bn]
    top
        Number of inputs kept [-].
    """
    bounds = {r.key: (r.ge, r.le) for r in schema_table()}
    if scenario.model.contract.acq_bcm_per_year >= twin.throughput_bcm_per_year:
        bounds["contract.acq_bcm_per_year"] = (
            bounds["contract.acq_bcm_per_year"][0],
            twin.throughput_bcm_per_year,
        )
    base = evaluate(scenario, twin)
    rows = []
    for key in tornado_keys(scenario):
        lo, hi = _swing(scenario, key, bounds)
        row: dict[str, object] = {"key": key, "base": float(scenario.get(key)), "low": lo, "high": hi}
        npv_at: dict[str, float] = {}
        for tag, v in (("low", lo), ("high", hi)):
            val: float | int = int(v) if isinstance(scenario.get(key), int) else v
            try:
                res = evaluate(scenario.with_overrides({key: val}), twin)
            except ScenarioError:
                res = base
            for p in PARTIES:
                row[f"{p}_npv_{tag}_usd_bn"] = res[p]
            npv_at[tag] = res["russia"]
        row["russia_swing_usd_bn"] = abs(npv_at["high"] - npv_at["low"])
        rows.append(row)
    df = pd.DataFrame(rows).sort_values("russia_swing_usd_bn", ascending=False, kind="stable")
    return df.head(top).reset_index(drop=True)
