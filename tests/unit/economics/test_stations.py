from __future__ import annotations

import dataclasses

import pytest

from pos2.economics.stations import station_tradeoff
from pos2.errors import InfeasibleError
from pos2.scenario import Scenario
from pos2.twin.summary import TwinSummary


def test_tradeoff_costs_each_twin_run(pos2: Scenario, twin: TwinSummary) -> None:
    seen: list[int] = []

    def fake_twin(scn: Scenario) -> TwinSummary:
        n = scn.model.route.upstream.station_count
        seen.append(n)
        if n < 12:
            raise InfeasibleError("the line cannot carry 50 bcm/yr", element="russia_cs2", constraint="ratio")
        ru = [
            dataclasses.replace(twin.stations[0], name=f"RU-{i}", installed_mw=1200.0 / n) for i in range(n)
        ]
        mn = [s for s in twin.stations if s.section == "mongolia"]
        return dataclasses.replace(twin, stations=tuple(ru + mn), fuel_bcm_per_year=1.0 + 10.0 / n)

    df = station_tradeoff(pos2, [10, 12, 16], run_twin=fake_twin)
    assert seen == [10, 12, 16]
    assert list(df["feasible"]) == [False, True, True]
    assert "cannot carry" in df.loc[0, "binding"]
    # same installed MW in total: same station capex; less fuel with more stations: lower tariff
    assert df.loc[1, "station_capex_usd_bn"] == pytest.approx(df.loc[2, "station_capex_usd_bn"])
    assert df.loc[2, "tariff_usd_per_kcm"] < df.loc[1, "tariff_usd_per_kcm"]


def test_tradeoff_with_the_twin(pos2: Scenario) -> None:
    df = station_tradeoff(pos2, [14, 18])
    assert df["feasible"].all()
    # more stations: more installed MW and station capex, less power and fuel (computed by the twin)
    assert df.loc[1, "station_capex_usd_bn"] > df.loc[0, "station_capex_usd_bn"]
    assert df.loc[1, "total_power_mw"] < df.loc[0, "total_power_mw"]
    assert df.loc[1, "fuel_bcm_per_year"] < df.loc[0, "fuel_bcm_per_year"]


def test_a_count_that_breaks_a_station_limit_is_not_feasible(pos2: Scenario) -> None:
    # with 10 Russian stations the twin solves but pushes ratios to ~2.1 (limit 1.6) and power above
    # the installed MW: such a count must not be offered as the cheapest design
    df = station_tradeoff(pos2, [10, 13])
    assert list(df["feasible"]) == [False, True]
    assert "pressure ratio above the maximum" in df.loc[0, "binding"]


@pytest.mark.parametrize("name", ["pos2", "pos1"])
def test_lng_heat_content_is_the_gross_calorific_value_of_the_gas(name: str) -> None:
    # LNG is priced per MMBtu gross; the data files carry the number, the gas composition decides it
    from pos2.economics.money import gross_heat_content_mmbtu_per_kcm
    from pos2.scenario import load_scenario

    m = load_scenario(name).model
    gcv = gross_heat_content_mmbtu_per_kcm(
        m.gas.composition, m.gas.reference_temperature_c, m.gas.reference_pressure_kpa
    )
    assert m.prices.alternative_mmbtu_per_kcm == pytest.approx(gcv, abs=0.005)
    for src in ("lng_term", "lng_hormuz", "lng_spot"):
        assert getattr(m.supply, src).mmbtu_per_kcm == pytest.approx(gcv, abs=0.005)
    # the contract formula keeps Gazprom's factor (a net basis), with which its slope was derived
    assert m.costs.heat_content_mmbtu_per_kcm == 32.06
    assert m.supply.pos1.mmbtu_per_kcm == 32.06
