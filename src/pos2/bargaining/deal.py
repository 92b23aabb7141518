"""The deal stage: China's value of PoS2, Russia's reservation price, bargaining, delay, hindcast.

:func:`negotiate` wires the pure pieces together for one scenario. It takes what it needs from the
economics stage as numbers (Russia's breakeven, the contract price with its basis) and the other
projects of the hindcast as :class:`ProjectBasis` objects; it never runs another stage. The stages are
composed by :mod:`pos2.pipeline`.
"""

from __future__ import annotations

import math
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from pos2.bargaining.delay import DelayResult, solve_delay, waiting_drift_threshold
from pos2.bargaining.direct_route import direct_route
from pos2.bargaining.engine import Valuation, value_deal
from pos2.bargaining.fastgame import SummitHistory, fast_summits
from pos2.bargaining.history import Round
from pos2.bargaining.reservation import RussiaReservation, reservation_price
from pos2.bargaining.solutions import (
    discount_factor,
    nash_price,
    rubinstein_share,
    rubinstein_with_outside_options,
    shapley_values,
    transit_game,
    zopa,
)
from pos2.bargaining.summits import run_summits, summit_keys
from pos2.bargaining.supply import (
    Deck,
    SupplyResult,
    china_max_price,
    demand_path,
    pos2_volume_path,
    solve_supply,
    with_closure_weights,
)
from pos2.bargaining.valuation import ProjectCosts
from pos2.economics.cashflow import PARTIES
from pos2.errors import BargainingError
from pos2.scenario import Scenario, ScenarioModel
from pos2.scenario.sections_deal import DemandSection, SupplySection

SCENARIO_DECK = "scenario"


@dataclass(frozen=True)
class HindcastRound:
    """The model's reading of one negotiation round next to what happened."""

    round: Round
    china_max_usd_per_kcm: float
    russia_min_usd_per_kcm: float
    zopa_usd_per_kcm: tuple[float, float] | None
    nash_price_usd_per_kcm: float | None
    sign_now: bool
    model_verdict: str
    explanation: str
    waiting_drift_per_year: float | None = None
    """China waits at this round if Russia's reservation price falls faster than this [1/yr]."""
    russia_breakeven_source: str = "fallback"
    """Where Russia's breakeven came from: ``economics`` or this package's ``fallback``."""
    dynamics: dict[str, Any] | None = None
    """The bargaining-over-summits reading (issue 14): p_deal, binding reason, leave-one-out, limits."""

    def to_json(self) -> dict[str, Any]:
        """One element of the ``hindcast`` list of ``pos2 deal --json``."""
        r = self.round
        return {
            "date": r.date.isoformat(),
            "venue": r.venue,
            "project": r.project,
            "model_verdict": self.model_verdict,
            "actual_outcome": r.actual_outcome,
            "match": self.model_verdict == r.actual_outcome,
            "zopa_usd_per_kcm": list(self.zopa_usd_per_kcm) if self.zopa_usd_per_kcm else None,
            "nash_price_usd_per_kcm": self.nash_price_usd_per_kcm,
            "china_max_price_usd_per_kcm": self.china_max_usd_per_kcm,
            "russia_min_price_usd_per_kcm": self.russia_min_usd_per_kcm,
            "russia_breakeven_source": self.russia_breakeven_source,
            "china_signs_now": self.sign_now,
            "waiting_drift_per_year": self.waiting_drift_per_year,
            "explanation": self.explanation,
            "who_said": r.who_said,
            "agreed": r.agreed,
            "market": {
                "brent_usd_per_bbl": r.brent_usd_per_bbl,
                "lng_usd_per_mmbtu": r.lng_usd_per_mmbtu,
                "hormuz_status": r.hormuz_status,
                "pos1_price_usd_per_kcm": r.pos1_price_usd_per_kcm,
                "europe_outlet": r.europe_outlet,
                "europe_price_usd_per_kcm": r.europe_price_usd_per_kcm,
                "sources": list(r.market_sources),
                "notes": r.market_notes,
            },
            "sources": list(r.sources),
            "p_deal": (self.dynamics or {}).get("p_deal"),
            "binding_reason": (self.dynamics or {}).get("binding_reason"),
            "p_deal_leave_one_out": (self.dynamics or {}).get("p_deal_leave_one_out"),
            "dynamics": self.dynamics,
        }


@dataclass(frozen=True)
class DealResult:
    """Result of the deal stage for one scenario (prices at the Chinese border, USD 2025 / 1,000 m3)."""

    scenario: str
    china_max_usd_per_kcm: float
    """China's highest acceptable price for the scenario's contract (the contract valuation)."""
    russia_min_usd_per_kcm: float
    """Gazprom's lowest acceptable price (the binding Russian principal under the scenario's taxes)."""
    valuation: Valuation
    """The contract valuation: principals' limits, China's value spread, waterfall, levers, terms."""
    price_only: dict[str, Any]
    """The price-only zone of the issue 6 model, shown next to the valuation's (what the terms add)."""
    china_cost_saving_usd_per_kcm: float
    china_security_value_usd_per_kcm: float
    china_cases: dict[str, dict[str, float]]
    """China's highest acceptable price, cost saving and security value per supply scenario."""
    russia: RussiaReservation
    zopa_usd_per_kcm: tuple[float, float] | None
    nash_price_usd_per_kcm: float | None
    rubinstein_price_usd_per_kcm: float | None
    rubinstein_limit_price_usd_per_kcm: float | None
    contract_price_usd_per_kcm: float
    shapley: dict[str, float]
    shapley_transit_usd_per_kcm: float
    delay: DelayResult
    by_year: pd.DataFrame
    nash_vs_beta: pd.DataFrame
    hindcast: tuple[HindcastRound, ...]
    settings: dict[str, Any] = field(default_factory=dict)
    summits: dict[str, Any] | None = None
    """The bargaining over summits (issue 14, :func:`pos2.bargaining.summits.summit_json`): scores,
    estimated parameters, Hormuz panel, agreement by year with its band, price at signature, levers."""
    fast_summits: dict[str, Any] | None = None
    """The summit game's fast mode (:func:`pos2.bargaining.fastgame.fast_summits`: today's game at these
    levers with a history scenario's hindcast held) when the summits were not run but a history given."""

    @property
    def p_agreement_by_year(self) -> dict[int, float]:
        """Cumulative probability of agreement by year: the summit game when run, else its fast mode
        (dashboard, sweeps), else the one-sided delay lattice (special case, no history given)."""
        src = self.summits if self.summits is not None else self.fast_summits
        if src is not None:
            return {int(y): float(p) for y, p in src["p_agreement_by_year"].items()}
        return dict(self.delay.p_agreement_by_year)

    def hindcast_table(self) -> pd.DataFrame:
        """The hindcast as a tidy table (one row per round)."""
        rows = []
        for h in self.hindcast:
            j = h.to_json()
            rows.append(
                {
                    "date": j["date"],
                    "venue": j["venue"],
                    "project": j["project"],
                    "brent_usd_per_bbl": j["market"]["brent_usd_per_bbl"],
                    "lng_usd_per_mmbtu": j["market"]["lng_usd_per_mmbtu"],
                    "hormuz_status": j["market"]["hormuz_status"],
                    "pos1_price_usd_per_kcm": j["market"]["pos1_price_usd_per_kcm"],
                    "russia_min_price_usd_per_kcm": j["russia_min_price_usd_per_kcm"],
                    "china_max_price_usd_per_kcm": j["china_max_price_usd_per_kcm"],
                    "nash_price_usd_per_kcm": j["nash_price_usd_per_kcm"],
                    "model_verdict": j["model_verdict"],
                    "actual_outcome": j["actual_outcome"],
                    "match": j["match"],
                    "p_deal": j["p_deal"],
                    "p_deal_leave_one_out": j["p_deal_leave_one_out"],
                    "binding_reason": j["binding_reason"],
                    "explanation": j["explanation"],
                    "sources": "; ".join(j["sources"]),
                }
            )
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Any]:
        """The ``pos2 deal --json`` object (issue 6 contract plus details)."""
        by_year = self.by_year.replace({np.nan: None})
        return {
            "scenario": self.scenario,
            "zopa_usd_per_kcm": list(self.zopa_usd_per_kcm) if self.zopa_usd_per_kcm else None,
            "nash_price_usd_per_kcm": self.nash_price_usd_per_kcm,
            "china_max_price_usd_per_kcm": self.china_max_usd_per_kcm,
            "russia_min_price_usd_per_kcm": self.russia_min_usd_per_kcm,
            "russia_min_price_by_principal_usd_per_kcm": self.valuation.summary[
                "russia_min_price_by_principal_usd_per_kcm"
            ],
            "gap_waterfall": [
                {"step": w["step"], "usd_per_kcm": w["usd_per_kcm"], "kind": w["kind"]}
                for w in self.valuation.gap_waterfall
            ],
            "contract_terms": self.valuation.contract_terms,
            "china_value_distribution_usd_per_kcm": self.valuation.summary[
                "china_value_distribution_usd_per_kcm"
            ],
            "lever_effects": self.valuation.lever_effects,
            "china_max_price_risk_adjusted_usd_per_kcm": {
                "risk_weight": self.valuation.reference_risk_weight,
                "usd_per_kcm": self.valuation.risk_adjusted_china_max_usd_per_kcm,
            },
            "price_only": self.price_only,
            "p_agreement_by_year": {str(y): p for y, p in self.p_agreement_by_year.items()},
            "shapley": dict(self.shapley),
            "hindcast": [h.to_json() for h in self.hindcast],
            "china": {
                "max_price_usd_per_kcm": self.china_max_usd_per_kcm,
                "cost_saving_usd_per_kcm": self.china_cost_saving_usd_per_kcm,
                "security_value_usd_per_kcm": self.china_security_value_usd_per_kcm,
                "cases": self.china_cases,
                "by_year": by_year.to_dict(orient="records"),
            },
            "russia": {
                "min_price_usd_per_kcm": self.russia_min_usd_per_kcm,
                "price_only_min_price_usd_per_kcm": self.russia.min_price_usd_per_kcm,
                "view": self.russia.view,
                "breakeven_usd_per_kcm": self.russia.breakeven_usd_per_kcm,
                "breakeven_source": self.russia.breakeven_source,
                "opportunity_usd_per_kcm": self.russia.opportunity_usd_per_kcm,
                "gas_value_usd_per_kcm": self.russia.gas_value_usd_per_kcm,
                "transit_usd_per_kcm": self.russia.transit_usd_per_kcm,
            },
            "rubinstein_price_usd_per_kcm": self.rubinstein_price_usd_per_kcm,
            "rubinstein_limit_price_usd_per_kcm": self.rubinstein_limit_price_usd_per_kcm,
            "contract_price_usd_per_kcm": self.contract_price_usd_per_kcm,
            "shapley_transit_usd_per_kcm": self.shapley_transit_usd_per_kcm,
            "delay": {
                "expected_price_usd_per_kcm": self.delay.expected_price_usd_per_kcm,
                "p_agreement_total": self.delay.p_agreement_total,
                "china_signs_now": self.delay.sign_now,
                "value_sign_now_usd_per_kcm": self.delay.value_sign_now_usd_per_kcm,
                "value_wait_usd_per_kcm": self.delay.value_wait_usd_per_kcm,
            },
            "nash_vs_beta": self.nash_vs_beta.replace({np.nan: None}).to_dict(orient="records"),
            "settings": self.settings,
            **summit_keys(self.summits),
            **({"summit_game_fast": self.fast_summits} if self.fast_summits is not None else {}),
        }


# -- decks -----------------------------------------------------------------------------------------


def closure_weight(probability_per_year: float, months: float) -> float:
    """Expected share of a year with the strait closed [-].

    Parameters
    ----------
    probability_per_year
        Probability of a closure in a year [1/yr].
    months
        Months closed in a year of closure [months].
    """
    return float(np.clip(probability_per_year * months / 12.0, 0.0, 1.0))


def deck_brent_usd_per_bbl(m: ScenarioModel) -> float:
    """Brent of the run's one price deck (``prices.decks.<prices.deck>``, as the economics) [USD/bbl]."""
    return float(getattr(m.prices.decks, m.prices.deck).brent_usd_per_bbl)


def scenario_deck(m: ScenarioModel) -> Deck:
    """The flat deck: Brent of the run's deck (``prices.deck``), LNG at ``lng.price_usd_per_mmbtu``."""
    return Deck(
        SCENARIO_DECK,
        deck_brent_usd_per_bbl(m),
        m.lng.price_usd_per_mmbtu,
        closure_weight(m.hormuz.closure_probability, m.hormuz.closure_months),
        m.hormuz.closure_lng_price_usd_per_mmbtu,
    )


def case_decks(m: ScenarioModel) -> tuple[Deck, ...]:
    """The supply scenarios reported next to the scenario's own deck.

    ``hormuz_open`` (no closure risk), ``hormuz_closure`` (a closure every year, ``closure_months``
    long), ``lng_shock_2026`` (Asian spot at the closure price, 25.40 USD/MMBtu on 4 March 2026,
    decaying to the deck level at ``lng.spot_reversion_per_year`` from 2026) and
    ``lng_shock_persistent`` (the closure price held over the whole horizon).
    """
    base = scenario_deck(m)
    years = np.arange(m.supply.first_year, m.supply.last_year + 1)
    spike = m.hormuz.closure_lng_price_usd_per_mmbtu
    lead = np.maximum(years - 2026.0, 0.0)
    decay = base.lng_usd_per_mmbtu + (spike - float(m.lng.price_usd_per_mmbtu)) * np.exp(
        -m.lng.spot_reversion_per_year * lead
    )
    return (
        Deck("hormuz_open", base.brent_usd_per_bbl, base.lng_usd_per_mmbtu, 0.0, spike),
        Deck(
            "hormuz_closure",
            base.brent_usd_per_bbl,
            base.lng_usd_per_mmbtu,
            closure_weight(1.0, m.hormuz.closure_months),
            spike,
        ),
        Deck(
            "lng_shock_2026",
            base.brent_usd_per_bbl,
            tuple(float(x) for x in decay),
            base.closure_weight,
            spike,
        ),
        Deck("lng_shock_persistent", base.brent_usd_per_bbl, spike, base.closure_weight, spike),
    )


def round_deck(m: ScenarioModel, rnd: Round) -> Deck:
    """Deck seen from a round's date: Brent held, the spot LNG premium decaying to its long-run level.

    ``LNG_t = LR + (spot - LR) exp(-kappa (t - round year))`` with ``LR = long_run_slope x Brent``; the
    same rule for every round (no per-round tuning). A round held during a closure uses
    ``hormuz.closure_probability_when_closed``.
    """
    years = np.arange(m.supply.first_year, m.supply.last_year + 1)
    lr = m.lng.long_run_slope * rnd.brent_usd_per_bbl
    lead = np.maximum(years - (rnd.year + 0.5), 0.0)
    path = lr + (rnd.lng_usd_per_mmbtu - lr) * np.exp(-m.lng.spot_reversion_per_year * lead)
    prob = (
        m.hormuz.closure_probability_when_closed
        if rnd.hormuz_status == "closed"
        else m.hormuz.closure_probability
    )
    return Deck(
        rnd.date.isoformat(),
        rnd.brent_usd_per_bbl,
        tuple(float(v) for v in path),
        closure_weight(prob, m.hormuz.closure_months),
        m.hormuz.closure_lng_price_usd_per_mmbtu,
    )


@lru_cache(maxsize=32)
def _solve_cached(
    supply: SupplySection,
    demand_section: DemandSection,
    acq_bcm_per_year: float,
    ramp_years: int,
    discount_rate: float,
    decks: tuple[Deck, ...],
    first_gas: tuple[int, ...],
) -> SupplyResult:
    # keyed on exactly what the LP reads, so a contract price or finance lever reuses the solution
    years = list(range(supply.first_year, supply.last_year + 1))
    demand = demand_path(demand_section, years)
    paths = np.stack([pos2_volume_path(years, acq_bcm_per_year, fg, ramp_years) for fg in first_gas])
    return solve_supply(supply, demand, paths, list(decks), discount_rate=discount_rate)


def china_values(sup: SupplyResult, deck: str, rate: float, year: int) -> dict[str, float]:
    """:func:`~pos2.bargaining.supply.china_max_price` of a (cached) LP solution, memoised on it.

    The LP solutions are shared through :func:`solve_china`'s cache, so a contract, finance or
    bargaining-power lever reads China's values without recomputing them. A copy is returned.
    """
    key = (deck, float(rate), int(year))
    hit = sup._china_values.get(key)
    if hit is None:
        hit = china_max_price(sup, deck, rate, year)
        sup._china_values[key] = hit
    return dict(hit)


def solve_china(m: ScenarioModel, decks: tuple[Deck, ...], first_gas: tuple[int, ...]) -> SupplyResult:
    """China's supply LP for a scenario and decks (cached: sweeps repeat the same inputs).

    The cache is keyed on the sections the LP reads (``supply``, ``demand``, the ACQ, the ramp-up and
    China's discount rate) and on the decks' prices (the closure weight is applied to the solution
    afterwards, :func:`pos2.bargaining.supply.with_closure_weights`), so a contract price, finance or
    Hormuz probability or duration lever reuses the solution.

    Parameters
    ----------
    m
        Scenario content [-].
    decks
        Price decks [-].
    first_gas
        First-gas year of PoS2 for each deck [yr].
    """
    args = (
        m.supply,
        m.demand,
        m.contract.acq_bcm_per_year,
        m.bargaining.ramp_years,
        m.finance.discount_rate_china,
        # the LP does not read the closure weight (supply.with_closure_weights): a Hormuz lever re-uses it
        tuple(replace(d, closure_weight=0.0) for d in decks),
        first_gas,
    )
    try:
        solved = _solve_cached(*args)
    except TypeError:  # an unhashable user value: solve without the cache
        solved = _solve_cached.__wrapped__(*args)
    return with_closure_weights(solved, decks, m.supply)


# -- the stage ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectBasis:
    """Another project of the hindcast (PoS1 for the 2014 round), from its own scenario.

    Attributes
    ----------
    model
        That project's embedded scenario content (never the user's PoS2 levers).
    breakeven_usd_per_kcm
        Its breakeven from its own twin and economics (``None``: the cost-plus fallback of
        :mod:`pos2.bargaining.reservation`) [USD/1,000 m3].
    note
        Why the fallback is used, empty otherwise.
    """

    model: ScenarioModel
    breakeven_usd_per_kcm: float | None
    note: str = ""


def _russia(m: ScenarioModel, breakeven: float | None, europe_price: float | None) -> RussiaReservation:
    return reservation_price(
        m.russia,
        acq_bcm_per_year=m.contract.acq_bcm_per_year,
        transit_fee_usd_per_kcm_100km=m.transit.fee_usd_per_kcm_100km,
        view=m.bargaining.russia_view,
        rate_per_year=m.finance.discount_rate_russia,
        export_duty_share=m.taxes.export_duty_share,
        breakeven_usd_per_kcm=breakeven,
        europe_price_usd_per_kcm=europe_price,
    )


def _delay(m: ScenarioModel, v: float, r: float, first_year: int) -> DelayResult:
    b = m.bargaining
    horizon = b.last_round_year - b.first_round_year
    return solve_delay(
        max(v, 1e-6),
        max(r, 1e-6),
        china_power=b.china_power,
        china_discount_rate=m.finance.discount_rate_china,
        volatility=b.china_value_volatility,
        drift=b.china_value_drift,
        russia_drift=b.russia_reservation_drift,
        first_year=first_year,
        last_year=first_year + horizon,
        interval_years=b.round_interval_years,
    )


def _waiting_drift(m: ScenarioModel, v: float, r: float, first_year: int) -> float | None:
    b = m.bargaining
    if v <= r:
        return None
    return waiting_drift_threshold(
        v,
        r,
        china_power=b.china_power,
        china_discount_rate=m.finance.discount_rate_china,
        volatility=b.china_value_volatility,
        drift=b.china_value_drift,
        first_year=first_year,
        last_year=first_year + b.last_round_year - b.first_round_year,
        interval_years=b.round_interval_years,
    )


def _explain(
    verdict: str, actual: str, v: float, r: float, d: DelayResult, wait_drift: float | None = None
) -> str:
    gap = v - r
    wait = (
        f" China would wait only if it expected Russia's reservation price to fall faster than "
        f"{-100 * wait_drift:.1f} %/yr."
        if wait_drift is not None and wait_drift < 0
        else ""
    )
    if verdict == actual == "deal":
        return (
            f"Zone of agreement {gap:.0f} USD/kcm wide and China gains more by signing now than by waiting."
        )
    if verdict == actual:
        if gap < 0:
            return (
                f"No zone of agreement: China's highest price is {-gap:.0f} USD/kcm below "
                "Russia's reservation price."
            )
        return (
            f"Zone of agreement {gap:.0f} USD/kcm wide, but China's value of waiting "
            f"({d.value_wait_usd_per_kcm:.1f}) exceeds its surplus from signing now "
            f"({d.value_sign_now_usd_per_kcm:.1f})."
        )
    if verdict == "deal":
        return (
            f"MISMATCH: the model finds a {gap:.0f} USD/kcm zone of agreement and no gain from waiting, "
            "yet no contract was signed. Prices alone do not explain the stall: the model leaves out "
            "China's cap on dependence on one supplier, Russia's insistence on PoS1-parity 'market "
            "formulas' (a reservation price above its cost) and the unresolved financing and volume "
            "flexibility (see docs/deal.md)." + wait
        )
    why = "no zone of agreement" if gap < 0 else "a gain from waiting"
    return (
        f"MISMATCH: a contract was signed although the model finds {why} (China max {v:.0f}, "
        f"Russia min {r:.0f} USD/kcm); politics or terms outside the model closed the gap."
    )


def hindcast(
    scenario: Scenario,
    rounds: tuple[Round, ...],
    breakeven_usd_per_kcm: float | None,
    projects: dict[str, ProjectBasis] | None = None,
) -> tuple[HindcastRound, ...]:
    """The model's verdict for each negotiation round, with one fixed rule for all rounds.

    Verdict "deal" when the zone of agreement is not empty and China's optimal action at that round
    is to sign (the delay model); "no deal" otherwise.

    Parameters
    ----------
    scenario
        Scenario whose parameters the model uses for rounds about its own project [-].
    rounds
        Negotiation rounds [-].
    breakeven_usd_per_kcm
        Russia's breakeven of the scenario's own project from the economics stage [USD/1,000 m3].
    projects
        The other projects of the rounds, each from its own scenario (:class:`ProjectBasis`) [-].
    """
    others = projects or {}
    out: list[HindcastRound] = []
    by_project: dict[str, list[Round]] = {}
    for r in rounds:
        by_project.setdefault(r.project, []).append(r)
    for project, rs in by_project.items():
        basis = others.get(project)
        m = scenario.model if basis is None else basis.model
        be = breakeven_usd_per_kcm if basis is None else basis.breakeven_usd_per_kcm
        decks = tuple(round_deck(m, r) for r in rs)
        first_gas = tuple(r.year + m.bargaining.first_gas_lag_years for r in rs)
        sup = solve_china(m, decks, first_gas)
        for r, deck in zip(rs, decks, strict=True):
            china = china_values(sup, deck.name, m.finance.discount_rate_china, r.year)
            v = china["max_price_usd_per_kcm"]
            rus = _russia(m, be, r.europe_price_usd_per_kcm if r.europe_outlet else None)
            rmin = rus.min_price_usd_per_kcm
            z = zopa(rmin, v)
            nash = nash_price(rmin, v, m.bargaining.china_power)
            d = _delay(m, v, rmin, r.year)
            verdict = "deal" if (z is not None and d.sign_now) else "no deal"
            wd = _waiting_drift(m, v, rmin, r.year)
            why = _explain(verdict, r.actual_outcome, v, rmin, d, wd)
            out.append(HindcastRound(r, v, rmin, z, nash, d.sign_now, verdict, why, wd, rus.breakeven_source))
    return tuple(sorted(out, key=lambda h: h.round.date))


RUBINSTEIN_LIMIT_INTERVAL_YEARS = 1e-4
"""Offer interval standing for the limit of frequent offers (about an hour) [yr]."""


def negotiate(
    scenario: Scenario,
    *,
    breakeven_usd_per_kcm: float | None,
    contract_price_usd_per_kcm: float,
    contract_price_basis: str,
    costs: ProjectCosts,
    rounds: tuple[Round, ...] = (),
    projects: dict[str, ProjectBasis] | None = None,
    detail: bool = True,
    history: SummitHistory | None = None,
    history_error: str | None = None,
) -> DealResult:
    """Run the deal model on a scenario with the economics' numbers.

    Parameters
    ----------
    scenario
        Loaded scenario [-].
    breakeven_usd_per_kcm
        Russia's project breakeven from the economics stage (``None``: the cost-plus fallback of
        :mod:`pos2.bargaining.reservation`, said so in the result) [USD/1,000 m3].
    contract_price_usd_per_kcm
        The contract formula's price from the economics stage (the one contract price) [USD/1,000 m3].
    contract_price_basis
        What that price is, in words (deck, averaging) [-].
    rounds
        Negotiation rounds for the hindcast (empty: no hindcast) [-].
    costs
        The pipeline costs from the economics stage (:func:`pos2.bargaining.engine.project_costs`) for
        the contract valuation [-].
    projects
        The other projects of the rounds, each from its own scenario [-].
    detail
        Also the gap waterfall, the lever effects and the efficient terms (off for the dashboard and
        the sweeps; their headline is valued on ``valuation.detail_paths``) [-].
    history
        When the summits are not run (no rounds or no ``detail``): the hindcast of a history scenario
        for the summit game's fast mode (:mod:`pos2.bargaining.fastgame`); ``None``: the one-sided delay
        lattice gives the agreement probability (special case) [-].
    history_error
        Why a history asked for is missing (reported in ``settings.summits_error``) [-].

    Returns
    -------
    DealResult
    """
    m = scenario.model
    b = m.bargaining
    if not 0.0 <= b.china_power <= 1.0:
        raise BargainingError(f"bargaining.china_power (beta) must lie in [0, 1], got {b.china_power}")
    breakeven = breakeven_usd_per_kcm
    # three independent pieces run side by side — the contract valuation (numpy, mostly outside the
    # GIL), the price-only supply LP (HiGHS) on two workers, the summit game's fast mode (when asked
    # for) on this thread: on two cores the stage takes about half their sum; same numbers either way
    first_gas = b.first_round_year + b.first_gas_lag_years
    decks = (scenario_deck(m), *case_decks(m))
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pos2-deal") as pool:
        pending = pool.submit(value_deal, scenario, costs, detail=detail)
        pending_lp = pool.submit(solve_china, m, decks, (first_gas,) * len(decks))
        try:
            return _negotiate(
                scenario,
                breakeven,
                contract_price_usd_per_kcm,
                contract_price_basis,
                costs,
                rounds,
                projects,
                detail,
                pending,
                pending_lp,
                decks,
                history,
                history_error,
            )
        finally:
            pending.cancel()
            pending_lp.cancel()


def _negotiate(
    scenario: Scenario,
    breakeven: float | None,
    contract_price_usd_per_kcm: float,
    contract_price_basis: str,
    costs: ProjectCosts,
    rounds: tuple[Round, ...],
    projects: dict[str, ProjectBasis] | None,
    detail: bool,
    pending: Future[Valuation],
    pending_lp: Future[SupplyResult],
    decks: tuple[Deck, ...],
    history: SummitHistory | None = None,
    history_error: str | None = None,
) -> DealResult:
    """:func:`negotiate` once the valuation and the supply LP on ``decks`` (the scenario deck, then the
    case decks) have been started in ``pending`` and ``pending_lp``."""
    m = scenario.model
    b = m.bargaining
    # the summit game's fast mode (when no summits are run here) needs neither the valuation nor the
    # LP: it runs on this thread while they finish on the workers
    fast = None
    fast_error = None
    if history is not None and not (rounds and detail):
        try:
            fast = fast_summits(history, scenario, costs)
        except BargainingError as e:
            fast_error = str(e)
    deck, *cases = decks
    sup = pending_lp.result()
    china = china_values(sup, SCENARIO_DECK, m.finance.discount_rate_china, b.first_round_year)
    china_cases = {
        c.name: china_values(sup, c.name, m.finance.discount_rate_china, b.first_round_year) for c in cases
    }
    v = china["max_price_usd_per_kcm"]
    rus = _russia(m, breakeven, None)
    rmin = rus.min_price_usd_per_kcm
    z = zopa(rmin, v)
    nash = nash_price(rmin, v, b.china_power)
    price_only = {
        "basis": "price alone (issue 6 model): China's least-cost supply LP on a flat deck against "
        "Russia's breakeven; no contract terms, taxes as costs only through the breakeven",
        "china_max_price_usd_per_kcm": v,
        "russia_min_price_usd_per_kcm": rmin,
        "zopa_usd_per_kcm": list(z) if z else None,
        "nash_price_usd_per_kcm": nash,
    }
    # the contract valuation (issue 13): the headline zone, Nash price and delay use it
    val = pending.result()
    v_c, r_g = val.china_max_usd_per_kcm, val.gazprom_min_usd_per_kcm
    z_c = zopa(r_g, v_c)
    nash_c = val.summary["nash_price_usd_per_kcm"]
    nash_c = float(nash_c) if z_c is not None and math.isfinite(nash_c) else None

    # Rubinstein: pie above the gas's opportunity price; Russia's outside option is keeping its capital
    d_r = discount_factor(m.finance.discount_rate_russia, b.round_interval_years)
    d_c = discount_factor(m.finance.discount_rate_china, b.round_interval_years)
    pie = v - rus.opportunity_usd_per_kcm
    w_r = (
        max(rus.breakeven_usd_per_kcm - rus.opportunity_usd_per_kcm, 0.0)
        if rus.view != "opportunity"
        else 0.0
    )
    split = rubinstein_with_outside_options(pie, d_r, d_c, w_r, 0.0) if pie > 0 else None
    rub = rus.opportunity_usd_per_kcm + split[0] if split else None
    # the same game (Russia's outside option included) as offers become frequent: interval -> 0
    rub_lim = None
    if pie > 0 and m.finance.discount_rate_russia + m.finance.discount_rate_china > 0:
        dt = RUBINSTEIN_LIMIT_INTERVAL_YEARS
        lim = rubinstein_with_outside_options(
            pie,
            discount_factor(m.finance.discount_rate_russia, dt),
            discount_factor(m.finance.discount_rate_china, dt),
            w_r,
            0.0,
        )
        rub_lim = rus.opportunity_usd_per_kcm + lim[0] if lim is not None else None

    # Shapley: the project's surplus excluding the transit transfer; the direct Altai route costs more
    # (pos2.bargaining.direct_route; without the option Russia and China alone are worth nothing)
    route = direct_route(m, costs.tariff_usd_per_kcm, costs.line_km)
    base_cost = rmin - rus.transit_usd_per_kcm / (1.0 - m.taxes.export_duty_share)
    b_surplus = v - base_cost
    a_surplus = v - base_cost - route.extra_cost_usd_per_kcm
    if b_surplus > 0:
        phi = shapley_values(PARTIES, transit_game(b_surplus, a_surplus))
        shares = {p: phi[p] / b_surplus for p in PARTIES}
        transit_fee = phi["mongolia"]
    else:
        shares = dict.fromkeys(PARTIES, 1.0 / 3.0)  # limit of an empty game: symmetric
        transit_fee = 0.0

    delay = _delay(m, v_c, r_g, b.first_round_year)
    betas = np.round(np.linspace(0.0, 1.0, 21), 3)
    nvb = pd.DataFrame(
        {"china_power": betas, "nash_price_usd_per_kcm": [nash_price(r_g, v_c, float(x)) for x in betas]}
    )
    by_year = sup.value[sup.value["deck"] == SCENARIO_DECK].drop(columns=["deck"]).reset_index(drop=True)
    by_year["russia_min_price_usd_per_kcm"] = [
        rmin * math.exp(b.russia_reservation_drift * (y - b.first_round_year)) for y in by_year["year"]
    ]
    notes = {p: pb.note for p, pb in (projects or {}).items() if pb.note}
    hc = hindcast(scenario, rounds, breakeven, projects)
    summits = None
    summits_error = None
    if rounds and detail:
        try:
            summits = run_summits(scenario, costs, val, rounds)
        except BargainingError as e:  # e.g. a limit without a root under extreme levers: said, not hidden
            summits_error = f"the bargaining over summits could not be solved: {e}"
        if summits is not None:
            by_date = {r["date"]: r for r in summits["rounds"]}
            hc = tuple(replace(h, dynamics=by_date.get(h.round.date.isoformat())) for h in hc)
    if summits is None and history is not None and fast is None and fast_error is None:
        try:  # the summits were asked for but could not be solved: the fast mode, as without them
            fast = fast_summits(history, scenario, costs)
        except BargainingError as e:
            fast_error = str(e)
    if summits is None and history_error is not None:
        summits_error = f"no summit history for the summit game's fast mode: {history_error}"
    if summits is None and fast_error is not None:  # said, not hidden: the delay lattice answers instead
        summits_error = f"the summit game's fast mode could not be solved: {fast_error}"
    return DealResult(
        scenario=scenario.name,
        china_max_usd_per_kcm=v_c,
        russia_min_usd_per_kcm=r_g,
        valuation=val,
        price_only=price_only,
        china_cost_saving_usd_per_kcm=china["cost_saving_usd_per_kcm"],
        china_security_value_usd_per_kcm=china["security_value_usd_per_kcm"],
        china_cases=china_cases,
        russia=rus,
        zopa_usd_per_kcm=z_c,
        nash_price_usd_per_kcm=nash_c,
        rubinstein_price_usd_per_kcm=rub,
        rubinstein_limit_price_usd_per_kcm=rub_lim,
        contract_price_usd_per_kcm=contract_price_usd_per_kcm,
        shapley=shares,
        shapley_transit_usd_per_kcm=transit_fee,
        delay=delay,
        by_year=by_year,
        nash_vs_beta=nvb,
        hindcast=hc,
        summits=summits,
        fast_summits=fast,
        settings={
            "china_power": b.china_power,
            "russia_view": b.russia_view,
            "rubinstein_proposer": "russia",
            "rubinstein_share_russia": rubinstein_share(d_r, d_c),
            "first_gas_year": b.first_round_year + b.first_gas_lag_years,
            "closure_weight": deck.closure_weight,
            "lp_seconds": sup.solve_seconds,
            "breakeven_source": rus.breakeven_source,
            "direct_route": {
                **route.to_json(),
                "transit_fee_usd_per_kcm": rus.transit_usd_per_kcm,
                "transit_fee_capped": costs.transit_usd_per_kcm < rus.transit_usd_per_kcm,
                "basis": "the direct Altai route's extra cost against the line through Mongolia, "
                "excluding the fee: Mongolia's fee in the contract valuation is at most this "
                "(pos2.bargaining.direct_route); the price-only model and the economics charge the "
                "scenario's fee as set",
            },
            "contract_price_basis": contract_price_basis,
            "headline_basis": "contract valuation (docs/deal.md): China's highest and Gazprom's "
            "lowest mean contract price for the scenario's contract over "
            f"{val.summary['paths']:,} paths; the Nash price maximises China's certainty equivalent^beta x "
            "Gazprom's NPV^(1-beta); the delay model runs on these limits",
            "hindcast_basis": "model_verdict and the limits of each round: price alone (issue 6 model, "
            "vintage decks per round); p_deal, binding_reason and p_deal_leave_one_out: the bargaining over "
            "summits on the contract valuation (issue 14, docs/deal_dynamics.md)",
            "p_agreement_basis": "summit game (docs/deal_dynamics.md)"
            if summits is not None
            else fast["basis"]
            if fast is not None
            else "the one-sided delay lattice (special case, docs/deal.md): "
            + (summits_error or "no summit history given"),
            "p_agreement_source": "summit_game"
            if summits is not None
            else "summit_game_fast"
            if fast is not None
            else "delay_lattice",
            "price_deck": {
                "name": m.prices.deck,
                "brent_usd_per_bbl": deck.brent_usd_per_bbl,
                "lng_usd_per_mmbtu": m.lng.price_usd_per_mmbtu,
                "basis": "Brent from the run's price deck (prices.deck, as the economics); Asian LNG at "
                "lng.price_usd_per_mmbtu, flat over the horizon",
            },
            **({"hindcast_breakeven_notes": notes} if notes else {}),
            **({"summits_error": summits_error} if summits_error else {}),
        },
    )
