"""Why the deal stalls: China's option to wait, solved by backward induction on a lattice.

Each summit is a round. At a round China either signs, at the generalized Nash price of that round,
or waits. Its highest acceptable price ``V`` (the value of its outside options) follows a geometric
random walk on a Cox-Ross-Rubinstein lattice; Russia's reservation price ``R`` drifts
deterministically (a weakening seller: negative drift). Signing pays China ``beta * (V - R)`` per
1,000 m3 when the zone of agreement is not empty; waiting is worth the discounted expectation of the
next round. Signing is the optimal stopping rule of this American-option-like problem; the
probability of agreement by each year follows by propagating the lattice's probabilities forward.

References
----------
Cox, J. C., Ross, S. A. and Rubinstein, M. (1979). Option pricing: a simplified approach. *J. Financial
Economics* 7, 229-263. Dixit, A. K. and Pindyck, R. S. (1994). *Investment under Uncertainty*.
Princeton University Press, ch. 5 (optimal stopping, value of waiting).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pos2.bargaining.solutions import discount_factor
from pos2.errors import BargainingError


@dataclass(frozen=True)
class DelayResult:
    """Outcome of the delay model."""

    years: tuple[int, ...]
    """Calendar year of each round [yr]."""
    p_agreement_by_year: dict[int, float]
    """Cumulative probability of agreement by the end of each year [-]."""
    expected_price_usd_per_kcm: float | None
    """Expected Nash price given agreement within the horizon [USD/1,000 m3]."""
    p_agreement_total: float
    sign_now: bool
    """Whether China's optimal action at the first round is to sign [-]."""
    value_sign_now_usd_per_kcm: float
    value_wait_usd_per_kcm: float
    """China's surplus from signing now vs its value of waiting, at the first round [USD/1,000 m3]."""


def _lattice(
    china_discount_rate: float,
    volatility: float,
    drift: float,
    first_year: int,
    last_year: int,
    interval_years: float,
) -> tuple[float, int, float, float, float]:
    """Rounds and Cox-Ross-Rubinstein lattice shared by :func:`solve_delay` and :func:`solve_delay_batch`.

    Parameters
    ----------
    china_discount_rate
        China's rate of time preference [1/yr].
    volatility
        Volatility of log V [1/sqrt(yr)], >= 0.
    drift
        Expected growth of V [1/yr].
    first_year, last_year
        Years of the first and last round [yr].
    interval_years
        Time between rounds [yr].

    Returns
    -------
    tuple
        Discount factor per round [-], number of rounds [-], up and down factors of V per round [-]
        and the probability of an up move [-].
    """
    if last_year < first_year:
        raise BargainingError(f"last round {last_year} is before the first round {first_year}")
    dt = interval_years
    delta = discount_factor(china_discount_rate, dt)
    n = math.floor((last_year - first_year) / dt) + 1
    if volatility > 0:
        u = math.exp(volatility * math.sqrt(dt))
        d = 1.0 / u
        p = (math.exp(drift * dt) - d) / (u - d)
        if not 0.0 <= p <= 1.0:
            raise BargainingError(
                f"drift {drift}/yr too large for volatility {volatility}/sqrt(yr): "
                f"lattice probability {p:.3f}"
            )
    else:
        u = d = math.exp(drift * dt)
        p = 1.0
    return delta, n, u, d, p


def solve_delay(
    china_max_usd_per_kcm: float,
    russia_min_usd_per_kcm: float,
    *,
    china_power: float,
    china_discount_rate: float,
    volatility: float,
    drift: float,
    russia_drift: float,
    first_year: int,
    last_year: int,
    interval_years: float = 1.0,
) -> DelayResult:
    """Solve China's sign-or-wait problem over the rounds ``first_year .. last_year``.

    Parameters
    ----------
    china_max_usd_per_kcm
        China's highest acceptable price at the first round [USD/1,000 m3], > 0.
    russia_min_usd_per_kcm
        Russia's reservation price at the first round [USD/1,000 m3], > 0.
    china_power
        China's Nash bargaining power beta [-].
    china_discount_rate
        China's rate of time preference [1/yr], >= 0.
    volatility
        Volatility of log V [1/sqrt(yr)], >= 0.
    drift
        Expected growth of V [1/yr].
    russia_drift
        Growth of R per year [1/yr] (negative: Russia's price falls).
    first_year, last_year
        Years of the first and last round [yr].
    interval_years
        Time between rounds [yr].
    """
    if not 0.0 <= china_power <= 1.0:
        raise BargainingError(f"bargaining.china_power (beta) must lie in [0, 1], got {china_power}")
    if volatility < 0:
        raise BargainingError(f"volatility must be >= 0, got {volatility}")
    if china_max_usd_per_kcm <= 0 or russia_min_usd_per_kcm <= 0:
        raise BargainingError("the delay model needs positive prices")
    dt = interval_years
    delta, n, u, d, p = _lattice(china_discount_rate, volatility, drift, first_year, last_year, dt)
    years = tuple(round(first_year + i * dt) for i in range(n))
    beta = china_power
    # node (t, j): j up-moves out of t; V = V0 u^j d^(t - j)
    values: list[np.ndarray] = []
    for t in range(n):
        j = np.arange(t + 1)
        values.append(china_max_usd_per_kcm * u**j * d ** (t - j))
    r = [russia_min_usd_per_kcm * math.exp(russia_drift * t * dt) for t in range(n)]
    payoff = [np.where(values[t] > r[t], beta * (values[t] - r[t]), 0.0) for t in range(n)]
    stop: list[np.ndarray] = [np.zeros(t + 1, dtype=bool) for t in range(n)]
    w = payoff[-1].copy()
    stop[-1] = payoff[-1] > 0
    cont0 = 0.0
    for t in range(n - 2, -1, -1):
        cont = delta * (p * w[1:] + (1 - p) * w[:-1])
        stop[t] = (payoff[t] > 0) & (payoff[t] >= cont)
        w = np.where(stop[t], payoff[t], cont)
        if t == 0:
            cont0 = float(cont[0])
    if n == 1:
        cont0 = 0.0
    # forward pass: probability of reaching each node without having signed
    reach = np.array([1.0])
    cum = 0.0
    price_sum = 0.0
    by_year: dict[int, float] = {}
    for t in range(n):
        signed = reach * stop[t]
        mass = float(signed.sum())
        cum += mass
        price = r[t] + (1.0 - beta) * (values[t] - r[t])
        price_sum += float((signed * price).sum())
        by_year[years[t]] = min(cum, 1.0)
        left = reach * ~stop[t]
        nxt = np.zeros(t + 2)
        nxt[1:] += p * left
        nxt[:-1] += (1 - p) * left
        reach = nxt
    return DelayResult(
        years=years,
        p_agreement_by_year=by_year,
        expected_price_usd_per_kcm=price_sum / cum if cum > 0 else None,
        p_agreement_total=min(cum, 1.0),
        sign_now=bool(stop[0][0]),
        value_sign_now_usd_per_kcm=float(payoff[0][0]),
        value_wait_usd_per_kcm=cont0,
    )


@dataclass(frozen=True)
class DelayBatch:
    """Outcome of the delay model for many pairs of prices (see :func:`solve_delay_batch`)."""

    p_agreement_total: np.ndarray
    """Probability of agreement within the horizon [-], shape (n,)."""
    expected_price_usd_per_kcm: np.ndarray
    """Expected Nash price given agreement, NaN where agreement never happens [USD/1,000 m3], (n,)."""
    sign_now: np.ndarray
    """Whether China signs at the first round, bool (n,)."""


def solve_delay_batch(
    china_max_usd_per_kcm: np.ndarray,
    russia_min_usd_per_kcm: np.ndarray,
    *,
    china_power: float | np.ndarray,
    china_discount_rate: float,
    volatility: float,
    drift: float,
    russia_drift: float,
    first_year: int,
    last_year: int,
    interval_years: float = 1.0,
) -> DelayBatch:
    """:func:`solve_delay` for many (``V``, ``R``) pairs at once, with common lattice parameters.

    The same lattice, backward induction and forward pass as :func:`solve_delay`, each step vectorised
    over the pairs (sweeps evaluate thousands of points that differ only in the two prices). Results
    equal :func:`solve_delay`'s to rounding (the sums over a round's nodes may add in another order).

    Parameters
    ----------
    china_max_usd_per_kcm
        China's highest acceptable price at the first round, shape (n,) [USD/1,000 m3], > 0.
    russia_min_usd_per_kcm
        Russia's reservation price at the first round, shape (n,) [USD/1,000 m3], > 0.
    china_power
        China's Nash bargaining power beta, one for all pairs or one per pair (n,) [-].
    china_discount_rate, volatility, drift, russia_drift
        As in :func:`solve_delay` [1/yr, 1/sqrt(yr), 1/yr, 1/yr].
    first_year, last_year, interval_years
        Rounds, as in :func:`solve_delay` [yr].
    """
    v0 = np.asarray(china_max_usd_per_kcm, dtype=float).reshape(-1, 1)
    r0 = np.asarray(russia_min_usd_per_kcm, dtype=float).reshape(-1, 1)
    power = np.asarray(china_power, dtype=float).reshape(-1, 1)
    if v0.shape != r0.shape or power.shape[0] not in (1, v0.shape[0]):
        raise BargainingError(
            f"arrays differ in length: {v0.shape[0]} prices V, {r0.shape[0]} prices R, "
            f"{power.shape[0]} bargaining powers"
        )
    beta = np.broadcast_to(power, v0.shape)
    bad = ~((beta >= 0.0) & (beta <= 1.0))
    if bad.any():
        raise BargainingError(f"bargaining.china_power (beta) must lie in [0, 1], got {beta[bad][0]}")
    if volatility < 0:
        raise BargainingError(f"volatility must be >= 0, got {volatility}")
    if (v0 <= 0).any() or (r0 <= 0).any():
        raise BargainingError("the delay model needs positive prices")
    dt = interval_years
    delta, n, u, d, p = _lattice(china_discount_rate, volatility, drift, first_year, last_year, dt)
    values = []
    for t in range(n):
        j = np.arange(t + 1)
        values.append(v0 * (u**j * d ** (t - j))[None, :])
    r = [r0 * math.exp(russia_drift * t * dt) for t in range(n)]
    payoff = [np.where(values[t] > r[t], beta * (values[t] - r[t]), 0.0) for t in range(n)]
    stop: list[np.ndarray] = [np.zeros((v0.shape[0], t + 1), dtype=bool) for t in range(n)]
    w = payoff[-1].copy()
    stop[-1] = payoff[-1] > 0
    for t in range(n - 2, -1, -1):
        cont = delta * (p * w[:, 1:] + (1 - p) * w[:, :-1])
        stop[t] = (payoff[t] > 0) & (payoff[t] >= cont)
        w = np.where(stop[t], payoff[t], cont)
    reach = np.ones((v0.shape[0], 1))
    cum = np.zeros(v0.shape[0])
    price_sum = np.zeros(v0.shape[0])
    for t in range(n):
        signed = reach * stop[t]
        cum += signed.sum(axis=1)
        price = r[t] + (1.0 - beta) * (values[t] - r[t])
        price_sum += (signed * price).sum(axis=1)
        left = reach * ~stop[t]
        nxt = np.zeros((v0.shape[0], t + 2))
        nxt[:, 1:] += p * left
        nxt[:, :-1] += (1 - p) * left
        reach = nxt
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = np.where(cum > 0, price_sum / np.where(cum > 0, cum, 1.0), np.nan)
    return DelayBatch(
        p_agreement_total=np.minimum(cum, 1.0),
        expected_price_usd_per_kcm=expected,
        sign_now=stop[0][:, 0].copy(),
    )


def waiting_drift_threshold(
    china_max_usd_per_kcm: float,
    russia_min_usd_per_kcm: float,
    *,
    china_power: float,
    china_discount_rate: float,
    volatility: float,
    drift: float,
    first_year: int,
    last_year: int,
    interval_years: float = 1.0,
    lo: float = -0.9,
    hi: float = 0.5,
    tol: float = 1e-4,
) -> float | None:
    """Drift of Russia's reservation price below which China prefers to wait at the first round [1/yr].

    Bisection on ``russia_drift`` (signing now is monotone in it: the faster Russia's price falls,
    the more waiting pays). ``None`` when China signs now (or waits) over the whole bracket.

    Parameters
    ----------
    china_max_usd_per_kcm, russia_min_usd_per_kcm
        Prices at the first round [USD/1,000 m3].
    china_power, china_discount_rate, volatility, drift
        As in :func:`solve_delay` [-, 1/yr, 1/sqrt(yr), 1/yr].
    first_year, last_year, interval_years
        Rounds [yr].
    lo, hi
        Bracket of drifts searched [1/yr].
    tol
        Width of the final bracket [1/yr].
    """

    def signs(rd: float) -> bool:
        return solve_delay(
            china_max_usd_per_kcm,
            russia_min_usd_per_kcm,
            china_power=china_power,
            china_discount_rate=china_discount_rate,
            volatility=volatility,
            drift=drift,
            russia_drift=rd,
            first_year=first_year,
            last_year=last_year,
            interval_years=interval_years,
        ).sign_now

    if signs(lo) or not signs(hi):
        return None
    a, b = lo, hi  # waits at a, signs at b
    while b - a > tol:
        mid = 0.5 * (a + b)
        if signs(mid):
            b = mid
        else:
            a = mid
    return 0.5 * (a + b)
