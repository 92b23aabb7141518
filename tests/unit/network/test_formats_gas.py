"""A network file names its gas and friction law ([gas], [solver]); pos2 solve uses them (issue 16 item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pos2.cli import app
from pos2.gas.pseudocritical import PseudoCriticalGas
from pos2.gas.tables import TabulatedGas
from pos2.network.formats import gas_from_spec, load_network_file
from pos2.network.io import NetworkFileError

_NET = """
[network]
name = "line"

[[junction]]
name = "A"

[[junction]]
name = "B"

[[pipe]]
name = "P"
from_junction = "A"
to_junction = "B"
length_km = 50
inner_diameter_mm = 500
roughness_mm = 0.02

[[pressure_source]]
name = "S"
junction = "A"
p_bar = 60
t_c = 15

[[sink]]
name = "K"
junction = "B"
flow_kg_per_s = 40
"""

_PSEUDO = """
[gas]
molar_mass_kg_per_kmol = 18.0
pseudocritical_pressure_bar = 46.7
pseudocritical_temperature_k = 202.4
law = "{law}"

[solver]
friction = "nikuradse"
"""


def _write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "net.toml"
    path.write_text(_NET + extra, encoding="utf-8")
    return path


def test_pseudo_critical_gas_and_friction_from_the_file(tmp_path: Path) -> None:
    f = load_network_file(_write(tmp_path, _PSEUDO.format(law="aga")))
    assert f.friction == "nikuradse"
    assert isinstance(f.gas, PseudoCriticalGas)
    assert f.gas.law == "aga"
    assert f.gas.pc_pa == pytest.approx(46.7e5)
    assert f.network.summary()["pipe"] == 1


def test_preset_and_composition(tmp_path: Path) -> None:
    f = load_network_file(_write(tmp_path, '[gas]\npreset = "pure_methane"\n'))
    assert isinstance(f.gas, TabulatedGas)
    assert f.friction is None
    gas, label = gas_from_spec({"composition": {"CH4": 0.97, "C2H6": 0.03}})
    assert "composition" in label
    assert gas.molar_mass_kg_per_mol == pytest.approx(0.97 * 0.016043 + 0.03 * 0.030069, rel=1e-3)


@pytest.mark.parametrize(
    ("extra", "needle", "key"),
    [
        ('[gas]\npreset = "martian"\n', "unknown gas preset", "preset"),
        ("[gas]\nmolar_mass_kg_per_kmol = 18.0\n", "pseudocritical_pressure_bar", "[gas]"),
        (
            '[gas]\npreset = "pure_methane"\nmolar_mass_kg_per_kmol = 18\npseudocritical_pressure_bar = 46\n'
            "pseudocritical_temperature_k = 200\n",
            "exactly one gas description",
            "preset",
        ),
        ("[gas]\ncolour = 3\n", r"unknown key in \[gas\]", "colour"),
        ("[solver]\nfrictoin = 'colebrook'\n", r"unknown key in \[solver\]", "frictoin"),
    ],
)
def test_bad_gas_or_solver_tables_name_the_line(tmp_path: Path, extra: str, needle: str, key: str) -> None:
    with pytest.raises(NetworkFileError, match=needle) as exc:
        load_network_file(_write(tmp_path, extra))
    lines = (_NET + extra).splitlines()
    assert exc.value.line == 1 + next(i for i, ln in enumerate(lines) if ln.startswith(key))


def test_cli_uses_the_files_gas_and_friction_and_options_override(tmp_path: Path) -> None:
    path = _write(tmp_path, _PSEUDO.format(law="papay"))
    runner = CliRunner()
    out = json.loads(runner.invoke(app, ["solve", str(path), "--json"]).stdout)
    assert out["friction"] == "nikuradse"
    assert out["gas"].startswith("pseudo-critical gas, papay Z")
    p_file = {n["name"]: n["p_mpa"] for n in out["nodes"]}["B"]
    res = runner.invoke(
        app, ["solve", str(path), "--json", "--friction", "colebrook", "--gas", "west_siberian"]
    )
    assert res.exit_code == 0, res.output
    out2 = json.loads(res.stdout)
    assert out2["friction"] == "colebrook"
    assert "west_siberian" in out2["gas"]
    assert {n["name"]: n["p_mpa"] for n in out2["nodes"]}["B"] != pytest.approx(p_file, rel=1e-4)
    bad = runner.invoke(app, ["solve", str(_write(tmp_path, "[solver]\nfriction = 'magic'\n"))])
    assert bad.exit_code == 2
    assert "unknown friction law" in bad.output


def test_volume_flows_at_stated_reference_conditions(tmp_path: Path) -> None:
    """Item 6: 1000 m3/h at normal conditions (0 degC, 1.01325 bar) -> kg/s with the file's gas."""
    text = _NET.replace("flow_kg_per_s = 40", "flow_knm3_per_h = 360") + _PSEUDO.format(law="papay")
    path = tmp_path / "vol.toml"
    path.write_text(text, encoding="utf-8")
    f = load_network_file(path)
    gas = f.gas
    assert isinstance(gas, PseudoCriticalGas)
    rho_n = gas.reference_density(273.15, 101_325.0)
    assert f.network.sinks[0].flow_kg_per_s == pytest.approx(360e3 / 3600 * rho_n, rel=1e-12)
    # the Russian standard (20 degC) volume of the same gas is lighter per m3
    path.write_text(text.replace("flow_knm3_per_h", "flow_ksm3_per_h"), encoding="utf-8")
    assert load_network_file(path).network.sinks[0].flow_kg_per_s == pytest.approx(
        100.0 * gas.reference_density(293.15, 101_325.0), rel=1e-12
    )
    from pos2.network import load_network

    with pytest.raises(NetworkFileError, match="volume flow needs the gas") as exc:
        load_network(path)
    assert exc.value.field == "flow_ksm3_per_h"
    assert exc.value.line == 1 + text.splitlines().index("flow_knm3_per_h = 360")
