"""Deal economics: costs, tariffs, contracts, cash flows, price models and Monte Carlo (issue 5).

Public API::

    evaluate_economics(scenario, twin, *, paths=None, seed=None, scheduler=None) -> EconomicsResult
    breakeven_price(scenario, twin) -> float            # USD per 1,000 m3 (Russia NPV = 0)
    levelized_tariff(scenario, twin) -> Tariff         # USD per 1,000 m3 and per MMBtu
    capex(scenario, twin) -> Capex                     # USD of the scenario's price year
    npv_by_party(scenario, twin, price_usd_per_kcm) -> dict[str, ndarray]   # USD bn, vectorised
    deterministic(scenario, twin, deck="base") -> Deterministic
"""

from pos2.economics.api import (
    DECKS,
    Deterministic,
    breakeven_price,
    deterministic,
    evaluate_economics,
    netback_usd_per_kcm,
    npv_by_party,
)
from pos2.economics.cashflow import PARTIES, Project, build_project
from pos2.economics.costs import Capex, capex
from pos2.economics.result import EconomicsResult
from pos2.economics.tariff import Tariff, levelized_tariff
from pos2.economics.validate import check_inputs

__all__ = [
    "DECKS",
    "PARTIES",
    "Capex",
    "Deterministic",
    "EconomicsResult",
    "Project",
    "Tariff",
    "breakeven_price",
    "build_project",
    "capex",
    "check_inputs",
    "deterministic",
    "evaluate_economics",
    "levelized_tariff",
    "netback_usd_per_kcm",
    "npv_by_party",
]
