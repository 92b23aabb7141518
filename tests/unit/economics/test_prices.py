from __future__ import annotations

import numpy as np
import pytest

from pos2.economics.prices import deck, expected_price, price_history, price_model, simulate_prices
from pos2.errors import EconomicsError
from pos2.scenario import Scenario


def test_history_is_shipped_with_sources() -> None:
    h = price_history()
    assert {"year", "brent_usd_per_bbl", "brent_source", "jkm_usd_per_mmbtu", "jkm_source"} <= set(h.columns)
    assert h.loc[h.year == 2022, "jkm_usd_per_mmbtu"].item() == pytest.approx(33.98)
    assert h["brent_source"].str.len().min() > 5


def test_decks_and_start_state(pos2: Scenario) -> None:
    assert (
        deck(pos2, "hormuz_2026").brent_usd_per_bbl
        > deck(pos2, "base").brent_usd_per_bbl
        > deck(pos2, "low").brent_usd_per_bbl
    )
    m = price_model(pos2, "hormuz_2026")
    assert m.x0[0] == pytest.approx(np.log(109.0 / 70.0))
    assert m.x0[1] == pytest.approx(np.log(70.0))
    with pytest.raises(EconomicsError, match="unknown price deck"):
        deck(pos2, "moon")


def test_simulated_moments_match_the_exact_transition(pos2: Scenario) -> None:
    model = price_model(pos2, "hormuz_2026")
    rng = np.random.default_rng(7)
    n = 40_000
    brent, jkm = simulate_prices(
        model, rng, n, 6, 18
    )  # months 6..23; column j is the state at (7 + j) / 12 yr
    t = 24 / 12
    a, b, chol = model.transition(t)
    cov = chol @ chol.T
    mean = model.x0 * a + b
    for series, (ic, ix) in ((brent, (0, 1)), (jkm, (2, 3))):
        log_p = np.log(series[:, -1])
        var = cov[ic, ic] + cov[ix, ix] + 2 * cov[ic, ix]
        se = np.sqrt(var / n)
        assert log_p.mean() == pytest.approx(mean[ic] + mean[ix], abs=4 * se)
        assert log_p.var() == pytest.approx(var, rel=0.03)
    # cross-commodity correlation of log prices
    c_bj = cov[0, 2] + cov[0, 3] + cov[1, 2] + cov[1, 3]
    v_b = cov[0, 0] + cov[1, 1] + 2 * cov[0, 1]
    v_j = cov[2, 2] + cov[3, 3] + 2 * cov[2, 3]
    rho = np.corrcoef(np.log(brent[:, -1]), np.log(jkm[:, -1]))[0, 1]
    assert rho == pytest.approx(c_bj / np.sqrt(v_b * v_j), abs=0.02)
    # lognormal mean
    eb, ej = expected_price(model, np.array([24]))
    assert brent[:, -1].mean() == pytest.approx(eb[0], rel=0.02)
    assert jkm[:, -1].mean() == pytest.approx(ej[0], rel=0.04)


def test_shock_reverts_with_the_schwartz_smith_half_life(pos2: Scenario) -> None:
    model = price_model(pos2, "hormuz_2026")
    half_life_months = np.log(2) / 1.49 * 12
    eb, _ = expected_price(model, np.array([0.0, half_life_months]))
    drift_and_var = expected_price(price_model(pos2, "base"), np.array([0.0, half_life_months]))[0]
    # the excess over the base path halves in log terms
    assert np.log(eb[1] / drift_and_var[1]) == pytest.approx(0.5 * np.log(109.0 / 70.0), rel=0.02)


def test_invalid_correlations_are_rejected(pos2: Scenario) -> None:
    bad = pos2.with_overrides(
        {"prices.rho_brent_jkm": 0.99, "prices.brent.rho": 0.99, "prices.jkm.rho": -0.99}
    )
    with pytest.raises(EconomicsError, match="correlation"):
        price_model(bad)
