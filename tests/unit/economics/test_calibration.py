"""The cost model against its public calibration references (pos2.economics.calibration)."""

from __future__ import annotations

import pytest

from pos2.economics import calibration as cal
from pos2.economics import capex
from pos2.economics.costs import steel_t_per_km
from pos2.scenario import Scenario
from pos2.twin.summary import SectionSummary, TwinSummary


def test_power_of_siberia_1_total(pos2: Scenario) -> None:
    model = capex(pos2, cal.pos1_reference_twin()).total_usd
    ref = cal.POS1_TOTAL
    assert model == pytest.approx(ref.value_usd2025, rel=ref.tolerance_rel)


def test_kovykta_chayanda_construction_contract(pos2: Scenario) -> None:
    t = capex(pos2, cal.kovykta_chayanda_twin()).table
    construction = t[t["item"] == "construction"]["capex_usd"].sum()
    ref = cal.KOVYKTA_CHAYANDA
    assert construction == pytest.approx(ref.value_usd2025, rel=ref.tolerance_rel)


def test_pos2_within_the_analyst_range(pos2: Scenario, twin: TwinSummary) -> None:
    lo, hi = cal.POS2_RANGE_USD2025
    total = capex(pos2, twin).total_usd
    assert lo <= total <= hi


def test_station_cost_within_us_benchmarks(pos2: Scenario) -> None:
    lo, hi = cal.US_STATION_USD2025_PER_MW
    assert lo <= pos2.model.costs.station_usd_per_mw <= hi


def test_flat_terrain_line_below_the_us_average(pos2: Scenario) -> None:
    # A 30-inch (762 mm x 12.7 mm) line on flat ground: the US FERC average (all diameters, urban
    # projects included) is an upper bound; the model must stay within 30-100 % of it.
    sec = SectionSummary("russia", 100.0, 762.0, 12.7, 10.0, 9.8, terrain_km={"steppe": 100.0})
    tw = TwinSummary("us-like", 10.0, (sec,), (), 0.0, 0.0, 0.0, 5.0, 9.8, 5.0)
    per_km = capex(pos2, tw).total_usd / 100.0
    assert 0.3 * cal.US_ONSHORE_USD2025_PER_KM <= per_km <= cal.US_ONSHORE_USD2025_PER_KM
    assert steel_t_per_km(762.0, 12.7) == pytest.approx(234.7, abs=0.5)
