"""One question, one answer: every face computes the same headline numbers for the same scenario.

The CLI (``--json``), the report (``summary.json``), the JSON API and a sweep row run the same
scenario with the same levers, path count and seed; their zone of agreement, Nash price, breakeven,
tariff and (where a face reports them) NPV P50 per party agree to 1e-9.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from typer.testing import CliRunner

from pos2.cli import app
from pos2.economics import PARTIES
from pos2.report.render import render_report
from pos2.scenario import load_scenario
from pos2.sweep.evaluate import DealEvaluator
from pos2.sweep.evaluator import clear_caches

LEVERS = {"contract.slope": 0.115, "finance.china_share": 0.5, "hormuz.closure_months": 4.0}
"""Levers under which a zone of agreement exists (China finances half the line)."""
PATHS, SEED = 64, 11
REL = 1e-9


def _cli(*args: str) -> dict[str, Any]:
    sets = [x for k, v in LEVERS.items() for x in ("--set", f"{k}={v}")]
    r = CliRunner().invoke(app, [*args, *sets, "--json"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert r.exit_code == 0, r.stderr
    out: dict[str, Any] = json.loads(r.stdout)
    return out


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory, server_url: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    econ = _cli("economics", "--paths", str(PATHS), "--seed", str(SEED))
    deal = _cli("deal")
    out["cli"] = {
        "zopa": deal["zopa_usd_per_kcm"],
        "nash": deal["nash_price_usd_per_kcm"],
        "breakeven": econ["breakeven_price_usd_per_kcm"],
        "tariff": econ["tariff_usd_per_kcm"]["total"],
        "npv_p50": {p: econ["parties"][p]["npv_usd_bn"]["p50"] for p in PARTIES},
        "p2030": deal["p_agreement_by_year"]["2030"],
        "p_source": deal["settings"]["p_agreement_source"],
    }
    folder = tmp_path_factory.mktemp("report")
    scn = load_scenario("pos2", LEVERS)
    render_report(scn, folder, paths=PATHS, seed=SEED, analyses=False, whatif_budget_s=0.0)
    s = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    out["report"] = {
        "zopa": s["zopa_usd_per_kcm"],
        "nash": s["nash_price_usd_per_kcm"],
        "breakeven": s["breakeven_price_usd_per_kcm"],
        "tariff": s["tariff_usd_per_kcm"]["total"],
        "npv_p50": s["npv_p50_usd_bn"],
        "p2030": s["p_agreement_by_year"]["2030"],
    }
    body = {"scenario": "pos2", **LEVERS}
    e = httpx.post(f"{server_url}/api/economics", json={**body, "paths": PATHS, "seed": SEED}, timeout=120)
    d = httpx.post(f"{server_url}/api/deal", json=body, timeout=120)
    assert e.status_code == 200, e.text[:300]
    assert d.status_code == 200, d.text[:300]
    e, d = e.json()["result"], d.json()["result"]
    out["api"] = {
        "zopa": d["zopa_usd_per_kcm"],
        "nash": d["nash_price_usd_per_kcm"],
        "breakeven": e["breakeven_price_usd_per_kcm"],
        "tariff": e["tariff_usd_per_kcm"]["total"],
        "npv_p50": {p: e["parties"][p]["npv_usd_bn"]["p50"] for p in PARTIES},
        "p2030": d["p_agreement_by_year"]["2030"],
        "p_source": d["settings"]["p_agreement_source"],
        "p_basis": d["settings"]["p_agreement_basis"],
    }
    clear_caches()
    row = DealEvaluator().evaluate_chunk(
        np.arange(1), {k: np.array([v]) for k, v in LEVERS.items()}, tuple(DealEvaluator().output_kinds())
    )
    assert row.ok.all(), row.errors
    o = {k: float(v[0]) for k, v in row.outputs.items()}
    out["sweep"] = {
        "zopa": [o["zopa_low_usd_per_kcm"], o["zopa_high_usd_per_kcm"]],
        "nash": o["nash_price_usd_per_kcm"],
        "breakeven": o["russia_breakeven_usd_per_kcm"],
        "tariff": o["tariff_usd_per_kcm"],
    }
    return out


@pytest.mark.parametrize("face", ["report", "api", "sweep"])
def test_headline_numbers_agree_with_the_cli(faces: dict[str, dict[str, Any]], face: str) -> None:
    ref, got = faces["cli"], faces[face]
    assert ref["zopa"] is not None
    assert got["zopa"] == pytest.approx(ref["zopa"], rel=REL)
    assert got["nash"] == pytest.approx(ref["nash"], rel=REL)
    assert got["breakeven"] == pytest.approx(ref["breakeven"], rel=REL)
    assert got["tariff"] == pytest.approx(ref["tariff"], rel=REL)
    if "npv_p50" in got:  # the sweep reports NPVs at the Nash price, not Monte Carlo quantiles
        for p in PARTIES:
            assert got["npv_p50"][p] == pytest.approx(ref["npv_p50"][p], rel=REL), p


def test_agreement_by_2030_is_one_answer_or_names_its_basis(faces: dict[str, dict[str, Any]]) -> None:
    # the CLI and the report play the full summit game: the same number
    assert faces["cli"]["p_source"] == "summit_game"
    assert faces["report"]["p2030"] == pytest.approx(faces["cli"]["p2030"], rel=REL)
    # the API (the dashboard) answers moved levers by the fast mode, with the scenario file's hindcast
    # held (docs/deal_dynamics.md 1b), and says so
    assert faces["api"]["p_source"] == "summit_game_fast"
    assert "summit game, fast mode" in faces["api"]["p_basis"]
    assert 0.0 <= faces["api"]["p2030"] <= 1.0


def test_the_levers_moved_something(faces: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    base = _cli_plain_deal()
    assert base["nash_price_usd_per_kcm"] != pytest.approx(faces["cli"]["nash"], rel=1e-6)


def _cli_plain_deal() -> dict[str, Any]:
    r = CliRunner().invoke(app, ["deal", "--json"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert r.exit_code == 0, r.stderr
    out: dict[str, Any] = json.loads(r.stdout)
    return out


def test_pos2_deal_solves_the_twin_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import pos2.pipeline as pl

    calls: list[str] = []
    real = pl.run_twin

    def counting(scn: Any, **kw: Any) -> Any:
        calls.append(scn.name)
        return real(scn, **kw)

    monkeypatch.setattr(pl, "run_twin", counting)
    monkeypatch.setattr(pl, "_DEFAULT", None)  # a fresh process-wide pipeline, as in a new process
    r = CliRunner().invoke(app, ["deal", "--set", "contract.slope=0.12", "--json"], env={"NO_COLOR": "1"})
    assert r.exit_code == 0, r.stderr
    # once for the scenario's own line; PoS1's own twin once for its 2014 round (never with PoS2 levers)
    assert calls.count("pos2") == 1
    assert calls.count("pos1") <= 1
