"""The engine on the default scenario: sourced inputs, a waterfall that adds up, the lever list."""

from __future__ import annotations

import numpy as np
import pytest

from pos2.bargaining.engine import (
    LEVERS,
    base_contract,
    engine_inputs,
    gap_waterfall,
    lever_effects,
    project_costs,
)
from pos2.scenario import load_scenario

COSTS = {"capex_usd": 25.4e9, "tariff_usd_per_kcm": 77.2, "fuel_share": 0.058}
"""Pipeline costs of the default economics run (docs/economics.md), fixed for these unit tests."""


def test_engine_inputs_come_from_the_scenario_with_sources() -> None:
    sc = load_scenario("pos2", {"valuation.supplier_cap_share": 0.3})
    inputs = engine_inputs(sc, costs=project_costs(sc, **COSTS))
    assert inputs.parties.supplier_cap_share == pytest.approx(0.3)
    src = {s.key: s for s in load_scenario("pos2").sources}
    for key in ("valuation.hh_usd_per_mmbtu", "finance.discount_rate_russia", "valuation.risk_weight"):
        assert src[key].source or src[key].assumption, key


def test_waterfall_adds_up_and_levers_are_listed() -> None:
    sc = load_scenario("pos2")
    # risk-averse here, so the risk-aversion step has a sign to check
    inputs = engine_inputs(sc, costs=project_costs(sc, **COSTS), n_paths=48, seed=7, risk_weight=0.5)
    contract = base_contract(sc)
    w = gap_waterfall(inputs, contract)
    v = {r["step"]: r["usd_per_kcm"] for r in w}
    china = v["china_lng_parity"] + sum(
        v[s] for s in ("take_or_pay_resale", "demand_risk", "risk_aversion", "dependence_cost")
    )
    russia = v["russia_resource_cost"] + sum(
        v[s] for s in ("export_duty", "mineral_tax", "cost_of_capital", "hold_up")
    )
    assert china == pytest.approx(v["china_max_price"], abs=1e-6)
    assert russia == pytest.approx(v["gazprom_min_price"], abs=1e-6)
    # mechanisms with a known sign: taxes and Gazprom's dearer capital raise its floor
    assert v["export_duty"] > 0
    assert v["mineral_tax"] > 0
    assert v["cost_of_capital"] > 0
    assert v["dependence_cost"] < 0
    assert v["risk_aversion"] < 0
    effects = lever_effects(inputs, contract)
    assert [e["lever"] for e in effects] == [lv[0] for lv in LEVERS]
    duty = next(e for e in effects if e["lever"] == "export_duty_waiver")
    # the duty is not China's cost: its limit does not move (the lever is valued in its own batch,
    # so the sums can differ in the last bits)
    assert duty["china_max_delta"] == pytest.approx(0.0, abs=1e-9)
    assert duty["russia_min_delta"] < -30.0


def test_contract_map_covers_the_axes_and_agrees_with_a_single_search() -> None:
    from pos2.bargaining.engine import MAP_AXES, MAP_FORMULAS, build, contract_map
    from pos2.bargaining.valuation import ContractGrid, limit_prices, value_contracts

    sc = load_scenario("pos2")
    inputs = engine_inputs(sc, costs=project_costs(sc, **COSTS), n_paths=48, seed=7)
    contract = base_contract(sc)
    m = contract_map(inputs, contract)
    cells = m["cells"]
    assert len(cells) == len(MAP_FORMULAS) * 27 == 81
    assert m["axes"]["take_or_pay"] == list(MAP_AXES["take_or_pay"])
    for c in cells:
        assert c["gap_usd_per_kcm"] == pytest.approx(
            c["china_max_usd_per_kcm"] - c["gazprom_min_usd_per_kcm"]
        )
        assert c["feasible_with_gazprom"] == (c["gap_usd_per_kcm"] >= 0)
    # one cell searched alone (full range, default tolerance) gives the map's limits to its tolerance
    c = next(x for x in cells if x["formula"] == "hybrid 50 % JKM" and x["china_share"] == 0.25)
    row = {
        **contract,
        **MAP_FORMULAS["hybrid 50 % JKM"],
        "take_or_pay": c["take_or_pay"],
        "acq_bcm": c["acq_bcm"],
        "china_share": 0.25,
        "equity": True,
    }
    single = ContractGrid.from_rows([row])
    stack = build(inputs)
    alone = limit_prices(single, stack, inputs.costs, inputs.parties)
    assert float(alone.china_max_usd_per_kcm[0]) == pytest.approx(c["china_max_usd_per_kcm"], abs=0.05)
    # Gazprom's mean NPV on 48 paths is piecewise linear in the price with small downward jumps where a
    # path's nomination changes, so it can cross zero more than once within a fraction of a USD (with
    # upstream cost 19 this cell crosses at 276.70 and again at 276.95): searches from different
    # brackets may stop on different crossings. Each must be a crossing, and they must lie close.
    base = float(value_contracts(single, stack, inputs.costs, inputs.parties).price_level_usd_per_kcm[0])

    def gazprom_npv(price: float) -> float:
        shifted = single.with_terms(price_shift_usd_per_kcm=np.array([price - base]))
        return float(value_contracts(shifted, stack, inputs.costs, inputs.parties).gazprom_mean_musd[0])

    for limit in (float(alone.gazprom_min_usd_per_kcm[0]), c["gazprom_min_usd_per_kcm"]):
        assert gazprom_npv(limit - 0.01) < 0.0 < gazprom_npv(limit + 0.01)
    assert float(alone.gazprom_min_usd_per_kcm[0]) == pytest.approx(c["gazprom_min_usd_per_kcm"], abs=1.0)

    # Chinese equity takes capital off Gazprom's books at China's cheaper rate: the gap widens
    def mean_gap(share: float) -> float:
        g = [x["gap_usd_per_kcm"] for x in cells if x["china_share"] == share]
        return sum(g) / len(g)

    assert mean_gap(0.5) > mean_gap(0.25) > mean_gap(0.0)


def test_contract_map_figures_draw_every_panel() -> None:
    from pos2.bargaining.engine import MAP_FORMULAS, contract_map
    from pos2.report.deal_figures import contract_map_figure, gap_waterfall_figure

    sc = load_scenario("pos2")
    inputs = engine_inputs(sc, costs=project_costs(sc, **COSTS), n_paths=16, seed=3)
    contract = base_contract(sc)
    cmap = contract_map(inputs, contract)
    terms = {"take_or_pay": 1.0, "flex_band": 0.0, "china_share": 0.5, "acq_bcm": 50.0, "feasible": False}
    fig = contract_map_figure(cmap, terms, [232.0, 376.0])
    assert sum(t.type == "heatmap" for t in fig.data) == len(MAP_FORMULAS) * 3
    ringed = [t for t in fig.data if t.type == "scatter"]
    assert len(ringed) == (1 if any(c["feasible_with_gazprom"] for c in cmap["cells"]) else 0)
    assert "price-only zone 232–376" in fig.layout.title.text
    assert "no zone" in fig.layout.title.text
    wf = gap_waterfall_figure(gap_waterfall(inputs, contract))
    assert [t.type for t in wf.data] == ["waterfall", "waterfall"]
    assert list(wf.data[0].measure).count("absolute") == 2
