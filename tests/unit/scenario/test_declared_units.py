"""Declared units of scenario values are converted to the field's unit or refused (issue 15 item 1)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pos2.errors import ScenarioError
from pos2.scenario import load_scenario
from pos2.scenario.declared_units import UnitMismatchError, convert_declared, field_unit


def _leaf(tmp_path: Path, table: str, value: str, unit: str) -> str:
    path = tmp_path / "user.toml"
    path.write_text(
        f'base = "pos2"\n\n[{table}]\nvalue = {value}\nunit = "{unit}"\n'
        'source = "a test"\nconfidence = "L"\n',
        encoding="utf-8",
    )
    return str(path)


def test_usd_per_kg_on_a_usd_per_t_field_is_converted(tmp_path: Path) -> None:
    base = load_scenario("pos2").model.costs.pipe_usd_per_t
    scn = load_scenario(_leaf(tmp_path, "costs.pipe_usd_per_t", "2.5", "USD/kg"))
    assert scn.model.costs.pipe_usd_per_t == pytest.approx(2500.0)
    assert base != pytest.approx(2.5)
    (sv,) = [s for s in scn.sources if s.key == "costs.pipe_usd_per_t"]
    assert sv.unit == "USD/t"
    assert "2.5" in sv.note
    assert "USD/kg" in sv.note


def test_miles_and_fahrenheit_convert_in_a_twin_section(tmp_path: Path) -> None:
    scn = load_scenario(_leaf(tmp_path, "route.upstream.length_km", "100.0", "mi"))
    assert scn.model.route.upstream.length_km == pytest.approx(160.9344)
    scn = load_scenario(_leaf(tmp_path, "pipeline.head_temperature_c", "50.0", "degF"))
    assert scn.model.pipeline.head_temperature_c == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("table", "value", "unit", "words"),
    [
        ("costs.pipe_usd_per_t", "2.5", "EUR/kg", "unknown unit 'EUR/kg'"),
        ("route.upstream.length_km", "1678.0", "bananas", "unknown unit"),
        ("contract.acq_bcm_per_year", "38.0", "bcm/yr (15 degC)", "reference conditions"),
        ("pipeline.head_pressure_mpa", "98.0", "barg", "gauge"),
        ("contract.constant_usd_per_mmbtu", "1.0", "USD/1,000 m3", "cannot be converted"),
        ("contract.term_years", "100", "months", "not a whole number"),
    ],
)
def test_a_unit_that_cannot_be_converted_names_file_line_field_value(
    tmp_path: Path, table: str, value: str, unit: str, words: str
) -> None:
    path = _leaf(tmp_path, table, value, unit)
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    assert e.value.path == path
    assert e.value.line == 3
    assert e.value.field == table
    assert e.value.value == pytest.approx(float(value))
    assert words in str(e.value)


def test_a_whole_number_of_years_in_months_is_converted(tmp_path: Path) -> None:
    scn = load_scenario(_leaf(tmp_path, "contract.term_years", "300", "months"))
    assert scn.model.contract.term_years == 25
    assert isinstance(scn.model.contract.term_years, int)


def test_conversion_table() -> None:
    assert convert_declared(20.0, "USD/kg", "USD/t") == (20000.0, 1000.0)
    assert convert_declared(1.0, "USD/m3", "USD/1,000 m3")[0] == pytest.approx(1000.0)
    assert convert_declared(1.0, "USD mn (2025)", "USD bn (2025)")[0] == pytest.approx(1e-3)
    assert convert_declared(1.0, "1/month", "1/yr")[0] == pytest.approx(12.0)
    assert convert_declared(5.0, "%", "-")[0] == pytest.approx(0.05)
    assert convert_declared(1.0, "USD/m3", "USD/bbl")[0] == pytest.approx(0.158987294928)
    assert convert_declared(1.0, "kcm/d", "bcm/yr")[0] == pytest.approx(365.25e-6)
    value, factor = convert_declared(300.0, "K", "degC")
    assert value == pytest.approx(26.85)
    assert math.isnan(factor)
    # a qualifier written on one side only is the field's own
    assert convert_declared(50.0, "bcm/yr", "bcm/yr (20 degC, 101.325 kPa)") == (50.0, 1.0)
    for declared, expected in [
        ("USD/MMBtu", "USD/1,000 m3"),
        ("USD2020/t", "USD bn (2025)"),
        ("1/yr (nominal)", "1/yr (real)"),
        ("MPa (gauge)", "MPa (absolute)"),
        ("kg (wet)", "kg"),
    ]:
        with pytest.raises(UnitMismatchError):
            convert_declared(1.0, declared, expected)


def test_field_unit_reaches_into_arrays_of_tables() -> None:
    unit, ann = field_unit("contract.term_years") or ("", None)
    assert (unit, ann) == ("yr", int)
    assert field_unit("no.such.key") is None
