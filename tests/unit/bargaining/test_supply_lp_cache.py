"""China's supply LP cache is keyed on what the LP reads: contract price and finance levers reuse it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pos2.bargaining import deal as deal_mod
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
    assert slope is base
    assert other is base


def test_inputs_the_lp_reads_still_resolve_it(lp_calls: list[int]) -> None:
    base = _solve({})
    more_demand = _solve({"demand.peak_bcm_per_year": 700.0})
    more_acq = _solve({"contract.acq_bcm_per_year": 45.0})
    assert len(lp_calls) == 3
    assert more_demand is not base
    assert more_acq is not base
