"""China's supply LP: a hand-solved balance, infeasibility, and the Hormuz effect."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from pos2.bargaining.deal import deck_brent_usd_per_bbl
from pos2.bargaining.supply import (
    SOURCES,
    Deck,
    capacity_path,
    china_max_price,
    demand_path,
    pos2_volume_path,
    solve_supply,
)
from pos2.errors import InfeasibleError
from pos2.scenario import load_scenario
from pos2.scenario.sections_deal import DemandSection, SourceSection, SupplySection


def _off() -> dict[str, Any]:
    return {"capacity_bcm_per_year": 0.0, "enabled": False}


def small_system(backstop: bool = True) -> SupplySection:
    """Three sources and a backstop over two years (costs with Brent 0, LNG deck 10 USD/MMBtu)."""
    srcs: dict[str, Any] = {s: _off() for s in SOURCES}
    srcs["domestic"] = {"capacity_bcm_per_year": 100.0, "fixed_usd_per_kcm": 100.0}
    srcs["central_asia"] = {"capacity_bcm_per_year": 30.0, "fixed_usd_per_kcm": 200.0}
    srcs["lng_hormuz"] = {"capacity_bcm_per_year": 20.0, "fixed_usd_per_kcm": 250.0, "hormuz_dependent": True}
    # spot LNG: 32.06 * 10 + 0 = 320.6 USD/kcm open; 32.06 * 20 = 641.2 closed
    srcs["lng_spot"] = {"capacity_bcm_per_year": 50.0, "lng_weight": 1.0}
    srcs["backstop"] = {"capacity_bcm_per_year": 1000.0, "fixed_usd_per_kcm": 1000.0} if backstop else _off()
    return SupplySection.model_validate({"first_year": 2030, "last_year": 2031, **srcs})


def test_hand_solved_balance() -> None:
    sup = small_system()
    demand = np.array([160.0, 180.0])
    pos2 = np.array([20.0, 20.0])
    deck = Deck("d", 0.0, 10.0, 0.5, 20.0)
    r = solve_supply(sup, demand, pos2, [deck])
    v = r.value.set_index("year")
    # 2030 open, without PoS2: 100 dom + 30 CA + 20 Hormuz LNG + 10 spot; PoS2 displaces 10 spot + 10 Hormuz
    assert v.loc[2030, "avoided_open_musd"] == pytest.approx(10 * 320.6 + 10 * 250.0, rel=1e-9)
    assert v.loc[2030, "value_open_usd_per_kcm"] == pytest.approx((3206 + 2500) / 20)
    # 2030 closed: 100 + 30 + 30 spot (at 641.2); PoS2 displaces 20 spot
    assert v.loc[2030, "value_closed_usd_per_kcm"] == pytest.approx(641.2)
    # 2031 open: 100 + 30 + 20 + 30 spot; PoS2 displaces 20 spot
    assert v.loc[2031, "value_open_usd_per_kcm"] == pytest.approx(320.6)
    # 2031 closed: 100 + 30 + 50 spot; PoS2 displaces 20 spot
    assert v.loc[2031, "value_closed_usd_per_kcm"] == pytest.approx(641.2)
    # expected value with half the year closed; security value = expected - open
    assert v.loc[2031, "value_expected_usd_per_kcm"] == pytest.approx(0.5 * 320.6 + 0.5 * 641.2)
    assert v.loc[2031, "security_value_usd_per_kcm"] == pytest.approx(0.5 * (641.2 - 320.6))
    # the balance's dual is the marginal cost
    assert v.loc[2031, "marginal_cost_open_usd_per_kcm"] == pytest.approx(320.6)
    flows = r.dispatch.sel(deck="d", case="without", state="open", year=2030)
    assert float(flows.sum()) == pytest.approx(160.0)
    assert float(flows.sel(source="lng_spot")) == pytest.approx(10.0)


def test_infeasible_without_backstop_reports_year_and_shortfall() -> None:
    sup = small_system(backstop=False)
    demand = np.array([185.0, 150.0])  # capacity 200 bcm/yr open, 180 with the strait closed
    with pytest.raises(InfeasibleError, match=r"in 2030 .*Hormuz closed.*shortfall 5\.0 bcm/yr") as e:
        solve_supply(sup, demand, np.zeros(2), [Deck("d", 0.0, 10.0, 0.0, 20.0)])
    assert "backstop is disabled" in str(e.value)
    assert e.value.value == pytest.approx(5.0)
    assert e.value.constraint == "balance[2030]"


def test_infeasible_first_failing_year() -> None:
    sup = small_system(backstop=False)
    with pytest.raises(InfeasibleError, match=r"in 2031 .*Hormuz open.*shortfall 10\.0 bcm/yr"):
        solve_supply(sup, np.array([150.0, 210.0]), np.zeros(2), [Deck("d", 0.0, 10.0, 0.0, 20.0)])


def test_capacity_path_start_growth_and_expansion() -> None:
    src = SourceSection.model_validate(
        {
            "capacity_bcm_per_year": 38.0,
            "start_year": 2019,
            "expanded_bcm_per_year": 44.0,
            "expansion_year": 2031,
        }
    )
    assert list(capacity_path(src, [2018, 2026, 2031])) == [0.0, 38.0, 44.0]
    dom = SourceSection.model_validate(
        {
            "capacity_bcm_per_year": 246.0,
            "start_year": 2024,
            "growth_bcm_per_year": 5.0,
            "max_capacity_bcm_per_year": 260.0,
        }
    )
    assert list(capacity_path(dom, [2024, 2026, 2040])) == [246.0, 256.0, 260.0]


def test_demand_path_grows_and_caps() -> None:
    d = DemandSection(growth_per_year=0.02, base_bcm_per_year=400.0, base_year=2025, peak_bcm_per_year=420.0)
    assert demand_path(d, [2025, 2026, 2030]) == pytest.approx([400.0, 408.0, 420.0])


def test_pos2_ramp() -> None:
    assert list(pos2_volume_path([2030, 2031, 2032, 2035], 50.0, 2031, 4)) == [0.0, 12.5, 25.0, 50.0]


def _china_max(overrides: dict[str, Any]) -> float:
    m = load_scenario("pos2", overrides).model
    years = list(range(m.supply.first_year, m.supply.last_year + 1))
    deck = Deck(
        "s",
        deck_brent_usd_per_bbl(m),
        m.lng.price_usd_per_mmbtu,
        m.hormuz.closure_probability * m.hormuz.closure_months / 12,
        m.hormuz.closure_lng_price_usd_per_mmbtu,
    )
    sup = solve_supply(m.supply, demand_path(m.demand, years), pos2_volume_path(years, 50.0, 2031, 4), [deck])
    return china_max_price(sup, "s", 0.08, 2026)["max_price_usd_per_kcm"]


def test_closing_hormuz_raises_chinas_highest_acceptable_price() -> None:
    open_ = _china_max({"hormuz.closure_probability": 0.0})
    closed = _china_max({"hormuz.closure_probability": 0.5, "hormuz.closure_months": 6.0})
    assert closed > open_ + 10.0


def test_lng_price_shock_raises_chinas_highest_acceptable_price() -> None:
    assert (
        _china_max({"lng.price_usd_per_mmbtu": 25.40}) > _china_max({"lng.price_usd_per_mmbtu": 11.5}) + 50.0
    )
