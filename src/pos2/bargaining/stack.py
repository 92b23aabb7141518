"""China's gas supply stack over Monte Carlo paths: a merit-order dispatch that knows contracts.

For every path ``p`` and delivery year ``t`` China meets its demand ``D`` at least cost from supply
*blocks*, each with a capacity and a constant marginal cost [USD/1,000 m3] (volumes in bcm/yr at
20 degC, 101.325 kPa, so capacity x cost is in million USD):

* domestic production (CNPC ETRI path, a lognormal random walk around it);
* every contract ``k`` of the portfolio (:mod:`pos2.bargaining.portfolio`) as two blocks:

  - the **take-or-pay block** (``tau_k V_k``): paid for whether lifted or not, so its marginal cost
    is the regas/transport ``f_k`` plus what the cargo would fetch if resold: ``max(R, 0)`` when the
    contract is divertible (``R`` = JKM - diversion cost, the resale netback), nothing when it is
    destination-locked;
  - the **flexible block** (``(1 - tau_k) V_k``): ``f_k + P_k`` (variable price) when locked,
    ``f_k + max(P_k, R)`` when divertible (a lifted cargo could also be resold);

  and a constant ``tau V P + V fee - tau V R+ - (1 - tau) V (R - P)+`` (the sunk payments less the
  resale revenue of gas not consumed) — the dual of the physical formulation in
  :mod:`pos2.bargaining.stack_lp`, which the tests use as the oracle;
* spot LNG (JKM + regas) up to the regasification capacity the LNG contracts leave free, and a
  backstop (fuel switching or demand cuts).

The least cost ``C(x)`` of a net demand ``x`` is the integral of the sorted marginal costs: a convex
piecewise-linear function. China's **avoided cost** of taking ``q`` of PoS2 gas is
``A(q) = C(D) - C(D - q)``, a concave piecewise-linear function of ``q`` (the displaced-supply
curve), stored per path-year as the lines whose minimum it is (:class:`DisplacedCurve`), so that many
``q`` are evaluated at once.

Prices: Brent and JKM from the economics' Schwartz–Smith simulator
(:func:`pos2.economics.prices.simulate_prices`, annual means); JKM rescaled year by year so that its
mean follows a **forward-anchored deck** (:func:`lng_deck`) — the 2026 forecast converging to a
long-run level — instead of a flat level. The Strait of Hormuz follows a two-state Markov chain per
path; in a closure year the Hormuz-dependent contracts lose the closed share of the year and JKM is
scaled up over that share.

References
----------
Schwartz, E. and Smith, J. E. (2000). Short-term variations and long-term dynamics in commodity
prices. *Management Science* 46(7), 893-911. Dantzig, G. B. (1963). *Linear Programming and
Extensions* (merit order = greedy solution of the single-balance LP with box bounds).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Literal, TypeVar

import numpy as np

from pos2.bargaining.portfolio import Portfolio
from pos2.economics.prices import PriceModel, expected_price, simulate_prices
from pos2.errors import BargainingError, InfeasibleError

PortfolioMode = Literal["contracts", "flexible"]


@dataclass(frozen=True)
class StackSettings:
    """Inputs of China's supply stack (money: real USD 2025; volumes: bcm/yr at 20 degC)."""

    valuation_year: int
    """Start of the price simulation [yr]."""
    first_year: int
    """First delivery year of the stack [yr]."""
    n_years: int
    n_paths: int
    seed: int
    demand_base_bcm: float
    demand_base_year: int
    demand_growth_per_year: float
    demand_peak_bcm: float
    demand_volatility: float
    """Volatility of log demand, a random walk from the valuation year [1/sqrt(yr)]."""
    domestic_base_bcm: float
    domestic_base_year: int
    domestic_growth_bcm_per_year: float
    domestic_plateau_bcm: float
    domestic_volatility: float
    domestic_cost_usd_per_kcm: float
    hormuz_p_close: float
    """Probability per year that an open strait closes [1/yr]."""
    hormuz_p_stay: float
    """Probability that a closure continues into the next year [1/yr]."""
    hormuz_closed_share: float
    """Share of a closure year with the strait shut [-]."""
    jkm_spike_ratio: float
    """JKM while shut relative to the path's level [-]."""
    jkm_anchor_usd_per_mmbtu: float
    jkm_anchor_year: int
    jkm_long_run_usd_per_mmbtu: float
    deck_half_life_years: float
    hh_usd_per_mmbtu: float
    diversion_cost_usd_per_mmbtu: float
    regas_capacity_bcm: float
    """China's regasification capacity in ``regas_base_year``; spot LNG may use what the LNG
    contracts leave [bcm/yr]."""
    regas_base_year: int
    regas_growth_bcm_per_year: float
    regas_usd_per_kcm: float
    lng_mmbtu_per_kcm: float
    backstop_usd_per_kcm: float
    backstop_capacity_bcm: float = 1.0e4
    portfolio_mode: PortfolioMode = "contracts"
    """``contracts``: as signed; ``flexible``: no take-or-pay, every LNG cargo divertible at no cost."""

    def __post_init__(self) -> None:
        checks = {
            "n_years": self.n_years >= 1,
            "n_paths": self.n_paths >= 1,
            "first_year": self.first_year >= self.valuation_year,
            "demand_volatility": self.demand_volatility >= 0,
            "domestic_volatility": self.domestic_volatility >= 0,
            "hormuz_p_close": 0 <= self.hormuz_p_close <= 1,
            "hormuz_p_stay": 0 <= self.hormuz_p_stay <= 1,
            "hormuz_closed_share": 0 <= self.hormuz_closed_share <= 1,
            "jkm_spike_ratio": self.jkm_spike_ratio >= 1,
            "deck_half_life_years": self.deck_half_life_years > 0,
            "jkm_long_run_usd_per_mmbtu": self.jkm_long_run_usd_per_mmbtu > 0,
            "jkm_anchor_usd_per_mmbtu": self.jkm_anchor_usd_per_mmbtu > 0,
            "portfolio_mode": self.portfolio_mode in ("contracts", "flexible"),
        }
        bad = [k for k, ok in checks.items() if not ok]
        if bad:
            raise BargainingError(
                "StackSettings: invalid " + ", ".join(f"{k} = {getattr(self, k)!r}" for k in bad)
            )

    @property
    def years(self) -> np.ndarray:
        """Delivery years of the stack [yr]."""
        return np.arange(self.first_year, self.first_year + self.n_years)


def lng_deck(settings: StackSettings, years: np.ndarray) -> np.ndarray:
    """Forward-anchored JKM deck [USD/MMBtu]: the anchor converging exponentially to the long run.

    ``L + (A - L) * 2^(-(y - y_A) / h)`` with anchor ``A`` in year ``y_A``, long-run level ``L`` and
    half-life ``h``.

    >>> s = _example_settings()
    >>> [round(float(v), 3) for v in lng_deck(s, np.array([2026, 2029]))]
    [9.75, 8.875]
    """
    y = np.asarray(years, dtype=float) - settings.jkm_anchor_year
    lr, a = settings.jkm_long_run_usd_per_mmbtu, settings.jkm_anchor_usd_per_mmbtu
    return lr + (a - lr) * np.exp2(-np.maximum(y, 0.0) / settings.deck_half_life_years)


@dataclass(frozen=True)
class Market:
    """One Monte Carlo draw of China's market, arrays of shape (paths, years)."""

    years: np.ndarray
    brent_usd_per_bbl: np.ndarray
    jkm_usd_per_mmbtu: np.ndarray
    """Annual mean JKM including the Hormuz closure spike [USD/MMBtu]."""
    hh_usd_per_mmbtu: np.ndarray
    demand_bcm: np.ndarray
    domestic_bcm: np.ndarray
    hormuz_closed: np.ndarray
    """True in a closure year [-]."""
    hormuz_lost_share: np.ndarray
    """Share of the year's Hormuz-dependent contract volume lost [-]."""

    @property
    def shape(self) -> tuple[int, int]:
        """(paths, years)."""
        return (int(self.demand_bcm.shape[0]), int(self.demand_bcm.shape[1]))


def _random_walk(rng: np.random.Generator, n_paths: int, n_steps: int, sigma: float) -> np.ndarray:
    """exp(sigma W_t - sigma^2 t / 2) for t = 1..n_steps: a mean-one lognormal random walk."""
    z = rng.standard_normal((n_paths, n_steps))  # drawn even when sigma = 0: the other draws stay put
    t = np.arange(1, n_steps + 1)
    return np.exp(sigma * np.cumsum(z, axis=1) - 0.5 * sigma**2 * t)


def mean_demand_bcm(settings: StackSettings, years: np.ndarray) -> np.ndarray:
    """Expected demand: compound growth from the base year, capped at the peak [bcm/yr]."""
    t = np.asarray(years, dtype=float) - settings.demand_base_year
    path = settings.demand_base_bcm * (1.0 + settings.demand_growth_per_year) ** t
    return np.minimum(path, max(settings.demand_peak_bcm, settings.demand_base_bcm))


def mean_domestic_bcm(settings: StackSettings, years: np.ndarray) -> np.ndarray:
    """Expected domestic production: linear growth to the plateau [bcm/yr]."""
    t = np.asarray(years, dtype=float) - settings.domestic_base_year
    path = settings.domestic_base_bcm + settings.domestic_growth_bcm_per_year * np.maximum(t, 0.0)
    return np.minimum(path, max(settings.domestic_plateau_bcm, settings.domestic_base_bcm))


def regas_capacity_bcm(settings: StackSettings, years: np.ndarray) -> np.ndarray:
    """Regasification capacity per year: linear growth from the base year [bcm/yr]."""
    t = np.maximum(np.asarray(years, dtype=float) - settings.regas_base_year, 0.0)
    return settings.regas_capacity_bcm + settings.regas_growth_bcm_per_year * t


def _hormuz_chain(settings: StackSettings, u: np.ndarray) -> np.ndarray:
    """Two-state Markov chain per path from the stationary distribution, (paths, n_steps) bool.

    ``u`` are the chain's uniform draws, (paths, n_steps + 1): the first picks the starting state.
    """
    p, q = settings.hormuz_p_close, settings.hormuz_p_stay
    pi = p / (1.0 - q + p) if (1.0 - q + p) > 0 else 0.0
    n_steps = u.shape[1] - 1
    out = np.empty((u.shape[0], n_steps), dtype=bool)
    state = u[:, 0] < pi
    for i in range(n_steps):
        state = np.where(state, u[:, i + 1] < q, u[:, i + 1] < p)
        out[:, i] = state
    return out


@dataclass(frozen=True)
class MarketDraws:
    """The random part of a market draw, before the Hormuz regime is applied (paths, years).

    Nothing here depends on the Hormuz inputs (``hormuz_p_close``, ``hormuz_p_stay``,
    ``hormuz_closed_share``, ``jkm_spike_ratio``), so a draw is kept and re-used when only those move
    (:func:`pos2.bargaining.engine.build`); :func:`market_from_draws` gives the same market, to the
    bit, as drawing it again.
    """

    years: np.ndarray
    brent_usd_per_bbl: np.ndarray
    jkm_open_usd_per_mmbtu: np.ndarray
    """Annual mean JKM without a closure spike [USD/MMBtu]."""
    hormuz_uniforms: np.ndarray
    """The chain's uniform draws, (paths, years from the valuation year + 1)."""
    lead_years: int
    demand_bcm: np.ndarray
    domestic_bcm: np.ndarray


def draw_market(
    settings: StackSettings, price_model: PriceModel, rng: np.random.Generator | None = None
) -> MarketDraws:
    """Draw Brent, JKM, the Hormuz chain's uniforms, demand and domestic production (in that order).

    Parameters
    ----------
    settings
        Stack inputs (the Hormuz inputs are not read) [-].
    price_model
        Schwartz–Smith model of the economics (:func:`pos2.economics.prices.price_model`) [-].
    rng
        Random generator; ``None`` uses ``numpy.random.default_rng(settings.seed)`` [-].
    """
    rng = np.random.default_rng(settings.seed) if rng is None else rng
    n, ny = settings.n_paths, settings.n_years
    years = settings.years
    lead = settings.first_year - settings.valuation_year
    brent_m, jkm_m = simulate_prices(price_model, rng, n, 12 * lead, 12 * ny)
    brent = brent_m.reshape(n, ny, 12).mean(axis=2)
    jkm = jkm_m.reshape(n, ny, 12).mean(axis=2)
    months = 12 * lead + np.arange(1, 12 * ny + 1)
    _, e_jkm = expected_price(price_model, months)
    jkm *= (lng_deck(settings, years) / e_jkm.reshape(ny, 12).mean(axis=1))[None, :]
    steps = lead + ny
    u = rng.random((n, steps + 1))
    demand = (
        mean_demand_bcm(settings, years) * _random_walk(rng, n, steps, settings.demand_volatility)[:, lead:]
    )
    domestic = (
        mean_domestic_bcm(settings, years)
        * _random_walk(rng, n, steps, settings.domestic_volatility)[:, lead:]
    )
    return MarketDraws(years, brent, jkm, u, lead, demand, domestic)


def market_from_draws(settings: StackSettings, draws: MarketDraws) -> Market:
    """The market of ``draws`` under the settings' Hormuz regime: closure years, the JKM spike in them
    and the share of Hormuz-dependent volume lost [-]."""
    closed = _hormuz_chain(settings, draws.hormuz_uniforms)[:, draws.lead_years :]
    lost = np.where(closed, settings.hormuz_closed_share, 0.0)
    jkm = draws.jkm_open_usd_per_mmbtu * (1.0 + lost * (settings.jkm_spike_ratio - 1.0))
    return Market(
        years=draws.years,
        brent_usd_per_bbl=draws.brent_usd_per_bbl,
        jkm_usd_per_mmbtu=jkm,
        hh_usd_per_mmbtu=np.full(draws.demand_bcm.shape, settings.hh_usd_per_mmbtu),
        demand_bcm=draws.demand_bcm,
        domestic_bcm=draws.domestic_bcm,
        hormuz_closed=closed,
        hormuz_lost_share=lost,
    )


def simulate_market(
    settings: StackSettings, price_model: PriceModel, rng: np.random.Generator | None = None
) -> Market:
    """Draw Brent, JKM, demand, domestic production and Hormuz regimes, (paths, years).

    :func:`draw_market` then :func:`market_from_draws`.

    Parameters
    ----------
    settings
        Stack inputs [-].
    price_model
        Schwartz–Smith model of the economics (:func:`pos2.economics.prices.price_model`) [-].
    rng
        Random generator; ``None`` uses ``numpy.random.default_rng(settings.seed)`` [-].
    """
    return market_from_draws(settings, draw_market(settings, price_model, rng))


@dataclass(frozen=True)
class Blocks:
    """Supply blocks per path-year: capacity [bcm/yr], marginal cost [USD/1,000 m3], constant [MUSD]."""

    capacity_bcm: np.ndarray
    """(paths, years, blocks)."""
    cost_usd_per_kcm: np.ndarray
    """(paths, years, blocks)."""
    constant_musd: np.ndarray
    """(paths, years): cost incurred whatever is consumed (sunk take-or-pay and fees, less resale)."""
    names: tuple[str, ...]


def contract_volumes_bcm(portfolio: Portfolio, market: Market) -> np.ndarray:
    """Deliverable contract volume per path-year, (paths, years, contracts) [bcm/yr].

    Hormuz-dependent contracts lose the closed share of a closure year (force majeure: not paid).
    """
    v = portfolio.volume_bcm(market.years)[None, :, :]
    lost = market.hormuz_lost_share[:, :, None] * portfolio.hormuz_dependent[None, None, :]
    return v * (1.0 - lost)


def _contract_terms(portfolio: Portfolio, settings: StackSettings) -> tuple[np.ndarray, np.ndarray, float]:
    """Take-or-pay shares, divertible flags and diversion cost, after the portfolio mode."""
    if settings.portfolio_mode == "flexible":
        return np.zeros(portfolio.n), portfolio.lng.copy(), 0.0
    return portfolio.take_or_pay, portfolio.divertible, settings.diversion_cost_usd_per_mmbtu


def build_blocks(portfolio: Portfolio, market: Market, settings: StackSettings) -> Blocks:
    """China's supply blocks for every path-year (see the module docstring for the formulas)."""
    vol = contract_volumes_bcm(portfolio, market)  # (P, T, K)
    price = portfolio.variable_usd_per_kcm(market.brent_usd_per_bbl, market.hh_usd_per_mmbtu)
    tau, div, diversion = _contract_terms(portfolio, settings)
    resale = (market.jkm_usd_per_mmbtu[..., None] - diversion) * portfolio.mmbtu_per_kcm
    resale_pos = np.where(div, np.maximum(resale, 0.0), 0.0)
    f = portfolio.delivered_fixed_usd_per_kcm
    top_cap = tau * vol
    flex_cap = (1.0 - tau) * vol
    top_cost = f + resale_pos
    flex_cost = f + np.where(div, np.maximum(price, resale), price)
    arbitrage = np.where(div, np.maximum(resale - price, 0.0), 0.0)
    const = (
        (top_cap * price).sum(-1)
        + vol @ portfolio.fee_usd_per_kcm
        - (top_cap * resale_pos).sum(-1)
        - (flex_cap * arbitrage).sum(-1)
    )
    n, ny = market.shape
    spot_cost = market.jkm_usd_per_mmbtu * settings.lng_mmbtu_per_kcm + settings.regas_usd_per_kcm
    caps = [
        market.domestic_bcm[..., None],
        top_cap,
        flex_cap,
        np.maximum(regas_capacity_bcm(settings, market.years) - (vol * portfolio.lng).sum(-1), 0.0)[
            ..., None
        ],
        np.full((n, ny, 1), settings.backstop_capacity_bcm),
    ]
    costs = [
        np.full((n, ny, 1), settings.domestic_cost_usd_per_kcm),
        np.broadcast_to(top_cost, top_cap.shape),
        flex_cost,
        spot_cost[..., None],
        np.full((n, ny, 1), settings.backstop_usd_per_kcm),
    ]
    names = (
        "domestic",
        *(f"{c} [take-or-pay]" for c in portfolio.names),
        *(f"{c} [flexible]" for c in portfolio.names),
        "spot LNG",
        "backstop",
    )
    return Blocks(
        capacity_bcm=np.concatenate(caps, axis=-1),
        cost_usd_per_kcm=np.concatenate(costs, axis=-1),
        constant_musd=const,
        names=names,
    )


@dataclass(frozen=True)
class SupplyCurve:
    """Blocks sorted by marginal cost: China's least-cost supply as a function of net demand."""

    capacity_bcm: np.ndarray
    """Sorted capacities (paths, years, blocks) [bcm/yr]."""
    cost_usd_per_kcm: np.ndarray
    """Sorted marginal costs (paths, years, blocks) [USD/1,000 m3]."""
    cumulative_bcm: np.ndarray
    """Cumulative capacity at the top of each block [bcm/yr]."""
    constant_musd: np.ndarray
    """(paths, years) [million USD]."""

    def cost_musd(self, net_demand_bcm: np.ndarray) -> np.ndarray:
        """Least supply cost of a net demand, broadcast over leading axes [million USD].

        Parameters
        ----------
        net_demand_bcm
            Net demand, shape (..., paths, years) [bcm/yr].

        Raises
        ------
        InfeasibleError
            When the net demand exceeds all capacity or is negative.
        """
        x = np.asarray(net_demand_bcm, dtype=float)
        total = self.cumulative_bcm[..., -1]
        if np.any(x > total * (1 + 1e-12)) or np.any(x < 0):
            worst = float(np.max(x - total))
            raise InfeasibleError(
                f"China's supply stack: net demand outside [0, capacity] (excess {worst:.3f} bcm/yr)",
                element="stack",
                constraint="balance",
                value=worst,
            )
        lo = self.cumulative_bcm - self.capacity_bcm
        take = np.clip(x[..., None] - lo, 0.0, self.capacity_bcm)
        return self.constant_musd + (take * self.cost_usd_per_kcm).sum(-1)


def supply_curve(blocks: Blocks) -> SupplyCurve:
    """Sort the blocks by marginal cost (the merit order)."""
    order = np.argsort(blocks.cost_usd_per_kcm, axis=-1, kind="stable")
    cap = np.take_along_axis(blocks.capacity_bcm, order, -1)
    cost = np.take_along_axis(blocks.cost_usd_per_kcm, order, -1)
    return SupplyCurve(cap, cost, np.cumsum(cap, axis=-1), blocks.constant_musd)


@dataclass(frozen=True)
class DisplacedCurve:
    """China's avoided cost of PoS2 gas per path-year: ``A(q) = min_k (b_k + s_k q)`` on [0, q_max].

    ``s_k`` are the marginal costs of the displaced blocks from the top of the merit order down
    (non-increasing), ``w_k`` their widths [bcm/yr]; ``A`` is in million USD for ``q`` in bcm/yr.
    """

    slopes_usd_per_kcm: np.ndarray
    """(paths, years, pieces)."""
    widths_bcm: np.ndarray
    """(paths, years, pieces)."""
    intercepts_musd: np.ndarray
    """(paths, years, pieces)."""
    q_max_bcm: float
    _flat_quantities: dict[float, np.ndarray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def avoided_musd(self, q_bcm: np.ndarray) -> np.ndarray:
        """Avoided supply cost of taking ``q``, shape (..., paths, years) [million USD].

        ``A`` is concave, so it is the minimum of the pieces' lines ``b_k + s_k q``.

        Parameters
        ----------
        q_bcm
            PoS2 gas taken, clipped to [0, q_max] [bcm/yr].
        """
        q = np.clip(np.asarray(q_bcm, dtype=float), 0.0, self.q_max_bcm)
        s, b = self._slopes_by_piece, self._intercepts_by_piece
        out = b[0] + s[0] * q
        tmp = np.empty_like(out)
        for k in range(1, s.shape[0]):
            np.multiply(s[k], q, out=tmp)
            tmp += b[k]
            np.minimum(out, tmp, out=out)
        return out

    @cached_property
    def _slopes_by_piece(self) -> np.ndarray:
        """The slopes piece-major, (pieces, paths, years), contiguous (each piece read in one sweep)."""
        return np.ascontiguousarray(np.moveaxis(self.slopes_usd_per_kcm, -1, 0))

    @cached_property
    def _intercepts_by_piece(self) -> np.ndarray:
        """The intercepts piece-major, (pieces, paths, years), contiguous."""
        return np.ascontiguousarray(np.moveaxis(self.intercepts_musd, -1, 0))

    @cached_property
    def _cum_flat(self) -> np.ndarray:
        """Volume below each piece boundary, flat over (path, year, pieces + 1) [bcm/yr]."""
        w = self.widths_bcm
        cum = np.concatenate([np.zeros((*w.shape[:-1], 1)), np.cumsum(w, axis=-1)], axis=-1)
        return cum.reshape(-1)

    @property
    def nbytes(self) -> int:
        """Memory held by the curve's arrays, the piece-major copies and kept volumes included [bytes]."""
        arrays = [self.slopes_usd_per_kcm, self.widths_bcm, self.intercepts_musd]
        arrays += [v for k, v in vars(self).items() if k in _PIECE_MAJOR and isinstance(v, np.ndarray)]
        with _KEPT_LOCK:
            arrays += list(self._flat_quantities.values())
        return sum(int(a.nbytes) for a in arrays)

    def quantity_at_flat_price_bcm(self, price_usd_per_kcm: float) -> np.ndarray:
        """:meth:`quantity_at_price_bcm` at one price for every path-year, kept per price (the
        valuation asks for the volume worth its transport cost on every call) [bcm/yr].

        The array is shared: read it, do not write to it.
        """
        key = float(price_usd_per_kcm)

        def make() -> np.ndarray:
            q = self.quantity_at_price_bcm(np.full(self.widths_bcm.shape[:-1], key))
            q.flags.writeable = False
            return q

        return _kept(self._flat_quantities, key, make)

    def quantity_at_price_bcm(self, price_usd_per_kcm: np.ndarray) -> np.ndarray:
        """China's demand for PoS2 gas: the volume whose avoided cost per unit is >= ``price``.

        Slopes fall piece by piece, so the volume is the summed width of the pieces with slope
        >= ``price``: their number is counted piece by piece (a handful of pieces per row).

        Parameters
        ----------
        price_usd_per_kcm
            Delivered price of a unit of PoS2 gas, shape (..., paths, years) [USD/1,000 m3].
        """
        s = self._slopes_by_piece
        k, n_paths, ny = s.shape
        p = np.asarray(price_usd_per_kcm, dtype=float)
        shape = np.broadcast_shapes(p.shape, s.shape[1:])
        if k > 255:
            raise BargainingError(f"the displaced curve has {k} pieces; at most 255 are supported")
        count = np.zeros(shape, dtype=np.uint8)
        above = np.empty(shape, dtype=bool)
        above_u8 = above.view(np.uint8)  # True is 1: a same-type add, no cast per element
        for j in range(k):  # slopes are non-increasing along the pieces
            np.greater_equal(s[j], p, out=above)
            count += above_u8
        rows1 = (np.arange(n_paths)[:, None] * ny + np.arange(ny)[None, :]) * (k + 1)
        return self._cum_flat[rows1 + count]


def _merge_pieces(width: np.ndarray, slope: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop empty pieces and merge neighbours with equal slopes, row by row (fewer lines to evaluate).

    Rows keep their order of falling slopes; rows with fewer pieces repeat their last slope with zero
    width (a line through the end point, which the concave minimum ignores).
    """
    n_rows = int(np.prod(width.shape[:-1]))
    k = width.shape[-1]
    w = width.reshape(n_rows, k)
    s = slope.reshape(n_rows, k)
    pos_w = w > 0
    # slope of the last non-empty piece before each piece (NaN before the first)
    idx = np.where(pos_w, np.arange(k), -1)
    last = np.maximum.accumulate(idx, axis=1)
    prev = np.concatenate([np.full((n_rows, 1), -1), last[:, :-1]], axis=1)
    prev_slope = np.where(prev >= 0, np.take_along_axis(s, np.maximum(prev, 0), 1), np.nan)
    new = pos_w & (s != prev_slope)
    group = np.maximum(np.cumsum(new, axis=1) - 1, 0)
    n_groups = max(1, int(group.max()) + 1) if new.any() else 1
    flat = (np.arange(n_rows)[:, None] * n_groups + group).reshape(-1)
    w_new = np.bincount(flat, weights=w.reshape(-1), minlength=n_rows * n_groups).reshape(n_rows, n_groups)
    s_new = np.zeros((n_rows, n_groups))
    rows, cols = np.nonzero(new)
    s_new[rows, group[rows, cols]] = s[rows, cols]
    count = new.sum(axis=1)
    first = np.where(count > 0, s[np.arange(n_rows), np.argmax(pos_w, axis=1)], s[:, 0])
    s_new[count == 0, 0] = first[count == 0]
    g = np.arange(n_groups)[None, :]
    last_s = s_new[np.arange(n_rows), np.maximum(count - 1, 0)][:, None]
    s_new = np.where(g < np.maximum(count, 1)[:, None], s_new, last_s)
    shape = (*width.shape[:-1], n_groups)
    return w_new.reshape(shape), s_new.reshape(shape)


def displaced_curve(curve: SupplyCurve, demand_bcm: np.ndarray, q_max_bcm: float) -> DisplacedCurve:
    """The displaced-supply curve for PoS2 volumes in ``[0, q_max]`` at demand ``D``.

    Parameters
    ----------
    curve
        Sorted supply blocks [-].
    demand_bcm
        China's demand, (paths, years) [bcm/yr].
    q_max_bcm
        Largest PoS2 volume to be evaluated (at most the smallest demand) [bcm/yr].
    """
    d = np.asarray(demand_bcm, dtype=float)
    if q_max_bcm < 0 or q_max_bcm > float(d.min()):
        raise BargainingError(f"q_max {q_max_bcm} bcm/yr must lie in [0, min demand {float(d.min()):.1f}]")
    cum = curve.cumulative_bcm
    lo = cum - curve.capacity_bcm
    bottom = d - q_max_bcm
    j_top = (cum < d[..., None]).sum(-1)
    j_low = (cum <= bottom[..., None]).sum(-1)
    n_pieces = int(np.max(j_top - j_low)) + 1
    k = np.arange(n_pieces)
    idx = j_top[..., None] - k  # (P, T, K), blocks from the top down
    valid = idx >= j_low[..., None]
    idx_c = np.clip(idx, 0, cum.shape[-1] - 1)
    hi_b = np.take_along_axis(cum, idx_c, -1)
    lo_b = np.take_along_axis(lo, idx_c, -1)
    width = np.where(valid, np.minimum(d[..., None], hi_b) - np.maximum(bottom[..., None], lo_b), 0.0)
    width = np.maximum(width, 0.0)
    slope = np.take_along_axis(curve.cost_usd_per_kcm, idx_c, -1)
    width, slope = _merge_pieces(width, slope)
    start = np.cumsum(width, axis=-1) - width
    a = np.cumsum(width * slope, axis=-1) - width * slope
    return DisplacedCurve(
        slopes_usd_per_kcm=slope,
        widths_bcm=width,
        intercepts_musd=a - slope * start,
        q_max_bcm=float(q_max_bcm),
    )


@dataclass(frozen=True)
class Stack:
    """China's supply stack on one Monte Carlo draw: market, sorted curve and Russian volumes."""

    settings: StackSettings
    market: Market
    curve: SupplyCurve
    russian_bcm: np.ndarray
    """Russian supply other than PoS2 per path-year (PoS1, Far East, Russian LNG) [bcm/yr]."""
    _displaced: dict[float, DisplacedCurve] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def nbytes(self) -> int:
        """Memory held by the stack's arrays, the displaced curves it keeps included [bytes]."""
        arrays = [getattr(self.market, f.name) for f in fields(self.market)]
        arrays += [getattr(self.curve, f.name) for f in fields(self.curve)]
        arrays.append(self.russian_bcm)
        with _KEPT_LOCK:
            curves = list(self._displaced.values())
        return sum(int(np.asarray(a).nbytes) for a in arrays) + sum(c.nbytes for c in curves)

    def displaced(self, q_max_bcm: float) -> DisplacedCurve:
        """Displaced-supply curve for PoS2 volumes up to ``q_max`` [-].

        Kept per ``q_max`` (the last :data:`DISPLACED_KEPT`): a limit search, the Nash search and the
        valuation at the Nash price read the same curve, and so does every contract lever on a stack
        the engine keeps (:func:`pos2.bargaining.engine.build`). The curve is a pure function of the
        stack and ``q_max``, so a kept one is the one that would be built.
        """
        key = float(q_max_bcm)
        return _kept(self._displaced, key, lambda: displaced_curve(self.curve, self.market.demand_bcm, key))


_PIECE_MAJOR = ("_slopes_by_piece", "_intercepts_by_piece", "_cum_flat")
"""The :class:`DisplacedCurve` copies built on first use (cached properties)."""

DISPLACED_KEPT = 4
"""Displaced-supply curves kept per stack (one per largest contract volume asked for), and volumes at a
flat price kept per curve."""
_KEPT_LOCK = threading.Lock()
_T = TypeVar("_T")


def _kept(store: dict[float, _T], key: float, make: Callable[[], _T]) -> _T:
    """``store[key]``, made (outside the lock: two threads may both make it, and keep one) when missing;
    the oldest entries go beyond :data:`DISPLACED_KEPT`."""
    with _KEPT_LOCK:
        hit = store.get(key)
    if hit is None:
        hit = make()
        with _KEPT_LOCK:
            store[key] = hit
            while len(store) > DISPLACED_KEPT:
                store.pop(next(iter(store)))
    return hit


def build_stack(
    portfolio: Portfolio,
    settings: StackSettings,
    price_model: PriceModel,
    *,
    market: Market | None = None,
) -> Stack:
    """Simulate the market (unless given) and build China's sorted supply stack.

    Parameters
    ----------
    portfolio
        China's contracts [-].
    settings
        Stack inputs [-].
    price_model
        Schwartz–Smith price model [-].
    market
        A market already simulated (e.g. to switch the portfolio mode on the same draw) [-].
    """
    m = simulate_market(settings, price_model) if market is None else market
    curve = supply_curve(build_blocks(portfolio, m, settings))
    russian = contract_volumes_bcm(portfolio, m)[..., portfolio.from_country("Russia")].sum(-1)
    return Stack(settings=settings, market=m, curve=curve, russian_bcm=russian)


def with_mode(settings: StackSettings, mode: PortfolioMode) -> StackSettings:
    """The same settings with another portfolio mode."""
    return replace(settings, portfolio_mode=mode)


def _example_settings() -> StackSettings:
    """Small settings for doctests and tests (the scenario's values, few paths)."""
    return StackSettings(
        valuation_year=2026,
        first_year=2031,
        n_years=30,
        n_paths=8,
        seed=1,
        demand_base_bcm=425.0,
        demand_base_year=2025,
        demand_growth_per_year=0.02,
        demand_peak_bcm=605.9,
        demand_volatility=0.02,
        domestic_base_bcm=246.0,
        domestic_base_year=2024,
        domestic_growth_bcm_per_year=10.0,
        domestic_plateau_bcm=300.0,
        domestic_volatility=0.01,
        domestic_cost_usd_per_kcm=230.0,
        hormuz_p_close=0.05,
        hormuz_p_stay=0.25,
        hormuz_closed_share=2.0 / 12.0,
        jkm_spike_ratio=2.2,
        jkm_anchor_usd_per_mmbtu=9.75,
        jkm_anchor_year=2026,
        jkm_long_run_usd_per_mmbtu=8.0,
        deck_half_life_years=3.0,
        hh_usd_per_mmbtu=3.5,
        diversion_cost_usd_per_mmbtu=0.5,
        regas_capacity_bcm=330.0,
        regas_base_year=2025,
        regas_growth_bcm_per_year=10.0,
        regas_usd_per_kcm=32.0,
        lng_mmbtu_per_kcm=35.29,
        backstop_usd_per_kcm=1300.0,
    )
