"""`pos2 solve` on a user's network file, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pandapipes
import pytest
from typer.testing import CliRunner

from pos2.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "transmission_mesh.toml"
STANET = (
    Path(pandapipes.__file__).parent / "networks" / "network_files" / "stanet_test_networks" / "gas_cases"
)


def test_solve_example_prints_json_with_pressures_and_compressor() -> None:
    res = runner.invoke(app, ["solve", str(EXAMPLE), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["iterations"] >= 1
    assert out["residual"] < 1e-6
    p = {n["name"]: n["p_mpa"] for n in out["nodes"]}
    assert p["cs1_discharge"] > p["cs1_suction"]  # the station raises the pressure
    assert len(out["compressors"]) == 1
    assert out["compressors"][0]["power_mw"] > 0


def test_solve_pandapipes_json_file() -> None:
    case = STANET / "one_pipe" / "pipe_1_PC.json"
    res = runner.invoke(app, ["solve", str(case), "--friction", "colebrook_dvgw", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert len(out["nodes"]) >= 2


def test_solve_writes_tables_and_refuses_to_overwrite(tmp_path: Path) -> None:
    res = runner.invoke(app, ["solve", str(EXAMPLE), "--out", str(tmp_path), "--quiet"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "nodes.csv").is_file()
    assert (tmp_path / "compressors.csv").is_file()
    again = runner.invoke(app, ["solve", str(EXAMPLE), "--out", str(tmp_path), "--quiet"])
    assert again.exit_code == 3
    assert "--force" in again.output


def test_unknown_friction_is_a_usage_error() -> None:
    res = runner.invoke(app, ["solve", str(EXAMPLE), "--friction", "colebrok"])
    assert res.exit_code == 2
    assert "colebrook" in res.output


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            '[network]\nname = "x"\n[[junction]]\nname = "a"\n[[pipe]]\nname = "p"\nfrom_junction = "a"\n'
            'to_junction = "b"\nlength_km = 1\ninner_diameter_mm = 500\nroughness_mm = 0.01\n',
            "b",
        ),
        ("[network\n", "line 1"),
    ],
)
def test_bad_network_file_names_file_and_problem(tmp_path: Path, text: str, needle: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text)
    res = runner.invoke(app, ["solve", str(f)])
    assert res.exit_code == 2, res.output
    assert "bad.toml" in res.output
    assert needle in res.output


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"_module": "pandapipes",\n "x": 1\n', "bad.json:3"),  # not valid JSON: line given
        ("[1, 2]\n", "not a pandapipes network document"),
    ],
)
def test_bad_pandapipes_file_is_bad_input(tmp_path: Path, text: str, needle: str) -> None:
    f = tmp_path / "bad.json"
    f.write_text(text)
    res = runner.invoke(app, ["solve", str(f)])
    assert res.exit_code == 2, res.output  # bad input, like a broken TOML network file
    assert "NetworkFileError" in res.output
    assert needle in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize(("name", "needle"), [("missing.toml", "not found"), ("grid.txt", ".toml")])
def test_missing_or_unknown_network_file_is_bad_input(tmp_path: Path, name: str, needle: str) -> None:
    if name.endswith(".txt"):
        (tmp_path / name).write_text("a b c\n")
    res = runner.invoke(app, ["solve", str(tmp_path / name)])
    assert res.exit_code == 2, res.output
    assert f"NetworkFileError: {tmp_path / name}" in res.output  # same form as a scenario file error
    assert needle in res.output


def test_solve_prints_flows_in_the_table_and_in_json() -> None:
    """Issue 16 item 8: the help promises flows; the table and --json carry every branch's flow."""
    res = runner.invoke(app, ["solve", str(EXAMPLE), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    pipes = {p["name"]: p for p in out["pipes"]}
    assert pipes
    assert all(isinstance(p["flow_kg_per_s"], float) for p in pipes.values())
    supplied = sum(s["flow_kg_per_s"] for s in out["sources"])
    assert supplied > 0
    # at least one pipe leaves a source junction carrying flow
    assert any(abs(p["flow_kg_per_s"]) > 0 for p in pipes.values())
    res = runner.invoke(app, ["solve", str(EXAMPLE)])
    assert res.exit_code == 0, res.output
    assert "flows (kg/s" in res.stdout
    first = next(iter(pipes.values()))
    assert first["name"] in res.stdout
    assert f"{first['flow_kg_per_s']:.4f}" in res.stdout
