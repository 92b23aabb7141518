"""Contracts as the unit of valuation: China, Gazprom and the Russian state over a grid of contracts.

A PoS2 contract ``c`` (:class:`ContractGrid`, one row per contract) has an annual quantity ``ACQ``
(ramping up over ``ramp_years``), a flexibility band ``f`` (the optional share: the firm quantity is
``(1 - f) ACQ``), a take-or-pay share ``tau`` of the firm quantity with ``m`` make-up years, China's
share ``chi`` of the construction cost as equity or as a loan at ``r_L``, and a price formula: an
oil-indexed part ``a + S(Brent lagged)`` with S-curve kinks (:func:`pos2.economics.contract.s_curve_term`),
a JKM-linked part with weight ``w``, a floor and a ceiling, and a level shift ``Delta`` [USD/kcm].

Per path ``p`` and delivery year ``t`` (arrays (contracts, paths, years), vectorised in numpy):

* **China's nomination**: ``q = min(max(min(F, q_A(t_C + omega P)), q_A(P + t_C)), ACQ_t, cap)`` where
  ``q_A(x)`` is the volume whose marginal avoided cost is at least ``x`` (the stack's
  :meth:`~pos2.bargaining.stack.DisplacedCurve.quantity_at_price_bcm`), ``F = tau (1 - f) ACQ_t`` the
  volume paid for anyway, ``omega = 1/(1 + r_C)`` when a deficiency can be made up next year (else
  0), ``t_C`` China's internal transport and ``cap = s_max D - R_other`` the supplier cap on Russia's
  share of China's supply. Paid volume ``Y = max(q, F) - make-up used`` (oldest credit first).
* **China**: ``A(q) - P Y - t_C q - dependence(q)``; the dependence cost is the expected cost of a
  Russian supply cut, ``h L pi / (2 s_ref D) ((R + q)^2 - R^2)``: a cut with hazard ``h`` per year
  lasting ``L`` years loses all Russian gas ``R + q`` and the replacement premium rises linearly with
  the lost share of supply, equal to ``pi`` at the share ``s_ref`` lost by the EU in 2022.
  Capex share (equity: ``chi K`` and ``chi`` of opex; loan: disbursed ``chi K``, repaid as an annuity).
  Reported as the mean NPV and a certainty equivalent ``mean - lambda (mean - CVaR_alpha)``.
* **Gazprom**: ``(1 - d) P Y - (c_up + MET + fuel) q - transit q - (1 - chi_eq) opex - (1 - chi) K``
  less a **hold-up** loss ``H_t theta (1 - tau (1 - f)) (1 - chi_eq) max((1 - d) P - c, 0) q`` with
  ``H_t = 1 - (1 - h_H)^(t+1)`` the probability that China has reopened the terms by year ``t``
  (Williamson 1983; take-or-pay and a Chinese equity stake protect the quasi-rent: Masten & Crocker
  1985, Joskow 1987).
* **The state**: Gazprom plus the export duty ``d P Y`` and the mineral tax ``MET q`` as revenue,
  discounted at the same rate, so its floor lies below Gazprom's by exactly the taxes.

Money: real USD of 2025; volumes bcm/yr at 20 degC, 101.325 kPa (bcm x USD/kcm = million USD).
Discounting: to the start of the valuation year, end-of-year flows; China at ``china_rate``, Gazprom
and the state at ``gazprom_rate`` (one rate per party).

References
----------
Masten, S. E. and Crocker, K. J. (1985). Efficient adaptation in long-term contracts: take-or-pay
provisions for natural gas. *AER* 75(5), 1083-1093. Joskow, P. L. (1987). Contract duration and
relationship-specific investments. *AER* 77(1), 168-185. Williamson, O. E. (1983). Credible
commitments: using hostages to support exchange. *AER* 73(4), 519-540. Rockafellar, R. T. and
Uryasev, S. (2000). Optimization of conditional value-at-risk. *J. Risk* 2(3), 21-41.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from pos2.bargaining.stack import DisplacedCurve, Stack
from pos2.economics.contract import s_curve_term
from pos2.economics.money import capital_recovery_factor
from pos2.errors import BargainingError

GAZPROM_MMBTU_PER_KCM = 32.06
"""Heat content of the contract formula (Gazprom's factor; the PoS1 slope was derived with it)."""


@dataclass(frozen=True)
class ProjectCosts:
    """Pipeline costs from the economics stage (real USD 2025; volumes at 20 degC)."""

    capex_usd2025: float
    """Overnight capex of the pipeline incl. the Mongolian section at the design throughput [USD]."""
    design_bcm_per_year: float
    opex_share_per_year: float
    """Fixed opex as a share of capex [1/yr]."""
    fuel_share: float
    """Fuel gas burnt per unit delivered [-]."""
    fuel_value_usd_per_kcm: float
    upstream_usd_per_kcm: float
    """Gazprom's production cost and upstream transport, excluding MET [USD/1,000 m3]."""
    transit_usd_per_kcm: float
    """Mongolian transit fee [USD/1,000 m3]."""
    china_transport_usd_per_kcm: float
    tariff_usd_per_kcm: float
    """Levelised tariff of the economics stage (reported, not used in the cash flows) [USD/1,000 m3]."""
    construction_years: int
    ramp_years: int
    term_years: int
    capex_scale_exponent: float = 0.6
    """Capex of another ACQ: ``capex (ACQ / design)^e`` (six-tenths rule) [-]."""
    construction_overrun_share: float = 0.0
    """Expected capex overrun [-]."""
    line_km: float = 0.0
    """New pipe of the line, all its sections (the twin's lengths) [km]; prices the direct route per km."""


@dataclass(frozen=True)
class Parties:
    """The parties' rates, taxes, risk attitude, dependence and hold-up inputs."""

    china_rate: float
    gazprom_rate: float
    export_duty_share: float
    met_usd_per_kcm: float
    risk_weight: float
    """lambda of China's mean-CVaR certainty equivalent [-]."""
    cvar_alpha: float
    cut_hazard_per_year: float
    cut_duration_years: float
    cut_premium_usd_per_kcm: float
    cut_reference_share: float
    supplier_cap_share: float
    """Highest share of China's demand from Russia (1: no cap) [-]."""
    holdup_hazard_per_year: float
    holdup_rent_share: float
    dependence: bool = True
    holdup: bool = True

    def __post_init__(self) -> None:
        bad = [
            k
            for k, ok in {
                "china_rate": self.china_rate > -1,
                "gazprom_rate": self.gazprom_rate > -1,
                "export_duty_share": 0 <= self.export_duty_share < 1,
                "risk_weight": self.risk_weight >= 0,
                "cvar_alpha": 0 < self.cvar_alpha <= 1,
                "cut_reference_share": self.cut_reference_share > 0,
                "supplier_cap_share": 0 <= self.supplier_cap_share <= 1,
                "holdup_rent_share": 0 <= self.holdup_rent_share <= 1,
                "holdup_hazard_per_year": 0 <= self.holdup_hazard_per_year <= 1,
                "cut_hazard_per_year": 0 <= self.cut_hazard_per_year <= 1,
            }.items()
            if not ok
        ]
        if bad:
            raise BargainingError("Parties: invalid " + ", ".join(f"{k} = {getattr(self, k)!r}" for k in bad))


@dataclass(frozen=True)
class ContractGrid:
    """PoS2 contracts as a struct of arrays (one entry per contract)."""

    acq_bcm: np.ndarray
    take_or_pay: np.ndarray
    flex_band: np.ndarray
    make_up_years: np.ndarray
    china_share: np.ndarray
    equity: np.ndarray
    """True: China's share is equity; False: a loan [-]."""
    loan_rate: np.ndarray
    loan_years: np.ndarray
    oil_constant_usd_per_mmbtu: np.ndarray
    oil_slope: np.ndarray
    lag_months: np.ndarray
    s_curve_low_usd_per_bbl: np.ndarray
    s_curve_high_usd_per_bbl: np.ndarray
    s_curve_slope: np.ndarray
    jkm_weight: np.ndarray
    hub_slope: np.ndarray
    hub_constant_usd_per_mmbtu: np.ndarray
    floor_usd_per_mmbtu: np.ndarray
    ceiling_usd_per_mmbtu: np.ndarray
    price_shift_usd_per_kcm: np.ndarray

    DEFAULTS: Any = None  # set below

    def __post_init__(self) -> None:
        n = None
        for f in fields(self):
            if f.name == "DEFAULTS":
                continue
            a = np.atleast_1d(np.asarray(getattr(self, f.name)))
            object.__setattr__(self, f.name, a)
            if n is None:
                n = a.shape[0]
            elif a.shape != (n,):
                raise BargainingError(f"ContractGrid.{f.name} has shape {a.shape}, expected ({n},)")
        checks = {
            "acq_bcm": np.all(self.acq_bcm > 0),
            "take_or_pay": np.all((self.take_or_pay >= 0) & (self.take_or_pay <= 1)),
            "flex_band": np.all((self.flex_band >= 0) & (self.flex_band <= 1)),
            "make_up_years": np.all(self.make_up_years >= 0),
            "china_share": np.all((self.china_share >= 0) & (self.china_share <= 1)),
            "lag_months": np.all((self.lag_months >= 0) & (self.lag_months <= 12)),
            "jkm_weight": np.all((self.jkm_weight >= 0) & (self.jkm_weight <= 1)),
            "ceiling_usd_per_mmbtu": np.all(self.ceiling_usd_per_mmbtu >= self.floor_usd_per_mmbtu),
            "s_curve_high_usd_per_bbl": np.all(self.s_curve_high_usd_per_bbl >= self.s_curve_low_usd_per_bbl),
            "loan_years": np.all(self.loan_years >= 1),
        }
        bad = [k for k, ok in checks.items() if not ok]
        if bad:
            raise BargainingError("ContractGrid: invalid " + ", ".join(bad))

    @property
    def n(self) -> int:
        """Number of contracts."""
        return int(self.acq_bcm.shape[0])

    @classmethod
    def from_rows(cls, rows: list[dict[str, Any]]) -> ContractGrid:
        """A grid from one dict of terms per contract; missing terms take :data:`CONTRACT_DEFAULTS`."""
        names = [f.name for f in fields(cls) if f.name != "DEFAULTS"]
        for r in rows:
            unknown = set(r) - set(names)
            if unknown:
                raise BargainingError(f"unknown contract terms {sorted(unknown)}")
        cols = {k: np.array([r.get(k, CONTRACT_DEFAULTS[k]) for r in rows]) for k in names}
        return cls(**cols)

    def take(self, idx: np.ndarray | slice) -> ContractGrid:
        """The contracts at ``idx``."""
        return ContractGrid(
            **{f.name: getattr(self, f.name)[idx] for f in fields(self) if f.name != "DEFAULTS"}
        )

    def with_terms(self, **terms: Any) -> ContractGrid:
        """The same contracts with some terms replaced (scalars broadcast)."""
        new = {k: np.broadcast_to(np.asarray(v), (self.n,)).copy() for k, v in terms.items()}
        return replace(self, **new)

    def row(self, i: int) -> dict[str, float]:
        """Terms of contract ``i`` as plain numbers."""
        return {f.name: getattr(self, f.name)[i].item() for f in fields(self) if f.name != "DEFAULTS"}


CONTRACT_DEFAULTS: dict[str, Any] = {
    "acq_bcm": 50.0,
    "take_or_pay": 0.85,
    "flex_band": 0.0,
    "make_up_years": 0,
    "china_share": 0.0,
    "equity": False,
    "loan_rate": 0.04,
    "loan_years": 10,
    "oil_constant_usd_per_mmbtu": 0.0,
    "oil_slope": 0.11,
    "lag_months": 9,
    "s_curve_low_usd_per_bbl": 0.0,
    "s_curve_high_usd_per_bbl": np.inf,
    "s_curve_slope": 0.0,
    "jkm_weight": 0.0,
    "hub_slope": 0.9,
    "hub_constant_usd_per_mmbtu": 0.0,
    "floor_usd_per_mmbtu": 0.0,
    "ceiling_usd_per_mmbtu": np.inf,
    "price_shift_usd_per_kcm": 0.0,
}
"""Terms a row of :meth:`ContractGrid.from_rows` leaves out (a plain oil-indexed contract)."""


def contract_price_usd_per_kcm(grid: ContractGrid, brent: np.ndarray, jkm: np.ndarray) -> np.ndarray:
    """Annual contract price (contracts, paths, years) [USD/1,000 m3].

    The oil index is the annual mean Brent lagged by ``lag`` months (linear in the annual means:
    ``(1 - lag/12) B_t + lag/12 B_(t-1)``); the S-curve, floor and ceiling act on annual means.

    Parameters
    ----------
    grid
        Contracts [-].
    brent
        Annual Brent (paths, years) [USD/bbl].
    jkm
        Annual JKM (paths, years) [USD/MMBtu].
    """
    c = lambda a: a[:, None, None]  # noqa: E731
    lag = c(grid.lag_months / 12.0)
    prev = np.concatenate([brent[:, :1], brent[:, :-1]], axis=1)
    index = (1.0 - lag) * brent[None] + lag * prev[None]
    oil = c(grid.oil_slope) * index
    kinked = (grid.s_curve_low_usd_per_bbl > 0) | np.isfinite(grid.s_curve_high_usd_per_bbl)
    if kinked.any():  # the S-curve only where a contract has kinks (the same formula otherwise)
        k = np.flatnonzero(kinked)
        oil[k] = s_curve_term(
            index[k],
            c(grid.oil_slope[k]),
            c(grid.s_curve_low_usd_per_bbl[k]),
            c(grid.s_curve_high_usd_per_bbl[k]),
            c(grid.s_curve_slope[k]),
        )
    oil += c(grid.oil_constant_usd_per_mmbtu)
    w = c(grid.jkm_weight)
    if np.any(grid.jkm_weight > 0):
        hub = c(grid.hub_constant_usd_per_mmbtu) + c(grid.hub_slope) * jkm[None]
        p = (1.0 - w) * oil + w * hub
    else:
        p = oil
    if np.any(grid.floor_usd_per_mmbtu > 0) or np.any(np.isfinite(grid.ceiling_usd_per_mmbtu)):
        np.clip(p, c(grid.floor_usd_per_mmbtu), c(grid.ceiling_usd_per_mmbtu), out=p)
    return p * GAZPROM_MMBTU_PER_KCM + c(grid.price_shift_usd_per_kcm)


@dataclass(frozen=True)
class ContractValues:
    """Each party's value of every contract of a grid (index = contract)."""

    china_npv_musd: np.ndarray
    """China's NPV per contract and path (contracts, paths) [million USD]."""
    china_mean_musd: np.ndarray
    china_ce_musd: np.ndarray
    """Certainty equivalent ``mean - lambda (mean - CVaR_alpha)`` [million USD]."""
    china_pv_volume_bcm: np.ndarray
    """Expected discounted volume taken at China's rate [bcm]."""
    gazprom_mean_musd: np.ndarray
    state_mean_musd: np.ndarray
    russia_pv_volume_bcm: np.ndarray
    """Expected discounted volume taken at Gazprom's rate [bcm]."""
    pv_taxes_musd: np.ndarray
    """Expected discounted export duty and MET at Gazprom's rate [million USD]."""
    price_level_usd_per_kcm: np.ndarray
    """Mean contract price over paths and delivery years [USD/1,000 m3]."""
    mean_taken_bcm: np.ndarray
    """Mean annual volume taken at plateau (years after the ramp) [bcm/yr]."""

    def china_value_per_kcm(self) -> np.ndarray:
        """China's NPV per path divided by its expected discounted volume (contracts, paths) [USD/kcm]."""
        return self.china_npv_musd / np.maximum(self.china_pv_volume_bcm, 1e-12)[:, None]


def cvar(values: np.ndarray, alpha: float) -> np.ndarray:
    """Mean of the worst ``alpha`` share along the last axis (Rockafellar & Uryasev 2000).

    >>> float(cvar(np.array([1.0, 2.0, 3.0, 4.0]), 0.5))
    1.5
    """
    n = values.shape[-1]
    k = max(1, int(np.floor(alpha * n + 1e-9)))
    part = np.partition(values, k - 1, axis=-1)[..., :k]
    return np.asarray(part.mean(axis=-1))


def _paid_with_make_up(q: np.ndarray, floor: np.ndarray, years_mu: np.ndarray) -> np.ndarray:
    """Paid volume with take-or-pay deficiencies recoverable for ``years_mu`` years, oldest first.

    ``q`` (c, P, T), ``floor`` (c, 1, T), ``years_mu`` (c,).
    """
    kmax = int(years_mu.max())
    if kmax == 0:
        return np.maximum(q, floor)
    # year-major, contiguous copies: each year's (contract, path) slab is read in one sweep
    qt_all = np.ascontiguousarray(np.moveaxis(q, -1, 0))
    ft_all = np.ascontiguousarray(np.moveaxis(np.broadcast_to(floor, q.shape), -1, 0))
    ny, c, n = qt_all.shape
    # credits[j] expire after j more years; a deficiency of a contract with m make-up years enters slot m-1
    credits = np.zeros((kmax, c, n))
    slot = (np.arange(kmax)[:, None] == (years_mu[None, :] - 1))[:, :, None]  # (kmax, c, 1)
    paid = np.empty_like(qt_all)
    excess = np.empty((c, n))
    used = np.empty((c, n))
    u = np.empty((c, n))
    for t in range(ny):
        qt, ft = qt_all[t], ft_all[t]
        np.subtract(qt, ft, out=excess)
        np.maximum(excess, 0.0, out=excess)
        used.fill(0.0)
        for j in range(kmax):
            np.subtract(excess, used, out=u)
            np.minimum(credits[j], u, out=u)
            credits[j] -= u
            used += u
        np.maximum(qt, ft, out=paid[t])
        paid[t] -= used
        credits[:-1] = credits[1:]
        credits[-1] = 0.0
        credits += slot * np.maximum(ft - qt, 0.0)[None]
    return np.moveaxis(paid, 0, -1)


def value_contracts(
    grid: ContractGrid,
    stack: Stack,
    costs: ProjectCosts,
    parties: Parties,
    *,
    curve: DisplacedCurve | None = None,
    chunk_elements: int = 1_000_000,
) -> ContractValues:
    """Value every contract of ``grid`` for China, Gazprom and the state on the stack's paths.

    Parameters
    ----------
    grid
        Contracts [-].
    stack
        China's supply stack (market and merit order) with as many years as the contract term [-].
    costs
        Pipeline costs from the economics stage [-].
    parties
        Rates, taxes, risk, dependence and hold-up inputs [-].
    curve
        Displaced-supply curve already built for ``max(grid.acq_bcm)`` or more [-].
    chunk_elements
        Contracts are valued in chunks of about this many (contract, path, year) cells (memory:
        about 15 float64 arrays of this size) [-].
    """
    m = stack.market
    n_paths, ny = m.shape
    if ny != costs.term_years:
        raise BargainingError(f"the stack has {ny} years, the contract term is {costs.term_years}")
    q_max = float(grid.acq_bcm.max())
    disp = curve if curve is not None and curve.q_max_bcm >= q_max else stack.displaced(q_max)
    cy = costs.construction_years
    t = np.arange(ny)
    d_c = (1.0 + parties.china_rate) ** -(cy + t + 1.0)
    d_g = (1.0 + parties.gazprom_rate) ** -(cy + t + 1.0)
    dc_build = (1.0 + parties.china_rate) ** -(np.arange(cy) + 1.0)
    dg_build = (1.0 + parties.gazprom_rate) ** -(np.arange(cy) + 1.0)
    ramp = np.minimum(1.0, (t + 1.0) / max(costs.ramp_years, 1))
    demand = m.demand_bcm
    russian = stack.russian_bcm
    if parties.dependence:
        cap = np.maximum(parties.supplier_cap_share * demand - russian, 0.0)
        k_dep = (
            min(1.0, parties.cut_hazard_per_year * parties.cut_duration_years)
            * parties.cut_premium_usd_per_kcm
            / (2.0 * parties.cut_reference_share * demand)
        )
    else:
        cap = np.full_like(demand, np.inf)
        k_dep = np.zeros_like(demand)
    t_c = costs.china_transport_usd_per_kcm
    var_g = (
        costs.upstream_usd_per_kcm + parties.met_usd_per_kcm + costs.fuel_share * costs.fuel_value_usd_per_kcm
    )
    duty = parties.export_duty_share
    h_cum = 1.0 - (1.0 - parties.holdup_hazard_per_year) ** (t + 1.0) if parties.holdup else np.zeros(ny)

    q_free = disp.quantity_at_flat_price_bcm(t_c)
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("cn", "g", "s", "vc", "vg", "tax", "pl", "mt")}
    step = max(1, chunk_elements // (n_paths * ny))
    for lo in range(0, grid.n, step):
        g = grid.take(slice(lo, lo + step))
        c = lambda a: a[:, None, None]  # noqa: E731
        price = contract_price_usd_per_kcm(g, m.brent_usd_per_bbl, m.jkm_usd_per_mmbtu)
        hi = c(g.acq_bcm) * ramp[None, None, :]
        floor = c(g.take_or_pay * (1.0 - g.flex_band)) * hi
        # units up to the take-or-pay floor cost China only its transport, plus (with make-up) the
        # discounted credit it gives up: q(t_C) is the same for every contract without make-up
        q_top = np.broadcast_to(np.minimum(floor, q_free[None]), price.shape).copy()
        mu = g.make_up_years > 0
        if mu.any():
            omega = 1.0 / (1.0 + parties.china_rate)
            q_top[mu] = np.minimum(floor[mu], disp.quantity_at_price_bcm(t_c + omega * price[mu]))
        q = np.maximum(q_top, disp.quantity_at_price_bcm(price + t_c))
        q = np.minimum(q, np.minimum(hi, cap[None]))
        paid = _paid_with_make_up(q, floor, g.make_up_years.astype(int))
        avoided = disp.avoided_musd(q)
        dep = k_dep[None] * ((russian[None] + q) ** 2 - russian[None] ** 2)
        china_y = avoided - price * paid - t_c * q - dep
        capex = (
            costs.capex_usd2025
            * (g.acq_bcm / costs.design_bcm_per_year) ** costs.capex_scale_exponent
            * (1.0 + costs.construction_overrun_share)
            / 1e6
        )  # million USD
        eq = np.where(g.equity, g.china_share, 0.0)
        loan = np.where(g.equity, 0.0, g.china_share)
        opex = costs.opex_share_per_year * capex
        # loan repaid as an annuity over loan_years from first gas; balance grows at the loan rate
        balance = loan * capex / cy * ((1.0 + g.loan_rate) ** np.arange(cy)[:, None]).sum(0)
        annuity = balance * np.array(
            [
                capital_recovery_factor(float(r), int(n))
                for r, n in zip(g.loan_rate, g.loan_years, strict=True)
            ]
        )
        repay = np.where(t[None, :] < g.loan_years[:, None], annuity[:, None], 0.0)  # (c, T)
        rev = price * paid
        quasi_rent = np.maximum((1.0 - duty) * price - var_g - costs.transit_usd_per_kcm, 0.0)
        protect = c(1.0 - g.take_or_pay * (1.0 - g.flex_band)) * c(1.0 - eq)
        holdup = h_cum[None, None, :] * parties.holdup_rent_share * protect * quasi_rent * q
        gaz_y = (
            (1.0 - duty) * rev
            - (var_g + costs.transit_usd_per_kcm) * q
            - c((1.0 - eq) * opex)
            - holdup
            - repay[:, None, :]
        )
        taxes = duty * rev + parties.met_usd_per_kcm * q
        china_y = china_y - c(eq * opex) + repay[:, None, :]
        build_c = (eq + loan) * capex / cy
        build_g = (1.0 - eq - loan) * capex / cy
        china_npv = china_y @ d_c - (build_c[:, None] * dc_build[None, :]).sum(1)[:, None]
        gaz_npv = (gaz_y @ d_g).mean(1) - (build_g[:, None] * dg_build[None, :]).sum(1)
        tax_pv = (taxes @ d_g).mean(1)
        out["cn"].append(china_npv)
        out["g"].append(gaz_npv)
        out["s"].append(gaz_npv + tax_pv)
        out["tax"].append(tax_pv)
        out["vc"].append((q @ d_c).mean(1))
        out["vg"].append((q @ d_g).mean(1))
        out["pl"].append(price.mean((1, 2)))
        out["mt"].append(
            q[:, :, costs.ramp_years :].mean((1, 2)) if costs.ramp_years < ny else q.mean((1, 2))
        )
    cn = np.concatenate(out["cn"])
    mean = cn.mean(1)
    ce = mean - parties.risk_weight * (mean - cvar(cn, parties.cvar_alpha))
    return ContractValues(
        china_npv_musd=cn,
        china_mean_musd=mean,
        china_ce_musd=ce,
        china_pv_volume_bcm=np.concatenate(out["vc"]),
        gazprom_mean_musd=np.concatenate(out["g"]),
        state_mean_musd=np.concatenate(out["s"]),
        russia_pv_volume_bcm=np.concatenate(out["vg"]),
        pv_taxes_musd=np.concatenate(out["tax"]),
        price_level_usd_per_kcm=np.concatenate(out["pl"]),
        mean_taken_bcm=np.concatenate(out["mt"]),
    )


def _solve_shift(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    n: int,
    lo: float | np.ndarray = -2000.0,
    hi: float | np.ndarray = 3000.0,
    tol: float = 1e-4,
    wide: tuple[float, float] | None = None,
) -> np.ndarray:
    """Roots in the price shift of ``f`` (one per contract) by the Illinois regula falsi.

    ``f(x, rows)`` maps the shifts ``x`` of the contracts ``rows`` (indices into the ``n``) to their
    values; a contract without a sign change in [lo, hi] (and, when ``wide`` is given, in that wider
    bracket tried next) gets NaN. Each root stops on its own test (its step below ``tol`` or its value
    zero to rounding), so a contract's root does not depend on which other contracts are searched with
    it — and each step values only the contracts still searching (a search's cost falls as its easy
    roots converge).
    """
    everyone = np.arange(n)
    a, b = (
        np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy(),
        np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy(),
    )
    fa, fb = f(a, everyone), f(b, everyone)
    ok = np.sign(fa) * np.sign(fb) <= 0
    if wide is not None and not ok.all():  # the narrow guess missed: those roots start from the wide bracket
        miss = np.flatnonzero(~ok)
        a[miss], b[miss] = wide[0], wide[1]
        fa, fb = fa.copy(), fb.copy()
        fa[miss], fb[miss] = f(a[miss], miss), f(b[miss], miss)
        ok = np.sign(fa) * np.sign(fb) <= 0
    done = ~ok
    side = np.zeros(n)
    x = 0.5 * (a + b)
    scale = np.maximum(np.abs(fa), np.abs(fb))
    for i in range(200):
        x_prev = x
        step = np.where(fb != fa, (a * fb - b * fa) / np.where(fb != fa, fb - fa, 1.0), 0.5 * (a + b))
        x = np.where(done, x_prev, step)
        # converged: the root moved less than tol, or sits where f vanishes to rounding
        if i > 1:
            done |= np.abs(x - x_prev) < tol
        if np.all(done):
            break
        searching = np.flatnonzero(~done)
        fx = np.zeros(n)  # contracts already done keep their bracket: their fx is never read
        fx[searching] = f(x[searching], searching)
        done |= np.abs(fx) <= 1e-12 * scale
        live = ~done
        left = np.sign(fx) == np.sign(fa)
        # Illinois: halve the retained end's value when the same end is kept twice
        fb = np.where(live & left & (side == -1), fb / 2.0, fb)
        fa = np.where(live & ~left & (side == 1), fa / 2.0, fa)
        a, fa = np.where(live & left, x, a), np.where(live & left, fx, fa)
        b, fb = np.where(live & ~left, x, b), np.where(live & ~left, fx, fb)
        side = np.where(live, np.where(left, -1, 1), side)
    else:
        raise BargainingError(f"the limit-price search did not converge in 200 steps (tolerance {tol})")
    return np.where(ok, x, np.nan)


@dataclass(frozen=True)
class Limits:
    """Each party's limit price for every contract [USD/1,000 m3] and the surplus [million USD]."""

    price_level_base_usd_per_kcm: np.ndarray
    """Mean contract price of each contract at zero shift [USD/1,000 m3]."""
    china_max_usd_per_kcm: np.ndarray
    """Price at which China's certainty equivalent is zero (indifferent to no deal)."""
    gazprom_min_usd_per_kcm: np.ndarray
    state_min_usd_per_kcm: np.ndarray
    joint_surplus_musd: np.ndarray
    """China's certainty equivalent plus the state's NPV at China's limit (transfers cancel) [million USD]."""
    taxes_at_gazprom_min_usd_per_kcm: np.ndarray
    """Discounted duty and MET over discounted volume at Gazprom's limit [USD/1,000 m3]."""

    @property
    def feasible(self) -> np.ndarray:
        """True where China's limit is at least Gazprom's (and the state's) [-]."""
        return self.china_max_usd_per_kcm >= np.maximum(
            self.gazprom_min_usd_per_kcm, self.state_min_usd_per_kcm
        )


GUESS_HALF_WIDTH_USD_PER_KCM = 150.0
"""Half width of the first bracket around a guessed limit price [USD/1,000 m3]."""

LIMIT_PARTIES: tuple[str, ...] = ("china", "gazprom", "state")
"""The parties whose limit prices :func:`limit_prices` can search for."""


def limit_prices(
    grid: ContractGrid,
    stack: Stack,
    costs: ProjectCosts,
    parties: Parties,
    *,
    tol: float = 1e-4,
    which: tuple[str, ...] = LIMIT_PARTIES,
    guess_usd_per_kcm: Mapping[str, float] | None = None,
) -> Limits:
    """China's highest, Gazprom's and the state's lowest price for every contract of ``grid``.

    Each limit is found in the level shift ``Delta`` of the contract's formula and reported as the mean
    contract price over paths and years at that shift (``price level at zero shift + Delta``). The
    searches of the parties in ``which`` run together, one valuation of the stacked contracts per step;
    limits of the parties left out are NaN (and so are the joint surplus without China and the taxes
    without Gazprom). ``guess_usd_per_kcm`` (party -> price level) starts each search in a bracket of
    +-:data:`GUESS_HALF_WIDTH_USD_PER_KCM` around the guess, widened to the full range where the root
    is not inside: fewer valuations, the same roots to ``tol``.
    """
    unknown = set(which) - set(LIMIT_PARTIES)
    if unknown or not which:
        raise BargainingError(f"which must name some of {LIMIT_PARTIES}, got {which}")
    curve = stack.displaced(float(grid.acq_bcm.max()))
    n, k = grid.n, len(which)
    stacked = grid.take(np.tile(np.arange(n), k))

    def at(g: ContractGrid, shift: np.ndarray) -> ContractValues:
        return value_contracts(
            g.with_terms(price_shift_usd_per_kcm=shift), stack, costs, parties, curve=curve
        )

    def values(shift: np.ndarray, rows: np.ndarray) -> np.ndarray:
        # rows index the stacked searches: party which[row // n], contract row % n
        v = at(stacked.take(rows), shift)
        series = {"china": v.china_ce_musd, "gazprom": v.gazprom_mean_musd, "state": v.state_mean_musd}
        party = rows // n
        out = np.empty(len(rows))
        for i, w in enumerate(which):
            mine = party == i
            out[mine] = series[w][mine]
        return out

    if guess_usd_per_kcm is None:
        roots = _solve_shift(values, n * k, tol=tol)
    else:
        level0 = at(grid, np.zeros(n)).price_level_usd_per_kcm
        centre = np.concatenate([guess_usd_per_kcm[w] - level0 for w in which])
        h = GUESS_HALF_WIDTH_USD_PER_KCM
        roots = _solve_shift(values, n * k, lo=centre - h, hi=centre + h, tol=tol, wide=(-2000.0, 3000.0))
    d = {w: roots[i * n : (i + 1) * n] for i, w in enumerate(which)}
    nan = np.full(n, np.nan)
    d_c, d_g = d.get("china", nan), d.get("gazprom", nan)
    # China's and Gazprom's positions at their limits, valued together (the base level at zero shift)
    both = at(
        grid.take(np.tile(np.arange(n), 3)),
        np.concatenate([np.zeros(n), np.nan_to_num(d_c), np.nan_to_num(d_g)]),
    )
    base = both.price_level_usd_per_kcm[:n]
    ce_c, st_c = both.china_ce_musd[n : 2 * n], both.state_mean_musd[n : 2 * n]
    taxes_g = both.pv_taxes_musd[2 * n :] / np.maximum(both.russia_pv_volume_bcm[2 * n :], 1e-12)
    return Limits(
        price_level_base_usd_per_kcm=base,
        china_max_usd_per_kcm=base + d_c,
        gazprom_min_usd_per_kcm=base + d_g,
        state_min_usd_per_kcm=base + d.get("state", nan),
        joint_surplus_musd=np.where(np.isnan(d_c), np.nan, ce_c + st_c),
        taxes_at_gazprom_min_usd_per_kcm=np.where(np.isnan(d_g), np.nan, taxes_g),
    )


def nash_prices(
    grid: ContractGrid,
    stack: Stack,
    costs: ProjectCosts,
    parties: Parties,
    limits: Limits,
    china_power: float,
    *,
    iterations: int = 60,
    tol_usd_per_kcm: float = 1e-3,
) -> np.ndarray:
    """Generalised Nash price per contract: ``argmax CE_China^beta * NPV_Gazprom^(1 - beta)`` [USD/kcm].

    Golden-section search on the shift between Gazprom's and China's limits (Nash 1950; Kalai 1977),
    one new evaluation per step, until every bracket is narrower than ``tol_usd_per_kcm``; NaN where
    the contract is infeasible.
    """
    if not 0 <= china_power <= 1:
        raise BargainingError(f"china_power must lie in [0, 1], got {china_power}")
    curve = stack.displaced(float(grid.acq_bcm.max()))
    base = limits.price_level_base_usd_per_kcm
    lo = limits.gazprom_min_usd_per_kcm - base
    hi = limits.china_max_usd_per_kcm - base
    ok = np.isfinite(lo) & np.isfinite(hi) & (hi >= lo)
    lo, hi = np.where(ok, lo, 0.0), np.where(ok, hi, 0.0)

    def objective(s: np.ndarray) -> np.ndarray:
        v = value_contracts(grid.with_terms(price_shift_usd_per_kcm=s), stack, costs, parties, curve=curve)
        uc, ug = np.maximum(v.china_ce_musd, 1e-12), np.maximum(v.gazprom_mean_musd, 1e-12)
        return np.asarray(china_power * np.log(uc) + (1.0 - china_power) * np.log(ug))

    g = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = lo.copy(), hi.copy()
    x1, x2 = b - g * (b - a), a + g * (b - a)
    f1, f2 = objective(x1), objective(x2)
    for _ in range(iterations):
        if np.all(b - a < tol_usd_per_kcm):
            break
        left = f1 >= f2
        b = np.where(left, x2, b)
        a = np.where(left, a, x1)
        # one new point per contract: the kept interior point carries its value over
        new = np.where(left, b - g * (b - a), a + g * (b - a))
        f_new = objective(new)
        x1, x2 = np.where(left, new, x2), np.where(left, x1, new)
        f1, f2 = np.where(left, f_new, f2), np.where(left, f1, f_new)
    return np.where(ok, base + 0.5 * (a + b), np.nan)


def efficient_terms(limits: Limits) -> int:
    """Index of the feasible contract with the largest joint surplus (-1 when none is feasible)."""
    js = np.where(limits.feasible, limits.joint_surplus_musd, -np.inf)
    return int(np.argmax(js)) if np.isfinite(js).any() else -1
