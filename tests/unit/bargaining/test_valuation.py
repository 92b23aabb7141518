"""Contract valuation: the state's floor and the taxes, Chinese equity, flexibility, the supplier cap."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pos2.bargaining.portfolio import load_portfolio
from pos2.bargaining.stack import Stack, _example_settings, build_stack
from pos2.bargaining.valuation import (
    ContractGrid,
    Parties,
    ProjectCosts,
    cvar,
    limit_prices,
    nash_prices,
    value_contracts,
)
from pos2.economics.prices import price_model
from pos2.scenario import load_scenario

COSTS = ProjectCosts(
    capex_usd2025=25.4e9,
    design_bcm_per_year=50.0,
    opex_share_per_year=0.02,
    fuel_share=0.06,
    fuel_value_usd_per_kcm=45.0,
    upstream_usd_per_kcm=33.0,
    transit_usd_per_kcm=19.3,
    china_transport_usd_per_kcm=18.0,
    tariff_usd_per_kcm=77.2,
    construction_years=5,
    ramp_years=5,
    term_years=30,
)
PARTIES = Parties(
    china_rate=0.07,
    gazprom_rate=0.10,
    export_duty_share=0.3,
    met_usd_per_kcm=15.0,
    risk_weight=0.5,
    cvar_alpha=0.1,
    cut_hazard_per_year=0.02,
    cut_duration_years=3.0,
    cut_premium_usd_per_kcm=300.0,
    cut_reference_share=0.175,
    supplier_cap_share=0.2,
    holdup_hazard_per_year=0.03,
    holdup_rent_share=0.5,
)


def stack(n_paths: int = 64, certain: bool = False, **kw: object) -> Stack:
    pm = price_model(load_scenario("pos2"))
    if certain:
        pm = dataclasses.replace(pm, sigma=np.zeros(4))
        kw = {"demand_volatility": 0.0, "domestic_volatility": 0.0, "hormuz_p_close": 0.0, **kw}
    s = dataclasses.replace(_example_settings(), n_paths=n_paths, **kw)  # type: ignore[arg-type]
    return build_stack(load_portfolio(), s, pm)


FIRM = {"take_or_pay": 1.0, "flex_band": 0.0, "make_up_years": 0}


def test_state_floor_is_gazprom_floor_less_the_taxes() -> None:
    st = stack()
    p = dataclasses.replace(PARTIES, dependence=False)
    grid = ContractGrid.from_rows([FIRM, {**FIRM, "oil_slope": 0.13, "china_share": 0.3}])
    lim = limit_prices(grid, st, COSTS, p, tol=1e-9)
    gap = lim.gazprom_min_usd_per_kcm - lim.state_min_usd_per_kcm
    np.testing.assert_allclose(gap, lim.taxes_at_gazprom_min_usd_per_kcm, rtol=1e-9)
    assert np.all(gap > p.met_usd_per_kcm)


def test_chinese_equity_lowers_russias_floor_by_the_capital_charge() -> None:
    st = stack()
    p = dataclasses.replace(PARTIES, dependence=False, holdup=False)
    chi = 0.4
    grid = ContractGrid.from_rows([FIRM, {**FIRM, "china_share": chi, "equity": True}])
    lim = limit_prices(grid, st, COSTS, p, tol=1e-9)
    # by hand: volumes are fixed (firm take-or-pay, ACQ ramping 10, 20, ... 50 bcm/yr), so Gazprom's
    # floor falls by the present value of the capex and opex China now carries over (1 - duty) times
    # the present value of the volume paid, all at Gazprom's rate
    r, cy, ny = p.gazprom_rate, COSTS.construction_years, COSTS.term_years
    t = np.arange(ny)
    d_ops = (1 + r) ** -(cy + t + 1.0)
    d_build = (1 + r) ** -(np.arange(cy) + 1.0)
    volume = 50.0 * np.minimum(1.0, (t + 1.0) / COSTS.ramp_years)  # bcm/yr
    capex = 25.4e9 * 1.0 / 1e6  # million USD
    removed = chi * (capex / cy * d_build.sum() + COSTS.opex_share_per_year * capex * d_ops.sum())
    want = removed / ((1 - p.export_duty_share) * (volume * d_ops).sum())  # USD/kcm
    got = lim.gazprom_min_usd_per_kcm[0] - lim.gazprom_min_usd_per_kcm[1]
    assert got == pytest.approx(want, rel=1e-9)
    assert 30.0 < want < 90.0  # about 0.4 x the capital charge of 25 bn USD over 50 bcm/yr


@pytest.mark.parametrize("certain", [True, False])
def test_flexibility_has_value_only_under_uncertainty(certain: bool) -> None:
    p = dataclasses.replace(PARTIES, dependence=False, holdup=False)
    if certain:
        st = stack(n_paths=4, certain=True)
        shift = -150.0  # a cheap contract: China wants the whole ACQ every year
    else:
        st = stack(n_paths=256, demand_volatility=0.08)
        shift = 60.0  # near China's avoided cost: in low-demand years it wants less
    rigid = {**FIRM, "price_shift_usd_per_kcm": shift}
    flexible = {**rigid, "flex_band": 0.4}
    v = value_contracts(ContractGrid.from_rows([rigid, flexible]), st, COSTS, p)
    china_gain = v.china_mean_musd[1] - v.china_mean_musd[0]
    russia_cost = v.gazprom_mean_musd[0] - v.gazprom_mean_musd[1]
    if certain:
        assert china_gain == 0.0
        assert russia_cost == 0.0
    else:
        assert china_gain > 0.0
        assert russia_cost > 0.0


def test_supplier_cap_binds_at_the_volume_it_implies() -> None:
    st = stack(n_paths=32)
    p = dataclasses.replace(PARTIES, supplier_cap_share=0.18)
    # a (negative) price below every displaced cost: China wants all it may take
    cheap = {"take_or_pay": 0.0, "flex_band": 1.0, "acq_bcm": 80.0, "price_shift_usd_per_kcm": -500.0}
    v = value_contracts(ContractGrid.from_rows([cheap]), st, COSTS, p)
    cap = np.maximum(0.18 * st.market.demand_bcm - st.russian_bcm, 0.0)
    want = np.minimum(80.0, cap)[:, COSTS.ramp_years :].mean()
    assert 0 < want < 80.0  # the cap binds in some years
    assert v.mean_taken_bcm[0] == pytest.approx(want, rel=1e-12)


def test_nash_price_lies_in_the_zone_and_moves_with_power() -> None:
    st = stack(n_paths=32)
    p = dataclasses.replace(PARTIES, dependence=False, risk_weight=0.0, holdup=False)
    grid = ContractGrid.from_rows([{**FIRM, "acq_bcm": 30.0}])
    lim = limit_prices(grid, st, COSTS, p)
    assert lim.feasible[0]
    n1 = nash_prices(grid, st, COSTS, p, lim, 0.2)[0]
    n2 = nash_prices(grid, st, COSTS, p, lim, 0.8)[0]
    assert lim.gazprom_min_usd_per_kcm[0] < n2 < n1 < lim.china_max_usd_per_kcm[0]


def test_risk_weight_lowers_chinas_limit_and_cvar() -> None:
    assert float(cvar(np.arange(10.0), 0.2)) == pytest.approx(0.5)
    st = stack(n_paths=64)
    grid = ContractGrid.from_rows([{}])
    neutral = limit_prices(grid, st, COSTS, dataclasses.replace(PARTIES, risk_weight=0.0))
    averse = limit_prices(grid, st, COSTS, PARTIES)
    assert averse.china_max_usd_per_kcm[0] < neutral.china_max_usd_per_kcm[0]


def test_a_contracts_limits_do_not_depend_on_the_batch_or_the_parties_searched() -> None:
    st = stack()
    rows = [
        {**FIRM, "acq_bcm": 38.0},
        {"acq_bcm": 50.0, "take_or_pay": 0.8, "flex_band": 0.4, "make_up_years": 3},
    ]
    both = limit_prices(ContractGrid.from_rows(rows), st, COSTS, PARTIES)
    for i, row in enumerate(rows):
        alone = limit_prices(ContractGrid.from_rows([row]), st, COSTS, PARTIES)
        for f in ("china_max_usd_per_kcm", "gazprom_min_usd_per_kcm", "state_min_usd_per_kcm"):
            assert getattr(alone, f)[0] == pytest.approx(getattr(both, f)[i], abs=1e-9)
    only_china = limit_prices(ContractGrid.from_rows(rows), st, COSTS, PARTIES, which=("china",))
    np.testing.assert_allclose(only_china.china_max_usd_per_kcm, both.china_max_usd_per_kcm, atol=1e-9)
    np.testing.assert_allclose(only_china.joint_surplus_musd, both.joint_surplus_musd, atol=1e-6)
    assert np.isnan(only_china.gazprom_min_usd_per_kcm).all()
    assert np.isnan(only_china.taxes_at_gazprom_min_usd_per_kcm).all()


def test_limit_prices_refuses_an_unknown_party() -> None:
    from pos2.errors import BargainingError

    with pytest.raises(BargainingError, match="which must name"):
        limit_prices(ContractGrid.from_rows([FIRM]), stack(8), COSTS, PARTIES, which=("mongolia",))
