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


def _user_file(tmp_path, unit: str) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "miles.toml"
    path.write_text(
        'base = "pos2"\n\n[route.upstream.length_km]\nvalue = 1000.0\n'
        f'unit = "{unit}"\nsource = "a map"\nconfidence = "L"\n',
        encoding="utf-8",
    )
    return str(path)


def test_sources_lists_a_value_in_miles_converted_to_km(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["sources", "--json", "-s", _user_file(tmp_path, "mi")])
    assert res.exit_code == 0, res.output
    (row,) = [r for r in json.loads(res.stdout) if r["key"] == "route.upstream.length_km"]
    assert abs(row["value"] - 1609.344) < 1e-9
    assert row["unit"] == "km"
    assert "mi" in row["note"]


def test_sources_refuses_an_unknown_unit_naming_file_line_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _user_file(tmp_path, "bananas")
    res = runner.invoke(app, ["sources", "--json", "-s", path])
    assert res.exit_code == 2
    assert f"{path}:3" in res.stderr
    assert "route.upstream.length_km" in res.stderr
    assert "bananas" in res.stderr
    assert "Traceback" not in res.output
