"""China's supply stack: the merit order equals the physical LP; hand-solved contract cases."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pos2.bargaining.portfolio import Portfolio, SupplyContract, load_portfolio
from pos2.bargaining.stack import (
    Market,
    StackSettings,
    _example_settings,
    build_blocks,
    build_stack,
    displaced_curve,
    lng_deck,
    simulate_market,
    supply_curve,
)
from pos2.bargaining.stack_lp import lp_supply_cost_musd
from pos2.economics.prices import price_model
from pos2.scenario import load_scenario

GROSS = 35.29


def contract(name: str, **kw: object) -> SupplyContract:
    base: dict[str, object] = {
        "name": name,
        "seller": "s",
        "seller_country": "X",
        "kind": "lng",
        "volume_bcm_per_year": 20.0,
        "start_year": 2000,
        "end_year": 2100,
        "take_or_pay": 1.0,
        "destination": "locked",
        "oil_slope": 0.0,
        "constant_usd_per_mmbtu": 8.0,
        "hh_multiplier": 0.0,
        "fee_usd_per_mmbtu": 0.0,
        "shipping_usd_per_mmbtu": 0.0,
        "delivered_fixed_usd_per_kcm": 32.0,
        "mmbtu_per_kcm": GROSS,
        "hormuz_dependent": False,
        "sources": ("test",),
        "confidence": "INF",
        "assumed": (),
        "note": "",
    }
    base.update(kw)
    return SupplyContract(**base)  # type: ignore[arg-type]


def settings(**kw: object) -> StackSettings:
    s = dataclasses.replace(
        _example_settings(),
        n_paths=1,
        n_years=2,
        domestic_cost_usd_per_kcm=100.0,
        regas_capacity_bcm=1000.0,
        diversion_cost_usd_per_mmbtu=0.5,
    )
    return dataclasses.replace(s, **kw)  # type: ignore[arg-type]


def market(jkm: list[float], demand: list[float], domestic: float = 100.0) -> Market:
    ny = len(jkm)
    return Market(
        years=np.arange(2031, 2031 + ny),
        brent_usd_per_bbl=np.full((1, ny), 70.0),
        jkm_usd_per_mmbtu=np.array([jkm], dtype=float),
        hh_usd_per_mmbtu=np.full((1, ny), 3.5),
        demand_bcm=np.array([demand], dtype=float),
        domestic_bcm=np.full((1, ny), domestic),
        hormuz_closed=np.zeros((1, ny), dtype=bool),
        hormuz_lost_share=np.zeros((1, ny)),
    )


def avoided(portfolio: Portfolio, m: Market, q: float, s: StackSettings | None = None) -> np.ndarray:
    curve = supply_curve(build_blocks(portfolio, m, s or settings()))
    return displaced_curve(curve, m.demand_bcm, 30.0).avoided_musd(np.full(m.shape, q))[0]


# Two years, two contracts. A: locked, 20 bcm/yr, take-or-pay 50 %, 8 USD/MMBtu; B: 20 bcm/yr, take-or-pay
# 100 %, 9 USD/MMBtu. Domestic 100 bcm/yr at 100 USD/kcm; regas 32 USD/kcm; diversion 0.5 USD/MMBtu.
# JKM 10 then 6 USD/MMBtu; demand 135 then 125 bcm/yr; PoS2 takes 10 bcm/yr.
A = contract("A", take_or_pay=0.5)
JKM, DEMAND = [10.0, 6.0], [135.0, 125.0]


def test_hand_solved_take_or_pay_and_resale() -> None:
    """B divertible: its take-or-pay gas is worth its resale netback, A's flexible gas its price."""
    b = contract("B", constant_usd_per_mmbtu=9.0, destination="divertible")
    got = avoided(Portfolio((A, b), "test"), market(JKM, DEMAND), 10.0)
    # year 1: merit order domestic 100 @100 | A ToP 10 @32 | A flex 10 @32+8*35.29 | B ToP 20 @32+9.5*35.29
    # (resale netback) | spot @32+10*35.29. Demand 135 sits in B's ToP block (120-140): PoS2 displaces 10 of
    # it, each worth regas + resale netback.
    y1 = 10 * (32 + (10 - 0.5) * GROSS)
    # year 2: A ToP 10 @32 | domestic 100 @100 | B ToP 20 @32+5.5*35.29 | spot @32+6*35.29 | A flex
    # @32+8*35.29. Demand 125 sits in B's ToP block (110-130).
    y2 = 10 * (32 + (6 - 0.5) * GROSS)
    assert got == pytest.approx([y1, y2], rel=1e-12)


def test_hand_solved_destination_lock() -> None:
    """B locked: its take-or-pay gas is worth nothing but the regas, so PoS2 displaces other supply."""
    b = contract("B", constant_usd_per_mmbtu=9.0, destination="locked")
    got = avoided(Portfolio((A, b), "test"), market(JKM, DEMAND), 10.0)
    # year 1: A ToP 10 @32 | B ToP 20 @32 | domestic 100 @100 (to 130) | A flex 10 @32+8*35.29 (130-140):
    # demand 135 -> 5 of A's flexible gas and 5 of domestic.
    y1 = 5 * (32 + 8 * GROSS) + 5 * 100
    # year 2: demand 125 inside domestic (30-130): 10 of domestic.
    y2 = 10 * 100.0
    assert got == pytest.approx([y1, y2], rel=1e-12)


def test_hand_solved_flexible_mode_is_lng_parity() -> None:
    """Without take-or-pay and with free diversion every LNG unit displaced is worth at least JKM."""
    b = contract("B", constant_usd_per_mmbtu=9.0)
    s = settings(portfolio_mode="flexible")
    got = avoided(Portfolio((A, b), "test"), market(JKM, DEMAND), 10.0, s)
    # year 1 (JKM 10 above both prices): domestic 100 @100 | A @32+max(8, 10)*35.29 | B @32+max(9, 10)*35.29
    # | spot @32+10*35.29: every LNG unit at JKM parity, demand 135 inside it.
    # year 2 (JKM 6 below both prices): domestic @100 | spot @32+6*35.29 | A @32+8*35.29 | B @32+9*35.29:
    # neither contract is lifted, demand 125 is met by spot above domestic.
    y1 = 10 * (32 + 10 * GROSS)
    y2 = 10 * (32 + 6 * GROSS)
    assert got == pytest.approx([y1, y2], rel=1e-12)


def random_instance(seed: int) -> tuple[Portfolio, Market, StackSettings, np.ndarray]:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 5))
    cs = tuple(
        contract(
            f"c{i}",
            kind=str(rng.choice(["lng", "pipeline"])),
            volume_bcm_per_year=float(rng.uniform(1, 40)),
            take_or_pay=float(rng.choice([0.0, rng.uniform(0, 1), 1.0])),
            destination=str(rng.choice(["locked", "divertible"])),
            oil_slope=float(rng.uniform(0, 0.16)),
            constant_usd_per_mmbtu=float(rng.uniform(-1, 3)),
            hh_multiplier=float(rng.choice([0.0, 1.15])),
            fee_usd_per_mmbtu=float(rng.choice([0.0, 2.5])),
            delivered_fixed_usd_per_kcm=float(rng.uniform(0, 80)),
            hormuz_dependent=bool(rng.random() < 0.5),
            start_year=int(rng.integers(2028, 2034)),
        )
        for i in range(k)
    )
    n, ny = 3, 3
    m = Market(
        years=np.arange(2031, 2031 + ny),
        brent_usd_per_bbl=rng.uniform(30, 130, (n, ny)),
        jkm_usd_per_mmbtu=rng.uniform(3, 30, (n, ny)),
        hh_usd_per_mmbtu=rng.uniform(2, 6, (n, ny)),
        demand_bcm=rng.uniform(50, 400, (n, ny)),
        domestic_bcm=rng.uniform(0, 150, (n, ny)),
        hormuz_closed=rng.random((n, ny)) < 0.3,
        hormuz_lost_share=np.where(rng.random((n, ny)) < 0.3, rng.uniform(0, 1, (n, ny)), 0.0),
    )
    s = settings(
        n_paths=n,
        n_years=ny,
        regas_capacity_bcm=float(rng.uniform(0, 200)),
        backstop_capacity_bcm=500.0,
        diversion_cost_usd_per_mmbtu=float(rng.uniform(0, 2)),
        portfolio_mode=str(rng.choice(["contracts", "flexible"])),
    )
    x = m.demand_bcm * rng.uniform(0, 1, (n, ny))
    return Portfolio(cs, "random"), m, s, x


@pytest.mark.parametrize("seed", range(12))
def test_stack_equals_lp_on_random_instances(seed: int) -> None:
    portfolio, m, s, x = random_instance(seed)
    curve = supply_curve(build_blocks(portfolio, m, s))
    stack = curve.cost_musd(x)
    lp = lp_supply_cost_musd(portfolio, m, s, x)
    np.testing.assert_allclose(stack, lp, rtol=1e-6, atol=1e-6 * np.abs(lp).max())


@pytest.mark.parametrize("seed", range(4))
def test_displaced_curve_is_the_cost_difference(seed: int) -> None:
    portfolio, m, s, _ = random_instance(100 + seed)
    curve = supply_curve(build_blocks(portfolio, m, s))
    q_max = float(m.demand_bcm.min())
    d = displaced_curve(curve, m.demand_bcm, q_max)
    q = np.linspace(0, q_max, 7)[:, None, None]
    want = curve.cost_musd(m.demand_bcm) - curve.cost_musd(m.demand_bcm - q)
    np.testing.assert_allclose(d.avoided_musd(q), want, rtol=1e-9, atol=1e-9 * np.abs(want).max())
    # the demand curve: the volume whose marginal avoided cost is at least the price
    price = np.full(m.shape, 200.0)
    qd = d.quantity_at_price_bcm(price)
    eps = 1e-6
    slope_below = (d.avoided_musd(qd) - d.avoided_musd(np.maximum(qd - eps, 0))) / eps
    slope_above = (d.avoided_musd(qd + eps) - d.avoided_musd(qd)) / eps
    assert np.all((qd <= 0) | (slope_below >= 200.0 - 1e-3))
    assert np.all((qd >= q_max - eps) | (slope_above < 200.0 + 1e-3))


def test_forward_anchored_deck_and_simulated_mean() -> None:
    s = dataclasses.replace(_example_settings(), n_paths=4000, hormuz_p_close=0.0, seed=3)
    m = simulate_market(s, price_model(load_scenario("pos2")))
    deck = lng_deck(s, m.years)
    assert deck[0] < s.jkm_anchor_usd_per_mmbtu
    assert deck[-1] == pytest.approx(8.0, abs=1e-3)
    # JKM is rescaled to the deck in expectation (Monte Carlo error of the mean about 1-2 %)
    np.testing.assert_allclose(m.jkm_usd_per_mmbtu.mean(axis=0), deck, rtol=0.05)


def test_shipped_portfolio_stack_runs() -> None:
    s = dataclasses.replace(_example_settings(), n_paths=50)
    st = build_stack(load_portfolio(), s, price_model(load_scenario("pos2")))
    d = st.displaced(60.0)
    q = np.linspace(0.0, 60.0, 13)[:, None, None]
    a = d.avoided_musd(q)
    step = np.diff(a, axis=0) / 5.0  # average avoided cost of each 5 bcm/yr [USD/kcm]
    # avoided cost rises with q, at most at the backstop cost, by ever smaller steps (concave)
    assert np.all(step >= -1e-9)
    assert np.all(step <= s.backstop_usd_per_kcm + 1e-9)
    assert np.all(np.diff(step, axis=0) <= 1e-6)
    assert st.russian_bcm[0, 0] > 38.0
