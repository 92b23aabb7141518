"""The summits as evidence: four global parameters by maximum likelihood, scores, leave-one-round-out.

Every round of ``rounds.toml`` is a game of :mod:`pos2.bargaining.dynamics` started at its date on its
vintage limits (:mod:`pos2.bargaining.vintage`): the summit's host proposes, the outcome observed is
deal or no deal. Four global parameters (never one per round):

* ``theta_russia`` — Russia's extra delay rate per unit of Gazprom's shut-in share [1/yr];
* ``theta_china`` — China's delay rate per unit of its uncontracted gap share [1/yr];
* ``p_state_waiver`` — the prior probability that the Russian state waives its taxes [-];
* ``sigma`` — the scale of the noisy responses [USD/1,000 m3].

China's prior of being *capped* is fixed at :data:`P_CAPPED` (the reported 20 % rule is unverified).
The likelihood of the sequence of outcomes is the product over rounds of ``P(outcome_n | no deal at
the earlier rounds of the same project)``: after an observed no-deal the type weights are updated by
Bayes' rule and the players start the next round from the updated marginal beliefs. The fit is a grid
maximum likelihood: the games are solved once for every grid point in one batch, the likelihood is
maximised over the grid, and the standard errors come from the curvature of a parabola through the
optimum and its two neighbours along each axis (on the log or logit scale; none at a grid edge).
Leave-one-round-out predictions re-maximise the likelihood without the round (its outcome is then also
left out of the belief updates) and predict it. Scores: log-likelihood and Brier score of the model,
of the leave-one-out predictions and of the base-rate forecaster (the share of deals among the other
rounds, also leave-one-out, so it cannot see the round it predicts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np

from pos2.bargaining.dynamics import CHINA, RUSSIA, Game, first_period, solve
from pos2.errors import BargainingError

P_CAPPED = 0.5
"""China's prior probability of the capped type (deal_facts.md §1: a reported <= 20 % rule, unverified,
confidence L: no evidence either way)."""

HORIZON_SUMMITS = 15
"""Summits each game looks ahead (annual; 2026 -> 2040 for today's round) [-]."""

PARAMETERS: dict[str, dict[str, Any]] = {
    "theta_russia": {
        "grid": (0.0, 0.15, 0.5),
        "scale": "log1p",
        "unit": "1/yr per unit shut-in share",
        "prior": "log-uniform-ish over 0-0.5: the central bank key rate rose from 7.5 % (2021) to 21 % "
        "(Oct 2024) while about a fifth of Gazprom's output was shut in (deal_inputs.md; pos2_facts.md): "
        "about 0.14/0.2 = 0.7/yr at most, a fraction of it attributable to the gas business",
    },
    "theta_china": {
        "grid": (0.0, 0.5, 2.0),
        "scale": "log1p",
        "unit": "1/yr per unit gap share",
        "prior": "0 to 3/yr: China's discount rate (7 %, scenario finance.discount_rate_china) reached at "
        "an uncontracted gap of about 3-25 % of demand (assumption)",
    },
    "p_state_waiver": {
        "grid": (0.05, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95),
        "scale": "logit",
        "unit": "-",
        "prior": "uniform on (0, 1): the state waived MET and property tax for PoS1 in 2014 (TASS 11 Nov "
        "2014) and ruled out PoS2 relief in 2025 (Sazanov, Interfax 18 Sep 2025; deal_inputs.md)",
    },
    "sigma": {
        "grid": (10.0, 25.0, 60.0),
        "scale": "log",
        "unit": "USD/1,000 m3",
        "prior": "log-uniform 10-60: single defensible input changes move China's ceiling over roughly "
        "250-340 USD/kcm (issue 13), i.e. a valuation uncertainty of about 25-45",
    },
}
"""The four global parameters: grid (spanning the prior), scale of the standard error, prior and source."""


@dataclass(frozen=True)
class RoundData:
    """What the likelihood needs from one round."""

    label: str
    project: str
    year: int
    host: str
    """``russia`` or ``china``: the host proposes."""
    deal: bool
    china_max_usd_per_kcm: tuple[float, float]
    """Uncapped and capped China type."""
    russia_min_usd_per_kcm: tuple[float, float]
    """State (waiver) and Gazprom (no waiver)."""
    russia_base_rate_per_year: float
    shut_in_share: float
    gap_share: tuple[float, ...]
    """China's uncontracted gap share at the first-gas year of a deal at each summit ahead [-]."""


def host_of(venue: str) -> str:
    """The host of a summit from its venue: Russian cities -> ``russia``, Chinese -> ``china``.

    Raises for a venue in neither list (the rounds file would need a host).
    """
    v = venue.lower()
    if any(c in v for c in ("moscow", "sochi", "st petersburg", "vladivostok", "kazan")):
        return RUSSIA
    if any(c in v for c in ("beijing", "shanghai", "tianjin", "qingdao", "hangzhou")):
        return CHINA
    if "samarkand" in v:  # SCO summit in Uzbekistan: Russia asked for the trilateral (pos2_facts.md §5)
        return RUSSIA
    raise BargainingError(
        f"no host known for the venue {venue!r} (add it to pos2.bargaining.estimate.host_of)"
    )


def _rates(r: RoundData, theta_r: float, theta_c: float) -> tuple[np.ndarray, np.ndarray]:
    n = len(r.gap_share)
    rr = np.full(n, r.russia_base_rate_per_year + theta_r * r.shut_in_share)
    rc = theta_c * np.asarray(r.gap_share, float)
    return rr, rc


def _combos() -> list[tuple[float, float, float]]:
    p = PARAMETERS
    return list(product(p["theta_russia"]["grid"], p["theta_china"]["grid"], p["sigma"]["grid"]))


@dataclass(frozen=True)
class Solved:
    """First-summit acceptance for every round, parameter combination and belief pair (tables)."""

    rounds: tuple[RoundData, ...]
    combos: list[tuple[float, float, float]]
    solutions: dict[tuple[str, float], Any]
    index: dict[tuple[str, float], list[int]]


def solve_rounds(
    rounds: tuple[RoundData, ...], combos: list[tuple[float, float, float]] | None = None
) -> Solved:
    """Solve every round's game for every (theta_russia, theta_china, sigma), one batch per host/sigma."""
    cs = combos or _combos()
    sols: dict[tuple[str, float], Any] = {}
    index: dict[tuple[str, float], list[int]] = {}
    for host in (RUSSIA, CHINA):
        ids = [i for i, r in enumerate(rounds) if r.host == host]
        if not ids:
            continue
        for sigma in sorted({c[2] for c in cs}):
            sub = [c for c in cs if c[2] == sigma]
            v, f, rr, rc = [], [], [], []
            for c in sub:
                for i in ids:
                    r = rounds[i]
                    a, b = _rates(r, c[0], c[1])
                    v.append(r.china_max_usd_per_kcm)
                    f.append(r.russia_min_usd_per_kcm)
                    rr.append(a)
                    rc.append(b)
            game = Game(np.array(v).T, np.array(f).T, np.array(rr), np.array(rc), host, sigma)
            sols[(host, sigma)] = solve(game)
            index[(host, sigma)] = ids
    return Solved(rounds, cs, sols, index)


def sweep(s: Solved, include: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """P(deal) at every round for every grid point, given the earlier observed outcomes of the project.

    Rounds are taken in date order; before each, the players' beliefs are the marginals of the type
    weights ``w[k, j]`` of its project, and after an observed no-deal of an included round the weights
    are updated by Bayes' rule (``w <- w (1 - P(deal | k, j))``, normalised). Rounds not in ``include``
    are predicted but do not update. Returns p (combos, waiver grid, rounds) and the weights before each
    round (combos, waiver grid, rounds, 2, 2).
    """
    n = len(s.rounds)
    inc = np.ones(n, bool) if include is None else include
    pws = np.asarray(PARAMETERS["p_state_waiver"]["grid"], float)
    nc, npw = len(s.combos), len(pws)
    prior = np.zeros((nc, npw, 2, 2))
    prior[..., 0, 0] = (1 - P_CAPPED) * pws
    prior[..., 0, 1] = (1 - P_CAPPED) * (1 - pws)
    prior[..., 1, 0] = P_CAPPED * pws
    prior[..., 1, 1] = P_CAPPED * (1 - pws)
    state: dict[str, np.ndarray] = {}
    p = np.zeros((nc, npw, n))
    weights = np.zeros((nc, npw, n, 2, 2))
    for i in sorted(range(n), key=lambda i: (s.rounds[i].year, s.rounds[i].label)):
        r = s.rounds[i]
        w = state.get(r.project, prior)
        weights[:, :, i] = w
        mu = w[..., 1, :].sum(-1)  # (C, PW): P(China capped)
        nu = w[..., :, 0].sum(-1)  # P(Russia waives)
        acc = np.zeros((nc, npw, 2, 2))
        for (host, sigma), sol in s.solutions.items():
            if host != r.host:
                continue
            ids = s.index[(host, sigma)]
            pos = ids.index(i)
            cis = [ci for ci, c in enumerate(s.combos) if c[2] == sigma]
            rows = np.arange(len(cis)) * len(ids) + pos
            mu_b = np.full((sol.game.batch, npw), P_CAPPED)
            nu_b = np.full((sol.game.batch, npw), 0.5)
            mu_b[rows] = mu[cis]
            nu_b[rows] = nu[cis]
            st = first_period(sol, mu_b, nu_b)
            a = st.accept[:, :, rows]  # (proposer type, responder type, len(cis), PW)
            a = np.transpose(a, (2, 3, 1, 0)) if host == RUSSIA else np.transpose(a, (2, 3, 0, 1))
            acc[cis] = a
        p[:, :, i] = (w * acc).sum(axis=(-1, -2))
        if inc[i] and not r.deal:
            nw = w * (1.0 - acc)
            tot = nw.sum(axis=(-1, -2), keepdims=True)
            state[r.project] = np.where(tot > 0, nw / np.where(tot > 0, tot, 1.0), w)
    return np.clip(p, 1e-9, 1 - 1e-9), weights


def loglik(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bernoulli log-likelihood per round."""
    return np.where(y, np.log(p), np.log1p(-p))


@dataclass(frozen=True)
class Fit:
    """The estimation result."""

    parameters: dict[str, dict[str, Any]]
    p_deal: np.ndarray
    p_deal_leave_one_out: np.ndarray
    scores: dict[str, float]
    weights: np.ndarray
    """Type weights before each round at the estimate, (R, 2, 2)."""
    surface: dict[str, Any] = field(default_factory=dict)


def _se(values: dict[float, float], at: float, scale: str) -> float | None:
    """Standard error from a parabola through the optimum and its two grid neighbours (None at an edge)."""
    xs = sorted(values)
    i = xs.index(at)
    if i == 0 or i == len(xs) - 1:
        return None

    def tr(x: float) -> float:
        if scale == "log":
            return math.log(x)
        if scale == "logit":
            return math.log(x / (1 - x))
        return math.log1p(x)

    x0, x1, x2 = tr(xs[i - 1]), tr(xs[i]), tr(xs[i + 1])
    y0, y1, y2 = values[xs[i - 1]], values[xs[i]], values[xs[i + 1]]
    # second derivative of the log-likelihood on the transformed scale (unequal spacing)
    d2 = 2 * ((y2 - y1) / (x2 - x1) - (y1 - y0) / (x1 - x0)) / (x2 - x0)
    if not d2 < 0:
        return None
    se_t = 1.0 / math.sqrt(-d2)
    # delta method back to the natural scale
    if scale == "log":
        return at * se_t
    if scale == "logit":
        return at * (1 - at) * se_t
    return (1 + at) * se_t


def fit(rounds: tuple[RoundData, ...], *, leave_one_out: bool = True) -> Fit:
    """Grid maximum likelihood over all rounds, standard errors, leave-one-round-out, scores.

    ``leave_one_out=False`` skips the refits (the leave-one-out predictions are then NaN).
    """
    if not rounds:
        raise BargainingError("fit: no rounds")
    y = np.array([r.deal for r in rounds])
    s = solve_rounds(rounds)
    n = len(rounds)
    pws = PARAMETERS["p_state_waiver"]["grid"]
    p_all, w_all = sweep(s)
    ll = loglik(p_all, y[None, None, :])  # (C, PW, R)
    total = ll.sum(axis=-1)
    ci, wi = np.unravel_index(int(np.argmax(total)), total.shape)
    (tr, tc, sg), pw = s.combos[ci], pws[wi]
    p_fit, weights = p_all[ci, wi], w_all[ci, wi]
    # leave-one-round-out: the round's outcome out of the fit and out of the belief updates
    loo = np.full(n, np.nan)
    for i in range(n if leave_one_out else 0):
        inc = np.ones(n, bool)
        inc[i] = False
        p_i, _ = sweep(s, inc)
        t_i = np.delete(loglik(p_i, y[None, None, :]), i, axis=-1).sum(axis=-1)
        c2, w2 = np.unravel_index(int(np.argmax(t_i)), t_i.shape)
        loo[i] = p_i[c2, w2, i]
    pts = [(c, w) for c in s.combos for w in pws]
    total = total.reshape(-1)
    est = {"theta_russia": tr, "theta_china": tc, "sigma": sg, "p_state_waiver": pw}
    params: dict[str, dict[str, Any]] = {}
    for name, val in est.items():
        prof: dict[float, float] = {}
        for (c, w), t in zip(pts, total, strict=True):
            key = {"theta_russia": c[0], "theta_china": c[1], "sigma": c[2], "p_state_waiver": w}
            others = {k: v for k, v in key.items() if k != name}
            if all(others[k] == est[k] for k in others):
                prof[key[name]] = float(t)
        params[name] = {
            "value": float(val),
            "standard_error": _se(prof, val, PARAMETERS[name]["scale"]),
            "prior": PARAMETERS[name]["prior"],
            "grid": list(PARAMETERS[name]["grid"]),
            "unit": PARAMETERS[name]["unit"],
        }
    base_loo = np.array([(y.sum() - y[i]) / (n - 1) if n > 1 else 0.5 for i in range(n)])
    base_loo = np.clip(base_loo, 1e-3, 1 - 1e-3)
    base_in = np.full(n, np.clip(y.mean(), 1e-3, 1 - 1e-3))
    scores = {
        "log_likelihood": float(loglik(p_fit, y).sum()),
        "brier": float(np.mean((p_fit - y) ** 2)),
        "log_likelihood_base_rate": float(loglik(base_in, y).sum()),
        "brier_base_rate": float(np.mean((base_in - y) ** 2)),
        "log_likelihood_leave_one_out": float(loglik(np.clip(loo, 1e-9, 1 - 1e-9), y).sum()),
        "brier_leave_one_out": float(np.mean((loo - y) ** 2)),
        "log_likelihood_base_rate_leave_one_out": float(loglik(base_loo, y).sum()),
        "brier_base_rate_leave_one_out": float(np.mean((base_loo - y) ** 2)),
        "rounds": n,
        "deals": int(y.sum()),
    }
    return Fit(params, p_fit, loo, scores, weights, {"grid_points": len(pts)})
