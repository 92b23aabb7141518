"""Pull the headline numbers out of the stages' ``--json`` objects and result tables.

The report and the dashboard read only the published contracts of the stages (issue 4, 5 and 6
``--json`` keys) plus the twin's profile table, so a stage can change its internals freely.
Missing keys give ``None`` (and the report says "not available"), never a made-up number.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pos2.bargaining import DealResult
from pos2.economics import PARTIES, EconomicsResult
from pos2.jsonable import clean_json

__all__ = ["PARTIES", "clean_json", "deal_numbers", "dig", "economics_numbers", "price_gap_usd_per_kcm"]


def dig(data: Any, *path: str | int) -> Any:
    """``data[path[0]][path[1]]...`` or ``None`` when any step is missing."""
    obj = data
    for p in path:
        if isinstance(obj, dict):
            if p not in obj:
                return None
            obj = obj[p]
        elif isinstance(obj, list | tuple) and isinstance(p, int) and -len(obj) <= p < len(obj):
            obj = obj[p]
        else:
            return None
    return obj


def economics_numbers(result: EconomicsResult | None) -> dict[str, Any] | None:
    """Capex, tariff, breakeven, netback and NPV quantiles per party, read from the typed result."""
    if result is None:
        return None
    parties = {
        party: {
            "npv_usd_bn": {q: result.npv_usd_bn(party, q) for q in ("p10", "p50", "p90")},
            "irr": dig(result.summary, "parties", party, "irr"),
        }
        for party in PARTIES
    }
    return {
        "capex_usd_bn": result.summary.get("capex_usd_bn"),
        "tariff_usd_per_kcm": result.summary.get("tariff_usd_per_kcm"),
        "breakeven_price_usd_per_kcm": result.breakeven_usd_per_kcm,
        "netback_usd_per_kcm": result.summary.get("netback_usd_per_kcm"),
        "contract_price_usd_per_kcm": result.contract_price_usd_per_kcm,
        "contract_price_basis": result.contract_price_basis,
        "parties": parties,
        "paths": result.paths,
        "seed": result.seed,
        "npv_basis": result.npv_basis,
    }


def deal_numbers(result: DealResult | None) -> dict[str, Any] | None:
    """Zone of agreement, Nash price, reservation prices, agreement probability from the typed result."""
    if result is None:
        return None
    return {
        "zopa_usd_per_kcm": list(result.zopa_usd_per_kcm) if result.zopa_usd_per_kcm else None,
        "nash_price_usd_per_kcm": result.nash_price_usd_per_kcm,
        "china_max_price_usd_per_kcm": result.china_max_usd_per_kcm,
        "russia_min_price_usd_per_kcm": result.russia_min_usd_per_kcm,
        "russia_min_price_by_principal_usd_per_kcm": result.valuation.summary[
            "russia_min_price_by_principal_usd_per_kcm"
        ],
        "price_only": result.price_only,
        "p_agreement_by_year": {str(y): p for y, p in result.p_agreement_by_year.items()},
        "shapley": dict(result.shapley),
        "hindcast_rounds": len(result.hindcast),
        "p_agreement_basis": result.settings.get("p_agreement_basis"),
        "p_agreement_source": result.settings.get("p_agreement_source"),
    }


def price_gap_usd_per_kcm(deal: dict[str, Any] | None) -> float | None:
    """China's highest acceptable price minus Russia's lowest [USD per 1,000 m3]; < 0: no zone."""
    hi = dig(deal, "china_max_price_usd_per_kcm")
    lo = dig(deal, "russia_min_price_usd_per_kcm")
    if isinstance(hi, int | float) and isinstance(lo, int | float):
        return float(hi) - float(lo)
    return None


_CHAINAGE = (("chainage_km", 1.0), ("x_km", 1.0), ("distance_km", 1.0), ("chainage_m", 1e-3), ("x_m", 1e-3))
_PRESSURE = (("pressure_mpa", 1.0), ("p_mpa", 1.0), ("p_pa", 1e-6), ("pressure_pa", 1e-6))
_ELEVATION = (("elevation_m", 1.0), ("z_m", 1.0), ("height_m", 1.0))
_TEMPERATURE = (("temperature_c", 1.0), ("t_c", 1.0), ("temperature_k", None), ("t_k", None))


def _pick(df: pd.DataFrame, choices: tuple[tuple[str, float | None], ...]) -> pd.Series | None:
    for name, scale in choices:
        if name in df.columns:
            col = df[name].astype(float)
            return col - 273.15 if scale is None else col * scale
    return None


def profile_table(twin_result: Any) -> pd.DataFrame | None:
    """The pressure/elevation profile along the route as ``chainage_km``, ``pressure_mpa`` (absolute),
    ``elevation_m`` (and ``temperature_c`` when given), or ``None`` when the twin gives none."""
    df = None
    for name in ("profile", "profiles", "profile_table"):
        obj = getattr(twin_result, name, None)
        if callable(obj):
            obj = obj()
        if isinstance(obj, pd.DataFrame):
            df = obj
            break
    if df is None:
        return None
    x = _pick(df, _CHAINAGE)
    p = _pick(df, _PRESSURE)
    if x is None or p is None:
        return None
    out = pd.DataFrame({"chainage_km": x.to_numpy(), "pressure_mpa": p.to_numpy()})
    z = _pick(df, _ELEVATION)
    if z is not None:
        out["elevation_m"] = z.to_numpy()
    t = _pick(df, _TEMPERATURE)
    if t is not None:
        out["temperature_c"] = t.to_numpy()
    return out
