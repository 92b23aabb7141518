"""The engine on the default scenario: sourced inputs, a waterfall that adds up, the lever list."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos2.bargaining.engine import (
    LEVERS,
    base_contract,
    default_engine_path,
    engine_inputs,
    gap_waterfall,
    lever_effects,
    load_engine_data,
)
from pos2.errors import BargainingError
from pos2.scenario import load_scenario


def test_engine_data_needs_sources(tmp_path: Path) -> None:
    assert load_engine_data()["parties"]["supplier_cap_share"] == pytest.approx(0.2)
    text = default_engine_path().read_text(encoding="utf-8")
    bad = tmp_path / "e.toml"
    bad.write_text(
        text.replace(
            'hh_usd_per_mmbtu = { value = 3.5, unit = "USD/MMBtu", source',
            'hh_usd_per_mmbtu = { value = 3.5, unit = "USD/MMBtu", sauce',
        ),
        encoding="utf-8",
    )
    with pytest.raises(BargainingError, match=r"e\.toml:\d+: 'stack\.hh_usd_per_mmbtu'"):
        load_engine_data(bad)


def test_waterfall_adds_up_and_levers_are_listed() -> None:
    sc = load_scenario("pos2")
    inputs = engine_inputs(sc, n_paths=48, seed=7)
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
    assert duty["china_max_delta"] == 0.0
    assert duty["russia_min_delta"] < -30.0
