"""Delay model: backward induction on a lattice, hand-checkable corner cases."""

from __future__ import annotations

import itertools

import pytest

from pos2.bargaining.delay import solve_delay, waiting_drift_threshold
from pos2.errors import BargainingError

KW = {"china_power": 0.5, "china_discount_rate": 0.1, "drift": 0.0, "first_year": 2026, "last_year": 2030}


def test_certain_stable_surplus_is_signed_at_once() -> None:
    d = solve_delay(300.0, 200.0, volatility=0.0, russia_drift=0.0, **KW)
    assert d.sign_now
    assert d.p_agreement_by_year[2026] == pytest.approx(1.0)
    assert d.expected_price_usd_per_kcm == pytest.approx(250.0)


def test_no_zone_ever_means_no_agreement() -> None:
    d = solve_delay(100.0, 200.0, volatility=0.0, russia_drift=0.0, **KW)
    assert not d.sign_now
    assert d.p_agreement_total == 0.0
    assert d.expected_price_usd_per_kcm is None


def test_fast_falling_reservation_price_makes_china_wait() -> None:
    # deterministic: payoff now 0.5*(300-200)=50; next year 0.5*(300-200e^-0.5)*e^-0.1 = 75.7 > 50
    d = solve_delay(300.0, 200.0, volatility=0.0, russia_drift=-0.5, **KW)
    assert not d.sign_now
    assert d.value_wait_usd_per_kcm > d.value_sign_now_usd_per_kcm
    assert d.p_agreement_by_year[2026] == 0.0
    assert d.p_agreement_total == pytest.approx(1.0)


def test_volatility_adds_option_value_of_waiting() -> None:
    calm = solve_delay(220.0, 200.0, volatility=0.0, russia_drift=0.0, **KW)
    wild = solve_delay(220.0, 200.0, volatility=0.6, russia_drift=0.0, **KW)
    assert calm.sign_now
    assert wild.value_wait_usd_per_kcm > calm.value_wait_usd_per_kcm
    assert not wild.sign_now


def test_probabilities_are_cumulative() -> None:
    d = solve_delay(210.0, 200.0, volatility=0.4, russia_drift=-0.05, **KW)
    p = list(d.p_agreement_by_year.values())
    assert all(0.0 <= x <= 1.0 for x in p)
    assert all(b >= a for a, b in itertools.pairwise(p))
    assert list(d.p_agreement_by_year) == [2026, 2027, 2028, 2029, 2030]


def test_waiting_threshold_brackets_the_switch() -> None:
    kw = dict(KW.items())
    thr = waiting_drift_threshold(300.0, 200.0, volatility=0.0, **kw)
    assert thr is not None
    assert thr < 0
    assert solve_delay(300.0, 200.0, volatility=0.0, russia_drift=thr + 0.01, **KW).sign_now
    assert not solve_delay(300.0, 200.0, volatility=0.0, russia_drift=thr - 0.01, **KW).sign_now


@pytest.mark.parametrize(
    ("field", "value"), [("china_power", 1.5), ("china_discount_rate", -0.1), ("volatility", -0.2)]
)
def test_bad_inputs(field: str, value: float) -> None:
    kw = {**KW, "volatility": 0.2, "russia_drift": 0.0, field: value}
    with pytest.raises(BargainingError):
        solve_delay(300.0, 200.0, **kw)
