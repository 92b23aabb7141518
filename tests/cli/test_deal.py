"""``pos2 deal``: the JSON contract through the installed script (a subprocess, as a user would), the
other behaviours in-process with typer's runner (faster: imports and the LP cache are shared)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pos2.cli import app

POS2 = Path(sys.executable).parent / "pos2"
RUNNER = CliRunner()


class _Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_in_process(*args: str) -> _Result:
    r = RUNNER.invoke(app, ["deal", *args], env={"COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"})
    return _Result(r.exit_code, r.stdout, r.stderr)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"}
    return subprocess.run(
        [str(POS2), "deal", *args], capture_output=True, text=True, timeout=180, cwd=cwd, env=env, check=False
    )


@pytest.fixture(scope="module")
def summary() -> dict[str, object]:
    p = run("--json", "--set", "hormuz.closure_months=6")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)  # stdout holds exactly one JSON object (no solver banner)
    assert isinstance(out, dict)
    return out


def test_json_contract(summary: dict[str, object]) -> None:
    for key in (
        "zopa_usd_per_kcm",
        "nash_price_usd_per_kcm",
        "china_max_price_usd_per_kcm",
        "russia_min_price_usd_per_kcm",
        "p_agreement_by_year",
        "shapley",
        "hindcast",
    ):
        assert key in summary
    zopa = summary["zopa_usd_per_kcm"]
    assert zopa is None or (isinstance(zopa, list) and len(zopa) == 2)
    shapley = summary["shapley"]
    assert isinstance(shapley, dict)
    assert sum(shapley.values()) == pytest.approx(1.0)
    p = summary["p_agreement_by_year"]
    assert isinstance(p, dict)
    assert all(0.0 <= v <= 1.0 for v in p.values())
    hindcast = summary["hindcast"]
    assert isinstance(hindcast, list)
    years = {r["date"][:4] for r in hindcast}
    assert {"2014", "2019", "2022", "2023", "2024", "2025", "2026"} <= years
    for r in hindcast:
        assert r["model_verdict"] in ("deal", "no deal")
        assert r["actual_outcome"] in ("deal", "no deal")
        assert r["sources"]
        assert "nash_price_usd_per_kcm" in r
        # issue 14: the bargaining over summits
        assert 0.0 <= r["p_deal"] <= 1.0
        assert 0.0 <= r["p_deal_leave_one_out"] <= 1.0
        assert r["binding_reason"] in (
            "no zone at Gazprom level",
            "the state refuses a tax waiver",
            "dependence cap",
            "waiting pays",
        )
    scores = summary["hindcast_scores"]
    assert isinstance(scores, dict)
    for k in (
        "log_likelihood",
        "brier",
        "brier_base_rate",
        "log_likelihood_base_rate",
        "brier_leave_one_out",
    ):
        assert isinstance(scores[k], float)
    params = summary["estimated_parameters"]
    assert isinstance(params, dict)
    assert 1 <= len(params) <= 4
    for v in params.values():
        assert {"value", "standard_error", "prior"} <= set(v)
    hormuz = summary["hormuz"]
    assert isinstance(hormuz, dict)
    assert {"posterior_hazard_per_year", "china_value_delta_usd_per_kcm", "p_agreement_2030_delta"} <= set(
        hormuz
    )
    assert list(p.values()) == sorted(p.values())  # cumulative


def test_lng_lever_moves_chinas_price(summary: dict[str, object]) -> None:
    # lng.price_usd_per_mmbtu is the price-only model's LNG level; the valuation's is its LNG deck
    q = run_in_process(
        "--json",
        "--set", "hormuz.closure_months=6",
        "--set", "lng.price_usd_per_mmbtu=25.40",
        "--set", "valuation.jkm_long_run_usd_per_mmbtu=14",
    )  # fmt: skip
    assert q.returncode == 0, q.stderr
    out = json.loads(q.stdout)
    assert out["china_max_price_usd_per_kcm"] > summary["china_max_price_usd_per_kcm"]  # type: ignore[operator]
    po, po0 = out["price_only"], summary["price_only"]
    assert po["china_max_price_usd_per_kcm"] > po0["china_max_price_usd_per_kcm"]  # type: ignore[index]


def test_beta_outside_unit_interval_is_a_clear_error() -> None:
    p = run_in_process("--set", "bargaining.china_power=1.5")
    assert p.returncode == 2
    assert "ScenarioError" in p.stderr
    assert "bargaining.china_power" in p.stderr
    assert "Traceback" not in p.stderr


def test_negative_discount_rate_is_a_clear_error() -> None:
    p = run_in_process("--set", "finance.discount_rate_china=-0.1")
    assert p.returncode == 2
    assert "discount_rate_china" in p.stderr
    assert "Traceback" not in p.stderr


def test_supply_without_backstop_reports_year_and_shortfall() -> None:
    p = run_in_process(
        "--set",
        "supply.backstop.enabled=false",
        "--set",
        "supply.lng_spot.capacity_bcm_per_year=0",
        "--set",
        "demand.growth_per_year=0.05",
    )
    assert p.returncode == 1
    assert "InfeasibleError" in p.stderr
    assert "shortfall" in p.stderr
    assert "bcm/yr" in p.stderr


def test_out_writes_tables_prints_a_table_and_refuses_overwrite(tmp_path: Path) -> None:
    p = run_in_process("--out", str(tmp_path), "--map")
    assert p.returncode == 0, p.stderr
    assert "zone of agreement" in p.stdout
    assert "hindcast" in p.stdout
    assert "contract map, hybrid 50 % JKM" in p.stdout
    for stem in (
        "deal_by_year",
        "deal_hindcast",
        "deal_nash_vs_beta",
        "deal_p_agreement",
        "deal_contract_map",
    ):
        assert (tmp_path / f"{stem}.csv").is_file()
    # the probability of a deal is the summit game's, as in --json (one question, one answer), and the
    # hindcast shows each round's p(deal), its leave-one-out value, the reason and the scores
    j = json.loads(run_in_process("--json").stdout)
    assert f"{j['p_agreement_by_year']['2030']:.2f}" in _row(p.stdout, "P(deal by 2030)")
    for r in j["hindcast"]:
        cells = _cells(p.stdout, r["date"])  # a narrow console wraps the reason over several lines
        assert cells[4:6] == [f"{r['p_deal']:.2f}", f"{r['p_deal_leave_one_out']:.2f}"]
        assert cells[6] == r["binding_reason"]
    assert f"Brier {j['hindcast_scores']['brier']:.3f}" in p.stdout
    hind = pd.read_csv(tmp_path / "deal_hindcast.csv")
    assert hind["p_deal"].tolist() == pytest.approx([r["p_deal"] for r in j["hindcast"]], rel=1e-9)
    cells = (tmp_path / "deal_contract_map.csv").read_text().strip().splitlines()
    assert len(cells) == 1 + 81
    # the same map (cached in the process) in --json, under its own key; absent without --map
    j = json.loads(run_in_process("--map", "--json").stdout)
    assert len(j["contract_map"]["cells"]) == 81
    assert j["contract_map"]["paths"] == j["contract_terms"]["paths"]
    assert "contract_map" not in json.loads(run_in_process("--json").stdout)
    again = run_in_process("--quiet", "--out", str(tmp_path))
    assert again.returncode == 3
    assert "--force" in again.stderr


def _row(text: str, start: str) -> str:
    """The line of a printed table whose first cell starts with ``start``."""
    return next(line for line in text.splitlines() if line.lstrip("│┃ ").startswith(start))


def test_shapley_transit_reads_the_direct_altai_route(summary: dict[str, object]) -> None:
    # Mongolia's Shapley transit value is a third of the direct route's extra cost (issue 13 item 5)
    settings = summary["settings"]
    assert isinstance(settings, dict)
    route = settings["direct_route"]
    assert route["available"] is True
    assert route["extra_cost_usd_per_kcm"] > 0
    assert summary["shapley_transit_usd_per_kcm"] == pytest.approx(route["extra_cost_usd_per_kcm"] / 3.0)
    # the default fee (19.3 USD/kcm) is below the bypass's extra cost: not capped
    assert route["transit_fee_capped"] is False
    assert route["transit_fee_usd_per_kcm"] < route["fee_cap_usd_per_kcm"]


def _cells(text: str, start: str) -> list[str]:
    """The cells of the table row whose first cell is ``start``, wrapped continuation lines joined."""
    lines = text.splitlines()
    i = next(k for k, line in enumerate(lines) if line.lstrip("│ ").startswith(start))
    rows = [lines[i].strip("│ ").split("│")]
    for line in lines[i + 1 :]:
        parts = line.strip().strip("│").split("│")
        if not line.startswith("│") or parts[0].strip():
            break
        rows.append(parts)
    return [" ".join(r[c].strip() for r in rows if r[c].strip()) for c in range(len(rows[0]))]
