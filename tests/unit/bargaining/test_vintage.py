"""Vintage states: what could be known at each round's date."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pos2.bargaining import vintage as vin
from pos2.bargaining.engine import EngineInputs
from pos2.bargaining.history import load_rounds
from pos2.bargaining.portfolio import load_portfolio
from pos2.bargaining.stack import StackSettings, _example_settings
from pos2.economics.prices import PriceModel
from pos2.errors import BargainingError


def test_hormuz_posterior_by_hand() -> None:
    d = vin.load_vintage()
    h, n = vin.hormuz_posterior(d, dt.date(2026, 5, 20))
    t = (dt.date(2026, 5, 20) - dt.date(1980, 1, 1)).days / 365.25
    assert n == 1
    assert h == pytest.approx(1.5 / t)
    h0, n0 = vin.hormuz_posterior(d, dt.date(2025, 9, 2))
    assert n0 == 0
    assert h0 < h


def test_vintage_portfolio_only_contracts_signed_before() -> None:
    d = vin.load_vintage()
    p = load_portfolio()
    early = vin.vintage_portfolio(p, d, dt.date(2014, 5, 21))
    late = vin.vintage_portfolio(p, d, dt.date(2026, 5, 20))
    assert "Power of Siberia 1" not in early.names  # signed that very day
    assert "Power of Siberia 1" in late.names
    assert early.n < late.n <= p.n


def _example_inputs() -> EngineInputs:
    """Engine inputs on the small example stack and a four-factor price model (Brent 70, JKM 11.5)."""

    s: StackSettings = _example_settings()
    pm = PriceModel(
        kappa=np.array([1.0, 0.0, 1.0, 0.0]),
        sigma=np.array([0.3, 0.1, 0.3, 0.1]),
        mu=np.zeros(4),
        corr=np.eye(4),
        x0=np.array([0.0, np.log(70.0), 0.0, np.log(11.5)]),
    )
    return EngineInputs(s, pm, load_portfolio(), None, None, 0.5)  # type: ignore[arg-type]


def test_vintage_inputs_change_with_the_round_date() -> None:
    inputs = _example_inputs()
    s = inputs.settings
    rounds = load_rounds()
    states = [vin.vintage_state(r, inputs.portfolio) for r in (rounds[1], rounds[-1])]
    a, b = (vin.vintage_inputs(inputs, st, lng_long_run_slope=0.14, n_paths=8) for st in states)
    assert a.settings.valuation_year == 2019
    assert b.settings.valuation_year == 2026
    assert a.settings.first_year - a.settings.valuation_year == s.first_year - s.valuation_year
    assert a.price_model.x0[1] != b.price_model.x0[1]  # the outlook's long-run level
    assert b.price_model.x0[1] == pytest.approx(np.log(states[1].outlook.brent_usd2025_per_bbl))
    assert a.portfolio.n < b.portfolio.n
    assert b.settings.hormuz_p_close > a.settings.hormuz_p_close  # the 2026 closure observed
    assert a.settings.jkm_anchor_usd_per_mmbtu == rounds[1].lng_usd_per_mmbtu


def test_shut_in_share_and_outlook() -> None:
    d = vin.load_vintage()
    assert vin.shut_in_share(d, 2021) == 0.0
    assert vin.shut_in_share(d, 2023) == pytest.approx((514.8 - 355.2) / 514.8)
    assert vin.shut_in_share(d, 2030) == vin.shut_in_share(d, 2024)  # held after the last known year
    assert vin.outlook_at(d, dt.date(2019, 12, 5)).name.startswith("EIA Annual Energy Outlook 2019")


def test_bad_vintage_file_names_the_field(tmp_path) -> None:
    p = tmp_path / "v.toml"
    bad = (
        '[money]\ncpi_to_2025 = { 2012 = 1.4 }\n[[outlook]]\npublished = "2014-13-01"\n'
        'name = "x"\nbrent_usd_per_bbl = 100.0\nprice_year = 2012\nsource = "s"\n'
    )
    p.write_text(bad, encoding="utf-8")
    with pytest.raises(BargainingError, match="published"):
        vin.load_vintage(p)


def test_demand_outlook_of_the_round_caps_demand() -> None:
    from pos2.bargaining.stack import mean_demand_bcm

    d = vin.load_vintage()
    assert len(d.demand_outlooks) >= 2
    first = d.demand_outlooks[0]
    # before the first outlook of a known date: none (the scenario's cap stays)
    assert vin.demand_outlook_at(d, first.published - dt.timedelta(days=1)) is None
    for o in d.demand_outlooks:  # each outlook is the one seen from its publication on
        assert vin.demand_outlook_at(d, o.published) == o
        assert o.source.strip()
        assert o.confidence.strip()
    inputs = _example_inputs()
    s = inputs.settings
    rounds = load_rounds()
    caps = {}
    for r in rounds:
        st = vin.vintage_state(r, inputs.portfolio, d)
        vi = vin.vintage_inputs(inputs, st, lng_long_run_slope=0.14, n_paths=8, data=d)
        want = s.demand_peak_bcm if st.demand_outlook is None else st.demand_outlook.peak_bcm_per_year
        assert vi.settings.demand_peak_bcm == want, r.date
        caps[r.date] = vi.settings.demand_peak_bcm
        far = np.array([2060.0])
        assert mean_demand_bcm(vi.settings, far)[0] == pytest.approx(max(want, s.demand_base_bcm))
    # the rounds do not all see the same outlook: the expectation moves with the date
    assert len(set(caps.values())) > 1
