"""Costs in one price year and the West Siberian feeder (issue 13 item 8).

* Gazprom's upstream cost is the 2015 production cost less the 2015 mineral tax, in 2025 money, in
  every scenario that carries it (the MET is a separate input, so the cost must exclude it).
* The new Russian pipe (CS Aganskaya to the Mongolian border) is capital in the capex table, at a
  length inside the published range, and only the rest of the 6,700 km path from Yamal (the existing
  system) is paid as a tariff: nothing is counted twice and nothing is left out.
"""

from __future__ import annotations

import pytest

from pos2.economics import calibration as cal
from pos2.economics import capex
from pos2.scenario import Scenario, load_scenario
from pos2.twin.route import build_route
from pos2.twin.solve import _section_summaries
from pos2.twin.summary import TwinSummary


def test_upstream_cost_by_hand() -> None:
    # (1,643 - 788) RUB/kcm at the source's 1,643 / 27.09 RUB/USD, then US CPI 2015 -> 2025
    hand = (1643.0 - 788.0) / (1643.0 / 27.09) * 1.36
    assert cal.upstream_cost_ex_met_usd2025() == pytest.approx(hand, rel=1e-12)
    # the 2015 cost with its MET was 27.09 USD of 2015: less than that once the MET is out, even in 2025 money
    assert cal.upstream_cost_ex_met_usd2025() < cal.GAZPROM_COST_2015_USD_PER_KCM


@pytest.mark.parametrize("name", ["pos2", "pos1"])
def test_scenarios_carry_the_upstream_cost_ex_met_in_2025_money(name: str) -> None:
    m = load_scenario(name).model
    assert m.costs.price_year == 2025
    assert m.costs.upstream_cost_usd_per_kcm == round(cal.upstream_cost_ex_met_usd2025())


def test_shut_in_gas_cost_is_upstream_cost_plus_met(pos2: Scenario) -> None:
    # the price-only model's short-run gas cost uses the same inputs as the contract valuation
    m = pos2.model
    assert m.russia.gas_cost_usd_per_kcm == pytest.approx(
        m.costs.upstream_cost_usd_per_kcm + m.taxes.met_usd_per_kcm
    )


def _route_twin(scenario: Scenario) -> TwinSummary:
    """The scenario's own sections (lengths and terrain from its route), no stations, no hydraulics."""
    geo = build_route(scenario.model.route, scenario)
    return TwinSummary(
        scenario.name,
        throughput_bcm_per_year=50.0,
        sections=_section_summaries(scenario, geo),
        stations=(),
        total_power_mw=0.0,
        fuel_share=0.0,
        linepack_mcm=0.0,
        min_pressure_mpa=7.0,
        max_pressure_mpa=9.8,
        delivery_pressure_mpa=7.0,
    )


def test_russian_new_build_is_capital_at_its_published_length(pos2: Scenario) -> None:
    table = capex(pos2, _route_twin(pos2)).table
    built = table[(table["item"] == "construction") & (table["section"] == "russia")]
    assert set(built["quantity_unit"]) == {"km"}
    km = float(built["quantity"].sum())
    lo, hi = cal.RUSSIAN_NEW_BUILD_KM
    assert lo <= km <= hi
    assert built["capex_usd"].sum() > 0
    # the line starts at CS Aganskaya, the first new compressor station of the feeder (pos2_facts.md §1a)
    assert pos2.model.route.waypoints[0].name == "CS Aganskaya"


def test_only_the_existing_system_is_paid_as_a_tariff(pos2: Scenario) -> None:
    twin = _route_twin(pos2)
    new_km = sum(s.length_km for s in twin.sections)
    existing_km = cal.YAMAL_TO_CHINA_KM - new_km
    assert 2900.0 <= existing_km <= 3200.0  # pos2_facts.md §1b: about 3,000 km of existing system
    assert pos2.model.costs.upstream_transport_usd_per_kcm == pytest.approx(
        cal.upstream_transport_usd2025(existing_km), abs=0.5
    )
