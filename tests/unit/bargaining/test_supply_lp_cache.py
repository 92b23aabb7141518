"""China's supply LP cache is keyed on what the LP reads: contract price, finance and Hormuz probability
or duration levers reuse it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pos2.bargaining import deal as deal_mod
from pos2.bargaining.supply import with_closure_weights
from pos2.errors import BargainingError
from pos2.scenario import load_scenario


@pytest.fixture
def lp_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    calls: list[int] = []
    solve = deal_mod.solve_supply

    def counting(*a: Any, **k: Any) -> Any:
        calls.append(1)
        return solve(*a, **k)

    deal_mod._solve_cached.cache_clear()
    monkeypatch.setattr(deal_mod, "solve_supply", counting)
    yield calls
    deal_mod._solve_cached.cache_clear()


def _solve(overrides: dict[str, Any]) -> Any:
    m = load_scenario("pos2", overrides).model
    b = m.bargaining
    return deal_mod.solve_china(
        m, (deal_mod.scenario_deck(m),), (b.first_round_year + b.first_gas_lag_years,)
    )


def test_contract_slope_and_finance_levers_do_not_resolve_the_lp(lp_calls: list[int]) -> None:
    base = _solve({})
    assert len(lp_calls) == 1
    slope = _solve({"contract.slope": 0.085, "contract.constant_usd_per_mmbtu": 1.5})
    other = _solve(
        {"finance.china_share": 0.4, "contract.take_or_pay": 0.7, "transit.fee_usd_per_kcm_100km": 2.5}
    )
    assert len(lp_calls) == 1
    assert slope.dispatch is base.dispatch
    assert other.dispatch is base.dispatch
    pd.testing.assert_frame_equal(slope.value, base.value)


def test_hormuz_levers_reweight_the_solution_without_solving_again(lp_calls: list[int]) -> None:
    _solve({})
    moved = {"hormuz.closure_months": 7.0, "hormuz.closure_probability": 0.3}
    reused = _solve(moved)
    assert len(lp_calls) == 1  # the weight is applied to the kept solution
    deal_mod._solve_cached.cache_clear()
    fresh = _solve(moved)
    assert len(lp_calls) == 2
    pd.testing.assert_frame_equal(reused.value, fresh.value, check_exact=True)
    w = reused.value["closure_weight"].to_numpy()
    assert np.all(w == pytest.approx(0.3 * 7.0 / 12.0))
    v = reused.value
    np.testing.assert_allclose(
        v["value_expected_usd_per_kcm"],
        (1 - w) * v["value_open_usd_per_kcm"] + w * v["value_closed_usd_per_kcm"],
    )


def test_reweighting_refuses_other_decks() -> None:
    m = load_scenario("pos2").model
    b = m.bargaining
    sup = deal_mod.solve_china(m, (deal_mod.scenario_deck(m),), (b.first_round_year + b.first_gas_lag_years,))
    other = dataclasses.replace(deal_mod.scenario_deck(m), name="elsewhere")
    with pytest.raises(BargainingError, match="do not match"):
        with_closure_weights(sup, (other,), m.supply)


def test_inputs_the_lp_reads_still_resolve_it(lp_calls: list[int]) -> None:
    base = _solve({})
    more_demand = _solve({"demand.peak_bcm_per_year": 700.0})
    more_acq = _solve({"contract.acq_bcm_per_year": 45.0})
    assert len(lp_calls) == 3
    assert more_demand is not base
    assert more_acq is not base
