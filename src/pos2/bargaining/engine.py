"""The deal-valuation engine on a scenario: inputs, the gap waterfall and the lever effects.

:func:`engine_inputs` assembles the stack settings, the pipeline costs, the parties and the base
contract from a scenario (its ``valuation`` section holds the engine's own sourced inputs) and the
pipeline costs of the economics stage (:func:`project_costs`);
:func:`deal_limits` values a contract grid; :func:`gap_waterfall` switches the elements of the model on
one by one, from China's LNG parity down to China's highest price and from Russia's resource cost up
to Gazprom's lowest price; :func:`lever_effects` moves one lever at a time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from pos2.bargaining.direct_route import direct_route
from pos2.bargaining.portfolio import Portfolio, load_portfolio
from pos2.bargaining.stack import (
    MarketDraws,
    Stack,
    StackSettings,
    build_stack,
    draw_market,
    market_from_draws,
)
from pos2.bargaining.valuation import (
    LIMIT_PARTIES,
    ContractGrid,
    Limits,
    Parties,
    ProjectCosts,
    cvar,
    efficient_terms,
    limit_prices,
    nash_prices,
    value_contracts,
)
from pos2.economics.prices import PriceModel, price_model
from pos2.scenario import Scenario


@dataclass(frozen=True)
class EngineInputs:
    """Everything the engine needs besides the contract grid."""

    settings: StackSettings
    price_model: PriceModel
    portfolio: Portfolio
    costs: ProjectCosts
    parties: Parties
    china_power: float


def project_costs(
    scenario: Scenario,
    *,
    capex_usd: float,
    tariff_usd_per_kcm: float,
    fuel_share: float,
    line_km: float | None = None,
) -> ProjectCosts:
    """The pipeline costs the valuation needs, from the economics stage's figures.

    Parameters
    ----------
    scenario
        Validated scenario [-].
    capex_usd
        Overnight capital cost of the line (economics stage) [USD of 2025].
    tariff_usd_per_kcm
        Levelised transport tariff, Russia plus Mongolia (economics stage) [USD/1,000 m3].
    fuel_share
        Fuel gas burnt by the stations as a share of the throughput (twin) [-].
    line_km
        New pipe of the line, the sum of the twin's section lengths (``None``: the scenario's route
        lengths) [km].

    The Mongolian transit cost is the scenario's fee, at most the extra cost of the direct Altai route
    (:mod:`pos2.bargaining.direct_route`) when that option is open.
    """
    m = scenario.model
    v = m.valuation
    if line_km is None:
        line_km = m.route.upstream.length_km + m.route.downstream.length_km
    return ProjectCosts(
        capex_usd2025=float(capex_usd),
        design_bcm_per_year=m.pipeline.throughput_bcm_per_year,
        opex_share_per_year=m.costs.opex_share_per_year,
        fuel_share=float(fuel_share),
        fuel_value_usd_per_kcm=m.costs.fuel_value_usd_per_kcm,
        upstream_usd_per_kcm=m.costs.upstream_cost_usd_per_kcm + m.costs.upstream_transport_usd_per_kcm,
        # Mongolia cannot charge more than the direct Altai route would cost Russia and China extra
        transit_usd_per_kcm=direct_route(m, tariff_usd_per_kcm, line_km).capped_fee_usd_per_kcm(
            m.transit.fee_usd_per_kcm_100km * m.russia.length_mongolia_km / 100.0
        ),
        china_transport_usd_per_kcm=m.costs.china_transport_usd_per_kcm,
        tariff_usd_per_kcm=float(tariff_usd_per_kcm),
        construction_years=m.finance.construction_years,
        ramp_years=m.contract.ramp_up_years,
        term_years=m.contract.term_years,
        capex_scale_exponent=v.capex_scale_exponent,
        construction_overrun_share=v.construction_overrun_share,
        line_km=float(line_km),
    )


def engine_inputs(
    scenario: Scenario,
    *,
    costs: ProjectCosts,
    n_paths: int | None = None,
    seed: int | None = None,
    risk_weight: float | None = None,
) -> EngineInputs:
    """Assemble the engine's inputs from a scenario (its ``valuation`` section) and the pipeline costs.

    Parameters
    ----------
    scenario
        Validated scenario [-].
    costs
        Pipeline costs from the economics stage (:func:`project_costs`) [-].
    n_paths
        Monte Carlo paths (``None``: ``valuation.paths``) [-].
    seed
        Seed; ``None`` uses ``montecarlo.seed`` [-].
    risk_weight
        China's mean-CVaR weight (``None``: ``valuation.risk_weight``) [-].
    """
    m = scenario.model
    v = m.valuation
    sup = m.supply
    first = m.finance.valuation_year + m.finance.construction_years
    settings = StackSettings(
        valuation_year=m.finance.valuation_year,
        first_year=first,
        n_years=m.contract.term_years,
        n_paths=v.paths if n_paths is None else n_paths,
        seed=m.montecarlo.seed if seed is None else seed,
        demand_base_bcm=m.demand.base_bcm_per_year,
        demand_base_year=m.demand.base_year,
        demand_growth_per_year=m.demand.growth_per_year,
        demand_peak_bcm=m.demand.peak_bcm_per_year,
        demand_volatility=v.demand_volatility,
        domestic_base_bcm=v.domestic_base_bcm,
        domestic_base_year=v.domestic_base_year,
        domestic_growth_bcm_per_year=v.domestic_growth_bcm_per_year,
        domestic_plateau_bcm=v.domestic_plateau_bcm,
        domestic_volatility=v.domestic_volatility,
        domestic_cost_usd_per_kcm=sup.domestic.fixed_usd_per_kcm,
        hormuz_p_close=m.hormuz.closure_probability,
        hormuz_p_stay=m.hormuz.closure_probability_when_closed,
        hormuz_closed_share=m.hormuz.closure_months / 12.0,
        jkm_spike_ratio=v.jkm_spike_ratio,
        jkm_anchor_usd_per_mmbtu=v.jkm_anchor_usd_per_mmbtu,
        jkm_anchor_year=v.jkm_anchor_year,
        jkm_long_run_usd_per_mmbtu=v.jkm_long_run_usd_per_mmbtu,
        deck_half_life_years=v.deck_half_life_years,
        hh_usd_per_mmbtu=v.hh_usd_per_mmbtu,
        diversion_cost_usd_per_mmbtu=v.diversion_cost_usd_per_mmbtu,
        regas_capacity_bcm=v.regas_capacity_bcm,
        regas_base_year=v.regas_base_year,
        regas_growth_bcm_per_year=v.regas_growth_bcm_per_year,
        regas_usd_per_kcm=sup.lng_spot.fixed_usd_per_kcm,
        lng_mmbtu_per_kcm=sup.lng_spot.mmbtu_per_kcm,
        backstop_usd_per_kcm=sup.backstop.fixed_usd_per_kcm,
    )
    parties = Parties(
        china_rate=m.finance.discount_rate_china,
        gazprom_rate=m.finance.discount_rate_russia,
        export_duty_share=m.taxes.export_duty_share,
        met_usd_per_kcm=m.taxes.met_usd_per_kcm,
        risk_weight=v.risk_weight if risk_weight is None else risk_weight,
        cvar_alpha=v.cvar_alpha,
        cut_hazard_per_year=v.cut_hazard_per_year,
        cut_duration_years=v.cut_duration_years,
        cut_premium_usd_per_kcm=v.cut_premium_usd_per_kcm,
        cut_reference_share=v.cut_reference_share,
        supplier_cap_share=v.supplier_cap_share,
        holdup_hazard_per_year=v.holdup_hazard_per_year,
        holdup_rent_share=v.holdup_rent_share,
    )
    return EngineInputs(
        settings=settings,
        price_model=price_model(scenario),
        portfolio=load_portfolio(),
        costs=costs,
        parties=parties,
        china_power=m.bargaining.china_power,
    )


def base_contract(scenario: Scenario) -> dict[str, Any]:
    """The scenario's contract terms as one row of a :class:`ContractGrid`.

    ``contract.flex_band`` is read as the optional share of the ACQ (the firm quantity is
    ``(1 - flex_band) ACQ``), ``contract.take_or_pay`` as the share of the firm quantity paid for.
    """
    c, f = scenario.model.contract, scenario.model.finance
    s_curve = c.price_limits == "s_curve"
    fc = c.price_limits == "floor_ceiling"
    return {
        "acq_bcm": c.acq_bcm_per_year,
        "take_or_pay": c.take_or_pay,
        "flex_band": c.flex_band,
        "make_up_years": c.make_up_years,
        "china_share": f.china_share,
        "equity": f.china_mode == "equity",
        "loan_rate": f.loan_rate,
        "loan_years": f.loan_repay_years,
        "oil_constant_usd_per_mmbtu": c.constant_usd_per_mmbtu,
        "oil_slope": c.slope,
        "lag_months": min(12, (c.averaging_months + 1) // 2 + c.lag_months),
        "s_curve_low_usd_per_bbl": c.s_curve_low_usd_per_bbl if s_curve else 0.0,
        "s_curve_high_usd_per_bbl": c.s_curve_high_usd_per_bbl if s_curve else np.inf,
        "s_curve_slope": c.s_curve_slope if s_curve else 0.0,
        "jkm_weight": 1.0 if c.formula == "hub" else 0.0,
        "hub_slope": c.hub_slope,
        "hub_constant_usd_per_mmbtu": c.hub_constant_usd_per_mmbtu,
        "floor_usd_per_mmbtu": c.floor_usd_per_mmbtu if fc else 0.0,
        "ceiling_usd_per_mmbtu": c.ceiling_usd_per_mmbtu if fc else np.inf,
    }


def build(inputs: EngineInputs, **settings_changes: Any) -> Stack:
    """China's supply stack for the inputs (optionally with changed stack settings), cached.

    The stack depends only on the stack settings, the price model and the portfolio (all part of the
    key), so a contract, cost or party lever reuses it (the last :data:`STACKS_KEPT` per process).
    """
    s = replace(inputs.settings, **settings_changes)
    pm = inputs.price_model
    pm_key = tuple(
        tuple(np.asarray(getattr(pm, f)).ravel().tolist()) for f in ("kappa", "sigma", "mu", "corr", "x0")
    )
    key = (s, pm_key, inputs.portfolio)
    with _STACK_LOCK:
        hit = _STACKS.get(key)
        if hit is not None:
            _STACKS.move_to_end(key)
            return hit
    # the random draws do not read the Hormuz inputs nor the portfolio mode: a Hormuz lever or the
    # waterfall's portfolio switch re-uses them (the same market to the bit, test_stack.py)
    draws_key = (replace(s, **_NOT_DRAWN), pm_key)
    with _STACK_LOCK:
        draws = _DRAWS.get(draws_key)
        if draws is not None:
            _DRAWS.move_to_end(draws_key)
    if draws is None:
        draws = draw_market(s, pm)
        with _STACK_LOCK:
            _DRAWS[draws_key] = draws
            while len(_DRAWS) > STACKS_KEPT:
                _DRAWS.popitem(last=False)
    stack = build_stack(inputs.portfolio, s, pm, market=market_from_draws(s, draws))
    with _STACK_LOCK:
        _STACKS[key] = stack
        # the oldest go first: at most STACKS_KEPT, and at most STACK_BYTES_KEPT unless only this is left
        while len(_STACKS) > STACKS_KEPT or (
            len(_STACKS) > 1 and sum(st.nbytes for st in _STACKS.values()) > STACK_BYTES_KEPT
        ):
            _STACKS.popitem(last=False)
    return stack


STACK_BYTES_KEPT = 512 << 20
"""Memory the kept supply stacks may hold together, their displaced curves included (512 MiB), checked
each time a stack is added [bytes]: a stack on ``valuation.paths`` = 2,000 paths holds about 90 MB with
its displaced curve, one on 400 paths 18 MB; a full ``pos2 deal`` analysis keeps 14 stacks, 176 MiB."""


_NOT_DRAWN: dict[str, Any] = {
    "hormuz_p_close": 0.0,
    "hormuz_p_stay": 0.0,
    "hormuz_closed_share": 0.0,
    "jkm_spike_ratio": 1.0,
    "portfolio_mode": "contracts",
}
"""Stack settings :func:`pos2.bargaining.stack.draw_market` does not read (normalised in its cache key)."""


STACKS_KEPT = 16
"""Supply stacks kept per process (a waterfall and the lever effects need about seven)."""
_STACKS: OrderedDict[tuple[Any, ...], Stack] = OrderedDict()
_DRAWS: OrderedDict[tuple[Any, ...], MarketDraws] = OrderedDict()
_STACK_LOCK = threading.Lock()


def deal_limits(
    inputs: EngineInputs,
    grid: ContractGrid,
    stack: Stack | None = None,
    which: tuple[str, ...] = LIMIT_PARTIES,
) -> Limits:
    """The limit prices of the parties in ``which`` for every contract of ``grid`` on the inputs' stack."""
    return limit_prices(grid, stack or build(inputs), inputs.costs, inputs.parties, which=which)


def gap_waterfall(inputs: EngineInputs, contract: dict[str, Any]) -> list[dict[str, Any]]:
    """From China's LNG parity to China's highest price, and from Russia's resource cost to Gazprom's
    lowest price, each element switched on in turn (USD per 1,000 m3 at the border, 2025 money).

    China: LNG parity (no take-or-pay in China's portfolio, every cargo divertible at no cost, demand
    and domestic output certain, risk-neutral, no dependence cost) -> take-or-pay and resale (the
    portfolio as signed) -> demand risk (stochastic demand and production, risk-neutral) -> risk
    aversion (the mean-CVaR weight on China's whole NPV spread, price risk included) ->
    dependence cost (cut risk and the supplier cap) = China's highest price. Russia: resource cost
    (no taxes, China's cost of capital, no hold-up) -> export duty -> mineral tax -> cost of capital
    (Gazprom's rate) -> hold-up = Gazprom's lowest price. Entries with ``kind = "total"`` are levels,
    the others differences.
    """
    grid = ContractGrid.from_rows([contract])
    p = inputs.parties
    calm = {"demand_volatility": 0.0, "domestic_volatility": 0.0}
    neutral = replace(p, risk_weight=0.0, dependence=False, holdup=False)

    def china(stack: Stack, parties: Parties) -> float:
        lim = limit_prices(grid, stack, inputs.costs, parties, which=("china",))
        return float(lim.china_max_usd_per_kcm[0])

    parity = china(build(inputs, portfolio_mode="flexible", **calm), neutral)
    top = china(build(inputs, **calm), neutral)
    full = build(inputs)
    demand = china(full, neutral)
    risk = china(full, replace(neutral, risk_weight=p.risk_weight))
    dep = china(full, replace(p, holdup=False))

    def russia(parties: Parties) -> float:
        lim = limit_prices(grid, full, inputs.costs, parties, which=("gazprom",))
        return float(lim.gazprom_min_usd_per_kcm[0])

    r0 = replace(p, export_duty_share=0.0, met_usd_per_kcm=0.0, gazprom_rate=p.china_rate, holdup=False)
    base = russia(r0)
    duty = russia(replace(r0, export_duty_share=p.export_duty_share))
    met = russia(replace(r0, export_duty_share=p.export_duty_share, met_usd_per_kcm=p.met_usd_per_kcm))
    coc = russia(replace(p, holdup=False))
    hold = russia(p)
    rows = [
        ("china_lng_parity", parity, "total"),
        ("take_or_pay_resale", top - parity, "step"),
        ("demand_risk", demand - top, "step"),
        ("risk_aversion", risk - demand, "step"),
        ("dependence_cost", dep - risk, "step"),
        ("china_max_price", dep, "total"),
        ("russia_resource_cost", base, "total"),
        ("export_duty", duty - base, "step"),
        ("mineral_tax", met - duty, "step"),
        ("cost_of_capital", coc - met, "step"),
        ("hold_up", hold - coc, "step"),
        ("gazprom_min_price", hold, "total"),
    ]
    return [{"step": s, "usd_per_kcm": float(v), "kind": k} for s, v, k in rows]


LEVERS: tuple[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]], ...] = (
    # (name, contract terms, parties changes, stack settings changes)
    ("export_duty_waiver", {}, {"export_duty_share": 0.0}, {}),
    ("chinese_equity_25", {"china_share": 0.25, "equity": True}, {}, {}),
    ("chinese_equity_50", {"china_share": 0.5, "equity": True}, {}, {}),
    ("phased_30_firm_20_optional", {"acq_bcm": 50.0, "flex_band": 0.4}, {}, {}),
    ("take_or_pay_with_make_up_5y", {"take_or_pay": 1.0, "make_up_years": 5}, {}, {}),
    ("hybrid_50_jkm", {"jkm_weight": 0.5}, {}, {}),
    (
        "s_curve_40_110",
        {"s_curve_low_usd_per_bbl": 40.0, "s_curve_high_usd_per_bbl": 110.0, "s_curve_slope": 0.055},
        {},
        {},
    ),
    ("hormuz_hazard_x5", {}, {}, {"hormuz_p_close": "x5"}),
    ("jkm_long_run_11_5", {}, {}, {"jkm_long_run_usd_per_mmbtu": 11.5}),
    ("no_supplier_cap", {}, {"supplier_cap_share": 1.0}, {}),
)
"""The levers of issue 13 (§7) plus the supplier cap; ``"x5"`` multiplies the base value."""

LEVER_LABELS: dict[str, str] = {
    "export_duty_waiver": "an export-duty waiver",
    "chinese_equity_25": "Chinese equity of 25 %",
    "chinese_equity_50": "Chinese equity of 50 %",
    "phased_30_firm_20_optional": "30 bcm/yr firm + 20 optional",
    "take_or_pay_with_make_up_5y": "100 % take-or-pay with 5 years' make-up",
    "hybrid_50_jkm": "a hybrid price, 50 % JKM",
    "s_curve_40_110": "an S-curve, kinks at 40 and 110 USD/bbl",
    "hormuz_hazard_x5": "a five-fold Hormuz closure hazard",
    "jkm_long_run_11_5": "a long-run JKM of 11.5 USD/MMBtu (instead of 8.0)",
    "no_supplier_cap": "no cap on Russia's share of China's supply",
}
"""Each lever of :data:`LEVERS` in words (report, CLI)."""


def lever_effects(inputs: EngineInputs, contract: dict[str, Any]) -> list[dict[str, Any]]:
    """Each lever's effect on China's highest price, Gazprom's lowest price and the joint surplus.

    ``china_max_delta`` and ``russia_min_delta`` in USD per 1,000 m3, ``joint_surplus_delta`` in USD bn
    (China's certainty equivalent plus the state's NPV at China's limit), against the base contract.
    """
    base_stack = build(inputs)
    # the base and every lever that changes only the contract are valued together on the base stack
    terms_only = [name for name, _, party, stack_changes in LEVERS if not party and not stack_changes]
    rows = [contract] + [{**contract, **terms} for name, terms, _, _ in LEVERS if name in terms_only]
    joint = limit_prices(ContractGrid.from_rows(rows), base_stack, inputs.costs, inputs.parties)
    at = {name: i + 1 for i, name in enumerate(terms_only)}

    def pick(lim: Limits, i: int) -> tuple[float, float, float]:
        return (
            float(lim.china_max_usd_per_kcm[i]),
            float(lim.gazprom_min_usd_per_kcm[i]),
            float(lim.joint_surplus_musd[i]),
        )

    b = pick(joint, 0)
    out = []
    for name, terms, party, stack_changes in LEVERS:
        if name in at:
            lever = pick(joint, at[name])
        else:
            changes = {
                k: (getattr(inputs.settings, k) * 5.0 if v == "x5" else v) for k, v in stack_changes.items()
            }
            stack = build(inputs, **changes) if changes else base_stack
            lim = limit_prices(
                ContractGrid.from_rows([{**contract, **terms}]),
                stack,
                inputs.costs,
                replace(inputs.parties, **party),
                which=("china", "gazprom"),
            )
            lever = pick(lim, 0)
        out.append(
            {
                "lever": name,
                "china_max_delta": lever[0] - b[0],
                "russia_min_delta": lever[1] - b[1],
                "joint_surplus_delta": (lever[2] - b[2]) / 1e3,
            }
        )
    return out


def deal_summary(inputs: EngineInputs, contract: dict[str, Any]) -> dict[str, Any]:
    """The headline figures for one contract: limits by principal, Nash price, China's value spread."""
    stack = build(inputs)
    grid = ContractGrid.from_rows([contract])
    lim = limit_prices(grid, stack, inputs.costs, inputs.parties)
    nash = nash_prices(grid, stack, inputs.costs, inputs.parties, lim, inputs.china_power)
    shift = (nash if np.isfinite(nash[0]) else lim.china_max_usd_per_kcm) - lim.price_level_base_usd_per_kcm
    v = value_contracts(grid.with_terms(price_shift_usd_per_kcm=shift), stack, inputs.costs, inputs.parties)
    per = v.china_value_per_kcm()[0]
    return {
        "china_max_price_usd_per_kcm": float(lim.china_max_usd_per_kcm[0]),
        "russia_min_price_by_principal_usd_per_kcm": {
            "state": float(lim.state_min_usd_per_kcm[0]),
            "gazprom": float(lim.gazprom_min_usd_per_kcm[0]),
        },
        "nash_price_usd_per_kcm": float(nash[0]),
        "feasible": bool(lim.feasible[0]),
        "price_basis": "mean contract price over paths and delivery years, USD 2025 per 1,000 m3 "
        "at the border",
        "china_value_distribution_usd_per_kcm": {
            "at_price_usd_per_kcm": float(lim.price_level_base_usd_per_kcm[0] + shift[0]),
            "p10": float(np.percentile(per, 10)),
            "p50": float(np.percentile(per, 50)),
            "p90": float(np.percentile(per, 90)),
            "cvar10": float(cvar(per, 0.1)),
        },
        "mean_taken_bcm_per_year": float(v.mean_taken_bcm[0]),
    }


TERMS_GRID: dict[str, tuple[float, ...]] = {
    "take_or_pay": (0.6, 0.8, 1.0),
    "flex_band": (0.0, 0.4),
    "china_share": (0.0, 0.5),
    "acq_share": (0.6, 1.0),
}
"""The non-price terms searched for the efficient contract (24 contracts; equity for China's share,
``acq_share`` of the scenario's annual contract quantity)."""


def terms_grid(contract: dict[str, Any]) -> list[dict[str, Any]]:
    """The scenario's contract with every combination of :data:`TERMS_GRID` (the price formula kept)."""
    rows = []
    for top in TERMS_GRID["take_or_pay"]:
        for flex in TERMS_GRID["flex_band"]:
            for share in TERMS_GRID["china_share"]:
                for q in TERMS_GRID["acq_share"]:
                    rows.append(
                        {
                            **contract,
                            "take_or_pay": top,
                            "flex_band": flex,
                            "china_share": share,
                            "equity": True if share > 0 else contract["equity"],
                            "acq_bcm": contract["acq_bcm"] * q,
                        }
                    )
    return rows


TERM_KEYS = ("acq_bcm", "take_or_pay", "flex_band", "make_up_years", "china_share", "equity")

MAP_FORMULAS: dict[str, dict[str, Any]] = {
    "scenario formula": {},
    "hybrid 50 % JKM": {"jkm_weight": 0.5},
    "S-curve 40-110 USD/bbl": {
        "s_curve_low_usd_per_bbl": 40.0,
        "s_curve_high_usd_per_bbl": 110.0,
        "s_curve_slope": 0.055,
    },
}
"""The price-formula families of the contract map (the hybrid and S-curve as in :data:`LEVERS`)."""

MAP_AXES: dict[str, tuple[float, ...]] = {
    "take_or_pay": (0.6, 0.8, 1.0),
    "acq_share": (0.6, 0.8, 1.0),
    "china_share": (0.0, 0.25, 0.5),
}
"""The contract map's axes: take-or-pay x quantity (share of the scenario's ACQ), panels by China's
equity share of the construction cost and by formula family (81 contracts)."""

MAP_TOL_USD_PER_KCM = 0.01
"""Limit-price tolerance of the map (a picture: a cent per 1,000 m3 is ample)."""


def contract_map_rows(contract: dict[str, Any]) -> list[dict[str, Any]]:
    """The contracts of the map: the scenario's contract with each combination of :data:`MAP_AXES`
    and :data:`MAP_FORMULAS` (the flexibility band, make-up and formula constants kept)."""
    rows = []
    for formula, terms in MAP_FORMULAS.items():
        for share in MAP_AXES["china_share"]:
            for top in MAP_AXES["take_or_pay"]:
                for q in MAP_AXES["acq_share"]:
                    rows.append(
                        {
                            **contract,
                            **terms,
                            "take_or_pay": top,
                            "acq_bcm": contract["acq_bcm"] * q,
                            "china_share": share,
                            "equity": True if share > 0 else contract["equity"],
                            "formula": formula,
                        }
                    )
    return rows


def contract_map(inputs: EngineInputs, contract: dict[str, Any]) -> dict[str, Any]:
    """China's highest and Gazprom's lowest price and the joint surplus over the contract map.

    Returns a JSON-ready object: ``cells`` (one per contract: take-or-pay, ACQ [bcm/yr], China's
    equity share, formula family, both limits and their gap [USD/kcm], the joint surplus [USD bn] and
    whether China's limit reaches Gazprom's), the axes and the basis (paths, tolerance).
    """
    rows = contract_map_rows(contract)
    grid = ContractGrid.from_rows([{k: v for k, v in r.items() if k != "formula"} for r in rows])
    # every search starts near the scenario contract's limits (a bracket widened where it misses)
    ref = limit_prices(
        ContractGrid.from_rows([contract]),
        build(inputs),
        inputs.costs,
        inputs.parties,
        which=("china", "gazprom"),
        tol=MAP_TOL_USD_PER_KCM,
    )
    guess = {"china": float(ref.china_max_usd_per_kcm[0]), "gazprom": float(ref.gazprom_min_usd_per_kcm[0])}
    lim = limit_prices(
        grid,
        build(inputs),
        inputs.costs,
        inputs.parties,
        which=("china", "gazprom"),
        tol=MAP_TOL_USD_PER_KCM,
        guess_usd_per_kcm={k: v for k, v in guess.items() if np.isfinite(v)}
        if all(np.isfinite(list(guess.values())))
        else None,
    )
    cells = []
    for i, r in enumerate(rows):
        c, g = float(lim.china_max_usd_per_kcm[i]), float(lim.gazprom_min_usd_per_kcm[i])
        cells.append(
            {
                "formula": r["formula"],
                "china_share": r["china_share"],
                "take_or_pay": r["take_or_pay"],
                "acq_bcm": r["acq_bcm"],
                "china_max_usd_per_kcm": c,
                "gazprom_min_usd_per_kcm": g,
                "gap_usd_per_kcm": c - g,
                "joint_surplus_usd_bn": float(lim.joint_surplus_musd[i]) / 1e3,
                "feasible_with_gazprom": bool(c >= g),
            }
        )
    return {
        "cells": cells,
        "axes": {
            "take_or_pay": list(MAP_AXES["take_or_pay"]),
            "acq_bcm": [contract["acq_bcm"] * q for q in MAP_AXES["acq_share"]],
            "china_share": list(MAP_AXES["china_share"]),
            "formula": list(MAP_FORMULAS),
        },
        "flex_band": contract["flex_band"],
        "make_up_years": contract["make_up_years"],
        "paths": inputs.settings.n_paths,
        "tolerance_usd_per_kcm": MAP_TOL_USD_PER_KCM,
        "basis": "mean contract price over paths and delivery years, USD 2025 per 1,000 m3 at the "
        "border; equity share of the construction cost; joint surplus = China's certainty equivalent "
        "plus the state's NPV at China's limit",
    }


@dataclass(frozen=True)
class Valuation:
    """The contract valuation of one scenario (prices: mean contract price over paths and delivery years,
    USD 2025 per 1,000 m3 at the border)."""

    summary: dict[str, Any]
    """:func:`deal_summary` of the scenario's contract."""
    risk_adjusted_china_max_usd_per_kcm: float
    """China's highest price at ``valuation.reference_risk_weight`` (a risk-averse reading)."""
    reference_risk_weight: float
    gap_waterfall: list[dict[str, Any]]
    lever_effects: list[dict[str, Any]]
    contract_terms: dict[str, Any]
    """The non-price terms of the feasible contract with the largest joint surplus (or the closest one)."""

    @property
    def china_max_usd_per_kcm(self) -> float:
        """China's highest acceptable price for the scenario's contract."""
        return float(self.summary["china_max_price_usd_per_kcm"])

    @property
    def gazprom_min_usd_per_kcm(self) -> float:
        """Gazprom's lowest acceptable price (taxes and its cost of capital are costs)."""
        return float(self.summary["russia_min_price_by_principal_usd_per_kcm"]["gazprom"])

    @property
    def state_min_usd_per_kcm(self) -> float:
        """The Russian state's lowest acceptable price (taxes are its revenue)."""
        return float(self.summary["russia_min_price_by_principal_usd_per_kcm"]["state"])


def value_deal(scenario: Scenario, costs: ProjectCosts, *, detail: bool = True) -> Valuation:
    """Value the scenario's contract (and with ``detail`` the waterfall, levers and efficient terms).

    Parameters
    ----------
    scenario
        Validated scenario [-].
    costs
        Pipeline costs from the economics stage (:func:`project_costs`) [-].
    detail
        Also the gap waterfall, the lever effects, the risk-averse reading and the efficient terms,
        on ``valuation.detail_paths`` paths (several more stacks; skipped by the dashboard) [-].
    """
    v = scenario.model.valuation
    # the headline on valuation.paths in every face (CLI, report, dashboard, API, sweeps): one basis
    inputs = engine_inputs(scenario, costs=costs)
    contract = base_contract(scenario)
    summary = deal_summary(inputs, contract)
    summary["paths"] = inputs.settings.n_paths
    if not detail:
        return Valuation(summary, float("nan"), v.reference_risk_weight, [], [], {})
    # the details on fewer paths (common random numbers: differences are accurate, levels to a few USD)
    fine = engine_inputs(scenario, costs=costs, n_paths=v.detail_paths)
    averse = engine_inputs(scenario, costs=costs, n_paths=v.detail_paths, risk_weight=v.reference_risk_weight)
    ra = float(
        deal_limits(averse, ContractGrid.from_rows([contract]), which=("china",)).china_max_usd_per_kcm[0]
    )
    rows = terms_grid(contract)
    lim = deal_limits(fine, ContractGrid.from_rows(rows))
    best = efficient_terms(lim)
    feasible = best >= 0
    if not feasible:  # the closest contract: the smallest gap between China's and Gazprom's limits
        best = int(np.nanargmax(lim.china_max_usd_per_kcm - lim.gazprom_min_usd_per_kcm))
    terms = {k: rows[best][k] for k in TERM_KEYS}
    terms.update(
        {
            "feasible": bool(feasible),
            "china_max_price_usd_per_kcm": float(lim.china_max_usd_per_kcm[best]),
            "gazprom_min_price_usd_per_kcm": float(lim.gazprom_min_usd_per_kcm[best]),
            "state_min_price_usd_per_kcm": float(lim.state_min_usd_per_kcm[best]),
            "joint_surplus_usd_bn": float(lim.joint_surplus_musd[best]) / 1e3,
            "contracts_searched": len(rows),
            "paths": v.detail_paths,
            "basis": "feasible contract with the largest joint surplus"
            if feasible
            else "no contract of the grid is feasible: the one with the smallest gap between "
            "China's and Gazprom's limits",
        }
    )
    return Valuation(
        summary,
        ra,
        v.reference_risk_weight,
        gap_waterfall(fine, contract),
        lever_effects(fine, contract),
        terms,
    )
