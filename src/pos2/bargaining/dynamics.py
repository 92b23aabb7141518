"""Bargaining over summits with both sides acting: two-sided private types, Bayes updating, delay costs.

The game (docs/deal_dynamics.md). Each summit is a period ``n = 0..N-1`` (annual, to a horizon); the
host proposes a price for the engine's efficient contract, the other side accepts or rejects.

* Types (private, with stated priors): China is *capped* (its dependence cap binds; highest price
  ``v_1``) with probability ``mu``, otherwise *uncapped* (``v_0 >= v_1``); the Russian state *waives*
  its taxes (Russia's floor is the state's, ``f_0``) with probability ``nu``, otherwise not (Gazprom's
  floor ``f_1 >= f_0``). Two-sided incomplete information with alternating offers follows Cramton
  (1992, *Rev. Econ. Stud.* 59(1)); the sequential-screening logic (a rejection reveals that the
  responder is more likely a "tough" type) follows Fudenberg, Levine & Tirole (1985) and Admati &
  Perry (1987, *Rev. Econ. Stud.* 54(3)).
* Responses are noisy (a quantal response, McKelvey & Palfrey 1995, *Games Econ. Behav.* 10(1)): a
  responder accepts with probability ``Phi(m / sigma)`` where ``m`` is its gain from accepting over
  continuing, in USD/1,000 m3; ``sigma`` stands for everything the model does not see (politics,
  valuation error). Offers do not signal the proposer's type (responders update only on rejections):
  a stated approximation that keeps beliefs on a small grid.
* A rejection updates the proposer's belief by Bayes' rule,
  ``mu' = mu (1 - a_1) / (mu (1 - a_1) + (1 - mu)(1 - a_0))``.
* Costs of delay are state-dependent discount rates (Merlo & Wilson 1995, *Econometrica* 63(2)):
  Russia's ``rho_R = r_G + theta_R s`` rises with Gazprom's shut-in share ``s`` (stranded gas, cash
  falling); China's ``rho_C = theta_C g_n`` is near zero while China is over-contracted and rises with
  its uncontracted gap share ``g_n`` at the year first gas would start.
* Backward induction from the horizon (no deal: both get 0, the value of the status quo) on a belief
  grid ``(mu, nu)`` with bilinear interpolation; the proposer chooses the price on a grid.

The fast mode :func:`war_of_attrition` is the closed-form reputational war of attrition of Abreu &
Gul (2000, *Econometrica* 68(1)): each side is obstinate with its prior probability, the rational types
concede at the constant hazards that keep the other side indifferent, and reputations reach one at
the same time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr

from pos2.errors import BargainingError

RUSSIA = "russia"
CHINA = "china"


@dataclass(frozen=True)
class Game:
    """A batch of ``B`` bargaining games with a common first proposer and length (USD/1,000 m3).

    Arrays carry the batch on their last axis: ``china_max_usd_per_kcm`` (2, B) holds the uncapped and
    the capped China type's highest price (``v_0 >= v_1`` expected), ``russia_min_usd_per_kcm`` (2, B)
    Russia's lowest price if the state waives its taxes (the state's floor) and if not (Gazprom's),
    the delay rates (B, N) per period [1/yr].
    """

    china_max_usd_per_kcm: np.ndarray
    russia_min_usd_per_kcm: np.ndarray
    russia_rate_per_year: np.ndarray
    china_rate_per_year: np.ndarray
    first_proposer: str
    """``russia`` or ``china`` (the host of the first summit); then alternating."""
    sigma_usd_per_kcm: float
    """Scale of the noisy responses [USD/1,000 m3]."""
    interval_years: float = 1.0
    start_year: float = 2026.0

    def __post_init__(self) -> None:
        v = np.asarray(self.china_max_usd_per_kcm, float)
        f = np.asarray(self.russia_min_usd_per_kcm, float)
        rr = np.atleast_2d(np.asarray(self.russia_rate_per_year, float))
        rc = np.atleast_2d(np.asarray(self.china_rate_per_year, float))
        v = v.reshape(2, -1)
        f = f.reshape(2, -1)
        if not (
            v.shape == f.shape and rr.shape == rc.shape and rr.shape[0] == v.shape[1] and rr.shape[1] >= 1
        ):
            raise BargainingError(
                f"Game: inconsistent shapes: china_max {v.shape}, russia_min {f.shape}, "
                f"rates {rr.shape}/{rc.shape}"
            )
        if not np.all(np.isfinite(v)) or not np.all(np.isfinite(f)):
            raise BargainingError("Game: the limit prices must be finite")
        if self.first_proposer not in (RUSSIA, CHINA):
            raise BargainingError(
                f"Game: first_proposer must be 'russia' or 'china', got {self.first_proposer!r}"
            )
        if not self.sigma_usd_per_kcm > 0:
            raise BargainingError(f"Game: sigma_usd_per_kcm must be positive, got {self.sigma_usd_per_kcm}")
        object.__setattr__(self, "china_max_usd_per_kcm", v)
        object.__setattr__(self, "russia_min_usd_per_kcm", f)
        object.__setattr__(self, "russia_rate_per_year", rr)
        object.__setattr__(self, "china_rate_per_year", rc)

    @property
    def batch(self) -> int:
        """Number of games solved together."""
        return int(self.china_max_usd_per_kcm.shape[1])

    @property
    def periods(self) -> int:
        """Number of summits to the horizon."""
        return int(self.russia_rate_per_year.shape[1])

    def proposer(self, n: int) -> str:
        """Who proposes at period ``n``."""
        first = self.first_proposer == RUSSIA
        return RUSSIA if (n % 2 == 0) == first else CHINA


BELIEF_POINTS = 4
PRICE_POINTS = 17


def interp2(values: np.ndarray, mu: np.ndarray, nu: np.ndarray, point_dims: int) -> np.ndarray:
    """Bilinear interpolation of ``values`` (T, B, G, G) on the uniform belief grid at ``(mu, nu)``.

    ``mu``/``nu`` have shape (..., B, *S) with ``point_dims = len(S)`` (the batch axis matched to
    ``values``); the result has shape (T, ..., B, *S).
    """
    g = values.shape[-1]
    mu, nu = np.broadcast_arrays(np.asarray(mu, float), np.asarray(nu, float))
    b = np.arange(values.shape[1]).reshape((-1,) + (1,) * point_dims)
    xm = np.clip(mu, 0.0, 1.0) * (g - 1)
    xn = np.clip(nu, 0.0, 1.0) * (g - 1)
    i0 = np.minimum(xm.astype(int), g - 2)
    j0 = np.minimum(xn.astype(int), g - 2)
    wm, wn = xm - i0, xn - j0
    v00 = values[:, b, i0, j0]
    v10 = values[:, b, i0 + 1, j0]
    v01 = values[:, b, i0, j0 + 1]
    v11 = values[:, b, i0 + 1, j0 + 1]
    return (1 - wm) * (1 - wn) * v00 + wm * (1 - wn) * v10 + (1 - wm) * wn * v01 + wm * wn * v11


def bayes_after_rejection(prior: np.ndarray, accept_0: np.ndarray, accept_1: np.ndarray) -> np.ndarray:
    """Posterior probability of type 1 after a rejection, given each type's acceptance probability.

    ``p' = p (1 - a_1) / (p (1 - a_1) + (1 - p)(1 - a_0))``; if both types surely accept, the prior.
    """
    num = prior * (1.0 - accept_1)
    den = num + (1.0 - prior) * (1.0 - accept_0)
    safe = den > 1e-300
    return np.where(safe, num / np.where(safe, den, 1.0), prior)


@dataclass(frozen=True)
class Stage:
    """One period's solution at belief points (arrays: types first, then batch and point axes)."""

    value_china: np.ndarray
    """Value of each China type before the period (2, B, *S) [USD/kcm]."""
    value_russia: np.ndarray
    """Value of each Russia type before the period (2, B, *S) [USD/kcm]."""
    price: np.ndarray
    """Offer of each proposer type (2, B, *S) [USD/kcm]."""
    accept: np.ndarray
    """Acceptance probability (proposer type, responder type, B, *S) [-]."""
    posterior: np.ndarray
    """The proposer's belief after a rejection, per proposer type (2, B, *S) [-]."""


def stage(
    game: Game, n: int, next_china: np.ndarray, next_russia: np.ndarray, mu: np.ndarray, nu: np.ndarray
) -> Stage:
    """Solve period ``n`` at belief points ``(mu, nu)`` (shape (B, *S)) given next period's values.

    ``next_china``/``next_russia`` are (2, B, G, G) values at the start of period ``n + 1`` (zeros after
    the horizon). Each proposer type picks the price maximising its expected payoff on a grid; each
    responder type accepts with probability ``Phi((gain from accepting - value of continuing) / sigma)``,
    the continuation read at the proposer's belief after a rejection (two fixed-point passes).
    """
    mu = np.asarray(mu, float)
    nu = np.asarray(nu, float)
    nd = mu.ndim - 1
    pts = (1,) * nd
    v = game.china_max_usd_per_kcm.reshape(2, 1, -1, *pts)  # (type, P, B, *S)
    f = game.russia_min_usd_per_kcm.reshape(2, 1, -1, *pts)
    dt = game.interval_years
    d_r = np.exp(-game.russia_rate_per_year[:, n] * dt).reshape(-1, *pts)  # (B, *S)
    d_c = np.exp(-game.china_rate_per_year[:, n] * dt).reshape(-1, *pts)
    sig = game.sigma_usd_per_kcm
    lo = np.minimum(game.russia_min_usd_per_kcm.min(0), game.china_max_usd_per_kcm.min(0)) - 2.0 * sig
    hi = np.maximum(game.russia_min_usd_per_kcm.max(0), game.china_max_usd_per_kcm.max(0)) + 2.0 * sig
    w = np.linspace(0.0, 1.0, PRICE_POINTS).reshape(-1, 1)
    prices = (lo + w * (hi - lo)).reshape(PRICE_POINTS, -1, *pts)  # (P, B, *S)
    shape = (PRICE_POINTS, *np.broadcast_shapes(mu.shape, nu.shape))

    def take(a: np.ndarray, best: np.ndarray) -> np.ndarray:
        return np.take_along_axis(np.broadcast_to(a, (2, *shape)), best[:, None], axis=1)[:, 0]

    if game.proposer(n) == RUSSIA:
        post = np.broadcast_to(mu, shape)
        for _ in range(2):
            cont = d_c * interp2(next_china, post, np.broadcast_to(nu, shape), nd)  # (2 China, P, B, *S)
            acc = ndtr((v - prices - cont) / sig)
            post = bayes_after_rejection(mu, acc[0], acc[1])
        p_acc = (1.0 - mu) * acc[0] + mu * acc[1]
        cont_r = d_r * interp2(next_russia, post, np.broadcast_to(nu, shape), nd)
        pay = p_acc * (prices - f) + (1.0 - p_acc) * cont_r  # (2 Russia, P, B, *S)
        best = np.argmax(pay, axis=1)
        value_r = take(pay, best)
        price = take(prices, best)
        acc_jk = np.stack([take(acc[k], best) for k in range(2)], axis=1)  # (j, k, B, *S)
        cont_jk = np.stack([take(cont[k], best) for k in range(2)], axis=1)
        gain = acc_jk * (v[:, 0][None] - price[:, None]) + (1 - acc_jk) * cont_jk
        value_c = nu * gain[0] + (1.0 - nu) * gain[1]
        return Stage(value_c, value_r, price, acc_jk, take(post, best))

    post = np.broadcast_to(nu, shape)
    for _ in range(2):
        cont = d_r * interp2(next_russia, np.broadcast_to(mu, shape), post, nd)  # (2 Russia, P, B, *S)
        acc = ndtr((prices - f - cont) / sig)
        # nu is the probability of Russia's type 0 (waives): the helper wants P(type 1) semantics
        post = bayes_after_rejection(nu, acc[1], acc[0])
    p_acc = nu * acc[0] + (1.0 - nu) * acc[1]
    cont_c = d_c * interp2(next_china, np.broadcast_to(mu, shape), post, nd)
    pay = p_acc * (v - prices) + (1.0 - p_acc) * cont_c
    best = np.argmax(pay, axis=1)
    value_c = take(pay, best)
    price = take(prices, best)
    acc_kj = np.stack([take(acc[j], best) for j in range(2)], axis=1)  # (k, j, B, *S)
    cont_kj = np.stack([take(cont[j], best) for j in range(2)], axis=1)
    gain = acc_kj * (price[:, None] - f[:, 0][None]) + (1 - acc_kj) * cont_kj
    value_r = (1.0 - mu) * gain[0] + mu * gain[1]
    return Stage(value_c, value_r, price, acc_kj, take(post, best))


@dataclass(frozen=True)
class Solution:
    """Values at the start of every period on the belief grid, (periods + 1, 2, B, G, G)."""

    game: Game
    value_china: np.ndarray
    value_russia: np.ndarray
    grid: np.ndarray


def solve(game: Game, belief_points: int = BELIEF_POINTS) -> Solution:
    """Backward induction from the horizon on a ``belief_points`` x ``belief_points`` grid."""
    g = np.linspace(0.0, 1.0, belief_points)
    mu, nu = np.meshgrid(g, g, indexing="ij")
    b = game.batch
    mu = np.broadcast_to(mu, (b, belief_points, belief_points))
    nu = np.broadcast_to(nu, (b, belief_points, belief_points))
    vc = np.zeros((game.periods + 1, 2, b, belief_points, belief_points))
    vr = np.zeros_like(vc)
    for n in range(game.periods - 1, -1, -1):
        st = stage(game, n, vc[n + 1], vr[n + 1], mu, nu)
        vc[n], vr[n] = st.value_china, st.value_russia
    return Solution(game, vc, vr, g)


@dataclass(frozen=True)
class Path:
    """The play for one pair of true types per game from given initial beliefs, arrays (B, periods)."""

    p_deal: np.ndarray
    """Probability of a deal at each period, given none before [-]."""
    price: np.ndarray
    """Price offered at each period [USD/kcm]."""
    mu: np.ndarray
    nu: np.ndarray

    @property
    def p_deal_by_period(self) -> np.ndarray:
        """Cumulative probability of a deal by the end of each period [-]."""
        return 1.0 - np.cumprod(1.0 - self.p_deal, axis=-1)


def first_period(sol: Solution, mu0: np.ndarray, nu0: np.ndarray) -> Stage:
    """The first summit's solution at the players' beliefs ``(mu0, nu0)`` (one per game)."""
    return stage(
        sol.game, 0, sol.value_china[1], sol.value_russia[1], np.asarray(mu0, float), np.asarray(nu0, float)
    )


def play(
    sol: Solution, china_type: int, russia_type: int, mu0: np.ndarray | float, nu0: np.ndarray | float
) -> Path:
    """Follow the equilibrium for the true types ``(china_type, russia_type)`` from beliefs ``(mu0, nu0)``.

    After a rejection the proposer's belief moves to its posterior at the offer it made (its own type
    is known on this path), the other belief stays.
    """
    game = sol.game
    mu = np.broadcast_to(np.asarray(mu0, float), (game.batch,)).copy()
    nu = np.broadcast_to(np.asarray(nu0, float), (game.batch,)).copy()
    out_p, out_pr, out_mu, out_nu = [], [], [], []
    for n in range(game.periods):
        st = stage(game, n, sol.value_china[n + 1], sol.value_russia[n + 1], mu, nu)
        out_mu.append(mu.copy())
        out_nu.append(nu.copy())
        if game.proposer(n) == RUSSIA:
            out_p.append(st.accept[russia_type, china_type])
            out_pr.append(st.price[russia_type])
            mu = st.posterior[russia_type]
        else:
            out_p.append(st.accept[china_type, russia_type])
            out_pr.append(st.price[china_type])
            nu = st.posterior[china_type]
    return Path(np.stack(out_p, -1), np.stack(out_pr, -1), np.stack(out_mu, -1), np.stack(out_nu, -1))


TYPE_NAMES = (("uncapped", "capped"), ("waiver", "no_waiver"))


@dataclass(frozen=True)
class AgreementOutlook:
    """Agreement by year over the type pairs of one game (the band: the spread over the pairs)."""

    years: np.ndarray
    p_by_year: np.ndarray
    """Cumulative probability of a deal, weighted by the type probabilities [-]."""
    p_low: np.ndarray
    p_high: np.ndarray
    price_quantiles: dict[str, float]
    """Price at signature (p10/p50/p90, mean) given a deal by the horizon [USD/kcm]."""
    expected_delay_years: float | None
    """Expected years from the first summit to a deal, given a deal by the horizon."""
    by_type: dict[str, list[float]] = field(default_factory=dict)


def agreement_outlook(sol: Solution, weights: np.ndarray, mu0: float, nu0: float) -> AgreementOutlook:
    """Cumulative agreement by year and price at signature for game 0 from the type weights ``w[k, j]``.

    ``weights`` (2 China types x 2 Russia types) sum to one; ``mu0``/``nu0`` are the players' beliefs.
    """
    game = sol.game
    years = game.start_year + game.interval_years * np.arange(game.periods)
    cum = np.zeros((2, 2, game.periods))
    prices, probs = [], []
    by_type: dict[str, list[float]] = {}
    for k in range(2):
        for j in range(2):
            path = play(sol, k, j, mu0, nu0)
            cum[k, j] = path.p_deal_by_period[0]
            surv = np.concatenate([[1.0], np.cumprod(1.0 - path.p_deal[0])[:-1]])
            prices.append(path.price[0])
            probs.append(surv * path.p_deal[0] * weights[k, j])
            by_type[f"china_{TYPE_NAMES[0][k]}_russia_{TYPE_NAMES[1][j]}"] = [float(x) for x in cum[k, j]]
    p = np.einsum("kj,kjn->n", weights, cum)
    pr, pw = np.concatenate(prices), np.concatenate(probs)
    dl = np.tile(years - years[0], 4)
    total = float(pw.sum())
    q: dict[str, float] = {}
    delay = None
    if total > 1e-9:
        order = np.argsort(pr)
        cw = np.cumsum(pw[order]) / total
        for x in (0.1, 0.5, 0.9):
            q[f"p{round(x * 100)}"] = float(pr[order][min(int(np.searchsorted(cw, x)), len(cw) - 1)])
        q["mean"] = float((pr * pw).sum() / total)
        delay = float((dl * pw).sum() / total)
    pos = weights.reshape(2, 2, 1) > 0
    return AgreementOutlook(
        years=years,
        p_by_year=p,
        p_low=np.where(pos, cum, np.inf).min(axis=(0, 1)),
        p_high=np.where(pos, cum, -np.inf).max(axis=(0, 1)),
        price_quantiles=q,
        expected_delay_years=delay,
        by_type=by_type,
    )


# -- the fast mode: Abreu & Gul (2000) -------------------------------------------------------------


@dataclass(frozen=True)
class Attrition:
    """The closed-form war of attrition (shares of the zone; rates per year)."""

    hazard_russia: float
    """Rate at which a rational Russia concedes [1/yr]."""
    hazard_china: float
    time_end_years: float
    """Time at which both reputations reach one (the rational types have all conceded) [yr]."""
    mass_russia_at_zero: float
    """Probability that Russia concedes at once (the weaker side) [-]."""
    mass_china_at_zero: float
    compatible: bool = False
    """Demands compatible (``a_R + a_C <= 1``): agreement at once."""

    def p_deal_by(self, t_years: np.ndarray | float, z_russia: float, z_china: float) -> np.ndarray:
        """Probability that one side has conceded by ``t`` (a deal), unconditional over types [-].

        Side ``i`` concedes by ``t`` with probability ``F_i(t) = 1 - (1 - m_i) e^{-lambda_i t}`` for
        ``t < T`` and the rational mass ``1 - z_i`` at ``T``; concessions are independent, so no deal by
        ``t`` has probability ``(1 - F_R)(1 - F_C)``.
        """
        t = np.asarray(t_years, float)
        if self.compatible:
            return np.ones_like(t)
        f_r = np.where(
            t < self.time_end_years,
            1.0 - (1.0 - self.mass_russia_at_zero) * np.exp(-self.hazard_russia * t),
            1.0 - z_russia,
        )
        f_c = np.where(
            t < self.time_end_years,
            1.0 - (1.0 - self.mass_china_at_zero) * np.exp(-self.hazard_china * t),
            1.0 - z_china,
        )
        return 1.0 - (1.0 - f_r) * (1.0 - f_c)


def war_of_attrition(
    demand_russia: float,
    demand_china: float,
    rate_russia: float,
    rate_china: float,
    z_russia: float,
    z_china: float,
) -> Attrition:
    """Abreu & Gul (2000): concession hazards, end time and the weaker side's mass at zero.

    Shares ``a_R + a_C > 1`` of the zone are demanded; the rational Russia concedes at
    ``lambda_R = r_C (1 - a_R) / (a_R + a_C - 1)`` (keeping China indifferent between conceding, worth
    ``1 - a_R``, and waiting for Russia's concession, worth ``a_C``), and symmetrically for China.
    Obstinate types (priors ``z_i``) never concede; reputations grow as ``z_i e^{lambda_i t}`` and reach
    one at ``T_i = -ln(z_i) / lambda_i``; the side with the larger ``T_i`` concedes at once with the mass
    ``1 - z_i e^{lambda_i T}`` where ``T = min(T_R, T_C)``.
    """
    excess = demand_russia + demand_china - 1.0
    if excess <= 0:
        # compatible demands: agreement at once
        return Attrition(math.inf, math.inf, 0.0, 1.0, 1.0, compatible=True)
    if not (0 < z_russia < 1 and 0 < z_china < 1):
        raise BargainingError(
            f"war_of_attrition: obstinacy priors must lie in (0, 1), got {z_russia}, {z_china}"
        )
    lam_r = rate_china * (1.0 - demand_russia) / excess
    lam_c = rate_russia * (1.0 - demand_china) / excess
    t_r = -math.log(z_russia) / lam_r if lam_r > 0 else math.inf
    t_c = -math.log(z_china) / lam_c if lam_c > 0 else math.inf
    t_end = min(t_r, t_c)
    m_r = 1.0 - z_russia * math.exp(lam_r * t_end) if math.isfinite(t_end) and t_r > t_end else 0.0
    m_c = 1.0 - z_china * math.exp(lam_c * t_end) if math.isfinite(t_end) and t_c > t_end else 0.0
    return Attrition(lam_r, lam_c, t_end, m_r, m_c)
