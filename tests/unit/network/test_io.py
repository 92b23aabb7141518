"""TOML network files: unit conversion at load and errors naming file, line, key and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos2.errors import NetworkError
from pos2.network import load_network, loads_network
from pos2.network.io import NetworkFileError

GOOD = """
[network]
name = "tiny"
source = "test"

[[junction]]
name = "A"
elevation_km = 0.1

[[junction]]
name = "B"

[[pipe]]
name = "P"
from_junction = "A"
to_junction = "B"
length_km = 12.5
inner_diameter_mm = 700
roughness_um = 20
ground_temperature_c = 4
note = "metadata is allowed"

[[pressure_source]]
name = "S"
junction = "A"
p_barg = 60
t_c = 15

[[sink]]
name = "D"
junction = "B"
flow_kg_per_s = 12

[[compressor]]
name = "C"
from_junction = "B"
to_junction = "A"
flow_kg_per_s = 1
max_discharge_bar = 90
max_power_mw = 5
fuel_lhv_mj_per_kg = 48
"""


def test_units_are_converted_to_si() -> None:
    net = loads_network(GOOD, "tiny.toml")
    assert net.name == "tiny"
    assert net.junctions[0].elevation_m == pytest.approx(100.0)
    pipe = net.pipes[0]
    assert pipe.length_m == pytest.approx(12_500.0)
    assert pipe.inner_diameter_m == pytest.approx(0.7)
    assert pipe.roughness_m == pytest.approx(2e-5)
    assert pipe.ground_temperature_k == pytest.approx(277.15)
    src = net.pressure_sources[0]
    assert src.p_pa == pytest.approx(60e5 + 101_325.0)
    assert src.t_k == pytest.approx(288.15)
    comp = net.compressors[0]
    assert comp.max_discharge_pa == pytest.approx(9e6)
    assert comp.max_power_w == pytest.approx(5e6)
    assert comp.fuel_lhv_j_per_kg == pytest.approx(48e6)
    assert comp.set_point == "flow"


def _err(text: str) -> NetworkFileError:
    with pytest.raises(NetworkFileError) as exc:
        loads_network(text, "net.toml")
    return exc.value


def test_error_names_file_line_field_value() -> None:
    bad = GOOD.replace("length_km = 12.5", "length_km = -12.5")
    e = _err(bad)
    line = bad.splitlines().index("length_km = -12.5") + 1
    assert (e.path, e.line, e.element, e.field, e.value) == ("net.toml", line, "P", "length_km", -12.5)
    assert str(e).startswith(f"net.toml:{line}: 'P', field 'length_km', value -12.5: must be > 0")
    assert isinstance(e, NetworkError)


def test_typo_suggests_the_key() -> None:
    e = _err(GOOD.replace("inner_diameter_mm", "inner_diametre_mm"))
    assert "did you mean 'inner_diameter_mm'" in str(e)


def test_unknown_table_and_missing_field() -> None:
    e = _err(GOOD + '\n[[pipes]]\nname = "X"\n')
    assert "did you mean [[pipe]]" in str(e)
    e = _err(GOOD.replace("length_km = 12.5\n", ""))
    assert "needs 'length_m' or 'length_km'" in str(e)
    assert e.element == "P"


def test_nan_and_wrong_types() -> None:
    assert "NaN" in str(_err(GOOD.replace("length_km = 12.5", "length_km = nan")))
    assert "must be a number" in str(_err(GOOD.replace("length_km = 12.5", 'length_km = "12.5 km"')))
    assert "true or false" in str(
        _err(GOOD + '\n[[valve]]\nname = "V"\nfrom_junction = "A"\nto_junction = "B"\nopen = "yes"\n')
    )


def test_topology_error_points_at_the_element() -> None:
    bad = GOOD.replace('to_junction = "B"\nlength_km', 'to_junction = "Q"\nlength_km')
    e = _err(bad)
    assert e.field == "to_junction"
    assert e.value == "Q"
    assert e.line == bad.splitlines().index('to_junction = "Q"') + 1


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    e = _err("[[pipe]\nname=")
    assert "not valid TOML" in str(e)
    with pytest.raises(NetworkFileError, match="cannot read"):
        load_network(tmp_path / "missing.toml")


def test_load_from_file(tmp_path: Path) -> None:
    f = tmp_path / "n.toml"
    f.write_text(GOOD, encoding="utf-8")
    assert load_network(f).summary()["pipe"] == 1
    f.write_text(GOOD.replace("p_barg = 60", "p_barg = 60\np_bar = 61"), encoding="utf-8")
    with pytest.raises(NetworkFileError, match=r"given twice \(as 'p_barg' and 'p_bar'\)") as exc:
        load_network(f)
    assert exc.value.path == str(f)


def test_round_trip_through_toml(tmp_path: Path) -> None:
    from pos2.network import dump_network
    from pos2.network.docs import EXAMPLE_PATH

    for net in (loads_network(GOOD, "tiny.toml"), load_network(EXAMPLE_PATH)):
        f = tmp_path / "rt.toml"
        dump_network(net, f)
        back = load_network(f)
        assert back == net
