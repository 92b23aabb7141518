"""The summits rebuilt: vintage limits per round, the fit, today's outlook, the Hormuz panel, the levers.

:func:`summit_analysis` is what the deal stage calls (docs/deal_dynamics.md). For every round it values
the efficient contract on the round's vintage inputs (:mod:`pos2.bargaining.vintage`, few Monte Carlo
paths: the game's noise scale is far larger than their error) for the capped and the uncapped China
type, reads the state's and Gazprom's floors, and builds the :class:`~pos2.bargaining.estimate.RoundData`;
fits the four global parameters (:func:`pos2.bargaining.estimate.fit`); then solves today's game from
the beliefs left by the observed rounds for the probability of agreement by year (with its band over
the types), the price at signature and the expected delay; and the same with the levers and with the
Hormuz hazard at its prior level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from pos2.bargaining.dynamics import Game, agreement_outlook, solve, war_of_attrition
from pos2.bargaining.engine import TERM_KEYS, EngineInputs, Valuation, base_contract, build, engine_inputs
from pos2.bargaining.estimate import HORIZON_SUMMITS, P_CAPPED, Fit, RoundData, fit, host_of
from pos2.bargaining.history import Round
from pos2.bargaining.valuation import ContractGrid, ProjectCosts, limit_prices
from pos2.bargaining.vintage import (
    VintageData,
    gap_share_by_year,
    load_vintage,
    pos1_costs,
    shut_in_share,
    vintage_inputs,
    vintage_state,
)
from pos2.scenario import Scenario

ROUND_PATHS = 32
"""Monte Carlo paths per vintage round (levels within about 10 USD/kcm of 2,000 paths; the game's noise
scale ``sigma`` is estimated at 10-60)."""

BINDING_REASONS = (
    "no zone at Gazprom level",
    "the state refuses a tax waiver",
    "dependence cap",
    "waiting pays",
)


def binding_reason(china_max: tuple[float, float], russia_min: tuple[float, float]) -> str:
    """What stands between the parties at a round, from the limits (one rule for every round).

    No zone even at the state's floor for the uncapped China -> ``no zone at Gazprom level`` (nor at the
    state's); a zone only if the state waives its taxes -> ``the state refuses a tax waiver``; a zone at
    Gazprom's floor for the uncapped but not the capped China -> ``dependence cap``; a zone for every
    type -> ``waiting pays`` (a deal is possible now; delay is chosen).
    """
    v_free, v_cap = china_max
    f_state, f_gazprom = russia_min
    if v_free < f_state:
        return BINDING_REASONS[0]
    if v_free < f_gazprom:
        return BINDING_REASONS[1]
    if v_cap < f_gazprom:
        return BINDING_REASONS[2]
    return BINDING_REASONS[3]


@dataclass(frozen=True)
class RoundLimits:
    """One round's vintage limits and state."""

    round: Round
    china_max_usd_per_kcm: tuple[float, float]
    russia_min_usd_per_kcm: tuple[float, float]
    hormuz_hazard_per_year: float
    outlook_brent_usd_per_bbl: float
    outlook: str
    shut_in_share: float
    gap_share: tuple[float, ...]
    contracts: int
    demand_outlook: str = "the scenario's (no outlook of the date)"
    demand_peak_bcm_per_year: float = float("nan")


def _limits(inputs: EngineInputs, contract: dict[str, Any], parties_cap: float) -> tuple[float, float, float]:
    grid = ContractGrid.from_rows([contract])
    stack = build(inputs)
    lim = limit_prices(
        grid, stack, inputs.costs, replace(inputs.parties, supplier_cap_share=parties_cap), tol=0.5
    )
    return (
        float(lim.china_max_usd_per_kcm[0]),
        float(lim.state_min_usd_per_kcm[0]),
        float(lim.gazprom_min_usd_per_kcm[0]),
    )


def round_limits(
    inputs: EngineInputs,
    contract: dict[str, Any],
    rnd: Round,
    *,
    lng_long_run_slope: float,
    data: VintageData,
    n_paths: int = ROUND_PATHS,
) -> RoundLimits:
    """The round's limits for the capped and the uncapped China type and Russia's two floors."""
    st = vintage_state(rnd, inputs.portfolio, data)
    costs = pos1_costs(inputs.costs, data) if rnd.project == "pos1" else None
    vi = vintage_inputs(
        inputs, st, lng_long_run_slope=lng_long_run_slope, n_paths=n_paths, costs=costs, data=data
    )
    if rnd.project == "pos1":  # the signed PoS1 terms: 38 bcm/yr, no Chinese capital
        contract = {**contract, "acq_bcm": data.pos1_design_bcm_per_year, "china_share": 0.0, "equity": False}
    cap = inputs.parties.supplier_cap_share
    v_cap, f_state, f_gaz = _limits(vi, contract, cap)
    v_free = _limits(vi, contract, 1.0)[0] if cap < 1.0 else v_cap
    lead = vi.settings.first_year - vi.settings.valuation_year
    years = rnd.year + lead + np.arange(HORIZON_SUMMITS)
    gap = gap_share_by_year(vi, st, years)
    return RoundLimits(
        rnd,
        (max(v_free, v_cap), v_cap),
        (min(f_state, f_gaz), f_gaz),
        st.hormuz_hazard_per_year,
        st.outlook.brent_usd2025_per_bbl,
        st.outlook.name,
        st.shut_in_share,
        tuple(float(x) for x in gap),
        len(st.contracts),
        st.demand_outlook.name
        if st.demand_outlook is not None
        else "the scenario's (no outlook of the date)",
        float(vi.settings.demand_peak_bcm),
    )


def to_round_data(lim: RoundLimits, russia_rate: float) -> RoundData:
    """The likelihood's view of a round."""
    r = lim.round
    return RoundData(
        label=r.date.isoformat(),
        project=r.project,
        year=r.year,
        host=host_of(r.venue),
        deal=r.actual_outcome == "deal",
        china_max_usd_per_kcm=lim.china_max_usd_per_kcm,
        russia_min_usd_per_kcm=lim.russia_min_usd_per_kcm,
        russia_base_rate_per_year=russia_rate,
        shut_in_share=lim.shut_in_share,
        gap_share=lim.gap_share,
    )


@dataclass(frozen=True)
class Today:
    """Today's game at the estimate."""

    p_by_year: dict[int, float]
    band: dict[int, tuple[float, float]]
    price_at_signature: dict[str, float]
    expected_delay_years: float | None
    p_by_2030: float
    by_type: dict[str, list[float]]


def today_game(
    china_max: tuple[float, float],
    russia_min: tuple[float, float],
    *,
    first_year: int,
    russia_rate: float,
    shut_in: float,
    gap: tuple[float, ...],
    params: dict[str, float],
    weights: np.ndarray,
    first_proposer: str,
) -> Today:
    """Solve the game from ``first_year`` with the estimated parameters and the type weights."""
    n = len(gap)
    rr = np.full((1, n), russia_rate + params["theta_russia"] * shut_in)
    rc = params["theta_china"] * np.asarray(gap, float).reshape(1, n)
    game = Game(
        np.array(china_max).reshape(2, 1),
        np.array(russia_min).reshape(2, 1),
        rr,
        rc,
        first_proposer,
        params["sigma"],
        start_year=float(first_year),
    )
    sol = solve(game)
    mu0 = float(weights[1].sum())
    nu0 = float(weights[:, 0].sum())
    o = agreement_outlook(sol, weights, mu0, nu0)
    years = [int(y) for y in o.years]
    p = {y: float(x) for y, x in zip(years, o.p_by_year, strict=True)}
    return Today(
        p_by_year=p,
        band={y: (float(lo), float(hi)) for y, lo, hi in zip(years, o.p_low, o.p_high, strict=True)},
        price_at_signature=o.price_quantiles,
        expected_delay_years=o.expected_delay_years,
        p_by_2030=p.get(
            2030, p[max(y for y in years if y <= 2030)] if any(y <= 2030 for y in years) else 0.0
        ),
        by_type=o.by_type,
    )


def fast_p_deal_by(
    china_max: tuple[float, float],
    russia_min: tuple[float, float],
    *,
    russia_rate: float,
    china_rate: float,
    p_capped: float,
    p_no_waiver: float,
    years: np.ndarray,
) -> np.ndarray:
    """The fast mode (Abreu & Gul 2000) on the same limits: the obstinate types are the capped China
    (demanding at most its capped limit) and the non-waiving state (demanding at least Gazprom's floor).

    Shares of the zone ``[f_state, v_uncapped]``: Russia demands ``a_R = (v_free - f_gazprom) / zone``
    of it, China ``a_C = (v_cap - f_state) / zone``; demands are incompatible exactly when the capped
    limit is below Gazprom's floor.
    """
    v_free, v_cap = china_max
    f_state, f_gaz = russia_min
    zone = v_free - f_state
    if zone <= 0:
        return np.zeros_like(np.asarray(years, float))
    a_r = min(max((v_free - f_gaz) / zone, 1e-6), 1 - 1e-6)
    a_c = min(max((v_cap - f_state) / zone, 1e-6), 1 - 1e-6)
    att = war_of_attrition(1.0 - a_r, 1.0 - a_c, russia_rate, max(china_rate, 1e-6), p_no_waiver, p_capped)
    return att.p_deal_by(np.asarray(years, float), p_no_waiver, p_capped)


@dataclass(frozen=True)
class SummitAnalysis:
    """Everything the deal stage reports from the dynamics."""

    rounds: tuple[RoundLimits, ...]
    fit: Fit
    today: Today
    today_limits: tuple[tuple[float, float], tuple[float, float]]
    hormuz: dict[str, Any]
    levers: list[dict[str, Any]]
    reasons: tuple[str, ...]
    params: dict[str, float]
    """The estimate (name -> value) today's game is solved with."""
    weights: np.ndarray
    """Type weights ``w[k, j]`` after the observed rounds (today's beliefs)."""
    first_proposer: str
    shut_in: float
    gap: tuple[float, ...]


def summit_analysis(
    inputs: EngineInputs,
    contract: dict[str, Any],
    rounds: tuple[Round, ...],
    *,
    lng_long_run_slope: float,
    today_china_max: tuple[float, float],
    today_russia_min: tuple[float, float],
    first_year: int,
    lever_limits: dict[str, tuple[tuple[float, float], tuple[float, float]]] | None = None,
    hormuz_china_delta_usd_per_kcm: float | None = None,
    data: VintageData | None = None,
) -> SummitAnalysis:
    """Vintage limits for every round, the fit, today's game, the levers and the Hormuz panel."""
    d = data or load_vintage()
    rate = inputs.parties.gazprom_rate
    lims = tuple(
        round_limits(inputs, contract, r, lng_long_run_slope=lng_long_run_slope, data=d) for r in rounds
    )
    rd = tuple(to_round_data(x, rate) for x in lims)
    f = fit(rd)
    params = {k: float(v["value"]) for k, v in f.parameters.items()}
    # today's beliefs: the weights after every observed PoS2 round
    pos2 = [i for i, r in enumerate(rd) if r.project == "pos2"]
    w = f.weights[pos2[-1]].copy() if pos2 else _prior(params["p_state_waiver"])
    if pos2 and not rd[pos2[-1]].deal:
        acc_last = _last_accept(rd[pos2[-1]], params, w)
        nw = w * (1 - acc_last)
        w = nw / nw.sum() if nw.sum() > 0 else w
    lead = inputs.settings.first_year - inputs.settings.valuation_year
    st_today = vintage_state(rounds[-1], inputs.portfolio, d) if rounds else None
    years = first_year + lead + np.arange(2040 - first_year + 1)
    gap = (
        tuple(float(x) for x in gap_share_by_year(inputs, st_today, years))
        if st_today
        else (0.0,) * len(years)
    )
    shut = shut_in_share(d, first_year)
    proposer = "china" if (rounds and host_of(rounds[-1].venue) == "russia") else "russia"

    def run(cm: tuple[float, float], rm: tuple[float, float], g: tuple[float, ...] = gap) -> Today:
        return today_game(
            cm,
            rm,
            first_year=first_year,
            russia_rate=rate,
            shut_in=shut,
            gap=g,
            params=params,
            weights=w,
            first_proposer=proposer,
        )

    today = run(today_china_max, today_russia_min)
    levers = []
    for name, (cm, rm) in (lever_limits or {}).items():
        t = run(cm, rm)
        levers.append(
            {
                "lever": name,
                "p_agreement_2030": t.p_by_2030,
                "p_agreement_2030_delta": t.p_by_2030 - today.p_by_2030,
                "price_at_signature_mean_usd_per_kcm": t.price_at_signature.get("mean"),
                "price_delta_usd_per_kcm": (t.price_at_signature.get("mean") or math.nan)
                - (today.price_at_signature.get("mean") or math.nan),
            }
        )
    # Hormuz: the posterior hazard today; China's value change from the engine (a lever), its effect on P
    hz = lims[-1].hormuz_hazard_per_year if lims else float("nan")
    delta_c = hormuz_china_delta_usd_per_kcm
    if delta_c is not None:
        t_h = run((today_china_max[0] + delta_c, today_china_max[1] + delta_c), today_russia_min)
        p_delta = t_h.p_by_2030 - today.p_by_2030
    else:
        p_delta = None
    hormuz = {
        "posterior_hazard_per_year": hz,
        "prior_hazard_per_year_before_2026": lims[-2].hormuz_hazard_per_year if len(lims) > 1 else None,
        "china_value_delta_usd_per_kcm": delta_c,
        "p_agreement_2030_delta": p_delta,
        "basis": "Gamma-Poisson posterior of the closure rate (Jeffreys prior, window from 1980, the 2026 "
        "closure observed); China's value change: its highest price with the closure hazard at the "
        "posterior against the scenario's (engine lever); the probability change: today's game re-solved "
        "with both China types' limits moved by that change",
    }
    return SummitAnalysis(
        lims,
        f,
        today,
        (today_china_max, today_russia_min),
        hormuz,
        levers,
        tuple(binding_reason(x.china_max_usd_per_kcm, x.russia_min_usd_per_kcm) for x in lims),
        params,
        w,
        proposer,
        shut,
        gap,
    )


def _prior(p_waiver: float) -> np.ndarray:
    return np.array([[1 - P_CAPPED], [P_CAPPED]]) * np.array([[p_waiver, 1 - p_waiver]])


def _last_accept(r: RoundData, params: dict[str, float], w: np.ndarray) -> np.ndarray:
    """P(deal | k, j) at a round's first summit at the estimate (for the update after it)."""
    from pos2.bargaining.dynamics import first_period
    from pos2.bargaining.estimate import _rates

    rr, rc = _rates(r, params["theta_russia"], params["theta_china"])
    game = Game(
        np.array(r.china_max_usd_per_kcm).reshape(2, 1),
        np.array(r.russia_min_usd_per_kcm).reshape(2, 1),
        rr.reshape(1, -1),
        rc.reshape(1, -1),
        r.host,
        params["sigma"],
    )
    st = first_period(solve(game), np.array([w[1].sum()]), np.array([w[:, 0].sum()]))
    a = st.accept[..., 0]
    return a.T if r.host == "russia" else a


def run_summits(
    scenario: Scenario, costs: ProjectCosts, val: Valuation, rounds: tuple[Round, ...]
) -> dict[str, Any]:
    """The deal stage's entry: the summit analysis on the scenario's valuation, as plain data.

    Today's limits are those of the engine's efficient terms (the capped China type is the scenario's
    supplier cap; the uncapped type adds the ``no_supplier_cap`` lever); the rounds use the same non-price
    terms on their vintage inputs (PoS1 its signed terms). The levers move today's limits by the
    engine's lever effects (a tax lever leaves the state's floor unchanged: taxes are its revenue).
    """
    m = scenario.model
    inputs = engine_inputs(scenario, costs=costs)
    contract = base_contract(scenario)
    terms = val.contract_terms or {}
    contract.update({k: terms[k] for k in TERM_KEYS if k in terms})
    levers = {x["lever"]: x for x in val.lever_effects}
    if terms:
        v_cap = float(terms["china_max_price_usd_per_kcm"])
        f_state = float(terms["state_min_price_usd_per_kcm"])
        f_gaz = float(terms["gazprom_min_price_usd_per_kcm"])
    else:
        v_cap, f_state, f_gaz = (
            val.china_max_usd_per_kcm,
            val.state_min_usd_per_kcm,
            val.gazprom_min_usd_per_kcm,
        )
    v_free = v_cap + max(0.0, float(levers.get("no_supplier_cap", {}).get("china_max_delta", 0.0)))
    china, russia = (v_free, v_cap), (min(f_state, f_gaz), f_gaz)
    lever_limits: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}
    for name, x in levers.items():
        dc, dr = float(x["china_max_delta"]), float(x["russia_min_delta"])
        if name == "no_supplier_cap":
            lever_limits[name] = ((v_free, v_free), russia)
            continue
        state_dr = 0.0 if name == "export_duty_waiver" else dr
        lever_limits[name] = ((v_free + dc, v_cap + dc), (min(f_state + state_dr, f_gaz + dr), f_gaz + dr))
    lever_limits["state_floor_accepted"] = (china, (russia[0], russia[0]))
    # Hormuz: China's value per unit hazard from the engine's x5 lever, scaled to the posterior change
    h_scen = m.hormuz.closure_probability
    x5 = levers.get("hormuz_hazard_x5")
    last_year = max((r.year for r in rounds), default=m.bargaining.first_round_year - 1)
    first_year = max(m.bargaining.first_round_year, last_year + 1)
    d = load_vintage()
    pre = [r for r in rounds if r.hormuz_status == "open"]
    h_pre = vintage_state(pre[-1], inputs.portfolio, d).hormuz_hazard_per_year if pre else h_scen
    h_post = vintage_state(rounds[-1], inputs.portfolio, d).hormuz_hazard_per_year if rounds else h_scen
    delta = float(x5["china_max_delta"]) * (h_post - h_pre) / (4.0 * h_scen) if x5 and h_scen > 0 else None
    a = summit_analysis(
        inputs,
        contract,
        rounds,
        lng_long_run_slope=m.lng.long_run_slope,
        today_china_max=china,
        today_russia_min=russia,
        first_year=first_year,
        lever_limits=lever_limits,
        hormuz_china_delta_usd_per_kcm=delta,
        data=d,
    )
    rate_today = inputs.parties.gazprom_rate
    lead = inputs.settings.first_year - inputs.settings.valuation_year
    today_gap = (
        gap_share_by_year(
            inputs,
            vintage_state(rounds[-1], inputs.portfolio, d),
            first_year + lead + np.arange(2041 - first_year),
        )
        if rounds
        else np.zeros(1)
    )
    years = range(m.bargaining.first_round_year, 2041)
    p_by_year = {y: (a.today.p_by_year.get(y, 0.0) if y >= first_year else 0.0) for y in years}
    band = {y: a.today.band.get(y, (0.0, 0.0)) for y in years}
    rounds_out = []
    for lim, reason, p, loo in zip(
        a.rounds, a.reasons, a.fit.p_deal, a.fit.p_deal_leave_one_out, strict=True
    ):
        rounds_out.append(
            {
                "date": lim.round.date.isoformat(),
                "host": host_of(lim.round.venue),
                "p_deal": float(p),
                "p_deal_leave_one_out": float(loo),
                "binding_reason": reason,
                "china_max_price_usd_per_kcm": {
                    "uncapped": lim.china_max_usd_per_kcm[0],
                    "capped": lim.china_max_usd_per_kcm[1],
                },
                "russia_min_price_usd_per_kcm": {
                    "state": lim.russia_min_usd_per_kcm[0],
                    "gazprom": lim.russia_min_usd_per_kcm[1],
                },
                "vintage": {
                    "outlook": lim.outlook,
                    "outlook_brent_usd2025_per_bbl": lim.outlook_brent_usd_per_bbl,
                    "hormuz_hazard_per_year": lim.hormuz_hazard_per_year,
                    "gazprom_shut_in_share": lim.shut_in_share,
                    "china_gap_share_at_first_gas": lim.gap_share[0],
                    "contracts_signed_before": lim.contracts,
                    "demand_outlook": lim.demand_outlook,
                    "demand_peak_bcm_per_year": lim.demand_peak_bcm_per_year,
                    "paths": ROUND_PATHS,
                },
            }
        )
    return {
        "rounds": rounds_out,
        "scores": a.fit.scores,
        "parameters": a.fit.parameters,
        "hormuz": a.hormuz,
        "p_agreement_by_year": p_by_year,
        "p_agreement_band_by_year": band,
        "p_agreement_2030": a.today.p_by_2030,
        "price_at_signature_usd_per_kcm": a.today.price_at_signature,
        "contract_terms_at_signature": {k: contract[k] for k in TERM_KEYS},
        "expected_delay_years": a.today.expected_delay_years,
        "first_summit_year": first_year,
        "by_type": a.today.by_type,
        "limits_today": {
            "china_max_usd_per_kcm": {"uncapped": china[0], "capped": china[1]},
            "russia_min_usd_per_kcm": {"state": russia[0], "gazprom": russia[1]},
        },
        "levers": a.levers,
        # the fast mode (pos2.bargaining.fastgame: today's game with this hindcast held) re-solves this
        # same game at moved levers; at the scenario itself it is this game, so the same answer
        "fast_mode_p_agreement_2030": a.today.p_by_2030,
        "fast_mode_basis": "the dashboard's and the sweeps' fast mode (docs/deal_dynamics.md): today's "
        "game re-solved at moved levers with this hindcast held; at this scenario it is this game",
        "abreu_gul_p_agreement_2030": float(
            fast_p_deal_by(
                china,
                russia,
                russia_rate=inputs.parties.gazprom_rate
                + a.fit.parameters["theta_russia"]["value"] * shut_in_share(d, first_year),
                china_rate=max(a.fit.parameters["theta_china"]["value"] * float(np.mean(today_gap)), 1e-3),
                p_capped=P_CAPPED,
                p_no_waiver=1 - a.fit.parameters["p_state_waiver"]["value"],
                years=np.array([2030.0 - first_year + 1.0]),
            )[0]
        ),
        "game_state": {
            "parameters": dict(a.params),
            "type_weights": [[float(x) for x in row] for row in a.weights],
            "first_proposer": a.first_proposer,
            "gazprom_shut_in_share": a.shut_in,
            "china_gap_share_by_summit": list(a.gap),
            "russia_rate_per_year": rate_today,
            "basis": "what the hindcast leaves for today's game: the estimate, the type weights w[china "
            "capped][russia no waiver] after the observed rounds, the first proposer, the delay-cost states",
        },
        "basis": "docs/deal_dynamics.md: alternating offers at the summits (host proposes), two private "
        "types per side, Bayes updating on rejections, state-dependent delay costs, backward induction "
        f"over {HORIZON_SUMMITS} summits; four global parameters by grid maximum likelihood",
    }


def summit_keys(summits: dict[str, Any] | None) -> dict[str, Any]:
    """The top-level ``pos2 deal --json`` keys of issue 14 (absent when the summits were not run)."""
    if summits is None:
        return {}
    sc = summits["scores"]
    return {
        "hindcast_scores": {
            k: sc[k]
            for k in (
                "log_likelihood",
                "brier",
                "brier_base_rate",
                "log_likelihood_base_rate",
                "brier_leave_one_out",
                "log_likelihood_leave_one_out",
                "brier_base_rate_leave_one_out",
                "log_likelihood_base_rate_leave_one_out",
                "rounds",
                "deals",
            )
        },
        "estimated_parameters": {
            k: {
                "value": v["value"],
                "standard_error": v["standard_error"],
                "prior": v["prior"],
                "unit": v["unit"],
            }
            for k, v in summits["parameters"].items()
        },
        "hormuz": summits["hormuz"],
        "summits": {
            k: v for k, v in summits.items() if k not in ("rounds", "scores", "parameters", "hormuz")
        },
    }
