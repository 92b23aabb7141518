from __future__ import annotations

import dataclasses
import math

import pytest

from pos2.economics import capex
from pos2.economics.costs import fuel_bcm_per_year_by_section, steel_t_per_km
from pos2.errors import EconomicsError
from pos2.scenario import Scenario
from pos2.twin.summary import TwinSummary


def test_steel_tonnage_by_hand() -> None:
    # pi * (1.420 - 0.0217) m * 0.0217 m * 7850 kg/m3 = 748.3 kg/m = 748.3 t/km
    assert steel_t_per_km(1420.0, 21.7) == pytest.approx(math.pi * 1.3983 * 0.0217 * 7850, rel=1e-12)
    assert steel_t_per_km(1420.0, 27.6) > steel_t_per_km(1420.0, 21.7)
    with pytest.raises(EconomicsError, match="wall thickness"):
        steel_t_per_km(100.0, 60.0)


def test_capex_items_by_hand(pos2: Scenario, twin: TwinSummary) -> None:
    c = pos2.model.costs
    cap = capex(pos2, twin)
    mn = twin.section("mongolia")
    t = cap.table
    pipe = t[(t.section == "mongolia") & (t.item == "line pipe steel")].capex_usd.sum()
    assert pipe == pytest.approx(steel_t_per_km(1400.0, 22.0) * mn.length_km * c.pipe_usd_per_t)
    cons = t[(t.section == "mongolia") & (t.item == "construction")].capex_usd.sum()
    expected = c.construction_usd_per_km_mm * 1400.0 * (600.0 * c.terrain.steppe + 362.9 * c.terrain.gobi)
    assert cons == pytest.approx(expected)
    st = t[(t.section == "mongolia") & (t.item == "compressor station")].capex_usd.sum()
    assert st == pytest.approx(5 * 80.0 * c.station_usd_per_mw)
    assert cap.mongolia_usd == pytest.approx((pipe + cons + st) * (1 + c.owners_cost_share))
    assert cap.total_usd == pytest.approx(cap.russia_usd + cap.mongolia_usd)


def test_mountains_cost_more_than_steppe(pos2: Scenario, twin: TwinSummary) -> None:
    ru = twin.section("russia")
    flat = dataclasses.replace(ru, terrain_km={"steppe": ru.length_km})
    hilly = dataclasses.replace(ru, terrain_km={"mountain": ru.length_km})
    a = capex(pos2, dataclasses.replace(twin, sections=(flat, twin.sections[1])))
    b = capex(pos2, dataclasses.replace(twin, sections=(hilly, twin.sections[1])))
    assert b.russia_usd > a.russia_usd
    assert b.mongolia_usd == pytest.approx(a.mongolia_usd)


def test_unknown_terrain_and_overlong_terrain_are_errors(pos2: Scenario, twin: TwinSummary) -> None:
    ru = twin.section("russia")
    bad = dataclasses.replace(ru, terrain_km={"swampland": 10.0})
    with pytest.raises(EconomicsError, match="unknown terrain class 'swampland'"):
        capex(pos2, dataclasses.replace(twin, sections=(bad, twin.sections[1])))
    long = dataclasses.replace(ru, terrain_km={"taiga": ru.length_km + 50})
    with pytest.raises(EconomicsError, match="adds up to"):
        capex(pos2, dataclasses.replace(twin, sections=(long, twin.sections[1])))


def test_fuel_split_by_station_power(twin: TwinSummary) -> None:
    tw = dataclasses.replace(twin, fuel_bcm_per_year=1.15)
    f = fuel_bcm_per_year_by_section(tw)
    assert sum(f.values()) == pytest.approx(1.15)
    assert f["mongolia"] == pytest.approx(1.15 * 5 / 23)
