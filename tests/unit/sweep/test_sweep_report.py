"""The sweep report: Sobol' indices against the analytic values of an additive model; the page renders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sweep_toy_evaluator as toy  # noqa: F401  (importable evaluator for the specs below)

from pos2.errors import OutputError
from pos2.sweep import SweepStore, load_spec, run_sweep
from pos2.sweep.evaluator import clear_caches
from pos2.sweep.report import render_sweep_report, sensitivity_table

SPEC = """\
[sweep]
method = "{method}"
{samples}
seed = 5
evaluator = "sweep_toy_evaluator:ToyEvaluator"

[parameters.contract]
slope = {{ min = 0.08, max = 0.12{num} }}
constant_usd_per_mmbtu = {{ min = 0.0, max = 4.0{num} }}
"""


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


def _run(tmp_path: Path, method: str, samples: str = "", num: str = "") -> Path:
    spec = tmp_path / f"{method}.toml"
    spec.write_text(SPEC.format(method=method, samples=samples, num=num), encoding="utf-8")
    out = tmp_path / method
    run_sweep(load_spec(spec), out, workers=0, progress=False)
    return out


def _analytic_shares() -> dict[str, float]:
    # price = 35.7 (c + 70 s), c ~ U(0, 4), s ~ U(0.08, 0.12): additive, so S1 = ST = each term's
    # share of the variance
    var_c = 35.7**2 * 4.0**2 / 12
    var_s = (35.7 * 70) ** 2 * 0.04**2 / 12
    total = var_c + var_s
    return {"contract.constant_usd_per_mmbtu": var_c / total, "contract.slope": var_s / total}


def test_sobol_indices_match_an_additive_model(tmp_path: Path) -> None:
    out = _run(tmp_path, "sobol", samples="samples = 1024")
    store = SweepStore.open(out, read_only=True)
    df, meta, keys = store.frame(), dict(store.meta), list(store.keys)
    store.close()
    tab, how = sensitivity_table(df, meta, keys, "price_usd_per_kcm")
    assert "Sobol'" in how
    expect = _analytic_shares()
    for _, row in tab.iterrows():
        assert row["S1"] == pytest.approx(expect[row["key"]], abs=0.03)
        assert row["ST"] == pytest.approx(expect[row["key"]], abs=0.03)


def test_grid_main_effects_are_exact_for_an_additive_model(tmp_path: Path) -> None:
    out = _run(tmp_path, "grid", num=", num = 5")
    store = SweepStore.open(out, read_only=True)
    df, meta, keys = store.frame(), dict(store.meta), list(store.keys)
    store.close()
    tab, _ = sensitivity_table(df, meta, keys, "price_usd_per_kcm")
    # on a full-factorial grid of an additive model the main-effect shares are exact and sum to 1
    assert tab["S1"].sum() == pytest.approx(1.0, rel=1e-12)
    var_c = 35.7**2 * 2.0  # population variance of 5 equally spaced levels over [0, 4]: 2.0
    var_s = (35.7 * 70) ** 2 * 0.0002  # over [0.08, 0.12]: 0.0002
    got = dict(zip(tab["key"], tab["S1"], strict=True))
    assert got["contract.constant_usd_per_mmbtu"] == pytest.approx(var_c / (var_c + var_s), rel=1e-9)


def test_report_page_is_self_contained(tmp_path: Path) -> None:
    out = _run(tmp_path, "lhs", samples="samples = 200")
    page = render_sweep_report(out).read_text(encoding="utf-8")
    for section in ("Where is there a deal?", "Partial dependence", "Sensitivity indices", "RBD-FAST"):
        assert section in page
    assert "<script src=" not in page
    with pytest.raises(OutputError, match="exists"):
        render_sweep_report(out)
