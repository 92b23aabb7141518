"""The default deal evaluator: cached stages are solved once, and cached results equal direct runs."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import pos2.bargaining.deal as deal_mod
import pos2.pipeline as pipeline_mod
import pos2.sweep.evaluate as evaluate_mod
import pos2.twin.analysis as twin_mod
from pos2.economics import breakeven_price
from pos2.pipeline import Pipeline
from pos2.scenario import load_scenario
from pos2.sweep import load_spec, run_sweep
from pos2.sweep.evaluate import DealEvaluator
from pos2.sweep.evaluator import apply_overrides, clear_caches

OUTPUTS = tuple(DealEvaluator().output_kinds())


@pytest.fixture(scope="module", autouse=True)
def _caches() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


def test_contract_and_finance_levers_reuse_hydraulics_and_supply_lp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"twin": 0, "lp": 0}
    run_twin, solve_supply = pipeline_mod.run_twin, deal_mod.solve_supply

    def counting_twin(*a: Any, **k: Any) -> Any:
        calls["twin"] += 1
        return run_twin(*a, **k)

    def counting_lp(*a: Any, **k: Any) -> Any:
        calls["lp"] += 1
        return solve_supply(*a, **k)

    deal_mod._solve_cached.cache_clear()  # count the LP solves and twin runs of this sweep alone
    clear_caches()
    monkeypatch.setattr(evaluate_mod, "_PIPELINE", Pipeline(cache_size=4))
    # the summit game's fast mode holds the base scenario's hindcast: computed once per process, before
    # the counting starts (it runs the base's own full deal, PoS1's twin included)
    assert evaluate_mod._PIPELINE.summit_history(DealEvaluator().base_scenario()).ok
    deal_mod._solve_cached.cache_clear()
    monkeypatch.setattr(pipeline_mod, "run_twin", counting_twin)
    monkeypatch.setattr(deal_mod, "solve_supply", counting_lp)
    spec = tmp_path / "s.toml"
    spec.write_text(
        "[sweep]\nmethod = 'grid'\nchunk_size = 5\n"
        "[parameters.contract]\nslope = { values = [0.09, 0.11, 0.13] }\n"
        "take_or_pay = { values = [0.7, 0.9] }\n"
        "[parameters.finance]\nchina_share = { values = [0.0, 0.3] }\n"
    )
    s = run_sweep(load_spec(spec), tmp_path / "out", workers=0, progress=False)
    assert (s.points_run, s.failures) == (12, 0)
    # the base scenario's twin (solved for the history above) serves every point: contract and finance
    # levers never re-run the hydraulics; the points share one supply LP
    assert calls == {"twin": 0, "lp": 1}


def test_cached_results_equal_direct_stage_runs() -> None:
    ev = DealEvaluator()
    base = load_scenario("pos2")
    twin = twin_mod.run_twin(base).summary
    cols = {
        "contract.slope": np.array([0.09, 0.12, 0.12]),
        "finance.china_share": np.array([0.0, 0.4, 0.4]),
        "costs.pipe_usd_per_t": np.array([1300.0, 1300.0, 1700.0]),
        "hormuz.closure_probability": np.array([0.05, 0.05, 0.3]),
    }
    res = ev.evaluate_chunk(np.arange(3), cols, OUTPUTS)
    assert res.ok.all(), res.errors
    for i in range(3):
        scn = base.with_overrides({k: float(v[i]) for k, v in cols.items()})
        be = breakeven_price(scn, twin)
        d = Pipeline().run(scn, paths=0, interactive=True).deal.get().to_json()
        assert res.outputs["russia_breakeven_usd_per_kcm"][i] == pytest.approx(be, rel=1e-12)
        assert res.outputs["china_max_price_usd_per_kcm"][i] == pytest.approx(
            d["china_max_price_usd_per_kcm"], rel=1e-12
        )
        assert res.outputs["russia_min_price_usd_per_kcm"][i] == pytest.approx(
            d["russia_min_price_usd_per_kcm"], rel=1e-12
        )
        assert res.outputs["nash_price_usd_per_kcm"][i] == pytest.approx(
            math.nan if d["nash_price_usd_per_kcm"] is None else d["nash_price_usd_per_kcm"],
            rel=1e-12,
            nan_ok=True,
        )
        assert bool(res.outputs["deal"][i]) == (d["zopa_usd_per_kcm"] is not None)
        assert res.outputs["p_agreement_total"][i] == pytest.approx(
            d["delay"]["p_agreement_total"], rel=1e-12
        )
    # the three points differ where they should: pipe cost moves the breakeven, Hormuz China's ceiling
    assert res.outputs["russia_breakeven_usd_per_kcm"][2] > res.outputs["russia_breakeven_usd_per_kcm"][1]
    assert res.outputs["china_max_price_usd_per_kcm"][2] > res.outputs["china_max_price_usd_per_kcm"][1]


def test_chunk_finish_with_bargaining_power_per_point_equals_direct_runs() -> None:
    # one bargaining power per point
    ev = DealEvaluator()
    base = load_scenario("pos2")
    cols = {
        "bargaining.china_power": np.array([0.3, 0.5, 0.65, 0.8]),
        "contract.take_or_pay": np.array([0.7, 0.9, 0.8, 1.0]),
    }
    res = ev.evaluate_chunk(np.arange(4), cols, OUTPUTS)
    assert res.ok.all(), res.errors
    for i in range(4):
        scn = base.with_overrides({k: float(v[i]) for k, v in cols.items()})
        d = Pipeline().run(scn, paths=0, interactive=True).deal.get().to_json()
        assert res.outputs["p_agreement_total"][i] == pytest.approx(
            d["delay"]["p_agreement_total"], rel=1e-12
        )
        assert bool(res.outputs["china_signs_now"][i]) == d["delay"]["china_signs_now"]
        assert res.outputs["expected_price_usd_per_kcm"][i] == pytest.approx(
            d["delay"]["expected_price_usd_per_kcm"], rel=1e-12
        )
        assert res.outputs["nash_price_usd_per_kcm"][i] == pytest.approx(
            math.nan if d["nash_price_usd_per_kcm"] is None else d["nash_price_usd_per_kcm"],
            rel=1e-12,
            nan_ok=True,
        )
    # the power moves the expected price (not the probability: it scales both sides of China's choice)
    assert len(set(res.outputs["expected_price_usd_per_kcm"].tolist())) == 4
    single = ev.evaluate_chunk(np.arange(1), {k: v[2:3] for k, v in cols.items()}, OUTPUTS)
    for name in OUTPUTS:  # a chunk of one gives the same as the same point within a chunk of four
        np.testing.assert_array_equal(single.outputs[name], res.outputs[name][2:3])


def test_apply_overrides_matches_with_overrides_and_rejects_bad_values() -> None:
    base = load_scenario("pos2")
    over = {"contract.slope": 0.1, "costs.terrain.gobi": 1.2, "finance.china_share": 0.25}
    assert apply_overrides(base, over).model == base.with_overrides(over).model
    from pos2.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"contract\.take_or_pay"):
        apply_overrides(base, {"contract.take_or_pay": 1.5})


def test_summit_game_outputs_are_the_dashboards_fast_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    ev = DealEvaluator()
    base = load_scenario("pos2")
    cols = {"transit.fee_usd_per_kcm_100km": np.array([1.0, 4.0])}
    res = ev.evaluate_chunk(np.arange(2), cols, OUTPUTS)
    assert res.ok.all(), res.errors
    pipe = Pipeline()
    for i in range(2):
        scn = base.with_overrides({k: float(v[i]) for k, v in cols.items()})
        d = pipe.run(scn, paths=0, interactive=True, history_of=base).deal.get().to_json()
        assert d["settings"]["p_agreement_source"] == "summit_game_fast"
        f = d["summit_game_fast"]
        assert res.outputs["p_agreement_2030"][i] == pytest.approx(f["p_agreement_2030"], rel=1e-12)
        assert res.outputs["p_agreement_2030"][i] == pytest.approx(
            d["p_agreement_by_year"]["2030"], rel=1e-12
        )
        assert res.outputs["price_at_signature_mean_usd_per_kcm"][i] == pytest.approx(
            f["price_at_signature_usd_per_kcm"]["mean"], rel=1e-12
        )
        assert res.outputs["expected_delay_years"][i] == pytest.approx(f["expected_delay_years"], rel=1e-12)
    # a dearer transit lowers the chance of a deal by 2030
    assert res.outputs["p_agreement_2030"][1] < res.outputs["p_agreement_2030"][0]

    # without the summit outputs asked for, no summit game (and no history) is needed
    def no_history(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("the summit history was asked for")

    monkeypatch.setattr(evaluate_mod._PIPELINE, "summit_history", no_history)
    clear_caches()
    lean = ev.evaluate_chunk(np.arange(2), cols, ("deal", "nash_price_usd_per_kcm"))
    assert lean.ok.all(), lean.errors
    assert np.isnan(lean.outputs.get("p_agreement_2030", np.array([np.nan]))).all()
