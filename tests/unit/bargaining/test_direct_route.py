"""The direct Altai route as Russia and China's option around Mongolia (issue 13 item 5).

Hand-checked: the route's extra cost from the pipe-length difference at the line's cost per km and
China's longer internal haul; the transit fee is capped at that difference; the Shapley game reads it
(Mongolia's share is a third of the difference); without the option Mongolia's fee is not capped.
"""

from __future__ import annotations

import math

import pytest

from pos2.bargaining.direct_route import direct_route
from pos2.bargaining.engine import project_costs
from pos2.bargaining.solutions import shapley_values, transit_game
from pos2.economics.cashflow import PARTIES
from pos2.errors import BargainingError
from pos2.scenario import Scenario, load_scenario

TARIFF = 77.2  # a levelised tariff of the line [USD/kcm]
LINE_KM = 2700.0 + 962.9  # the Russian and Mongolian sections of the default route [km]


@pytest.fixture(scope="module")
def base() -> Scenario:
    return load_scenario("pos2")


def test_extra_cost_by_hand(base: Scenario) -> None:
    m = base.model
    d = direct_route(m, TARIFF, LINE_KM)
    new_km = 2700.0 + 962.9  # the Russian and Mongolian sections of the line (route lengths)
    assert d.new_pipe_km == pytest.approx(new_km)
    assert d.direct_pipe_km == 2666.0  # Purpeyskaya to the Kanas pass
    per_km = TARIFF / new_km
    hand = (2666.0 - new_km) * per_km + (70.0 - 18.0)
    assert d.extra_cost_usd_per_kcm == pytest.approx(hand, rel=1e-12)
    # shorter Russian pipe (no Mongolian section) but a 4,000 km haul inside China: dearer overall
    assert d.pipe_difference_usd_per_kcm < 0 < d.extra_cost_usd_per_kcm
    assert d.fee_cap_usd_per_kcm() == pytest.approx(hand)


def test_the_fee_is_capped_by_the_bypass(base: Scenario) -> None:
    m = base.model
    d = direct_route(m, TARIFF, LINE_KM)
    cap = d.fee_cap_usd_per_kcm()
    assert d.capped_fee_usd_per_kcm(10.0) == 10.0
    assert d.capped_fee_usd_per_kcm(cap + 25.0) == pytest.approx(cap)
    # the valuation's transit cost reads the cap: a fee of 5 USD/kcm/100 km over 962.9 km (48 USD/kcm)
    # is more than the bypass costs, so Mongolia gets only the bypass's extra cost
    high = base.with_overrides({"transit.fee_usd_per_kcm_100km": 5.0})
    costs = project_costs(high, capex_usd=25.4e9, tariff_usd_per_kcm=TARIFF, fuel_share=0.058)
    assert cap < 5.0 * 962.9 / 100.0
    assert costs.transit_usd_per_kcm == pytest.approx(cap)
    # the default fee (2 USD/kcm/100 km = 19.3 USD/kcm) is below the cap and passes unchanged
    low = project_costs(base, capex_usd=25.4e9, tariff_usd_per_kcm=TARIFF, fuel_share=0.058)
    assert low.transit_usd_per_kcm == pytest.approx(2.0 * 962.9 / 100.0)


def test_without_the_option_the_fee_is_not_capped(base: Scenario) -> None:
    closed = base.with_overrides({"bargaining.direct_route": False, "transit.fee_usd_per_kcm_100km": 5.0})
    d = direct_route(closed.model, TARIFF, LINE_KM)
    assert math.isinf(d.fee_cap_usd_per_kcm())
    costs = project_costs(closed, capex_usd=25.4e9, tariff_usd_per_kcm=TARIFF, fuel_share=0.058)
    assert costs.transit_usd_per_kcm == pytest.approx(5.0 * 962.9 / 100.0)


def test_a_longer_chinese_haul_raises_mongolias_shapley_share(base: Scenario) -> None:
    # the Shapley game of the transit: Mongolia gets (b - a) / 3 = a third of the bypass's extra cost
    b_surplus = 100.0
    shares = []
    for t in (50.0, 70.0, 90.0):
        m = base.with_overrides({"bargaining.direct_route_china_transport_usd_per_kcm": t}).model
        extra = direct_route(m, TARIFF, LINE_KM).extra_cost_usd_per_kcm
        phi = shapley_values(PARTIES, transit_game(b_surplus, b_surplus - extra))
        assert phi["mongolia"] == pytest.approx(extra / 3.0)
        shares.append(phi["mongolia"])
    assert shares[0] < shares[1] < shares[2]


def test_bad_inputs_are_refused(base: Scenario) -> None:
    with pytest.raises(BargainingError, match="tariff"):
        direct_route(base.model, -1.0, LINE_KM)


def test_a_line_without_transit_is_its_own_direct_route() -> None:
    # PoS1 runs inside Russia: no extra cost, no fee to cap, no transit share in the Shapley game
    d = direct_route(load_scenario("pos1").model, TARIFF, 2959.6)
    assert d.extra_cost_usd_per_kcm == 0.0
    phi = shapley_values(PARTIES, transit_game(100.0, 100.0 - d.extra_cost_usd_per_kcm))
    assert phi["mongolia"] == 0.0
