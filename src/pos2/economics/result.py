"""The frozen result of :func:`pos2.economics.evaluate_economics`: tidy tables and the JSON summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pos2.economics.cashflow import Project
from pos2.jsonable import clean_json


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
    project: Project | None = field(default=None, compare=False, repr=False)
    """The project the figures were computed on (costs, volumes, discounting), for NPVs at other prices."""

    # typed headline fields: what the deal, the report, the dashboard and the sweeps read ----------
    @property
    def deck(self) -> str:
        """Name of the price deck of the deterministic figures (``prices.deck``)."""
        return str(self.summary["deck"])

    @property
    def breakeven_usd_per_kcm(self) -> float:
        """Russia's breakeven border price (its NPV = 0) [USD of ``price_year`` per 1,000 m3]."""
        return float(self.summary["breakeven_price_usd_per_kcm"])

    @property
    def tariff_usd_per_kcm(self) -> float:
        """Levelised transport tariff, Russia plus Mongolia [USD of ``price_year`` per 1,000 m3]."""
        return float(self.summary["tariff_usd_per_kcm"]["total"])

    @property
    def capex_usd_bn(self) -> float:
        """Overnight capital cost of the whole line [bn USD of ``price_year``]."""
        return float(self.summary["capex_usd_bn"]["total"])

    @property
    def contract_price_usd_per_kcm(self) -> float:
        """The contract formula's price, volume-weighted over the term on the run's deck [USD/1,000 m3]."""
        return float(self.summary["contract_price_usd_per_kcm"]["deterministic"])

    @property
    def contract_price_basis(self) -> str:
        """Where :attr:`contract_price_usd_per_kcm` comes from, in words."""
        return (
            f"contract formula on the '{self.deck}' price deck, volume-weighted mean over the contract "
            f"term (USD {self.price_year})"
        )

    def npv_usd_bn(self, party: str, quantile: str = "p50") -> float:
        """A party's NPV quantile (``p10``, ``p50``, ``p90``, ``mean``) [bn USD of ``price_year``].

        The basis is :attr:`npv_basis` (a Monte Carlo sample, or the deterministic deck with 0 paths).
        """
        return float(self.summary["parties"][party]["npv_usd_bn"][quantile])

    @property
    def npv_basis(self) -> str:
        """What the NPV quantiles are taken over, in words (paths and seed, or the deterministic deck)."""
        if self.paths > 0:
            return f"{self.paths:,}-path Monte Carlo, seed {self.seed}"
        return f"deterministic, '{self.deck}' price deck"

    def to_json(self) -> dict[str, Any]:
        """The ``pos2 economics --json`` object (issue 5 contract)."""
        out = {
            "scenario": self.scenario,
            "currency": self.currency,
            "price_year": self.price_year,
            **self.summary,
            "paths": self.paths,
            "seed": self.seed,
            "npv_basis": self.npv_basis,
            "contract_price_basis": self.contract_price_basis,
            "settings": self.settings,
        }
        return clean_json(out)  # type: ignore[no-any-return]
