"""The frozen result of :func:`pos2.economics.evaluate_economics`: tidy tables and the JSON summary."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


def _clean(obj: Any) -> Any:
    """JSON-safe copy: NaN/inf become None, numpy scalars become Python numbers."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, str):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


@dataclass(frozen=True)
class EconomicsResult:
    """Economics of one scenario: summary, tables and the settings that produced them.

    Money is real money of ``currency``/``price_year``; volumes at 20 degC, 101.325 kPa.
    Percentiles follow the convention P10 = 10th percentile (the low case).
    """

    scenario: str
    paths: int
    seed: int
    currency: str
    price_year: int
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``pos2 economics --json`` object (issue 5 contract)."""
        out = {
            "scenario": self.scenario,
            "currency": self.currency,
            "price_year": self.price_year,
            **self.summary,
            "paths": self.paths,
            "seed": self.seed,
            "settings": self.settings,
        }
        return _clean(out)  # type: ignore[no-any-return]
