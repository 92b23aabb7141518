"""What the deal stage keeps and re-uses between calls gives the numbers a fresh calculation gives.

The dashboard's update time (issue 14) rests on these: a displaced-supply curve kept per stack, the
volume at the transport cost kept per curve, market draws re-used when only a Hormuz input moves, a limit
search that values only the contracts still searching.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from tests.unit.bargaining.test_valuation import COSTS, FIRM, PARTIES, stack

from pos2.bargaining import engine as engine_mod
from pos2.bargaining import valuation as valuation_mod
from pos2.bargaining.engine import build, engine_inputs, project_costs
from pos2.bargaining.stack import DISPLACED_KEPT, build_stack, displaced_curve, simulate_market
from pos2.bargaining.valuation import ContractGrid, limit_prices
from pos2.scenario import load_scenario


def _same_curve(a: Any, b: Any) -> None:
    for f in ("slopes_usd_per_kcm", "widths_bcm", "intercepts_musd"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    assert a.q_max_bcm == b.q_max_bcm


def test_a_kept_displaced_curve_is_the_one_that_would_be_built() -> None:
    st = stack(40)
    first = st.displaced(38.0)
    assert st.displaced(38.0) is first
    _same_curve(first, displaced_curve(st.curve, st.market.demand_bcm, 38.0))
    for q in (10.0, 20.0, 30.0, 40.0, 45.0):  # more than DISPLACED_KEPT others push the first one out
        st.displaced(q)
    assert len(st._displaced) == DISPLACED_KEPT
    again = st.displaced(38.0)
    assert again is not first
    _same_curve(again, first)


def test_the_kept_volume_at_a_flat_price_equals_the_volume_asked_for_each_path_year() -> None:
    d = stack(40).displaced(38.0)
    kept = d.quantity_at_flat_price_bcm(18.0)
    np.testing.assert_array_equal(kept, d.quantity_at_price_bcm(np.full(kept.shape, 18.0)))
    assert d.quantity_at_flat_price_bcm(18.0) is kept
    assert not kept.flags.writeable  # shared: a caller cannot spoil it for the next


@pytest.mark.parametrize(
    "change",
    [
        {"hormuz_closed_share": 0.75},
        {"hormuz_p_close": 0.3, "hormuz_p_stay": 0.6},
        {"jkm_spike_ratio": 2.5},
        {"portfolio_mode": "flexible"},
    ],
)
def test_a_stack_on_re_used_market_draws_equals_a_fresh_one(change: dict[str, Any]) -> None:
    sc = load_scenario("pos2", {"valuation.paths": 60})
    inputs = engine_inputs(
        sc, costs=project_costs(sc, capex_usd=25.4e9, tariff_usd_per_kcm=77.2, fuel_share=0.058)
    )
    build(inputs)  # the draws of these settings are now kept
    kept = build(inputs, **change)
    s = dataclasses.replace(inputs.settings, **change)
    market = simulate_market(s, inputs.price_model)
    fresh = build_stack(inputs.portfolio, s, inputs.price_model, market=market)
    for f in dataclasses.fields(fresh.market):
        np.testing.assert_array_equal(getattr(kept.market, f.name), getattr(fresh.market, f.name))
    np.testing.assert_array_equal(kept.curve.cost_usd_per_kcm, fresh.curve.cost_usd_per_kcm)
    np.testing.assert_array_equal(kept.curve.cumulative_bcm, fresh.curve.cumulative_bcm)
    np.testing.assert_array_equal(kept.russian_bcm, fresh.russian_bcm)
    assert len(engine_mod._DRAWS) >= 1


def test_a_limit_search_values_only_the_contracts_still_searching(monkeypatch: pytest.MonkeyPatch) -> None:
    st = stack(48)
    grid = ContractGrid.from_rows([{**FIRM, "acq_bcm": 38.0}, {"acq_bcm": 50.0, "take_or_pay": 0.8}])
    sizes: list[int] = []
    value = valuation_mod.value_contracts

    def counting(g: ContractGrid, *a: Any, **k: Any) -> Any:
        sizes.append(g.n)
        return value(g, *a, **k)

    monkeypatch.setattr(valuation_mod, "value_contracts", counting)
    lim = limit_prices(grid, st, COSTS, PARTIES)
    # 2 contracts x 3 parties at the brackets' ends, fewer as roots converge, then the final valuation
    assert sizes[0] == sizes[1] == 6
    search = sizes[2:-1]
    assert search == sorted(search, reverse=True)
    assert search[-1] < 6
    monkeypatch.setattr(valuation_mod, "value_contracts", value)
    for i in range(grid.n):  # each contract's limits as a search of that contract and party alone
        one = grid.take(np.array([i]))
        for party, f in (
            ("china", "china_max_usd_per_kcm"),
            ("gazprom", "gazprom_min_usd_per_kcm"),
            ("state", "state_min_usd_per_kcm"),
        ):
            alone = limit_prices(one, st, COSTS, PARTIES, which=(party,))
            assert getattr(alone, f)[0] == pytest.approx(getattr(lim, f)[i], abs=1e-9)


def test_kept_stacks_stay_within_their_memory_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = load_scenario("pos2", {"valuation.paths": 50})
    inputs = engine_inputs(
        sc, costs=project_costs(sc, capex_usd=25.4e9, tariff_usd_per_kcm=77.2, fuel_share=0.058)
    )
    monkeypatch.setattr(engine_mod, "_STACKS", type(engine_mod._STACKS)())
    one = build(inputs)
    one.displaced(30.0)
    assert one.nbytes > one.curve.cost_usd_per_kcm.nbytes * 3  # the curve and the kept displaced curve
    monkeypatch.setattr(engine_mod, "STACK_BYTES_KEPT", int(2.5 * one.nbytes))
    for share in (0.1, 0.2, 0.3, 0.4):
        build(inputs, hormuz_closed_share=share).displaced(30.0)
    kept = list(engine_mod._STACKS.values())
    assert 1 <= len(kept) <= 3
    assert sum(st.nbytes for st in kept) <= engine_mod.STACK_BYTES_KEPT
    assert kept[-1].settings.hormuz_closed_share == 0.4  # the newest is kept
    monkeypatch.setattr(engine_mod, "STACK_BYTES_KEPT", 1)
    build(inputs, hormuz_closed_share=0.5)
    assert len(engine_mod._STACKS) == 1  # however small the budget, the stack just built stays
