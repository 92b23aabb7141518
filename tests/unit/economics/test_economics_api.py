from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pos2.economics import (
    breakeven_price,
    build_project,
    deterministic,
    evaluate_economics,
    levelized_tariff,
    npv_by_party,
)
from pos2.economics.money import capital_recovery_factor
from pos2.scenario import Scenario
from pos2.twin.summary import TwinSummary


def test_breakeven_zeroes_russia_npv(pos2: Scenario, twin: TwinSummary) -> None:
    be = breakeven_price(pos2, twin)
    v = npv_by_party(pos2, twin, be, alternative_usd_per_kcm=np.inf)
    assert abs(v["russia"][0]) < 1e-9
    assert 100.0 < be < 400.0
    dearer = dataclasses.replace(
        twin,
        sections=tuple(
            dataclasses.replace(s, length_km=s.length_km * 1.2, terrain_km={}) for s in twin.sections
        ),
    )
    assert breakeven_price(pos2, dearer) > breakeven_price(
        pos2,
        dataclasses.replace(
            twin, sections=tuple(dataclasses.replace(s, terrain_km={}) for s in twin.sections)
        ),
    )


def test_npv_by_party_is_vectorised(pos2: Scenario, twin: TwinSummary) -> None:
    p = build_project(pos2, twin)
    prices = np.linspace(150, 350, 500)
    v = npv_by_party(pos2, twin, prices, project=p)
    one = npv_by_party(pos2, twin, prices[123], project=p)
    assert v["russia"][123] == pytest.approx(one["russia"][0], rel=1e-12)
    assert np.all(np.diff(v["russia"][prices < 200]) > 0)
    # with a cached project repeated calls give the same answer (speed: benchmarks/, not a test)
    assert (
        npv_by_party(pos2, twin, 250.0, project=p)["russia"][0]
        == npv_by_party(pos2, twin, 250.0)["russia"][0]
    )


def test_tariff_reduces_to_the_annuity(pos2: Scenario, twin: TwinSummary) -> None:
    scn = pos2.with_overrides({"finance.construction_years": 1, "contract.ramp_up_years": 0})
    t = levelized_tariff(scn, twin)
    k = build_project(scn, twin).capex.total_usd
    v = 50e9 / 1e3
    rate = scn.model.finance.discount_rate_russia
    expected = k * capital_recovery_factor(rate, 30) / v + 0.02 * k / v + 1.5 / 50 * 45.0
    assert t.total_usd_per_kcm == pytest.approx(expected, rel=1e-12)
    assert t.total_usd_per_mmbtu == pytest.approx(expected / 32.06)
    # ramp-up spreads the same costs over less gas early: dearer
    assert (
        levelized_tariff(pos2.with_overrides({"finance.construction_years": 1}), twin).total_usd_per_kcm
        > expected
    )


def test_decks_order_russia_npv(pos2: Scenario, twin: TwinSummary) -> None:
    low, base, shock = (
        deterministic(pos2, twin, deck=d).npv_usd["russia"] for d in ("low", "base", "hormuz_2026")
    )
    assert low < base < shock


def test_evaluate_economics_contract(pos2: Scenario, twin: TwinSummary) -> None:
    r = evaluate_economics(pos2, twin, paths=600, seed=4)
    j = r.to_json()
    for key in ("capex_usd_bn", "tariff_usd_per_kcm"):
        assert set(j[key]) >= {"russia", "mongolia", "total"}
    assert j["capex_usd_bn"]["total"] == pytest.approx(
        j["capex_usd_bn"]["russia"] + j["capex_usd_bn"]["mongolia"]
    )
    for party in ("russia", "china", "mongolia"):
        q = j["parties"][party]["npv_usd_bn"]
        assert q["p10"] <= q["p50"] <= q["p90"]
        assert "irr" in j["parties"][party]
    assert j["parties"]["mongolia"]["irr"] is None
    assert (j["paths"], j["seed"]) == (600, 4)
    assert isinstance(j["breakeven_price_usd_per_kcm"], float)
    assert isinstance(j["netback_usd_per_kcm"], float)
    v = j["volume_taken_bcm_per_year"]
    low = 50.0 * 0.85 * (1 - 0.15) * 28 / 30  # minimum bill x mean ramp-up share (0.2 + ... + 1.0 + 25) / 30
    assert v["deterministic"] == pytest.approx(50.0 * 28 / 30)
    assert low - 1e-9 <= v["p10"] <= v["p50"] <= v["p90"] <= v["deterministic"] + 1e-9
    tor = r.tables["tornado"]
    assert len(tor) == 10
    assert np.all(np.diff(tor["russia_swing_usd_bn"]) <= 0)
    again = evaluate_economics(pos2, twin, paths=600, seed=4, with_tornado=False).to_json()
    assert again["parties"] == j["parties"]


def test_deterministic_mode(pos2: Scenario, twin: TwinSummary) -> None:
    j = evaluate_economics(pos2, twin, paths=0, with_tornado=False).to_json()
    assert j["mode"] == "deterministic"
    q = j["parties"]["russia"]["npv_usd_bn"]
    assert q["p10"] == q["p50"] == q["p90"] == pytest.approx(j["decks"]["base"]["russia"])


def test_irr_only_for_parties_that_invest(pos2: Scenario, twin: TwinSummary) -> None:
    none = deterministic(pos2, twin).irr
    assert np.isfinite(none["russia"])
    assert np.isnan(none["china"])
    assert np.isnan(none["mongolia"])
    equity = deterministic(
        pos2.with_overrides({"finance.china_share": 0.3, "finance.china_mode": "equity"}), twin
    ).irr
    assert np.isfinite(equity["china"])


def test_capex_cache_follows_its_inputs(pos2: Scenario, twin: TwinSummary) -> None:
    a = build_project(pos2, twin)
    b = build_project(pos2.with_overrides({"contract.slope": 0.12}), twin)
    assert b.capex is a.capex  # a price lever does not recompute the capex
    c = build_project(pos2.with_overrides({"costs.pipe_usd_per_t": 1500.0}), twin)
    assert c.capex.total_usd > a.capex.total_usd
    other = dataclasses.replace(twin, throughput_bcm_per_year=twin.throughput_bcm_per_year)
    d = build_project(pos2, other)
    assert d.capex is not a.capex
    assert d.capex.total_usd == pytest.approx(a.capex.total_usd)


def test_lump_transit_fee(pos2: Scenario, twin: TwinSummary) -> None:
    scn = pos2.with_overrides(
        {"transit.mode": "lump", "transit.lump_usd_bn_per_year": 0.8, "finance.construction_years": 1}
    )
    v = npv_by_party(scn, twin, 250.0)
    df = (1.08 ** -np.arange(2, 32)).sum()  # 30 operating years after one construction year
    assert v["mongolia"][0] == pytest.approx(0.8 * df, rel=1e-12)


@pytest.mark.parametrize("formula", ["hub", "fixed"])
def test_other_formulas_run_through_the_monte_carlo(pos2: Scenario, twin: TwinSummary, formula: str) -> None:
    j = evaluate_economics(
        pos2.with_overrides({"contract.formula": formula}), twin, paths=300, with_tornado=False
    )
    q = j.to_json()["parties"]["russia"]["npv_usd_bn"]
    assert q["p10"] <= q["p50"] <= q["p90"]
    if formula == "fixed":  # the price does not move: only the volumes (China's choice) spread the NPV
        assert j.to_json()["contract_price_usd_per_kcm"]["p50"] == pytest.approx(7.6 * 32.06)


def test_pos1_economics_without_transit() -> None:
    from pos2.economics.calibration import pos1_reference_twin
    from pos2.scenario import load_scenario

    scn = load_scenario("pos1")
    r = evaluate_economics(scn, pos1_reference_twin(), paths=0, with_tornado=False).to_json()
    assert r["capex_usd_bn"]["mongolia"] == 0.0
    assert r["tariff_usd_per_kcm"]["mongolia"] == 0.0
    assert r["decks"]["base"]["mongolia"] == 0.0


def test_non_finite_headline_numbers_raise(twin: TwinSummary) -> None:
    from pos2.economics.api import _require_finite
    from pos2.errors import EconomicsError

    finite = {
        "breakeven_price_usd_per_kcm": 206.0,
        "capex_usd_bn": {"russia": 19.0, "mongolia": 6.0, "total": 25.0},
        "tariff_usd_per_kcm": {"russia": 58.0, "mongolia": 19.0, "total": 77.0},
    }
    _require_finite(finite, twin)  # no error
    broken = {
        **finite,
        "tariff_usd_per_kcm": {"russia": float("inf"), "mongolia": 19.0, "total": float("nan")},
    }
    with pytest.raises(EconomicsError, match=r"tariff_usd_per_kcm\.russia"):
        _require_finite(broken, twin)
