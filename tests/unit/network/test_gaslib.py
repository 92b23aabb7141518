"""GasLib XML reader on a hand-made network in GasLib's format (tests/data/gaslib, our own data)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pos2.cli import app
from pos2.gas.pseudocritical import PseudoCriticalGas
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.network.formats import load_network_file
from pos2.network.formats.gaslib import load_gaslib
from pos2.network.io import NetworkFileError
from pos2.units import R

DATA = Path(__file__).resolve().parents[2] / "data" / "gaslib"
NET, SCN = DATA / "tiny.net", DATA / "tiny.scn"
RHO_N = 0.8  # normDensity of the file's only source [kg/m3]


def test_elements_map_onto_pos2_components() -> None:
    imp = load_gaslib(NET, SCN, modes={"cs_1": {"ratio": 1.15}})
    net = imp.network
    assert net.name == "pos2-tiny"
    pipes = {p.name: p for p in net.pipes}
    assert pipes["pipe_1"].length_m == pytest.approx(40e3)
    assert pipes["pipe_1"].inner_diameter_m == pytest.approx(0.9)
    assert pipes["pipe_1"].roughness_m == pytest.approx(1.2e-5)
    assert pipes["pipe_1"].u_w_per_m2k == 2.0
    assert pipes["pipe_3"].length_m == pytest.approx(5000.0)
    valves = {v.name: v for v in net.valves}
    assert valves["resistor_1"].loss_coefficient == 8.0
    assert valves["resistor_1"].diameter_m == pytest.approx(0.6)
    assert valves["short_1"].loss_coefficient == 0.0
    assert valves["valve_1"].open
    assert [(c.name, c.ratio, c.max_discharge_pa) for c in net.compressors] == [
        ("cs_1", 1.15, pytest.approx(81.01325e5))
    ]
    assert [(r.name, r.outlet_pressure_pa) for r in net.regulators] == [("cv_1", pytest.approx(50e5))]
    junctions = {j.name: j for j in net.junctions}
    assert junctions["n_g"].elevation_m == 20.0
    # scenario: 69 barg entry pressure; 1000 m3/h at normal conditions times the normal density
    assert net.pressure_sources[0].p_pa == pytest.approx(69e5 + 101_325.0)
    assert net.pressure_sources[0].t_k == pytest.approx(288.15)
    sinks = {s.junction: s.flow_kg_per_s for s in net.sinks}
    assert sinks["exit_1"] == pytest.approx(300e3 / 3600 * RHO_N)
    assert sinks["exit_2"] == pytest.approx(200e3 / 3600 * RHO_N)
    assert isinstance(imp.gas, PseudoCriticalGas)
    assert imp.gas.molar_mass_kg_per_mol == pytest.approx(0.018)


def test_gaslib_network_solves_with_its_gas() -> None:
    f = load_network_file(NET, SCN, modes={"cs_1": {"ratio": 1.15}})
    assert f.format == "gaslib"
    res = solve_steady(f.network, f.gas, SteadyOptions())  # type: ignore[arg-type]
    p = res.nodes.set_index("name").p_pa
    assert p["n_f"] == pytest.approx(50e5, rel=1e-10)  # the control valve's set point
    assert p["n_d"] == pytest.approx(1.15 * p["n_c"], rel=1e-10)
    assert p["n_b"] == pytest.approx(p["n_c"], rel=1e-12)  # loss-free loop
    flows = res.valves.set_index("name").flow_kg_per_s
    total = 500e3 / 3600 * RHO_N
    assert flows["resistor_1"] + flows["resistor_2"] == pytest.approx(total, rel=1e-9)
    # the Papay gas of the file: rho = p M / (Z R T) at the entry
    gas = f.gas
    assert isinstance(gas, PseudoCriticalGas)
    pr, tr = p["entry_1"] / 46.7e5, 288.15 / 202.4
    z = 1 - 3.52 * pr * math.exp(-2.26 * tr) + 0.274 * pr**2 * math.exp(-1.878 * tr)
    rho = float(gas.density(p["entry_1"], 288.15))
    assert rho == pytest.approx(p["entry_1"] * 0.018 / (z * R * 288.15), rel=1e-12)


def test_default_modes_bypass_the_station_and_take_the_scenario_set_point() -> None:
    imp = load_gaslib(NET, SCN)
    assert not imp.network.compressors
    assert "cs_1" in {v.name for v in imp.network.valves}
    assert any("bypassed" in n for n in imp.notes)
    imp = load_gaslib(NET, SCN, modes={"cs_1": "bypass", "cv_1": "bypass", "valve_1": "closed"})
    valves = {v.name: v for v in imp.network.valves}
    assert valves["cs_1"].open
    assert valves["cv_1"].open
    assert not valves["valve_1"].open
    # closing the station cuts the exits off the entry: refused, naming a junction behind it
    with pytest.raises(NetworkFileError, match="no pressure source") as exc:
        load_gaslib(NET, SCN, modes={"cs_1": "closed"})
    assert exc.value.element == "n_d"


def test_without_scenario_one_reference_per_part() -> None:
    imp = load_gaslib(NET)
    assert len(imp.network.pressure_sources) == 1
    assert imp.network.pressure_sources[0].p_pa == pytest.approx(71.01325e5)
    assert not imp.network.sinks


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = NET.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.net"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_errors_name_file_line_element_and_field(tmp_path: Path) -> None:
    bad = _edited(tmp_path, '<length unit="km" value="40"/>', '<length unit="furlong" value="40"/>')
    with pytest.raises(NetworkFileError, match="unknown length unit") as exc:
        load_gaslib(bad)
    assert exc.value.element == "pipe_1"
    assert exc.value.field == "length"
    assert (
        exc.value.line
        == NET.read_text()
        .splitlines()
        .index(next(ln for ln in NET.read_text().splitlines() if 'id="pipe_1"' in ln))
        + 1
    )
    assert str(bad) in str(exc.value)
    bad = _edited(tmp_path, '<dragFactor value="8"/>', '<dragFactor value="eight"/>')
    with pytest.raises(NetworkFileError, match="finite number") as exc:
        load_gaslib(bad)
    assert exc.value.element == "resistor_1"
    bad = _edited(tmp_path, "</framework:connections>", "")
    with pytest.raises(NetworkFileError, match="not valid XML") as exc:
        load_gaslib(bad)
    assert exc.value.line is not None
    with pytest.raises(NetworkFileError, match="not active elements") as exc:
        load_gaslib(NET, SCN, modes={"cs_9": "bypass"})
    with pytest.raises(NetworkFileError, match="mode must be") as exc:
        load_gaslib(NET, SCN, modes={"cv_1": "half-open"})
    assert exc.value.element == "cv_1"
    bad = _edited(tmp_path, '<dragFactor value="8"/>', '<pressureLoss unit="bar" value="0.5"/>')
    assert {v.name: v for v in load_gaslib(bad).network.valves}["resistor_1"].pressure_drop_pa == 0.5e5


def test_cli_solves_gaslib_with_scenario_and_prints_flows() -> None:
    res = CliRunner().invoke(app, ["solve", str(NET), "--nomination", str(SCN), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["gas"].startswith("GasLib gas")
    flows = {v["name"]: v["flow_kg_per_s"] for v in out["valves"]}
    assert flows["resistor_1"] + flows["resistor_2"] == pytest.approx(500e3 / 3600 * RHO_N, rel=1e-8)
    p = {n["name"]: n["p_mpa"] for n in out["nodes"]}
    assert np.isclose(p["n_f"], 5.0, rtol=1e-9)


def test_cli_modes_and_notes() -> None:
    runner = CliRunner()
    res = runner.invoke(
        app, ["solve", str(NET), "--nomination", str(SCN), "--mode", "cs_1=ratio:1.15", "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["compressors"][0]["ratio"] == pytest.approx(1.15, rel=1e-9)
    assert not any("bypassed" in n for n in out["notes"])
    res = runner.invoke(app, ["solve", str(NET), "--nomination", str(SCN)])
    assert res.exit_code == 0, res.output
    assert "note: 1 compressor station(s) without a mode are bypassed" in res.stdout
    bad = runner.invoke(app, ["solve", str(NET), "--mode", "cs_1=ratio:fast"])
    assert bad.exit_code == 2
    assert "ratio:R" in bad.output
