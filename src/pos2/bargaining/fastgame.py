"""The summit game's fast mode: today's game at a lever state, the hindcast held (docs/deal_dynamics.md).

The full analysis (:func:`pos2.bargaining.summits.run_summits`) values every round on its vintage
inputs, fits the four global parameters over the rounds, searches the efficient contract terms and then
solves today's game: about 10 s, too slow for a dashboard slider or a sweep point. Of that, today's game
itself is a few tens of milliseconds. The fast mode therefore keeps what the *history* determines --
the estimated parameters, the players' beliefs after the observed rounds (the type weights), who
proposes first and when, Gazprom's shut-in share, China's gap shares and the efficient non-price terms
-- from one full analysis of a *history scenario* (:class:`SummitHistory`), and at a lever state only

1. re-values today's four limits on the held terms (China's highest price with the supplier cap, the
   state's and Gazprom's lowest, and -- as the full analysis -- the uncapped China as the capped one plus
   the cap's effect on the scenario's own contract; :func:`fast_limits`, on ``valuation.detail_paths``
   paths, as the full analysis's terms search), applied as a *change* from the same computation at the
   history scenario (common random numbers: at the history scenario the limits are exactly the full
   analysis's),
2. re-solves today's game (:func:`pos2.bargaining.summits.today_game`, backward induction, the same
   code as the full analysis) with Russia's discount rate of the lever state.

Where the fast mode and the full analysis agree: exactly at the history scenario, and at every lever
that neither the rounds' vintage limits nor the efficient-terms search read (e.g. China's bargaining
power ``beta``). Elsewhere the full analysis re-fits the history and may pick other terms; the size of
that difference over the dashboard's levers is measured in docs/deal_dynamics.md (benchmarks/
deal_fastgame.py). The closed-form war of attrition (Abreu & Gul 2000,
:func:`pos2.bargaining.dynamics.war_of_attrition`) is *not* this fast mode: it has no response noise and
so says "agreement at once" wherever every type pair has a zone (docs/deal_dynamics.md §1).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from pos2.bargaining.engine import TERM_KEYS, base_contract, build, engine_inputs
from pos2.bargaining.summits import Today, today_game
from pos2.bargaining.valuation import ContractGrid, ProjectCosts, limit_prices
from pos2.errors import BargainingError
from pos2.scenario import Scenario

Limits4 = tuple[tuple[float, float], tuple[float, float]]
"""``((china_uncapped, china_capped), (state, gazprom))`` [USD/1,000 m3]."""

FAST_BASIS = (
    "summit game, fast mode: today's game re-solved at these levers with the hindcast (estimated "
    "parameters, beliefs after the summits, efficient terms) held at {history}'s (docs/deal_dynamics.md)"
)


@dataclass(frozen=True)
class SummitHistory:
    """What one full summit analysis leaves for the fast mode (hashable: a stage-cache key part)."""

    scenario: str
    """Name of the history scenario."""
    params: tuple[tuple[str, float], ...]
    """The estimate, name -> value."""
    weights: tuple[tuple[float, float], tuple[float, float]]
    """Type weights ``w[k, j]`` (China capped k, Russia no-waiver j) after the observed rounds."""
    first_proposer: str
    first_year: int
    """Year of the first summit ahead."""
    first_round_year: int
    """First year of ``p_agreement_by_year`` (0 before ``first_year``)."""
    shut_in: float
    gap: tuple[float, ...]
    terms: tuple[tuple[str, Any], ...]
    """The efficient non-price terms; the quantity as ``acq_share`` of the scenario's ACQ."""
    limits: Limits4
    """Today's limits of the full analysis."""
    own_limits: Limits4
    """The same limits by :func:`fast_limits` at the history scenario (the reference of the changes)."""
    p_agreement_2030: float
    """The full analysis's P(deal by 2030) (the fast mode reproduces it at the history scenario)."""

    @property
    def digest(self) -> str:
        """A short fingerprint of the content."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]


def held_terms(scenario: Scenario, contract_terms: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The efficient terms to hold: TERM_KEYS, the quantity as a share of the scenario's ACQ."""
    acq = float(base_contract(scenario)["acq_bcm"])
    out: dict[str, Any] = {k: contract_terms[k] for k in TERM_KEYS if k != "acq_bcm"}
    out["acq_share"] = float(contract_terms["acq_bcm"]) / acq if acq > 0 else 1.0
    return tuple(sorted(out.items()))


def fast_limits(scenario: Scenario, costs: ProjectCosts, terms: tuple[tuple[str, Any], ...]) -> Limits4:
    """Today's four limits of ``scenario`` on the held terms, on ``valuation.detail_paths`` paths."""
    t = dict(terms)
    fine = engine_inputs(scenario, costs=costs, n_paths=scenario.model.valuation.detail_paths)
    row = base_contract(scenario)
    row.update({k: v for k, v in t.items() if k != "acq_share"})
    row["acq_bcm"] = row["acq_bcm"] * float(t.get("acq_share", 1.0))
    grid = ContractGrid.from_rows([row])
    stack = build(fine)
    lim = limit_prices(grid, stack, fine.costs, fine.parties)
    v_cap = float(lim.china_max_usd_per_kcm[0])
    f_state = float(lim.state_min_usd_per_kcm[0])
    f_gaz = float(lim.gazprom_min_usd_per_kcm[0])
    if fine.parties.supplier_cap_share < 1.0:
        # as the full analysis: the uncapped China type is the capped one plus the supplier cap's effect
        # on the scenario's own contract (the engine's ``no_supplier_cap`` lever)
        own = ContractGrid.from_rows([base_contract(scenario)])
        capped = limit_prices(own, stack, fine.costs, fine.parties, which=("china",))
        free = limit_prices(
            own, stack, fine.costs, replace(fine.parties, supplier_cap_share=1.0), which=("china",)
        )
        v_free = v_cap + max(0.0, float(free.china_max_usd_per_kcm[0] - capped.china_max_usd_per_kcm[0]))
    else:
        v_free = v_cap
    vals = (v_free, v_cap, f_state, f_gaz)
    if not all(np.isfinite(vals)):
        raise BargainingError(f"fast mode: a limit has no root at these levers ({vals})")
    return (max(v_free, v_cap), v_cap), (min(f_state, f_gaz), f_gaz)


def shifted_limits(history: SummitHistory, at_levers: Limits4) -> Limits4:
    """The history's limits moved by the change from its own fast limits to ``at_levers``."""
    (hv0, hv1), (hf0, hf1) = history.limits
    (ov0, ov1), (of0, of1) = history.own_limits
    (lv0, lv1), (lf0, lf1) = at_levers
    v1 = hv1 + (lv1 - ov1)
    v0 = max(hv0 + (lv0 - ov0), v1)
    f1 = hf1 + (lf1 - of1)
    f0 = min(hf0 + (lf0 - of0), f1)
    return (v0, v1), (f0, f1)


def fast_today(history: SummitHistory, limits: Limits4, russia_rate_per_year: float) -> Today:
    """Today's game at ``limits`` with the history's parameters, beliefs, proposer and delay costs."""
    return today_game(
        limits[0],
        limits[1],
        first_year=history.first_year,
        russia_rate=russia_rate_per_year,
        shut_in=history.shut_in,
        gap=history.gap,
        params=dict(history.params),
        weights=np.array(history.weights, float),
        first_proposer=history.first_proposer,
    )


def by_year(today: Today, first_round_year: int, first_year: int) -> dict[int, float]:
    """``p_agreement_by_year`` as the deal reports it: every year from the first round to 2040."""
    return {
        y: (today.p_by_year.get(y, 0.0) if y >= first_year else 0.0) for y in range(first_round_year, 2041)
    }


def fast_summits(history: SummitHistory, scenario: Scenario, costs: ProjectCosts) -> dict[str, Any]:
    """The fast mode at ``scenario`` (the history scenario with some levers moved), as plain data.

    Raises
    ------
    BargainingError
        A limit has no root at these levers.
    """
    lim = shifted_limits(history, fast_limits(scenario, costs, history.terms))
    rate = engine_inputs(scenario, costs=costs).parties.gazprom_rate
    t = fast_today(history, lim, rate)
    p = by_year(t, history.first_round_year, history.first_year)
    return {
        "p_agreement_by_year": p,
        "p_agreement_band_by_year": {y: t.band.get(y, (0.0, 0.0)) for y in p},
        "p_agreement_2030": t.p_by_2030,
        "price_at_signature_usd_per_kcm": t.price_at_signature,
        "expected_delay_years": t.expected_delay_years,
        "first_summit_year": history.first_year,
        "limits_today": {
            "china_max_usd_per_kcm": {"uncapped": lim[0][0], "capped": lim[0][1]},
            "russia_min_usd_per_kcm": {"state": lim[1][0], "gazprom": lim[1][1]},
        },
        "history_scenario": history.scenario,
        "history_p_agreement_2030": history.p_agreement_2030,
        "basis": FAST_BASIS.format(history=history.scenario),
    }


def summit_history(scenario: Scenario, costs: ProjectCosts, summits: dict[str, Any]) -> SummitHistory:
    """The history of a full analysis (``run_summits``'s output) of ``scenario`` for the fast mode."""
    gs = summits["game_state"]
    lt = summits["limits_today"]
    c, r = lt["china_max_usd_per_kcm"], lt["russia_min_usd_per_kcm"]
    terms = held_terms(scenario, summits["contract_terms_at_signature"])
    w = gs["type_weights"]
    return SummitHistory(
        scenario=scenario.name,
        params=tuple(sorted((k, float(v)) for k, v in gs["parameters"].items())),
        weights=((float(w[0][0]), float(w[0][1])), (float(w[1][0]), float(w[1][1]))),
        first_proposer=str(gs["first_proposer"]),
        first_year=int(summits["first_summit_year"]),
        first_round_year=int(scenario.model.bargaining.first_round_year),
        shut_in=float(gs["gazprom_shut_in_share"]),
        gap=tuple(float(x) for x in gs["china_gap_share_by_summit"]),
        terms=terms,
        limits=((float(c["uncapped"]), float(c["capped"])), (float(r["state"]), float(r["gazprom"]))),
        own_limits=fast_limits(scenario, costs, terms),
        p_agreement_2030=float(summits["p_agreement_2030"]),
    )
