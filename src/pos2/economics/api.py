"""Public entry points of the economics: deterministic and Monte Carlo valuation of the deal."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pos2.economics.cashflow import PARTIES, Project, build_project, npv, party_cash_flows, payback_years
from pos2.economics.contract import annual_prices_usd_per_kcm, warmup_months
from pos2.economics.montecarlo import run_monte_carlo
from pos2.economics.prices import deck as get_deck
from pos2.economics.result import EconomicsResult
from pos2.economics.sensitivity import tornado
from pos2.economics.validate import check_inputs
from pos2.errors import EconomicsError
from pos2.scenario import Scenario
from pos2.twin.summary import TwinSummary

DECKS: tuple[str, ...] = ("low", "base", "hormuz_2026")


@dataclass(frozen=True)
class Deterministic:
    """Deterministic valuation on one flat price deck (no uncertainty)."""

    deck: str
    price_usd_per_kcm: np.ndarray
    """Contract price by operating year [USD/kcm]."""
    alternative_usd_per_kcm: np.ndarray
    """China's best-alternative value by operating year [USD/kcm]."""
    cash_flows_usd: dict[str, np.ndarray]
    """Annual cash flow per party, construction + term years [USD/yr]."""
    taken_kcm: np.ndarray
    paid_kcm: np.ndarray
    npv_usd: dict[str, float]
    irr: dict[str, float]
    payback_years: dict[str, float]


def deck_prices(
    scenario: Scenario, project: Project, deck_name: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Annual contract price and alternative value on a flat deck [USD/kcm], each (1, term years)."""
    d = get_deck(scenario, deck_name)
    months = 12 * project.term_years
    n = warmup_months(scenario) + months
    brent = np.full((1, n), d.brent_usd_per_bbl)
    jkm = np.full((1, n), d.jkm_usd_per_mmbtu)
    return annual_prices_usd_per_kcm(scenario, brent, jkm, months)


def deterministic(
    scenario: Scenario, twin: TwinSummary, *, deck: str | None = None, project: Project | None = None
) -> Deterministic:
    """Value the deal on a named flat price deck (default ``prices.deck``).

    Parameters
    ----------
    scenario
        Scenario [-]
    twin
        Twin summary [-]
    deck
        ``low``, ``base`` or ``hormuz_2026`` [-]
    project
        Pre-built project data (rebuilt when omitted) [-]
    """
    project = project or build_project(scenario, twin)
    name = deck or scenario.model.prices.deck
    price, alt = deck_prices(scenario, project, name)
    flows, vol = party_cash_flows(project, price, alt, None)
    return Deterministic(
        deck=name,
        price_usd_per_kcm=price[0],
        alternative_usd_per_kcm=alt[0],
        cash_flows_usd={p: f[0] for p, f in flows.items()},
        taken_kcm=vol.taken[0],
        paid_kcm=vol.paid[0],
        npv_usd={p: float(npv(flows[p], project.discount[p])[0]) for p in PARTIES},
        irr={p: float(project.party_irr(p, flows[p])[0]) for p in PARTIES},
        payback_years={p: float(payback_years(flows[p])[0]) for p in PARTIES},
    )


def npv_by_party(
    scenario: Scenario,
    twin: TwinSummary,
    price_usd_per_kcm: float | np.ndarray,
    *,
    alternative_usd_per_kcm: float | np.ndarray | None = None,
    project: Project | None = None,
) -> dict[str, np.ndarray]:
    """NPV of each party at flat contract prices, vectorised over prices [USD bn].

    Fast and deterministic (no uncertainty): for sweeps and the bargaining model.

    Parameters
    ----------
    scenario
        Scenario [-]
    twin
        Twin summary [-]
    price_usd_per_kcm
        Flat contract price(s) over the whole term, scalar or shape (n,) [USD per 1,000 m3]
    alternative_usd_per_kcm
        China's best-alternative value; default: the deck's (``prices.deck``) by year [USD/kcm]
    project
        Pre-built project data (pass it to evaluate many prices quickly) [-]
    """
    project = project or build_project(scenario, twin)
    p = np.atleast_1d(np.asarray(price_usd_per_kcm, dtype=float))[:, None]
    if alternative_usd_per_kcm is None:
        _, alt = deck_prices(scenario, project)
    else:
        alt = np.atleast_1d(np.asarray(alternative_usd_per_kcm, dtype=float))[:, None]
    price = np.broadcast_to(p, (p.shape[0], project.term_years))
    flows, _ = party_cash_flows(project, price, alt, None)
    return {k: npv(flows[k], project.discount[k]) / 1e9 for k in PARTIES}


def breakeven_price(scenario: Scenario, twin: TwinSummary, *, project: Project | None = None) -> float:
    """Flat contract price at which Russia's NPV is zero [USD per 1,000 m3].

    China takes the full ACQ (ramp-up included) whatever the price, so Russia's NPV is linear in
    the price and the root is exact.
    """
    project = project or build_project(scenario, twin)
    v = npv_by_party(scenario, twin, np.array([0.0, 100.0]), alternative_usd_per_kcm=np.inf, project=project)
    r0, r1 = v["russia"]
    return float(-r0 * 100.0 / (r1 - r0))


def netback_usd_per_kcm(scenario: Scenario, project: Project, price_usd_per_kcm: float) -> float:
    """Wellhead netback of a border price [USD per 1,000 m3].

    ``price * (1 - export duty) - levelised tariff (Russia + Mongolia) - transit fee - upstream
    transport``; it is what is left to cover the production cost and the MET.
    """
    m = scenario.model
    transit = project.transit_usd_per_kcm
    if project.transit_lump_usd_per_year:
        transit += project.transit_lump_usd_per_year / float(project.acq_kcm.max())
    return (
        price_usd_per_kcm * (1.0 - m.taxes.export_duty_share)
        - project.tariff.total_usd_per_kcm
        - transit
        - m.costs.upstream_transport_usd_per_kcm
    )


def _quantiles(x: np.ndarray) -> dict[str, float]:
    finite = x[np.isfinite(x)]
    if finite.size == 0:
        return {"p10": float("nan"), "p50": float("nan"), "p90": float("nan")}
    q = np.percentile(finite, [10, 50, 90])
    return {"p10": float(q[0]), "p50": float(q[1]), "p90": float(q[2])}


def _require_finite(summary: Mapping[str, Any], twin: TwinSummary) -> None:
    """Refuse to return a silently wrong answer: headline numbers must be finite."""
    heads: dict[str, object] = {
        "breakeven_price_usd_per_kcm": summary["breakeven_price_usd_per_kcm"],
        **{f"capex_usd_bn.{k}": v for k, v in summary["capex_usd_bn"].items()},
        **{f"tariff_usd_per_kcm.{k}": v for k, v in summary["tariff_usd_per_kcm"].items()},
    }
    bad = {k: v for k, v in heads.items() if isinstance(v, float) and not np.isfinite(v)}
    if bad:
        raise EconomicsError(
            f"the economics gives non-finite results {bad} at a throughput of "
            f"{twin.throughput_bcm_per_year:g} bcm/yr: check the throughput, contract quantity and costs"
        )


def evaluate_economics(
    scenario: Scenario,
    twin: TwinSummary,
    *,
    paths: int | None = None,
    seed: int | None = None,
    scheduler: str | None = None,
    chunk_paths: int | None = None,
    with_tornado: bool = True,
    all_decks: bool = True,
) -> EconomicsResult:
    """Full economics of a scenario: capex, tariff, breakeven, netback, decks, Monte Carlo, tornado.

    Parameters
    ----------
    scenario
        Scenario [-]
    twin
        Twin summary at the scenario's throughput [-]
    paths
        Monte Carlo paths (default ``montecarlo.paths``; 0 = deterministic only) [-].
    seed
        Seed (default ``montecarlo.seed``) [-].
    scheduler
        Dask scheduler: None (local threads), ``sync`` or a ``distributed`` address [-]
    chunk_paths
        Paths per chunk (default ``montecarlo.chunk_paths``) [-].
    with_tornado
        Compute the tornado of the ten most influential inputs [-]
    all_decks
        Evaluate every named deck (``DECKS``); ``False``: only the run's deck ``prices.deck``, which is
        all the breakeven, the contract price and the deal need (sweeps) [-]
    """
    mc = scenario.model.montecarlo
    paths = mc.paths if paths is None else paths
    seed = mc.seed if seed is None else seed
    chunk = chunk_paths or mc.chunk_paths
    check_inputs(scenario, twin, paths=paths, chunk_paths=chunk, workers=2)
    t0 = time.perf_counter()
    project = build_project(scenario, twin)
    cost, tar = project.capex, project.tariff
    names = DECKS if all_decks else (scenario.model.prices.deck,)
    decks = {d: deterministic(scenario, twin, deck=d, project=project) for d in names}
    det = decks[scenario.model.prices.deck]
    be = breakeven_price(scenario, twin, project=project)
    taken = np.asarray(det.taken_kcm, dtype=float)
    # volume-weighted; when China takes nothing (the price above its alternative all term, with the
    # flexibility to refuse it) there is nothing to weight by: the plain mean over the term
    mean_price = float(
        np.average(det.price_usd_per_kcm, weights=taken)
        if taken.sum() > 0
        else np.mean(det.price_usd_per_kcm)
    )
    heat = project.heat_content_mmbtu_per_kcm

    parties: dict[str, dict[str, object]] = {}
    quant_rows = []
    if paths > 0:
        res = run_monte_carlo(
            scenario, project, paths=paths, seed=seed, chunk_paths=chunk, scheduler=scheduler
        )
        for i, p in enumerate(PARTIES):
            v = res.npv_usd[i] / 1e9
            q = _quantiles(v)
            qi = _quantiles(res.irr[i])
            parties[p] = {
                "npv_usd_bn": {**q, "mean": float(v.mean())},
                "prob_loss": float((v < 0).mean()),
                "irr": qi["p50"],
                "irr_quantiles": qi,
                "npv_deterministic_usd_bn": det.npv_usd[p] / 1e9,
                "irr_deterministic": det.irr[p],
                "payback_years_deterministic": det.payback_years[p],
            }
            quant_rows.append(
                dict(party=p, **q, mean=float(v.mean()), prob_loss=float((v < 0).mean()), irr_p50=qi["p50"])
            )
        price_q = _quantiles(res.mean_price_usd_per_kcm)
        volume_q = _quantiles(res.mean_taken_bcm_per_year)
        paths_table = pd.DataFrame(
            {
                "path": np.arange(paths),
                **{f"{p}_npv_usd_bn": res.npv_usd[i] / 1e9 for i, p in enumerate(PARTIES)},
                **{f"{p}_irr": res.irr[i] for i, p in enumerate(PARTIES)},
                "mean_price_usd_per_kcm": res.mean_price_usd_per_kcm,
                "mean_taken_bcm_per_year": res.mean_taken_bcm_per_year,
            }
        )
    else:
        for p in PARTIES:
            v = det.npv_usd[p] / 1e9
            parties[p] = {
                "npv_usd_bn": {"p10": v, "p50": v, "p90": v, "mean": v},
                "prob_loss": float(v < 0),
                "irr": det.irr[p],
                "npv_deterministic_usd_bn": v,
                "irr_deterministic": det.irr[p],
                "payback_years_deterministic": det.payback_years[p],
            }
            quant_rows.append(
                {
                    "party": p,
                    "p10": v,
                    "p50": v,
                    "p90": v,
                    "mean": v,
                    "prob_loss": float(v < 0),
                    "irr_p50": det.irr[p],
                }
            )
        price_q = {"p10": mean_price, "p50": mean_price, "p90": mean_price}
        v_det = float(det.taken_kcm.mean() / 1e6)
        volume_q = {"p10": v_det, "p50": v_det, "p90": v_det}
        paths_table = pd.DataFrame()

    tables: dict[str, pd.DataFrame] = {
        "capex": cost.table,
        "tariff": tar.table,
        "npv_quantiles": pd.DataFrame(quant_rows),
        "decks": pd.DataFrame(
            [
                {
                    "deck": d,
                    "party": p,
                    "npv_usd_bn": r.npv_usd[p] / 1e9,
                    "irr": r.irr[p],
                    "payback_years": r.payback_years[p],
                }
                for d, r in decks.items()
                for p in PARTIES
            ]
        ),
        "cash_flows": pd.DataFrame(
            [
                {
                    "year": scenario.model.finance.valuation_year + t,
                    "party": p,
                    "cash_flow_usd_bn": det.cash_flows_usd[p][t] / 1e9,
                }
                for p in PARTIES
                for t in range(project.years)
            ]
        ),
    }
    if not paths_table.empty:
        tables["paths"] = paths_table
    tornado_list: list[dict[str, object]] = []
    if with_tornado:

        def _evaluate(s: Scenario, tw: TwinSummary) -> dict[str, float]:
            r = deterministic(s, tw)
            return {p: r.npv_usd[p] / 1e9 for p in PARTIES}

        tor = tornado(scenario, twin, _evaluate)
        tables["tornado"] = tor
        tornado_list = tor.to_dict(orient="records")  # type: ignore[assignment]
    summary = {
        "mode": "monte_carlo" if paths > 0 else "deterministic",
        "deck": det.deck,
        "capex_usd_bn": {
            "russia": cost.russia_usd / 1e9,
            "mongolia": cost.mongolia_usd / 1e9,
            "total": cost.total_usd / 1e9,
        },
        "tariff_usd_per_kcm": {
            "russia": tar.russia_usd_per_kcm,
            "mongolia": tar.mongolia_usd_per_kcm,
            "total": tar.total_usd_per_kcm,
        },
        "tariff_usd_per_mmbtu": {
            "russia": tar.russia_usd_per_kcm / heat,
            "mongolia": tar.mongolia_usd_per_kcm / heat,
            "total": tar.total_usd_per_kcm / heat,
        },
        "breakeven_price_usd_per_kcm": be,
        "breakeven_price_usd_per_mmbtu": be / heat,
        "netback_usd_per_kcm": netback_usd_per_kcm(scenario, project, mean_price),
        "contract_price_usd_per_kcm": {"deterministic": mean_price, **price_q},
        "volume_taken_bcm_per_year": {"deterministic": float(det.taken_kcm.mean() / 1e6), **volume_q},
        "parties": parties,
        "decks": {d: {p: r.npv_usd[p] / 1e9 for p in PARTIES} for d, r in decks.items()},
        "tornado": tornado_list,
        "seconds": time.perf_counter() - t0,
    }
    _require_finite(summary, twin)
    settings = {
        "chunk_paths": chunk,
        "scheduler": scheduler or "threads",
        "overrides": dict(scenario.overrides),
        "throughput_bcm_per_year": twin.throughput_bcm_per_year,
    }
    return EconomicsResult(
        scenario=scenario.name,
        paths=paths,
        seed=seed,
        currency=scenario.model.finance.currency,
        price_year=scenario.model.finance.price_year,
        summary=summary,
        tables=tables,
        settings=settings,
        project=project,
    )
