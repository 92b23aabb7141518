"""flexibility_bound: the seasonal swing from spare capacity and the intraday swing from linepack are
real limits (a slightly larger intraday swing breaks the delivery pressure), in a JSON form."""

from __future__ import annotations

import json

import pytest

from pos2.errors import ConvergenceError, InfeasibleError
from pos2.scenario import load_scenario
from pos2.twin.transient import (
    INTRADAY_SWING_CAP,
    FlexibilityBound,
    flexibility_bound,
    parse_event,
    simulate_route,
)

DT_S = 1800.0
TOL = 0.05


@pytest.fixture(scope="module")
def bound() -> FlexibilityBound:
    return flexibility_bound(load_scenario("pos2"), loads=(0.8, 1.0), dt_s=DT_S, tol=TOL)


def test_seasonal_swing_is_the_spare_capacity(bound: FlexibilityBound) -> None:
    t = bound.table
    expected = (bound.capacity_bcm_per_year / t["throughput_bcm_per_year"] - 1.0).clip(lower=0.0)
    assert t["seasonal_swing_max"].to_numpy() == pytest.approx(expected.to_numpy())
    assert t["seasonal_swing_max"].is_monotonic_decreasing
    assert bound.at(0.9)["seasonal_swing_max"] == pytest.approx(
        max(bound.capacity_bcm_per_year / 45.0 - 1, 0)
    )


def test_intraday_swing_is_a_binding_limit_at_full_load(bound: FlexibilityBound) -> None:
    scn = load_scenario("pos2")
    row = bound.table[bound.table["load_factor"] == 1.0].iloc[0]
    amp = float(row["intraday_swing_max"])
    assert 0.0 < amp < INTRADAY_SWING_CAP
    assert not row["intraday_capped"]
    assert row["delivery_pressure_min_mpa"] >= scn.model.pipeline.min_delivery_pressure_mpa
    # a swing one search tolerance larger is not deliverable: the delivery pressure falls below its
    # minimum (or the demand cannot be met at all)
    try:
        rt = simulate_route(scn, (parse_event(f"profile:daily:{100 * (amp + TOL):g}%"),), 24.0, dt_s=DT_S)
    except (InfeasibleError, ConvergenceError):
        return
    assert rt.delivery["delivery_pressure_mpa"].min() < rt.min_delivery_pressure_mpa
    # a lower load leaves more room
    low = bound.table[bound.table["load_factor"] == 0.8].iloc[0]
    assert low["intraday_swing_max"] >= amp


def test_bound_json_has_the_documented_fields(bound: FlexibilityBound) -> None:
    obj = json.loads(json.dumps(bound.to_json()))
    assert set(obj) == {
        "scenario",
        "design_throughput_bcm_per_year",
        "capacity_bcm_per_year",
        "loads",
        "settings",
    }
    assert set(obj["loads"][0]) == {
        "load_factor",
        "throughput_bcm_per_year",
        "seasonal_swing_max",
        "intraday_swing_max",
        "intraday_capped",
        "intraday_linepack_swing_mcm",
        "delivery_pressure_min_mpa",
    }
    assert flexibility_bound(load_scenario("pos2"), loads=(0.8, 1.0), dt_s=DT_S, tol=TOL) is bound  # cached
