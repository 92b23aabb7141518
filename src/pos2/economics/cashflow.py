"""Annual cash flows and metrics of the three parties, vectorised over price paths.

Timeline: years ``0 .. C-1`` are construction (capex spread evenly), years ``C .. C+T-1`` are the
contract term; cash flows are at the end of each year and discounted to the start of year 0
(``finance.valuation_year``) at each party's real rate.

Volumes (per operating year, 1,000 m3 at 20 degC):

* The take-or-pay share applies to the firm quantity, as in the contract valuation
  (:mod:`pos2.bargaining.valuation`): ``flex_band`` is the optional share of the ACQ, the firm
  quantity is ``ACQ * (1 - flex_band)`` and China pays for at least the minimum bill
  ``F = take_or_pay * ACQ * (1 - flex_band)`` (two independent keys; until 2026-12-03 the economics
  read take-or-pay as a share of the whole ACQ and China had to take the firm quantity, so with the
  default flex band = 1 - take-or-pay the two were one constraint).
* China nominates the ACQ when the contract price is at or below its best alternative, otherwise
  only the minimum bill ``F`` (gas it pays for anyway); both times a demand shock, clipped to
  ``[0, ACQ]``. Gas paid but not taken becomes a make-up credit that China may take without paying
  again within ``make_up_years`` (oldest credit first).

Parties (real money of the scenario's price year):

* Russia/Gazprom: revenue - export duty - (upstream cost + MET + upstream transport) - its share
  of opex and fuel - Mongolian transit fee - its share of capex - loan repayment in gas - use
  fee to China's equity share.
* China/CNPC: value of the gas at its best alternative - price paid - own transport - its share
  of capex + loan repayment in gas (loan) or + its share of the pipeline's tariff income net of
  its share of opex and fuel (equity).
* Mongolia: the transit fee (per 1,000 m3 per 100 km on the volume taken, or a lump sum).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from pos2.economics.costs import MONGOLIA, Capex, capex, fuel_bcm_per_year_by_section
from pos2.economics.money import KCM_PER_BCM, capital_recovery_factor, discount_factors
from pos2.economics.tariff import Tariff, levelized_tariff, ramp_profile
from pos2.errors import EconomicsError
from pos2.scenario import Scenario
from pos2.twin.summary import TwinSummary

PARTIES: tuple[str, str, str] = ("russia", "china", "mongolia")


@dataclass(frozen=True)
class Project:
    """Everything of a scenario + twin that does not depend on prices (built once, reused)."""

    construction_years: int
    term_years: int
    acq_kcm: np.ndarray
    """ACQ by operating year after ramp-up [1,000 m3/yr]."""
    take_or_pay: float
    flex_band: float
    make_up_years: int
    capex: Capex
    tariff: Tariff
    capex_by_year_usd: np.ndarray
    """Total capex by construction year [USD/yr]."""
    opex_usd_per_year: float
    fuel_usd_per_kcm: float
    """Fuel gas cost per 1,000 m3 taken (fuel ratio x opportunity price) [USD/kcm]."""
    russia_var_usd_per_kcm: float
    """Upstream cost + MET + upstream transport [USD/kcm]."""
    export_duty_share: float
    transit_usd_per_kcm: float
    transit_lump_usd_per_year: float
    china_transport_usd_per_kcm: float
    china_share: float
    equity_share: float
    """China's equity share (0 unless china_mode = equity) [-]."""
    loan_disbursed_usd: np.ndarray
    """China's loan disbursements by construction year [USD/yr]."""
    loan_repayment_usd: np.ndarray
    """Loan repayments in gas by operating year [USD/yr]."""
    rates: dict[str, float]
    discount: dict[str, np.ndarray]
    """End-of-year discount factors per party over all years [-]."""
    heat_content_mmbtu_per_kcm: float

    @property
    def years(self) -> int:
        """Construction plus term [yr]."""
        return self.construction_years + self.term_years

    def invests(self, party: str) -> bool:
        """True when ``party`` pays part of the capex (only then is its IRR defined)."""
        return {"russia": self.china_share < 1.0, "china": self.china_share > 0.0}.get(party, False)

    def party_irr(self, party: str, flows: np.ndarray) -> np.ndarray:
        """IRR per path of an investing party; NaN for a party that invests nothing [1/yr]."""
        if not self.invests(party):
            return np.full(np.atleast_2d(flows).shape[0], np.nan)
        return irr(flows)


_COST_CACHE: OrderedDict[tuple[object, ...], tuple[TwinSummary, Capex, Tariff]] = OrderedDict()
_COST_CACHE_SIZE = 64


def _capex_and_tariff(scenario: Scenario, twin: TwinSummary) -> tuple[Capex, Tariff]:
    """Capex and tariff, cached on the inputs they depend on (sweeps change mostly other levers).

    The key holds the twin's identity (the cached entry keeps a reference to that very object and
    checks it) and every scenario value the two depend on (frozen sections hash by value).
    """
    m = scenario.model
    key = (
        id(twin),
        m.costs,
        m.finance.discount_rate_russia,
        m.finance.construction_years,
        m.finance.economic_life_years,
        m.contract.acq_bcm_per_year,
        m.contract.ramp_up_years,
    )
    hit = _COST_CACHE.get(key)
    if hit is not None and hit[0] is twin:
        _COST_CACHE.move_to_end(key)
        return hit[1], hit[2]
    cost = capex(scenario, twin)
    tariff = levelized_tariff(scenario, twin, cost=cost)
    _COST_CACHE[key] = (twin, cost, tariff)
    while len(_COST_CACHE) > _COST_CACHE_SIZE:
        _COST_CACHE.popitem(last=False)
    return cost, tariff


def build_project(
    scenario: Scenario, twin: TwinSummary, *, cost: Capex | None = None, tariff: Tariff | None = None
) -> Project:
    """Assemble the price-independent part of the valuation.

    Parameters
    ----------
    scenario
        Validated scenario [-]
    twin
        Twin summary at the scenario's throughput [-]
    cost, tariff
        Capex and levelised tariff already computed for this scenario and twin (sweeps cache them;
        they depend on ``costs``, the twin and a few ``finance``/``contract`` keys only) [-].
    """
    m = scenario.model
    c, f = m.contract, m.finance
    if c.acq_bcm_per_year > twin.throughput_bcm_per_year * (1 + 1e-9):
        raise EconomicsError(
            f"contract.acq_bcm_per_year = {c.acq_bcm_per_year} exceeds the pipeline throughput "
            f"{twin.throughput_bcm_per_year} bcm/yr of the twin (pipeline.throughput_bcm_per_year)"
        )
    if cost is None and tariff is None:
        cost, tariff = _capex_and_tariff(scenario, twin)
    cost = capex(scenario, twin) if cost is None else cost
    tariff = levelized_tariff(scenario, twin, cost=cost) if tariff is None else tariff
    cy, ty = f.construction_years, c.term_years
    acq = ramp_profile(c.acq_bcm_per_year, c.ramp_up_years, ty) * KCM_PER_BCM
    fuel_bcm = sum(fuel_bcm_per_year_by_section(twin).values())
    fuel_ratio = fuel_bcm / twin.throughput_bcm_per_year
    try:
        mongolia_km = twin.section(MONGOLIA).length_km
    except KeyError:
        mongolia_km = 0.0
    if m.transit.mode == "per_kcm_100km":
        transit_kcm, transit_lump = m.transit.fee_usd_per_kcm_100km * mongolia_km / 100.0, 0.0
    else:
        transit_kcm, transit_lump = 0.0, m.transit.lump_usd_bn_per_year * 1e9
    total = cost.total_usd
    capex_by_year = np.full(cy, total / cy)
    share = f.china_share
    equity = share if f.china_mode == "equity" else 0.0
    disbursed = capex_by_year * share if f.china_mode == "loan" else np.zeros(cy)
    repay = np.zeros(ty)
    if f.china_mode == "loan" and share > 0:
        if f.loan_repay_years > ty:
            raise EconomicsError(
                f"finance.loan_repay_years = {f.loan_repay_years} is longer than contract.term_years = {ty}"
            )
        growth = (1 + f.loan_rate) ** np.arange(cy - 1, -1, -1)
        balance = float((disbursed * growth).sum())  # at first gas (end of the last construction year)
        repay[: f.loan_repay_years] = balance * capital_recovery_factor(f.loan_rate, f.loan_repay_years)
    rates = {
        "russia": f.discount_rate_russia,
        "china": f.discount_rate_china,
        "mongolia": f.discount_rate_mongolia,
    }
    return Project(
        construction_years=cy,
        term_years=ty,
        acq_kcm=acq,
        take_or_pay=c.take_or_pay,
        flex_band=c.flex_band,
        make_up_years=c.make_up_years,
        capex=cost,
        tariff=tariff,
        capex_by_year_usd=capex_by_year,
        opex_usd_per_year=total * m.costs.opex_share_per_year,
        fuel_usd_per_kcm=fuel_ratio * m.costs.fuel_value_usd_per_kcm,
        russia_var_usd_per_kcm=m.costs.upstream_cost_usd_per_kcm
        + m.taxes.met_usd_per_kcm
        + m.costs.upstream_transport_usd_per_kcm,
        export_duty_share=m.taxes.export_duty_share,
        transit_usd_per_kcm=transit_kcm,
        transit_lump_usd_per_year=transit_lump,
        china_transport_usd_per_kcm=m.costs.china_transport_usd_per_kcm,
        china_share=share,
        equity_share=equity,
        loan_disbursed_usd=disbursed,
        loan_repayment_usd=repay,
        rates=rates,
        discount={k: discount_factors(r, cy + ty) for k, r in rates.items()},
        heat_content_mmbtu_per_kcm=m.costs.heat_content_mmbtu_per_kcm,
    )


@dataclass(frozen=True)
class Volumes:
    """Annual volumes per path [1,000 m3/yr], shape (paths, term years)."""

    taken: np.ndarray
    paid: np.ndarray


def offtake(project: Project, price: np.ndarray, alt: np.ndarray, demand: np.ndarray | None) -> Volumes:
    """China's nominations, take-or-pay and make-up, vectorised over paths.

    Parameters
    ----------
    project
        Price-independent project data [-]
    price
        Contract price by operating year, (paths, years) or broadcastable [USD/kcm]
    alt
        China's alternative value by operating year, same shape [USD/kcm]
    demand
        Multiplicative demand shock on the nomination, or None for none [-]
    """
    acq = project.acq_kcm[None, :]
    # the minimum bill: take-or-pay share of the firm quantity (the contract valuation's definition)
    top = project.take_or_pay * (1.0 - project.flex_band) * acq
    want = np.where(price <= alt, acq, top)
    if demand is not None:
        want = want * demand
    taken = np.clip(want, 0.0, acq)
    k = project.make_up_years
    if k == 0:
        return Volumes(taken, np.maximum(taken, np.broadcast_to(top, taken.shape)))
    # a path that never takes less than the take-or-pay quantity earns no make-up credit: it pays for
    # what it takes (exactly), so the year-by-year credit bookkeeping runs only on the other paths
    short = ~np.all(taken >= top, axis=1)  # NaN counts as short: it propagates as before
    if not short.all():
        paid_all = taken.copy()
        if short.any():
            paid_all[short] = _paid_with_make_up(taken[short], top, k)
        return Volumes(taken, paid_all)
    return Volumes(taken, _paid_with_make_up(taken, top, k))


def _paid_with_make_up(taken: np.ndarray, top: np.ndarray, k: int) -> np.ndarray:
    """Volumes paid (paths, years) with take-or-pay deficiencies recoverable for ``k`` years [1,000 m3/yr]."""
    n, ty = taken.shape
    paid = np.empty_like(taken)
    credits = np.zeros((n, k))  # column 0 oldest
    for t in range(ty):
        q = top[0, t]
        tk = taken[:, t]
        excess = np.maximum(tk - q, 0.0)
        used = np.zeros(n)
        for j in range(k):
            u = np.minimum(credits[:, j], excess - used)
            credits[:, j] -= u
            used += u
        paid[:, t] = np.maximum(tk, q) - used
        deficiency = np.maximum(q - tk, 0.0)
        credits[:, :-1] = credits[:, 1:]  # the oldest vintage expires
        credits[:, -1] = deficiency
    return paid


def party_cash_flows(
    project: Project, price: np.ndarray, alt: np.ndarray, demand: np.ndarray | None = None
) -> tuple[dict[str, np.ndarray], Volumes]:
    """Annual cash flows of each party [USD/yr], each of shape (paths, construction + term years).

    Parameters
    ----------
    project
        Price-independent project data [-]
    price
        Contract price by operating year, (paths, term years) [USD/kcm]
    alt
        China's best-alternative value by operating year, (paths, term years) [USD/kcm]
    demand
        Multiplicative demand shock, (paths, term years), or None [-]
    """
    price, alt = np.broadcast_arrays(np.asarray(price, float), np.asarray(alt, float))
    vol = offtake(project, price, alt, demand)
    n = price.shape[0]
    cy, ty = project.construction_years, project.term_years
    s, e = project.china_share, project.equity_share
    taken, paid = vol.taken, vol.paid
    revenue = price * paid
    pipe_cost = project.opex_usd_per_year + project.fuel_usd_per_kcm * taken
    transit = project.transit_usd_per_kcm * taken + project.transit_lump_usd_per_year
    use_fee = e * project.tariff.total_usd_per_kcm * taken
    repay = project.loan_repayment_usd[None, :]
    out = {p: np.zeros((n, cy + ty)) for p in PARTIES}
    out["russia"][:, :cy] = -(1.0 - s) * project.capex_by_year_usd
    out["china"][:, :cy] = -s * project.capex_by_year_usd
    out["russia"][:, cy:] = (
        revenue * (1.0 - project.export_duty_share)
        - project.russia_var_usd_per_kcm * taken
        - (1.0 - e) * pipe_cost
        - transit
        - use_fee
        - repay
    )
    out["china"][:, cy:] = (
        alt * taken - revenue - project.china_transport_usd_per_kcm * taken + repay + use_fee - e * pipe_cost
    )
    out["mongolia"][:, cy:] = transit
    return out, vol


def npv(cash_flows: np.ndarray, discount: np.ndarray) -> np.ndarray:
    """Net present value of annual cash flows (paths, years) with end-of-year factors [same money]."""
    return cash_flows @ discount


FEW_PATHS = 64
"""Up to this many paths :func:`irr` values the flows with powers in one array operation; above it
with Horner's rule, one operation per year (less work per path, more Python per call)."""


def irr(cash_flows: np.ndarray, *, lo: float = -0.5, hi: float = 1.0, iterations: int = 34) -> np.ndarray:
    """Internal rate of return per path by bisection [1/yr].

    The root is searched between 0 and ``hi`` when the undiscounted sum of the flows is positive,
    and between ``lo`` and 0 otherwise (the root nearest to zero for flows that change sign more
    than once). NaN where the flows do not start with an investment (first non-zero flow
    negative) or where the NPV does not change sign on that bracket.

    Parameters
    ----------
    cash_flows
        Annual cash flows, (paths, years) [money].
    lo, hi
        Lowest and highest rate searched [1/yr].
    iterations
        Bisection steps (34 give 6e-11 on a bracket of width 1) [-].
    """
    cf = np.atleast_2d(cash_flows)

    exponents = np.arange(1, cf.shape[1] + 1, dtype=float)

    def value(rate: np.ndarray) -> np.ndarray:
        x = 1.0 / (1.0 + rate)
        if cf.shape[0] <= FEW_PATHS:  # few paths (deterministic decks): one array operation
            return np.sum(cf * x[:, None] ** exponents[None, :], axis=1)
        acc = np.zeros(cf.shape[0])
        for t in range(cf.shape[1] - 1, -1, -1):  # Horner: sum cf_t x^(t+1)
            acc = (acc + cf[:, t]) * x
        return acc

    nz = cf != 0
    first = cf[np.arange(cf.shape[0]), np.argmax(nz, axis=1)]
    if not (first < 0).any():
        return np.full(cf.shape[0], np.nan)
    total = cf.sum(axis=1)
    a = np.where(total >= 0, 0.0, lo)
    b = np.where(total >= 0, hi, 0.0)
    fa = value(a)
    fb = value(b)
    ok = (np.sign(fa) * np.sign(fb) <= 0) & (first < 0) & (fa != fb)  # an investment first, then returns
    for _ in range(iterations):
        mid = 0.5 * (a + b)
        fm = value(mid)
        left = np.sign(fm) == np.sign(fa)
        a = np.where(left, mid, a)
        fa = np.where(left, fm, fa)
        b = np.where(left, b, mid)
    return np.where(ok, 0.5 * (a + b), np.nan)


def payback_years(cash_flows: np.ndarray) -> np.ndarray:
    """Years from the valuation date until the cumulative (undiscounted) cash flow is >= 0 [yr].

    NaN when it never is, or when the flows never go negative.
    """
    cum = np.cumsum(np.atleast_2d(cash_flows), axis=1)
    neg = cum < 0
    last_neg = np.where(neg.any(axis=1), cum.shape[1] - 1 - np.argmax(neg[:, ::-1], axis=1), -1)
    ok = (last_neg >= 0) & (last_neg < cum.shape[1] - 1)
    return np.where(ok, last_neg + 2.0, np.nan)
