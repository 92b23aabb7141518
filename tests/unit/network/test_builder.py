"""NetworkBuilder validation: every bad input raises NetworkError naming element, field and value."""

from __future__ import annotations

import math
from dataclasses import fields

import pytest

from pos2.errors import NetworkError
from pos2.network import Network, NetworkBuilder
from pos2.network.model import RECORDS
from pos2.network.schema import COMPONENTS


def _two(nb: NetworkBuilder) -> NetworkBuilder:
    nb.junction("A")
    nb.junction("B", elevation_m=25.0)
    nb.pressure_source("S", "A", p_pa=6e6)
    return nb


def test_builds_a_frozen_network() -> None:
    nb = _two(NetworkBuilder("ok"))
    nb.pipe("P", "A", "B", 10e3, 0.5, 2e-5)
    nb.sink("D", "B", 5.0)
    net = nb.build()
    assert isinstance(net, Network)
    assert net.summary() == {
        "junction": 2, "pipe": 1, "pressure_source": 1, "flow_source": 0, "sink": 1,
        "compressor": 0, "regulator": 0, "valve": 0,
    }  # fmt: skip
    assert net.total_length_m == 10e3
    assert list(net.table("pipe").columns)[:6] == [
        "name", "from_junction", "to_junction", "length_m", "inner_diameter_m", "roughness_m",
    ]  # fmt: skip
    with pytest.raises(AttributeError):
        net.name = "other"  # type: ignore[misc]


def test_records_mirror_the_schema() -> None:
    for kind, schema in COMPONENTS.items():
        assert [f.name for f in fields(RECORDS[kind])] == [f.name for f in schema.fields], kind


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("length_m", 0.0, "must be > 0"),
        ("length_m", -3.0, "must be > 0"),
        ("inner_diameter_m", 0.0, "must be > 0"),
        ("inner_diameter_m", math.nan, "NaN"),
        ("roughness_m", -1e-5, ">= 0"),
        ("length_m", math.inf, "finite"),
        ("u_w_per_m2k", "high", "must be a number"),
    ],
)
def test_bad_pipe_values(field: str, value: object, message: str) -> None:
    nb = _two(NetworkBuilder())
    kw: dict[str, object] = {"length_m": 10e3, "inner_diameter_m": 0.5, "roughness_m": 2e-5, field: value}
    with pytest.raises(NetworkError, match=message) as exc:
        nb.pipe("P1", "A", "B", **kw)  # type: ignore[arg-type]
    assert exc.value.element == "P1"
    assert exc.value.field == field
    assert "P1" in str(exc.value)
    assert field in str(exc.value)


def test_unknown_junction() -> None:
    nb = _two(NetworkBuilder())
    nb.pipe("P", "A", "Z", 10e3, 0.5, 2e-5)
    with pytest.raises(NetworkError, match="unknown junction") as exc:
        nb.build()
    assert (exc.value.element, exc.value.field, exc.value.value) == ("P", "to_junction", "Z")


def test_unknown_junction_of_a_sink() -> None:
    nb = _two(NetworkBuilder())
    nb.pipe("P", "A", "B", 10e3, 0.5, 2e-5)
    nb.sink("D", "Q", 1.0)
    with pytest.raises(NetworkError, match="unknown junction") as exc:
        nb.build()
    assert exc.value.field == "junction"


def test_duplicate_names() -> None:
    nb = _two(NetworkBuilder())
    nb.junction("A")
    with pytest.raises(NetworkError, match="duplicate junction"):
        nb.build()
    nb = _two(NetworkBuilder())
    nb.pipe("X", "A", "B", 10e3, 0.5, 2e-5)
    nb.sink("X", "B", 1.0)
    with pytest.raises(NetworkError, match="duplicate name") as exc:
        nb.build()
    assert exc.value.element == "X"


def test_self_loop() -> None:
    nb = _two(NetworkBuilder())
    nb.pipe("P", "A", "A", 10e3, 0.5, 2e-5)
    with pytest.raises(NetworkError, match="same junction"):
        nb.build()


def test_island_without_pressure_reference_names_a_junction_in_it() -> None:
    nb = _two(NetworkBuilder())
    nb.pipe("P", "A", "B", 10e3, 0.5, 2e-5)
    nb.junction("C")
    nb.junction("D")
    nb.pipe("Q", "C", "D", 10e3, 0.5, 2e-5)
    nb.sink("X", "D", 1.0)
    with pytest.raises(NetworkError, match="no pressure source") as exc:
        nb.build()
    assert exc.value.element in {"C", "D"}
    assert exc.value.field == "pressure reference"
    assert "disconnected" in str(exc.value)


def test_no_pressure_reference_at_all() -> None:
    nb = NetworkBuilder()
    nb.junction("A")
    nb.junction("B")
    nb.pipe("P", "A", "B", 10e3, 0.5, 2e-5)
    nb.flow_source("F", "A", 3.0)
    nb.sink("X", "B", 3.0)
    with pytest.raises(NetworkError, match="the network has no pressure source"):
        nb.build()


def test_closed_valve_splits_the_network() -> None:
    def build(open_: bool, second_source: bool) -> Network:
        nb = _two(NetworkBuilder())
        nb.junction("C")
        nb.pipe("P", "A", "B", 10e3, 0.5, 2e-5)
        nb.valve("V", "B", "C", open=open_)
        nb.sink("X", "C", 1.0)
        if second_source:
            nb.pressure_source("S2", "C", p_pa=5e6)
        return nb.build()

    build(True, False)
    with pytest.raises(NetworkError, match="no pressure source") as exc:
        build(False, False)
    assert exc.value.element == "C"
    build(False, True)  # each part has its own reference


def test_compressor_set_points() -> None:
    nb = _two(NetworkBuilder())
    with pytest.raises(NetworkError, match="exactly one set point") as exc:
        nb.compressor("CS", "A", "B")
    assert exc.value.value == "none"
    with pytest.raises(NetworkError, match="exactly one set point"):
        nb.compressor("CS", "A", "B", ratio=1.3, outlet_pressure_pa=8e6)
    with pytest.raises(NetworkError, match="must be >= 1") as exc:
        nb.compressor("CS", "A", "B", ratio=0.9)
    assert exc.value.field == "ratio"
    with pytest.raises(NetworkError, match="0 < x <= 1"):
        nb.compressor("CS", "A", "B", ratio=1.2, efficiency=1.2)
    with pytest.raises(NetworkError, match="one of isentropic, polytropic"):
        nb.compressor("CS", "A", "B", ratio=1.2, efficiency_kind="adiabatic")
    with pytest.raises(NetworkError, match="above max_ratio"):
        nb.compressor("CS", "A", "B", ratio=1.8, max_ratio=1.5)
    with pytest.raises(NetworkError, match="above max_discharge_pa"):
        nb.compressor("CS", "A", "B", outlet_pressure_pa=12e6, max_discharge_pa=10e6)
    assert nb.compressor("CS", "A", "B", ratio=1.2, max_power_w=math.inf) == "CS"


def test_two_pressure_set_points_on_one_junction() -> None:
    nb = _two(NetworkBuilder())
    nb.pipe("P", "A", "B", 10e3, 0.5, 2e-5)
    nb.regulator("R", "A", "B", outlet_pressure_pa=3e6)
    nb.pressure_source("S2", "B", p_pa=4e6)
    with pytest.raises(NetworkError, match="already set by 'S2'") as exc:
        nb.build()
    assert exc.value.element == "R"


def test_valve_with_loss_needs_a_bore() -> None:
    nb = _two(NetworkBuilder())
    with pytest.raises(NetworkError, match="needs diameter_m"):
        nb.valve("V", "A", "B", loss_coefficient=3.0)


def test_unknown_field_and_kind() -> None:
    nb = NetworkBuilder()
    with pytest.raises(NetworkError, match="no field 'lenght_m'"):
        nb.add("pipe", {"name": "P", "lenght_m": 3.0})
    with pytest.raises(NetworkError, match="unknown component kind"):
        nb.add("pump", {"name": "P"})
    with pytest.raises(NetworkError, match="no junctions"):
        NetworkBuilder("empty").build()
