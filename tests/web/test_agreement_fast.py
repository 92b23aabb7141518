"""The dashboard's agreement probability is the summit game's (fast mode) and, at the scenario as its
file gives it, the same number as ``pos2 deal`` (docs/deal_dynamics.md 1b)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from pos2.cli import app


@pytest.fixture(scope="module")
def cli_deal() -> dict[str, Any]:
    r = CliRunner().invoke(app, ["deal", "--json"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert r.exit_code == 0, r.stderr
    out: dict[str, Any] = json.loads(r.stdout)
    return out


def test_dashboard_gives_pos2_deals_probability_at_the_unmoved_scenario(
    server_url: str, cli_deal: dict[str, Any]
) -> None:
    d = httpx.post(f"{server_url}/api/dashboard", json={"scenario": "pos2"}, timeout=600)
    assert d.status_code == 200, d.text[:300]
    deal = d.json()["deal"]
    assert deal["p_agreement_source"] == "summit_game_fast"
    assert "summit game, fast mode" in deal["p_agreement_basis"]
    assert cli_deal["settings"]["p_agreement_source"] == "summit_game"
    for year in ("2027", "2030", "2035", "2040"):
        assert deal["p_agreement_by_year"][year] == pytest.approx(
            cli_deal["p_agreement_by_year"][year], rel=1e-9, abs=1e-12
        ), year


def test_dashboard_probability_moves_with_a_cost_lever_and_not_with_beta(server_url: str) -> None:
    def p2030(body: dict[str, Any]) -> float:
        r = httpx.post(f"{server_url}/api/deal", json={"scenario": "pos2", **body}, timeout=600)
        assert r.status_code == 200, r.text[:300]
        res = r.json()["result"]
        assert res["settings"]["p_agreement_source"] == "summit_game_fast"
        return float(res["p_agreement_by_year"]["2030"])

    base = p2030({})
    # China's bargaining power is read by neither the rounds nor today's game
    assert p2030({"bargaining.china_power": 0.3}) == pytest.approx(base, rel=1e-12)
    # a dearer transit raises Russia's floors: a deal by 2030 becomes less likely
    assert p2030({"transit.fee_usd_per_kcm_100km": 4.0}) < base
