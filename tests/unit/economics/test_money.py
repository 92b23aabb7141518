from __future__ import annotations

import numpy as np
import pytest

from pos2.economics import money
from pos2.units import MMBTU_J


def test_price_conversions_round_trip() -> None:
    p = np.array([100.0, 245.0, 400.0])
    back = money.usd_per_mmbtu_to_usd_per_kcm(money.usd_per_kcm_to_usd_per_mmbtu(p, 32.06), 32.06)
    np.testing.assert_allclose(back, p, rtol=1e-15)
    assert money.usd_per_kcm_to_usd_per_mmbtu(245.0, 32.06) == pytest.approx(7.642, abs=1e-3)


def test_energy_of_a_volume() -> None:
    # 1,000 m3 at 32.06 MMBtu is 32.06 * 1.05506 GJ = 33.825 GJ (33.8 MJ/m3 at 20 degC)
    assert money.kcm_to_gj(1.0, 32.06) == pytest.approx(32.06 * MMBTU_J / 1e9)
    assert money.kcm_to_mmbtu(1e6, 32.06) == pytest.approx(32.06e6)
    assert money.bcm_to_kcm(50.0) == pytest.approx(5e7)


def test_capital_recovery_factor_textbook() -> None:
    # 8 %, 30 years: 0.088827 (annuity tables)
    assert money.capital_recovery_factor(0.08, 30) == pytest.approx(0.0888274, rel=1e-6)
    assert money.capital_recovery_factor(0.0, 20) == pytest.approx(0.05)
    # PV of the annuity equals 1
    df = money.discount_factors(0.08, 30)
    assert (money.capital_recovery_factor(0.08, 30) * df).sum() == pytest.approx(1.0)


def test_irr_and_payback_textbook() -> None:
    from pos2.economics.cashflow import irr, payback_years

    # -100 then 110: 10 %; -100, 60, 60: 13.07 % (solves 60x + 60x^2 = 100)
    cf = np.array([[-100.0, 110.0, 0.0], [-100.0, 60.0, 60.0], [50.0, 50.0, 50.0]])
    r = irr(cf)
    assert r[0] == pytest.approx(0.10, abs=1e-9)  # 34 bisection steps: 6e-11
    assert r[1] == pytest.approx(0.130662, abs=1e-6)
    assert np.isnan(r[2])
    np.testing.assert_allclose(payback_years(cf[:2]), [2.0, 3.0])
    assert np.isnan(payback_years(cf[2:])[0])


def test_docstring_examples() -> None:
    import doctest

    from pos2.economics import costs

    for mod in (money, costs):
        assert doctest.testmod(mod).failed == 0
