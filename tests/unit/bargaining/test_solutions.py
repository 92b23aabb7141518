"""Bargaining solutions against hand-solved textbook cases."""

from __future__ import annotations

import math

import pytest

from pos2.bargaining.solutions import (
    discount_factor,
    nash_price,
    rubinstein_share,
    rubinstein_with_outside_options,
    shapley_values,
    transit_game,
    zopa,
)
from pos2.errors import BargainingError


def test_zopa_empty_and_full() -> None:
    assert zopa(100.0, 250.0) == (100.0, 250.0)
    assert zopa(260.0, 250.0) is None


def test_symmetric_nash_splits_the_surplus_in_half() -> None:
    # Nash (1950): symmetric players split the surplus equally -> the midpoint price
    assert nash_price(100.0, 300.0, china_power=0.5) == pytest.approx(200.0)


@pytest.mark.parametrize(("beta", "expected"), [(0.0, 300.0), (1.0, 100.0), (0.6, 180.0), (0.25, 250.0)])
def test_generalized_nash_price_hand_solved(beta: float, expected: float) -> None:
    # p = R + (1 - beta)(V - R): beta is China's share of the surplus
    assert nash_price(100.0, 300.0, china_power=beta) == pytest.approx(expected)


def test_generalized_nash_maximises_the_nash_product() -> None:
    r, v, beta = 120.0, 340.0, 0.6
    p_star = nash_price(r, v, beta)
    assert p_star is not None

    def product(p: float) -> float:
        return (v - p) ** beta * (p - r) ** (1 - beta)

    grid = [r + (v - r) * k / 2000 for k in range(1, 2000)]
    best = max(grid, key=product)
    assert abs(best - p_star) <= (v - r) / 2000


def test_nash_without_zopa_is_none() -> None:
    assert nash_price(300.0, 200.0, china_power=0.5) is None


@pytest.mark.parametrize("beta", [-0.01, 1.01, math.nan])
def test_beta_outside_unit_interval_is_an_error(beta: float) -> None:
    with pytest.raises(BargainingError, match=r"china_power"):
        nash_price(100.0, 200.0, china_power=beta)


def test_rubinstein_symmetric_patience() -> None:
    # x* = (1 - d) / (1 - d^2) = 1 / (1 + d); first-mover advantage vanishes as d -> 1
    assert rubinstein_share(0.9, 0.9) == pytest.approx(1 / 1.9)
    assert rubinstein_share(0.999999, 0.999999) == pytest.approx(0.5, abs=1e-6)


def test_rubinstein_limit_with_discount_rates() -> None:
    # delta_i = exp(-r_i dt), dt -> 0: proposer share -> r_resp / (r_prop + r_resp)  (Binmore et al. 1986)
    r_prop, r_resp = 0.12, 0.08
    dt = 1e-6
    x = rubinstein_share(discount_factor(r_prop, dt), discount_factor(r_resp, dt))
    assert x == pytest.approx(r_resp / (r_prop + r_resp), rel=1e-5)


def test_rubinstein_impatient_responder_gives_everything() -> None:
    assert rubinstein_share(0.9, 0.0) == pytest.approx(1.0)


def test_rubinstein_without_impatience_is_an_error() -> None:
    with pytest.raises(BargainingError):
        rubinstein_share(1.0, 1.0)


def test_negative_discount_rate_is_an_error() -> None:
    with pytest.raises(BargainingError, match="discount rate"):
        discount_factor(-0.01, 1.0)


def test_outside_option_principle() -> None:
    # Osborne & Rubinstein (1990) 3.12: a non-binding outside option changes nothing
    pie = 100.0
    base = rubinstein_share(0.9, 0.9) * pie
    assert rubinstein_with_outside_options(pie, 0.9, 0.9, 0.0, 10.0) == pytest.approx((base, pie - base))
    # a binding option is paid exactly, the rest goes to the other player
    assert rubinstein_with_outside_options(pie, 0.9, 0.9, 0.0, 60.0) == pytest.approx((40.0, 60.0))
    assert rubinstein_with_outside_options(pie, 0.9, 0.9, 70.0, 0.0) == pytest.approx((70.0, 30.0))
    # options worth more than the pie together: no agreement
    assert rubinstein_with_outside_options(pie, 0.9, 0.9, 60.0, 50.0) is None


def test_shapley_glove_game() -> None:
    # one left glove (L) and two right gloves (R1, R2): a pair is worth 1 -> (2/3, 1/6, 1/6)
    def v(s: frozenset[str]) -> float:
        return 1.0 if "L" in s and ({"R1", "R2"} & s) else 0.0

    phi = shapley_values(["L", "R1", "R2"], v)
    assert phi["L"] == pytest.approx(2 / 3)
    assert phi["R1"] == pytest.approx(1 / 6)
    assert phi["R2"] == pytest.approx(1 / 6)


@pytest.mark.parametrize(("b", "a"), [(90.0, 0.0), (90.0, 30.0), (90.0, 90.0)])
def test_transit_game_closed_form(b: float, a: float) -> None:
    phi = shapley_values(["russia", "mongolia", "china"], transit_game(b, a))
    assert phi["mongolia"] == pytest.approx((b - a) / 3)
    assert phi["russia"] == pytest.approx((2 * b + a) / 6)
    assert phi["china"] == pytest.approx((2 * b + a) / 6)
    assert sum(phi.values()) == pytest.approx(b)
