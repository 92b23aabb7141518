"""`pos2 sources` as a user runs it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pos2.cli import app

runner = CliRunner()


def test_sources_lists_every_value_with_source() -> None:
    res = runner.invoke(app, ["sources", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    keys = {r["key"] for r in rows}
    assert "contract.slope" in keys
    assert "pipeline.throughput_bcm_per_year" in keys
    for r in rows:
        assert r["source"] or (r["assumption"] and r["note"]), r["key"]


def test_sources_keys_json_is_serialisable() -> None:
    res = runner.invoke(app, ["sources", "--keys", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert any(r["key"] == "bargaining.china_power" for r in rows)


def test_sources_assumptions_only() -> None:
    res = runner.invoke(app, ["sources", "--assumptions", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows
    assert all(r["assumption"] for r in rows)


def test_sources_unknown_set_key_suggests() -> None:
    res = runner.invoke(app, ["sources", "--set", "bargaining.china_powr=0.5"])
    assert res.exit_code == 2
    assert "bargaining.china_power" in res.output
