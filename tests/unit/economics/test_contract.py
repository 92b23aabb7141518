from __future__ import annotations

import numpy as np
import pytest

from pos2.economics.contract import (
    alternative_usd_per_mmbtu,
    annual_mean,
    contract_price_usd_per_mmbtu,
    warmup_months,
)
from pos2.scenario import Scenario


def test_nine_month_window_with_quarterly_reset_by_hand(pos2: Scenario) -> None:
    # 9-0-3 formula: Brent 60 for the 9 months before first gas, then 80
    assert warmup_months(pos2) == 9
    brent = np.concatenate([np.full(9, 60.0), np.full(24, 80.0)])[None, :]
    p = contract_price_usd_per_mmbtu(pos2, brent, None, 24)
    q = [60.0, (6 * 60 + 3 * 80) / 9, (3 * 60 + 6 * 80) / 9, 80.0]
    expected = 0.11 * np.repeat(q + [80.0] * 4, 3)
    np.testing.assert_allclose(p[0], expected, rtol=1e-12)
    np.testing.assert_allclose(annual_mean(p)[0], [0.11 * 70.0, 0.11 * 80.0], rtol=1e-12)


def test_lagged_window_by_hand(pos2: Scenario) -> None:
    scn = pos2.with_overrides(
        {"contract.averaging_months": 3, "contract.lag_months": 3, "contract.reset_months": 1}
    )
    brent = np.arange(1.0, 6 + 13)[None, :]  # months -6 .. 11 hold 1, 2, ...
    p = contract_price_usd_per_mmbtu(scn, brent, None, 12)
    # month 0: mean of months -6..-4 = (1 + 2 + 3) / 3 = 2; then +1 each month
    np.testing.assert_allclose(p[0], 0.11 * (2.0 + np.arange(12)), rtol=1e-12)


def test_floor_and_ceiling(pos2: Scenario) -> None:
    scn = pos2.with_overrides({"contract.price_limits": "floor_ceiling"})
    brent = np.array([[20.0] * 9 + [20.0] * 3, [300.0] * 12])
    p = contract_price_usd_per_mmbtu(scn, brent, None, 3)
    np.testing.assert_allclose(p[0], 4.0)  # 0.11 * 20 = 2.2 -> floor 4
    np.testing.assert_allclose(p[1], 15.0)  # 0.11 * 300 = 33 -> ceiling 15


def test_s_curve_is_continuous_and_flatter_outside(pos2: Scenario) -> None:
    scn = pos2.with_overrides(
        {"contract.price_limits": "s_curve", "contract.reset_months": 1, "contract.averaging_months": 1}
    )
    levels = np.array([20.0, 40.0, 70.0, 110.0, 150.0])
    brent = np.repeat(levels[:, None], 2, axis=1)
    p = contract_price_usd_per_mmbtu(scn, brent, None, 1)[:, 0]
    np.testing.assert_allclose(
        p, [0.11 * 40 - 0.055 * 20, 0.11 * 40, 0.11 * 70, 0.11 * 110, 0.11 * 110 + 0.055 * 40]
    )


def test_hub_and_fixed_formulas(pos2: Scenario) -> None:
    hub = pos2.with_overrides({"contract.formula": "hub", "contract.hub_constant_usd_per_mmbtu": 0.5})
    jkm = np.full((1, 21), 12.0)
    np.testing.assert_allclose(contract_price_usd_per_mmbtu(hub, None, jkm, 12), 0.5 + 0.9 * 12.0)
    ttf = hub.with_overrides({"contract.hub": "ttf"})
    np.testing.assert_allclose(contract_price_usd_per_mmbtu(ttf, None, jkm, 12), 0.5 + 0.9 * 0.9 * 12.0)
    fixed = pos2.with_overrides({"contract.formula": "fixed", "contract.escalation_per_year": 0.02})
    p = contract_price_usd_per_mmbtu(fixed, None, None, 36)
    np.testing.assert_allclose(annual_mean(p)[0], 7.6 * 1.02 ** np.arange(3))


def test_china_alternative(pos2: Scenario) -> None:
    brent = np.array([[70.0, 70.0]])
    jkm = np.array([[6.0, 20.0]])
    oil = 0.127 * 70 + 1.0
    np.testing.assert_allclose(alternative_usd_per_mmbtu(pos2, brent, jkm)[0], [7.0, oil])
    assert (
        pytest.approx(oil)
        == alternative_usd_per_mmbtu(pos2.with_overrides({"prices.alternative": "oil_lng"}), brent, jkm)[0, 0]
    )


def test_annual_mean_same_for_both_memory_layouts() -> None:
    x = np.random.default_rng(0).random((5, 36))
    expected = x.reshape(5, 3, 12).mean(axis=2)
    np.testing.assert_allclose(annual_mean(x), expected, rtol=1e-14)
    np.testing.assert_allclose(annual_mean(np.asfortranarray(x)), expected, rtol=1e-14)
    f = np.asfortranarray(np.random.default_rng(1).random((4, 45)))[:, 9:]  # an F-ordered slice
    np.testing.assert_allclose(
        annual_mean(f), np.ascontiguousarray(f).reshape(4, 3, 12).mean(axis=2), rtol=1e-14
    )
