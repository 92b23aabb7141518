"""Pull the headline numbers out of the stages' ``--json`` objects and result tables.

The report and the dashboard read only the published contracts of the stages (issue 4, 5 and 6
``--json`` keys) plus the twin's profile table, so a stage can change its internals freely.
Missing keys give ``None`` (and the report says "not available"), never a made-up number.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

PARTIES = ("russia", "china", "mongolia")


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


def economics_numbers(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Capex, tariff, breakeven, netback and NPV quantiles per party from the economics JSON."""
    if data is None:
        return None
    parties = {}
    for party in PARTIES:
        parties[party] = {
            "npv_usd_bn": {q: dig(data, "parties", party, "npv_usd_bn", q) for q in ("p10", "p50", "p90")},
            "irr": dig(data, "parties", party, "irr"),
        }
    return {
        "capex_usd_bn": data.get("capex_usd_bn"),
        "tariff_usd_per_kcm": data.get("tariff_usd_per_kcm"),
        "breakeven_price_usd_per_kcm": data.get("breakeven_price_usd_per_kcm"),
        "netback_usd_per_kcm": data.get("netback_usd_per_kcm"),
        "parties": parties,
        "paths": data.get("paths"),
        "seed": data.get("seed"),
    }


def deal_numbers(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Zone of agreement, Nash price, reservation prices, agreement probability from the deal JSON."""
    if data is None:
        return None
    return {
        "zopa_usd_per_kcm": data.get("zopa_usd_per_kcm"),
        "nash_price_usd_per_kcm": data.get("nash_price_usd_per_kcm"),
        "china_max_price_usd_per_kcm": data.get("china_max_price_usd_per_kcm"),
        "russia_min_price_usd_per_kcm": data.get("russia_min_price_usd_per_kcm"),
        "p_agreement_by_year": data.get("p_agreement_by_year"),
        "shapley": data.get("shapley"),
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


def clean_json(obj: Any) -> Any:
    """A JSON-safe copy: numpy scalars to Python, NaN and infinities to ``None``, tuples to lists."""
    if isinstance(obj, dict):
        return {str(k): clean_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean_json(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return clean_json(obj.tolist())
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        f = float(obj)
        return f if math.isfinite(f) else None
    if obj is None or isinstance(obj, str):
        return obj
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return str(obj)
