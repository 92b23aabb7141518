"""The batched delay model equals the scalar one pair by pair."""

from __future__ import annotations

import numpy as np
import pytest

from pos2.bargaining.delay import solve_delay, solve_delay_batch
from pos2.errors import BargainingError


@pytest.mark.parametrize(
    ("volatility", "drift", "russia_drift", "last_year"),
    [(0.2, 0.0, -0.03, 2035), (0.0, 0.01, 0.0, 2030), (0.35, 0.02, -0.08, 2040), (0.2, 0.0, -0.03, 2026)],
)
def test_batch_equals_scalar_pair_by_pair(
    volatility: float, drift: float, russia_drift: float, last_year: int
) -> None:
    rng = np.random.default_rng(7)
    v = rng.uniform(150.0, 400.0, 40)
    r = rng.uniform(150.0, 400.0, 40)  # some pairs with R > V: no zone of agreement at first
    kw = {
        "china_power": 0.6,
        "china_discount_rate": 0.08,
        "volatility": volatility,
        "drift": drift,
        "russia_drift": russia_drift,
        "first_year": 2026,
        "last_year": last_year,
    }
    batch = solve_delay_batch(v, r, **kw)  # type: ignore[arg-type]
    never = 0
    for i in range(v.size):
        one = solve_delay(float(v[i]), float(r[i]), **kw)  # type: ignore[arg-type]
        assert batch.p_agreement_total[i] == pytest.approx(one.p_agreement_total, rel=1e-12, abs=1e-15)
        assert bool(batch.sign_now[i]) == one.sign_now
        if one.expected_price_usd_per_kcm is None:
            never += 1
            assert np.isnan(batch.expected_price_usd_per_kcm[i])
        else:
            assert batch.expected_price_usd_per_kcm[i] == pytest.approx(
                one.expected_price_usd_per_kcm, rel=1e-12
            )
    if last_year == 2035:
        assert batch.sign_now.any()  # both decisions occur among the pairs
        assert not batch.sign_now.all()
    if volatility == 0.0 and russia_drift == 0.0:
        assert never > 0  # R > V forever on a flat lattice: the NaN branch is exercised


def test_batch_with_one_bargaining_power_per_pair() -> None:
    rng = np.random.default_rng(11)
    v = rng.uniform(200.0, 400.0, 25)
    r = rng.uniform(150.0, 350.0, 25)
    beta = rng.uniform(0.2, 0.9, 25)
    kw = {
        "china_discount_rate": 0.08,
        "volatility": 0.2,
        "drift": 0.0,
        "russia_drift": -0.03,
        "first_year": 2026,
        "last_year": 2035,
    }
    batch = solve_delay_batch(v, r, china_power=beta, **kw)  # type: ignore[arg-type]
    for i in range(v.size):
        one = solve_delay(float(v[i]), float(r[i]), china_power=float(beta[i]), **kw)  # type: ignore[arg-type]
        assert batch.p_agreement_total[i] == pytest.approx(one.p_agreement_total, rel=1e-12, abs=1e-15)
        assert bool(batch.sign_now[i]) == one.sign_now
        if one.expected_price_usd_per_kcm is not None:
            assert batch.expected_price_usd_per_kcm[i] == pytest.approx(
                one.expected_price_usd_per_kcm, rel=1e-12
            )
    with pytest.raises(BargainingError, match=r"china_power"):
        solve_delay_batch(v, r, china_power=np.where(beta > 0.5, 1.2, beta), **kw)  # type: ignore[arg-type]


def test_batch_rejects_what_the_scalar_model_rejects() -> None:
    kw = {
        "china_power": 0.5,
        "china_discount_rate": 0.08,
        "volatility": 0.2,
        "drift": 0.0,
        "russia_drift": 0.0,
    }
    with pytest.raises(BargainingError, match="positive"):
        solve_delay_batch(
            np.array([300.0, 0.0]), np.array([200.0, 200.0]), first_year=2026, last_year=2030, **kw
        )  # type: ignore[arg-type]
    with pytest.raises(BargainingError, match="differ in length"):
        solve_delay_batch(np.array([300.0]), np.array([200.0, 200.0]), first_year=2026, last_year=2030, **kw)  # type: ignore[arg-type]
