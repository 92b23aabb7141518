"""Bargaining solutions on plain numbers: ZOPA, generalized Nash, Rubinstein, Shapley.

Prices are per 1,000 m3 at the Chinese border [USD/1,000 m3]; ``china_max`` is the buyer's highest
acceptable price, ``russia_min`` the seller's reservation price.

Examples
--------
>>> zopa(150.0, 300.0)
(150.0, 300.0)
>>> nash_price(100.0, 300.0, china_power=0.5)
200.0
>>> round(rubinstein_share(0.9, 0.9), 4)
0.5263
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from pos2.errors import BargainingError


def _check_beta(china_power: float) -> None:
    if not (0.0 <= china_power <= 1.0) or math.isnan(china_power):
        raise BargainingError(f"bargaining.china_power (beta) must lie in [0, 1], got {china_power}")


def zopa(russia_min: float, china_max: float) -> tuple[float, float] | None:
    """Zone of possible agreement ``[russia_min, china_max]``, or ``None`` when it is empty.

    Parameters
    ----------
    russia_min
        Russia's reservation price [USD/1,000 m3].
    china_max
        China's highest acceptable price [USD/1,000 m3].
    """
    if china_max < russia_min:
        return None
    return (float(russia_min), float(china_max))


def nash_price(russia_min: float, china_max: float, china_power: float) -> float | None:
    """Generalized Nash bargaining price.

    Maximises ``(china_max - p)^beta * (p - russia_min)^(1 - beta)`` over ``p``, whose solution is
    ``p = russia_min + (1 - beta) * (china_max - russia_min)``: China keeps the share beta of the
    surplus. ``None`` when the zone of agreement is empty.

    Parameters
    ----------
    russia_min
        Russia's disagreement point (reservation price) [USD/1,000 m3].
    china_max
        China's disagreement point (highest acceptable price) [USD/1,000 m3].
    china_power
        China's bargaining power beta [-], in [0, 1].

    References
    ----------
    Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162. Kalai, E. (1977).
    Nonsymmetric Nash solutions. *Int. J. Game Theory* 6, 129-133 (asymmetric form).
    """
    _check_beta(china_power)
    if zopa(russia_min, china_max) is None:
        return None
    return float(russia_min + (1.0 - china_power) * (china_max - russia_min))


def discount_factor(rate_per_year: float, interval_years: float) -> float:
    """Per-round discount factor ``exp(-r * dt)``.

    Parameters
    ----------
    rate_per_year
        Rate of time preference [1/yr], >= 0.
    interval_years
        Time between offers [yr], > 0.
    """
    if rate_per_year < 0 or math.isnan(rate_per_year):
        raise BargainingError(f"discount rate must be >= 0, got {rate_per_year}")
    if interval_years <= 0:
        raise BargainingError(f"round interval must be > 0 years, got {interval_years}")
    return math.exp(-rate_per_year * interval_years)


def rubinstein_share(delta_proposer: float, delta_responder: float) -> float:
    """Proposer's share of the pie in the subgame-perfect equilibrium of alternating offers.

    ``x* = (1 - delta_responder) / (1 - delta_proposer * delta_responder)``. With discount factors
    ``exp(-r_i dt)`` and ``dt -> 0`` the share tends to ``r_responder / (r_proposer + r_responder)``.

    Parameters
    ----------
    delta_proposer
        Proposer's per-round discount factor [-], in [0, 1].
    delta_responder
        Responder's per-round discount factor [-], in [0, 1].

    References
    ----------
    Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica* 50(1), 97-109.
    """
    for d in (delta_proposer, delta_responder):
        if not (0.0 <= d <= 1.0):
            raise BargainingError(f"discount factors must lie in [0, 1], got {d}")
    den = 1.0 - delta_proposer * delta_responder
    if den <= 0.0:
        raise BargainingError(
            "Rubinstein game without impatience (both discount factors 1) has no unique split"
        )
    return (1.0 - delta_responder) / den


def rubinstein_with_outside_options(
    pie: float,
    delta_proposer: float,
    delta_responder: float,
    outside_proposer: float = 0.0,
    outside_responder: float = 0.0,
) -> tuple[float, float] | None:
    """Split of ``pie`` under alternating offers with outside options (outside-option principle).

    An outside option matters only when it is worth more than what the player gets in the
    Rubinstein game without it; then that player gets exactly the outside option and the other the
    rest. ``None`` when the outside options together exceed the pie (no agreement).

    Parameters
    ----------
    pie
        Surplus to divide [USD/1,000 m3].
    delta_proposer, delta_responder
        Per-round discount factors [-].
    outside_proposer, outside_responder
        Values of opting out [USD/1,000 m3].

    Returns
    -------
    tuple or None
        ``(proposer, responder)`` payoffs [USD/1,000 m3].

    References
    ----------
    Binmore, K., Rubinstein, A. and Wolinsky, A. (1986). The Nash bargaining solution in economic
    modelling. *RAND J. Econ.* 17(2), 176-188. Osborne, M. J. and Rubinstein, A. (1990).
    *Bargaining and Markets*, Academic Press, section 3.12.
    """
    if outside_proposer + outside_responder > pie:
        return None
    x = rubinstein_share(delta_proposer, delta_responder) * pie
    prop, resp = x, pie - x
    if resp < outside_responder:
        resp = outside_responder
        prop = pie - resp
    elif prop < outside_proposer:
        prop = outside_proposer
        resp = pie - prop
    return (float(prop), float(resp))


def shapley_values(players: Sequence[str], v: Callable[[frozenset[str]], float]) -> dict[str, float]:
    """Shapley value of a transferable-utility game (exact, over all orderings).

    Parameters
    ----------
    players
        Player names (a handful: the sum runs over all n! orderings) [-].
    v
        Characteristic function: coalition -> worth [any money unit].

    References
    ----------
    Shapley, L. S. (1953). A value for n-person games. In *Contributions to the Theory of Games II*,
    Annals of Mathematics Studies 28, 307-317.
    """
    if len(set(players)) != len(players):
        raise BargainingError(f"player names must be unique: {list(players)}")
    if len(players) > 8:
        raise BargainingError("shapley_values enumerates orderings; use at most 8 players")
    phi = dict.fromkeys(players, 0.0)
    orders = list(itertools.permutations(players))
    for order in orders:
        coalition: frozenset[str] = frozenset()
        for p in order:
            bigger = coalition | {p}
            phi[p] += v(bigger) - v(coalition)
            coalition = bigger
    return {p: phi[p] / len(orders) for p in players}


def transit_game(surplus_via_mongolia: float, surplus_direct: float) -> Callable[[frozenset[str]], float]:
    """Characteristic function of the Russia-Mongolia-China pipeline game.

    Only the grand coalition can use the Mongolian route (worth ``surplus_via_mongolia``); Russia and
    China alone can build a direct route (worth ``surplus_direct``, 0 if none). Every other coalition
    is worth 0. With ``a = surplus_direct <= b = surplus_via_mongolia`` the Shapley value is
    Mongolia ``(b - a) / 3``, Russia and China ``(2b + a) / 6`` each.

    Parameters
    ----------
    surplus_via_mongolia
        Surplus of the project through Mongolia [USD/1,000 m3 or USD].
    surplus_direct
        Surplus of a direct Russia-China route [same unit].

    References
    ----------
    Hubert, F. and Ikonnikova, S. (2011). Investment options and bargaining power: the Eurasian
    supply chain for natural gas. *J. Industrial Economics* 59(1), 85-116 (deal_facts.md §3).
    """
    b = max(float(surplus_via_mongolia), 0.0)
    a = max(float(surplus_direct), 0.0)

    def v(coalition: frozenset[str]) -> float:
        if coalition >= {"russia", "mongolia", "china"}:
            return max(a, b)
        if coalition >= {"russia", "china"}:
            return a
        return 0.0

    return v
