"""``pos2 economics`` driven as a user would (the installed script, a subprocess per call)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

POS2 = Path(sys.executable).parent / "pos2"


def run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"}
    return subprocess.run(
        [str(POS2), "economics", *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


@pytest.fixture(scope="module")
def default_json() -> dict[str, object]:
    p = run("--json", "--paths", "400", "--seed", "7", "--set", "contract.slope=0.11")
    assert p.returncode == 0, p.stderr
    out: dict[str, object] = json.loads(p.stdout)
    return out


def test_json_contract_on_the_default_scenario(default_json: dict) -> None:
    j = default_json
    for key in ("capex_usd_bn", "tariff_usd_per_kcm"):
        assert set(j[key]) >= {"russia", "mongolia", "total"}
    assert 13.6 <= j["capex_usd_bn"]["total"] <= 33.0  # the analyst range (pos2_facts.md §2)
    for party in ("russia", "china", "mongolia"):
        assert set(j["parties"][party]["npv_usd_bn"]) >= {"p10", "p50", "p90"}
        assert "irr" in j["parties"][party]
    assert (j["paths"], j["seed"]) == (400, 7)
    assert j["breakeven_price_usd_per_kcm"] > 0
    assert isinstance(j["netback_usd_per_kcm"], float)


def test_a_lever_moves_the_npvs(default_json: dict) -> None:
    p = run("--json", "--paths", "400", "--seed", "7", "--set", "contract.slope=0.13")
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    r0, r1 = (
        default_json["parties"]["russia"]["npv_usd_bn"]["p50"],
        j["parties"]["russia"]["npv_usd_bn"]["p50"],
    )
    c0, c1 = default_json["parties"]["china"]["npv_usd_bn"]["p50"], j["parties"]["china"]["npv_usd_bn"]["p50"]
    assert r1 > r0
    assert c1 < c0
    assert j["capex_usd_bn"] == default_json["capex_usd_bn"]


def test_tables_and_text_output(tmp_path: Path) -> None:
    p = run("--paths", "200", "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr
    assert "breakeven price" in p.stdout
    for name in ("capex", "tariff", "npv_quantiles", "decks", "cash_flows", "tornado", "paths"):
        assert (tmp_path / f"economics_{name}.csv").is_file()
    again = run("--paths", "200", "--out", str(tmp_path))
    assert again.returncode == 3
    assert "--force" in again.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--set", "contract.floor_usd_per_mmbtu=-1"), 2, "contract.floor_usd_per_mmbtu"),
        (("--set", "contract.take_or_pay=1.5"), 2, "contract.take_or_pay"),
        (("--set", "contract.slop=0.1"), 2, "did you mean 'contract.slope'"),
        (("--set", "costs.currency=RUB"), 2, "inconsistent currencies"),
        (("--paths", "100000000000"), 1, "MiB"),
        (("--station-tradeoff", "a,b"), 2, "comma-separated station counts"),
        (("--station-tradeoff", "12,-3"), 2, "comma-separated station counts"),
    ],
)
def test_bad_input_fails_before_work(args: tuple[str, ...], code: int, message: str) -> None:
    p = run(*args, timeout=60)
    assert p.returncode == code, p.stderr
    assert message in p.stderr
    assert "Traceback" not in p.stderr
