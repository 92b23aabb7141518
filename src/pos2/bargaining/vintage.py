"""Vintage states: what the parties could know at each negotiation round (``data/summits/vintage.toml``).

A round is valued on the world of its own date, not today's: the contracts China had signed before it
(:func:`vintage_portfolio`), the long-run oil price of the latest outlook published before it (the
long-run factor ``xi`` of the Schwartz–Smith (2000) model is set to the outlook's level and the
short-term factor ``chi`` to the spot's deviation from it, so a spot held flat for 30 years is
avoided), the Hormuz closure hazard as a Gamma–Poisson posterior updated by the closures observed so
far (conjugate update, e.g. Gelman et al., *Bayesian Data Analysis*, 3rd ed., §2.6), Gazprom's
shut-in production (the stranded West Siberian gas) and China's uncontracted supply gap by year.
All money is in real USD of 2025 (US CPI-U). :func:`vintage_inputs` turns an
:class:`~pos2.bargaining.engine.EngineInputs` into the round's vintage inputs.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from pos2.bargaining.engine import EngineInputs
from pos2.bargaining.history import Round
from pos2.bargaining.portfolio import Portfolio
from pos2.bargaining.stack import mean_demand_bcm, mean_domestic_bcm
from pos2.bargaining.valuation import ProjectCosts
from pos2.errors import BargainingError


@dataclass(frozen=True)
class Outlook:
    """A published reference-case oil price (the long-run level seen at its date)."""

    published: dt.date
    name: str
    brent_usd2025_per_bbl: float
    source: str


@dataclass(frozen=True)
class DemandOutlook:
    """A published China gas-demand outlook: the peak (or 2040) level expected at its date."""

    published: dt.date
    name: str
    peak_bcm_per_year: float
    source: str
    confidence: str


@dataclass(frozen=True)
class VintageData:
    """The contents of ``vintage.toml``."""

    outlooks: tuple[Outlook, ...]
    hormuz_prior_shape: float
    hormuz_prior_rate_years: float
    hormuz_window_start_year: int
    hormuz_closures: tuple[dt.date, ...]
    gazprom_output_bcm: tuple[tuple[int, float], ...]
    gazprom_reference_year: int
    signed: tuple[tuple[str, dt.date], ...]
    pos1_capex_usd2025: float
    pos1_design_bcm_per_year: float
    pos1_field_opex_usd_per_kcm: float
    pos1_construction_years: int
    path: str
    demand_outlooks: tuple[DemandOutlook, ...] = ()
    """China's demand outlooks by publication date (optional table ``[[demand_outlook]]``)."""


def default_vintage_path() -> Path:
    """Path of the vintage dataset shipped with the package."""
    return Path(str(resources.files("pos2") / "data" / "summits" / "vintage.toml"))


def _date(value: Any, path: Path, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BargainingError(f"{path}: {where}: not an ISO date (YYYY-MM-DD), value {value!r}") from None


def _positive(value: Any, path: Path, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise BargainingError(f"{path}: {where}: must be a positive number, value {value!r}")
    return float(value)


def load_vintage(path: Path | None = None) -> VintageData:
    """Load and validate the vintage dataset (errors name the file, the table and the field)."""
    p = path or default_vintage_path()
    return _load(str(p))


@lru_cache(maxsize=4)
def _load(path_str: str) -> VintageData:
    p = Path(path_str)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise BargainingError(f"{p}: cannot read the vintage dataset: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise BargainingError(f"{p}: not valid TOML: {e}") from None
    try:
        cpi = {int(k): float(v) for k, v in data["money"]["cpi_to_2025"].items()}
        outlooks = []
        for i, o in enumerate(data["outlook"]):
            where = f"[[outlook]] {i + 1}"
            year = int(o["price_year"])
            if year not in cpi:
                raise BargainingError(f"{p}: {where}: price_year {year} has no [money].cpi_to_2025 factor")
            if not str(o.get("source", "")).strip():
                raise BargainingError(f"{p}: {where}: field 'source' is missing")
            outlooks.append(
                Outlook(
                    _date(o["published"], p, where + " published"),
                    str(o["name"]),
                    _positive(o["brent_usd_per_bbl"], p, where + " brent_usd_per_bbl") * cpi[year],
                    str(o["source"]),
                )
            )
        demand = []
        for i, o in enumerate(data.get("demand_outlook", [])):
            where = f"[[demand_outlook]] {i + 1}"
            for f in ("source", "confidence"):
                if not str(o.get(f, "")).strip():
                    raise BargainingError(f"{p}: {where}: field '{f}' is missing")
            demand.append(
                DemandOutlook(
                    _date(o["published"], p, where + " published"),
                    str(o["name"]),
                    _positive(o["peak_bcm_per_year"], p, where + " peak_bcm_per_year"),
                    str(o["source"]),
                    str(o["confidence"]),
                )
            )
        h = data["hormuz"]
        g = data["gazprom_output"]
        pos1 = data["pos1_project"]
        pos1_year = int(pos1["price_year"])
        signed = tuple(
            (str(s["name"]), _date(s["date"], p, f"[[signed]] {s.get('name')!r} date"))
            for s in data["signed"]
        )
        return VintageData(
            outlooks=tuple(sorted(outlooks, key=lambda o: o.published)),
            hormuz_prior_shape=_positive(h["prior_shape"], p, "[hormuz] prior_shape"),
            hormuz_prior_rate_years=float(h["prior_rate_years"]),
            hormuz_window_start_year=int(h["window_start_year"]),
            hormuz_closures=tuple(_date(c, p, "[hormuz] closures") for c in h["closures"]),
            gazprom_output_bcm=tuple(sorted((int(k), float(v)) for k, v in g["bcm"].items())),
            gazprom_reference_year=int(g["reference_year"]),
            signed=signed,
            pos1_capex_usd2025=_positive(pos1["capex_usd"], p, "[pos1_project] capex_usd") * cpi[pos1_year],
            pos1_design_bcm_per_year=_positive(pos1["design_bcm_per_year"], p, "[pos1_project] design"),
            pos1_field_opex_usd_per_kcm=float(pos1["field_opex_usd_per_kcm"]),
            pos1_construction_years=int(pos1["construction_years"]),
            path=str(p),
            demand_outlooks=tuple(sorted(demand, key=lambda o: o.published)),
        )
    except KeyError as e:
        raise BargainingError(f"{p}: required field {e} is missing") from None


@dataclass(frozen=True)
class VintageState:
    """What could be known at a round's date."""

    date: dt.date
    outlook: Outlook
    brent_spot_usd_per_bbl: float
    lng_spot_usd_per_mmbtu: float
    hormuz_hazard_per_year: float
    """Posterior mean closure rate [1/yr]."""
    hormuz_closures_seen: int
    contracts: tuple[str, ...]
    """China's contracts signed before the date."""
    shut_in_share: float
    """Gazprom's production below its 2021 level, share of that level (stranded gas) [-]."""
    contracting_bcm_per_year: float
    """China's new contract volume signed per year over the five years before the date [bcm/yr per yr]."""
    demand_outlook: DemandOutlook | None = None
    """China's demand outlook of the date (``None`` before the first: the scenario's cap, a GAP)."""


def hormuz_posterior(data: VintageData, date: dt.date) -> tuple[float, int]:
    """Posterior mean closure rate at ``date`` and the closures counted [1/yr, -].

    ``lambda | n closures in T years ~ Gamma(a0 + n, b0 + T)``, mean ``(a0 + n) / (b0 + T)``.
    """
    n = sum(1 for c in data.hormuz_closures if c <= date)
    exposure = (date - dt.date(data.hormuz_window_start_year, 1, 1)).days / 365.25
    if exposure + data.hormuz_prior_rate_years <= 0:
        raise BargainingError(f"{data.path}: [hormuz] the date {date} precedes the observation window")
    return (data.hormuz_prior_shape + n) / (data.hormuz_prior_rate_years + exposure), n


def shut_in_share(data: VintageData, year: int) -> float:
    """Gazprom's shut-in share in ``year`` (the last known year's output held after it) [-]."""
    out = dict(data.gazprom_output_bcm)
    ref = out[data.gazprom_reference_year]
    known = [y for y in out if y <= year] or [min(out)]
    return max(0.0, (ref - out[max(known)]) / ref)


def outlook_at(data: VintageData, date: dt.date) -> Outlook:
    """The latest outlook published on or before ``date`` (the first one for earlier dates)."""
    seen = [o for o in data.outlooks if o.published <= date]
    return seen[-1] if seen else data.outlooks[0]


def demand_outlook_at(data: VintageData, date: dt.date) -> DemandOutlook | None:
    """The latest demand outlook published on or before ``date`` (``None`` before the first)."""
    seen = [o for o in data.demand_outlooks if o.published <= date]
    return seen[-1] if seen else None


def vintage_portfolio(portfolio: Portfolio, data: VintageData, date: dt.date) -> Portfolio:
    """China's contracts signed strictly before ``date`` (a contract without a signing date raises)."""
    signed = dict(data.signed)
    missing = [c.name for c in portfolio.contracts if c.name not in signed]
    if missing:
        raise BargainingError(
            f"{data.path}: no [[signed]] date for the contract(s) {missing} of {portfolio.path}"
        )
    return Portfolio(tuple(c for c in portfolio.contracts if signed[c.name] < date), portfolio.path)


def contracting_rate(portfolio: Portfolio, data: VintageData, date: dt.date, years: int = 5) -> float:
    """Contract volume China signed per year over the ``years`` before ``date`` [bcm/yr per yr]."""
    signed = dict(data.signed)
    lo = date - dt.timedelta(days=round(365.25 * years))
    vol = sum(c.volume_bcm_per_year for c in portfolio.contracts if lo <= signed[c.name] < date)
    return vol / years


def vintage_state(rnd: Round, portfolio: Portfolio, data: VintageData | None = None) -> VintageState:
    """The vintage state of a round."""
    d = data or load_vintage()
    hazard, n = hormuz_posterior(d, rnd.date)
    vp = vintage_portfolio(portfolio, d, rnd.date)
    return VintageState(
        date=rnd.date,
        outlook=outlook_at(d, rnd.date),
        brent_spot_usd_per_bbl=rnd.brent_usd_per_bbl,
        lng_spot_usd_per_mmbtu=rnd.lng_usd_per_mmbtu,
        hormuz_hazard_per_year=hazard,
        hormuz_closures_seen=n,
        contracts=vp.names,
        shut_in_share=shut_in_share(d, rnd.year),
        contracting_bcm_per_year=contracting_rate(portfolio, d, rnd.date),
        demand_outlook=demand_outlook_at(d, rnd.date),
    )


US_LNG_EXPORTS_START = dt.date(2016, 2, 24)
"""First LNG cargo from the US Lower 48 (Sabine Pass, 24 Feb 2016; EIA Today in Energy, Mar 2016)."""


def jkm_long_run(state: VintageState, *, lng_long_run_slope: float, cost_stack_usd_per_mmbtu: float) -> float:
    """Long-run Asian spot LNG expected at a round [USD/MMBtu, 2025 money].

    Oil-linked, ``lng_long_run_slope x outlook Brent``; once US LNG was flowing (from
    :data:`US_LNG_EXPORTS_START`) capped by the US cost stack (the scenario's long-run JKM). One rule for
    every round.
    """
    oil = lng_long_run_slope * state.outlook.brent_usd2025_per_bbl
    return min(oil, cost_stack_usd_per_mmbtu) if state.date >= US_LNG_EXPORTS_START else oil


def vintage_inputs(
    inputs: EngineInputs,
    state: VintageState,
    *,
    lng_long_run_slope: float,
    n_paths: int,
    costs: ProjectCosts | None = None,
    data: VintageData | None = None,
) -> EngineInputs:
    """The engine inputs as seen at the round: dates, portfolio, price expectations, Hormuz hazard.

    The valuation year is the round's year and first gas follows after the construction years; the
    Schwartz–Smith state is ``xi_0 = ln(outlook Brent)``, ``chi_0 = ln(spot / outlook)``; the JKM deck is
    anchored at the round's spot LNG and converges to :func:`jkm_long_run`; the closure probability is
    the posterior hazard; China's demand is capped at the peak of the round's demand outlook (the
    scenario's cap before the first one).
    """
    d = data or load_vintage()
    s = inputs.settings
    year = state.date.year
    lead = s.first_year - s.valuation_year
    pm = inputs.price_model
    x0 = np.array(pm.x0, dtype=float).copy()
    x0[0] = math.log(state.brent_spot_usd_per_bbl / state.outlook.brent_usd2025_per_bbl)
    x0[1] = math.log(state.outlook.brent_usd2025_per_bbl)
    settings = replace(
        s,
        valuation_year=year,
        first_year=year + lead,
        n_paths=n_paths,
        hormuz_p_close=min(1.0, state.hormuz_hazard_per_year),
        jkm_anchor_usd_per_mmbtu=state.lng_spot_usd_per_mmbtu,
        jkm_anchor_year=year,
        jkm_long_run_usd_per_mmbtu=jkm_long_run(
            state,
            lng_long_run_slope=lng_long_run_slope,
            cost_stack_usd_per_mmbtu=s.jkm_long_run_usd_per_mmbtu,
        ),
        demand_peak_bcm=s.demand_peak_bcm
        if state.demand_outlook is None
        else state.demand_outlook.peak_bcm_per_year,
    )
    return replace(
        inputs,
        settings=settings,
        price_model=replace(pm, x0=x0),
        portfolio=vintage_portfolio(inputs.portfolio, d, state.date),
        costs=costs or inputs.costs,
    )


def pos1_costs(costs: ProjectCosts, data: VintageData | None = None) -> ProjectCosts:
    """PoS1 as a whole project (fields, Amur processing plant and pipe) for the 2014 round."""
    d = data or load_vintage()
    return replace(
        costs,
        capex_usd2025=d.pos1_capex_usd2025,
        design_bcm_per_year=d.pos1_design_bcm_per_year,
        upstream_usd_per_kcm=d.pos1_field_opex_usd_per_kcm,
        transit_usd_per_kcm=0.0,
        construction_years=d.pos1_construction_years,
    )


def gap_share_by_year(inputs: EngineInputs, state: VintageState, years: np.ndarray) -> np.ndarray:
    """China's expected uncontracted share of demand by calendar year, as seen at the round [-].

    ``max(0, demand - domestic - contracted - new contracting) / demand`` with the contracts signed
    before the round and new contracts arriving at the rate China signed them in the five years before
    (its outside options between rounds: new LNG, Line D).
    """
    y = np.asarray(years, dtype=float)
    s = inputs.settings
    demand = mean_demand_bcm(s, y)
    dom = mean_domestic_bcm(s, y)
    vp = vintage_portfolio(inputs.portfolio, load_vintage(), state.date) if inputs.portfolio else None
    contracted = vp.volume_bcm(y.astype(int)).sum(axis=1) if vp is not None and vp.n else np.zeros_like(y)
    new = state.contracting_bcm_per_year * np.maximum(y - state.date.year, 0.0)
    return np.clip((demand - dom - contracted - new) / demand, 0.0, 1.0)
