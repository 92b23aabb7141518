"""Price processes: correlated two-factor Schwartz–Smith Brent and JKM, decks and history.

Schwartz & Smith (2000), "Short-term variations and long-term dynamics in commodity prices",
Management Science 46(7):893–911: the log price is the sum of a mean-reverting short-term factor
and a long-term factor following Brownian motion with drift::

    ln S_t = chi_t + xi_t,   d chi = -kappa chi dt + sigma_chi dW_chi,   d xi = mu_xi dt + sigma_xi dW_xi

Brent and JKM each follow this model; the four Brownian drivers are correlated (``rho`` within a
commodity, ``rho_brent_jkm`` between the like factors of the two commodities, and the product for
the cross terms). The monthly simulation uses the exact Gaussian transition (no Euler error): over
a step ``dt`` the covariance of the increments of factors ``i`` and ``j`` with mean-reversion
speeds ``k_i``, ``k_j`` (zero for ``xi``) is ``c_ij s_i s_j (1 - exp(-(k_i + k_j) dt)) / (k_i + k_j)``.

Starting state: ``xi_0 = ln(base deck)`` and ``chi_0 = ln(chosen deck / base deck)``; a shocked deck
(``hormuz_2026``) therefore starts high and reverts towards the base level with half-life
``ln 2 / kappa``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from pos2.errors import EconomicsError
from pos2.scenario import Scenario
from pos2.scenario.sections_economics import DeckSection, PricesSection

MONTH_YEARS: float = 1.0 / 12.0
"""One month [yr]."""


def price_history() -> pd.DataFrame:
    """Shipped annual Brent [USD/bbl] and JKM [USD/MMBtu] averages with source and confidence.

    Nominal annual averages; sources are the facts files (``src/pos2/data/prices/annual_brent_jkm.csv``).
    """
    path = resources.files("pos2") / "data" / "prices" / "annual_brent_jkm.csv"
    with resources.as_file(path) as p:
        return pd.read_csv(p)


def deck(scenario: Scenario, name: str | None = None) -> DeckSection:
    """The named deterministic price deck (default: ``prices.deck``)."""
    prices = scenario.model.prices
    name = name or prices.deck
    if name not in type(prices.decks).model_fields:
        raise EconomicsError(
            f"unknown price deck '{name}' (known: {', '.join(type(prices.decks).model_fields)})"
        )
    d: DeckSection = getattr(prices.decks, name)
    return d


@dataclass(frozen=True)
class PriceModel:
    """Four-factor Gaussian model (chi_B, xi_B, chi_J, xi_J) with its monthly transition."""

    kappa: np.ndarray
    """Mean-reversion speeds per factor (0 for the long-term factors) [1/yr]."""
    sigma: np.ndarray
    """Volatilities per factor [1/sqrt(yr)]."""
    mu: np.ndarray
    """Drifts per factor (0 for the short-term factors) [1/yr]."""
    corr: np.ndarray
    """Correlation of the Brownian drivers [-]."""
    x0: np.ndarray
    """State at the valuation date: chi_B, xi_B, chi_J, xi_J [-, log USD]."""

    def transition(self, dt_years: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Exact transition over ``dt_years`` [yr]: ``x' = a * x + b + L eps``; returns (a, b, L)."""
        k = self.kappa
        a = np.exp(-k * dt_years)
        b = self.mu * dt_years
        ksum = k[:, None] + k[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            integ = np.where(
                ksum > 0, (1.0 - np.exp(-ksum * dt_years)) / np.where(ksum > 0, ksum, 1.0), dt_years
            )
        cov = self.corr * np.outer(self.sigma, self.sigma) * integ
        # factors without variance (sigma = 0) get zero rows; the others a Cholesky factor with a
        # relative jitter of 1e-12 (an exactly singular correlation such as rho = 1 stays usable)
        live = np.flatnonzero(np.diag(cov) > 0)
        chol = np.zeros((4, 4))
        try:
            if live.size:
                sub = cov[np.ix_(live, live)]
                jitter = 1e-12 * float(np.diag(sub).max()) * np.eye(live.size)
                chol[np.ix_(live, live)] = np.linalg.cholesky(sub + jitter)
        except np.linalg.LinAlgError:
            raise EconomicsError(
                "the price-factor correlations (prices.brent.rho, prices.jkm.rho, prices.rho_brent_jkm) "
                "do not form a valid correlation matrix"
            ) from None
        return a, b, chol


def price_model(scenario: Scenario, deck_name: str | None = None) -> PriceModel:
    """Build the four-factor model from ``prices`` (deck sets the starting state)."""
    p: PricesSection = scenario.model.prices
    base = p.decks.base
    start = deck(scenario, deck_name)
    b, j = p.brent, p.jkm
    r = p.rho_brent_jkm
    corr = np.array(
        [
            [1.0, b.rho, r, r * j.rho],
            [b.rho, 1.0, r * b.rho, r],
            [r, r * b.rho, 1.0, j.rho],
            [r * j.rho, r, j.rho, 1.0],
        ]
    )
    if np.linalg.eigvalsh(corr).min() < -1e-12:
        raise EconomicsError(
            f"price-factor correlation matrix is not positive semi-definite (rho_brent={b.rho}, "
            f"rho_jkm={j.rho}, rho_brent_jkm={r})"
        )
    x0 = np.array(
        [
            np.log(start.brent_usd_per_bbl / base.brent_usd_per_bbl),
            np.log(base.brent_usd_per_bbl),
            np.log(start.jkm_usd_per_mmbtu / base.jkm_usd_per_mmbtu),
            np.log(base.jkm_usd_per_mmbtu),
        ]
    )
    return PriceModel(
        kappa=np.array([b.kappa_per_year, 0.0, j.kappa_per_year, 0.0]),
        sigma=np.array([b.sigma_chi, b.sigma_xi, j.sigma_chi, j.sigma_xi]),
        mu=np.array([0.0, b.mu_xi, 0.0, j.mu_xi]),
        corr=corr,
        x0=x0,
    )


def simulate_prices(
    model: PriceModel, rng: np.random.Generator, n_paths: int, start_month: int, n_months: int
) -> tuple[np.ndarray, np.ndarray]:
    """Monthly Brent [USD/bbl] and JKM [USD/MMBtu] paths, shape ``(n_paths, n_months)``.

    Column ``j`` holds the price of month ``start_month + j`` (months counted from 0 at the
    valuation date; a month's price is the state at its end). The state at the start of month
    ``start_month`` is drawn from the exact transition over ``start_month`` months, then monthly
    steps follow.

    Parameters
    ----------
    model
        Four-factor model [see :class:`PriceModel`].
    rng
        Random generator (one per chunk) [-]
    n_paths
        Number of paths [-].
    start_month
        First simulated month after the valuation date [months].
    n_months
        Number of months [months].
    """
    a0, b0, l0 = model.transition(start_month * MONTH_YEARS)
    z0 = rng.standard_normal((n_paths, 4))
    x = model.x0 * a0 + b0 + z0 @ l0.T  # (n, 4) state at start_month
    a, b, chol = model.transition(MONTH_YEARS)
    # float32 variates: half the memory traffic; 7 significant digits are ample for prices whose
    # volatility is tens of per cent (the sums below run in float32, the exponent in float64)
    shocks = rng.standard_normal((4, n_months, n_paths), dtype=np.float32)
    # correlate in place with the lower-triangular Cholesky factor (row i uses rows j <= i)
    for i in range(3, -1, -1):
        shocks[i] *= chol[i, i]
        for j in range(i):
            if chol[i, j] != 0.0:
                shocks[i] += chol[i, j] * shocks[j]
    out = np.empty((2, n_months, n_paths))
    for c, (ic, ix) in enumerate(((0, 1), (2, 3))):
        # long-term factor: random walk with drift (cumulative sum)
        xi = np.cumsum(shocks[ix], axis=0, out=shocks[ix])
        xi += x[:, ix].astype(np.float32)[None, :]
        xi += (b[ix] * np.arange(1, n_months + 1, dtype=np.float32))[:, None]
        # short-term factor: AR(1) chi_m = a chi_(m-1) + shock_m (in place, one month at a time)
        chi = shocks[ic]
        prev = x[:, ic].astype(np.float32)
        for m in range(n_months):
            np.multiply(prev, a[ic], out=prev)
            np.add(prev, chi[m], out=prev)
            chi[m] = prev
        np.add(chi, xi, out=out[c])
    np.exp(out, out=out)
    return out[0].T, out[1].T


def expected_price(model: PriceModel, months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Analytic mean of Brent [USD/bbl] and JKM [USD/MMBtu] at the given months (lognormal mean)."""
    t = np.asarray(months, dtype=float) * MONTH_YEARS
    res = []
    for ic, ix in ((0, 1), (2, 3)):
        a = np.exp(-model.kappa[ic] * t)
        mean = model.x0[ic] * a + model.x0[ix] + model.mu[ix] * t
        s = model.sigma
        var_c = s[ic] ** 2 * (1 - np.exp(-2 * model.kappa[ic] * t)) / (2 * model.kappa[ic])
        var_x = s[ix] ** 2 * t
        cov = model.corr[ic, ix] * s[ic] * s[ix] * (1 - a) / model.kappa[ic]
        res.append(np.exp(mean + 0.5 * (var_c + var_x + 2 * cov)))
    return res[0], res[1]
