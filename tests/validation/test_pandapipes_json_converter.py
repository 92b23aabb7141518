"""The pandapipes JSON converter reproduces pandapipes' own conventions (checked against pandapipes).

Tolerances: fluid density and pump lift equal pandapipes' values to 1e-12 relative; ambient
pressure equal to pandapipes' barometric formula to 1e-12 relative; a network with a lossy valve
written by the installed pandapipes solves to pandapipes' junction pressures within 1e-4 relative
(the valve's pressure drop within 1 %).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandapipes as pp
import pytest
from pandapipes.component_models.component_toolbox import p_correction_height_air
from pandapipes.properties.fluids import get_fluid

from pos2.errors import NetworkError
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.network.io import NetworkFileError
from pos2.network.pandapipes_json import ambient_pressure_pa, load_pandapipes_json

GAS_CASES = Path(pp.__file__).parent / "networks" / "network_files" / "stanet_test_networks" / "gas_cases"


def test_ambient_pressure_matches_pandapipes() -> None:
    h = np.array([0.0, 50.0, 150.0, 1000.0])
    assert np.allclose(ambient_pressure_pa(h), p_correction_height_air(h) * 1e5, rtol=1e-12, atol=0.0)


@pytest.mark.parametrize("case", ["one_pipe/pipe_2_N.json", "one_pipe/pipe_1_PC.json"])
def test_stanet_fluid_density_matches_pandapipes(case: str) -> None:
    """pos2 gas density equals pandapipes' rho_n * (p/p_n) * (T_n/T) / Z(p_abs) for the file's fluid."""
    path = GAS_CASES / case
    _, gas, meta = load_pandapipes_json(path)
    fluid = get_fluid(pp.from_json(str(path)))
    p_bar_abs = np.array([1.5, 6.0, 20.0, 101.0])
    t_k = 283.15
    z_pp = fluid.get_compressibility(p_bar_abs)
    rho_pp = fluid.get_density(273.15) * p_bar_abs / 1.01325 * 273.15 / t_k / z_pp
    assert np.allclose(gas.density(p_bar_abs * 1e5, t_k), rho_pp, rtol=1e-12, atol=0.0)
    assert meta.normal_density_kg_per_m3 == pytest.approx(0.84)


def test_gauge_pressures_become_absolute_with_height() -> None:
    """pumps_N has junctions at 50-150 m: each gauge value uses its own junction's ambient pressure."""
    _, _, meta = load_pandapipes_json(GAS_CASES / "meshed_networks" / "pumps_N.json")
    for j in meta.junctions:
        p_amb_pp = p_correction_height_air(meta.elevation_m[j]) * 1e5
        assert meta.p_ambient_pa[j] == pytest.approx(p_amb_pp, rel=1e-12)
    # ext1 (100 m) holds the external grid at 7 bar(g): STANET's value there is 7.0 bar(g) too
    assert meta.p_stanet_pa["ext1"] == pytest.approx(7e5 + meta.p_ambient_pa["ext1"], rel=1e-12)
    net, _, _ = load_pandapipes_json(GAS_CASES / "meshed_networks" / "pumps_N.json")
    (src,) = net.pressure_sources
    assert src.p_pa == pytest.approx(7e5 + meta.p_ambient_pa["ext1"], rel=1e-12)


def test_pump_curve_matches_pandapipes() -> None:
    path = GAS_CASES / "strand_net" / "pump_N.json"
    _, _, meta = load_pandapipes_json(path)
    st = pp.from_json(str(path)).std_types["pump"]["P1"]
    for q in (0.0, 0.005, 0.02, 0.05):
        assert meta.pumps[0].lift_pa(q) == pytest.approx(st.get_pressure(q) * 1e5, rel=1e-12)
    assert meta.pumps[0].lift_pa(-0.01) == 0.0


def test_element_counts_and_valves() -> None:
    net, _, meta = load_pandapipes_json(GAS_CASES / "combined_networks" / "versatility_PC.json")
    assert net.summary() == {
        "junction": 12,
        "pipe": 12,
        "pressure_source": 2,
        "flow_source": 2,
        "sink": 6,
        "compressor": 1,
        "regulator": 0,
        "valve": 2,
    }
    assert all(not v.open for v in net.valves)
    assert meta.pipe_loss_coefficients == {"pipe_source2_sink1": 2000.0, "pipe_sink1_sink3": 2000.0}
    assert {
        p.name: p.loss_coefficient for p in net.pipes if p.loss_coefficient
    } == meta.pipe_loss_coefficients


def test_not_json_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  not json")
    with pytest.raises(NetworkError, match=r"bad\.json:2"):
        load_pandapipes_json(bad)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(NetworkError, match=r"nothere\.json"):
        load_pandapipes_json(tmp_path / "nothere.json")


def _edit(tmp_path: Path, table: str, column: str, row: int, value: object) -> Path:
    doc = json.loads((GAS_CASES / "one_pipe" / "pipe_1_N.json").read_text())
    split = json.loads(doc["_object"][table]["_object"])
    split["data"][row][split["columns"].index(column)] = value
    doc["_object"][table]["_object"] = json.dumps(split)
    out = tmp_path / "edited.json"
    out.write_text(json.dumps(doc))
    return out


def test_unknown_junction_reference_names_element_and_field(tmp_path: Path) -> None:
    path = _edit(tmp_path, "pipe", "to_junction", 0, 7)
    with pytest.raises(NetworkError, match=r"pipe\[0\].*to_junction.*7"):
        load_pandapipes_json(path)


def test_non_numeric_field_names_element_and_field(tmp_path: Path) -> None:
    path = _edit(tmp_path, "pipe", "length_km", 0, "long")
    with pytest.raises(NetworkError, match=r"pipe\[0\].*length_km.*long"):
        load_pandapipes_json(path)


def test_non_positive_length_rejected_by_builder(tmp_path: Path) -> None:
    path = _edit(tmp_path, "pipe", "length_km", 0, -1.0)
    with pytest.raises(NetworkError, match="length"):
        load_pandapipes_json(path)


def test_component_without_pos2_equivalent_is_rejected(tmp_path: Path) -> None:
    net = pp.create_empty_network(fluid="hgas")
    j = pp.create_junctions(net, 2, pn_bar=5.0, tfluid_k=283.15)
    pp.create_ext_grid(net, j[0], p_bar=5.0, t_k=283.15)
    pp.create_flow_control(net, j[0], j[1], controlled_mdot_kg_per_s=0.1, diameter_m=0.1)
    path = tmp_path / "flow_control.json"
    pp.to_json(net, str(path))
    with pytest.raises(NetworkError, match="'flow_control' has no pos2 equivalent"):
        load_pandapipes_json(path)


def _valve_net(et_pipe: bool = False) -> pp.pandapipesNet:
    """A pipe, a lossy valve and a pipe, written by the installed pandapipes (0.16 valve columns)."""
    net = pp.create_empty_network(fluid="hgas")
    j = [pp.create_junction(net, pn_bar=50, tfluid_k=283.15, name=f"J{i}") for i in range(4)]
    pp.create_ext_grid(net, j[0], p_bar=50, t_k=283.15, name="S")
    pp.create_pipe_from_parameters(net, j[0], j[1], length_km=10, inner_diameter_mm=500, k_mm=0.05, name="P1")
    p2 = pp.create_pipe_from_parameters(
        net, j[2], j[3], length_km=10, inner_diameter_mm=500, k_mm=0.05, name="P2"
    )
    if et_pipe:
        pp.create_valve(net, j[2], p2, et="pi", inner_diameter_mm=400, loss_coefficient=2.0, name="V1")
    else:
        pp.create_valve(net, j[1], j[2], et="ju", inner_diameter_mm=400, loss_coefficient=2.0, name="V1")
    pp.create_sink(net, j[3], mdot_kg_per_s=20, name="K")
    return net


def test_valves_written_by_installed_pandapipes_load_and_match(tmp_path: Path) -> None:
    """Issue 16 item 4: pandapipes 0.16 writes valves as junction/element/et; they load and the solved
    pressures match pandapipes' (Colebrook in the DVGW form both sides) within 1e-4 relative."""
    net = _valve_net()
    assert {"junction", "element", "et"} <= set(net.valve.columns)
    path = tmp_path / "valve.json"
    pp.to_json(net, str(path))
    pos2_net, gas, _ = load_pandapipes_json(path)
    assert [(v.from_junction, v.to_junction, v.loss_coefficient) for v in pos2_net.valves] == [
        ("J1", "J2", 2.0)
    ]
    assert pos2_net.valves[0].diameter_m == pytest.approx(0.4)
    pp.pipeflow(net, friction_model="colebrook", tol_p=1e-7, tol_m=1e-7)
    res = solve_steady(pos2_net, gas, SteadyOptions(friction="colebrook_dvgw", max_segment_length_m=20e3))
    p_pp = (net.res_junction.p_bar.to_numpy() + 1.01325) * 1e5
    p_pos2 = res.nodes.p_pa.to_numpy()
    assert np.abs(p_pos2 / p_pp - 1.0).max() < 1e-4
    dp_valve_pp = p_pp[1] - p_pp[2]
    assert p_pos2[1] - p_pos2[2] == pytest.approx(dp_valve_pp, rel=1e-2)


def test_valve_between_junction_and_pipe_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "valve_pi.json"
    pp.to_json(_valve_net(et_pipe=True), str(path))
    with pytest.raises(NetworkFileError, match="et = 'pi'") as exc:
        load_pandapipes_json(path)
    assert exc.value.element == "valve[0]"
