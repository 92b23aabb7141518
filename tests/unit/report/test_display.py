"""Numbers and units as the report writes them: one spelling per unit, never scientific notation."""

from __future__ import annotations

from pos2.report.display import compact_number, display_units, number_text


def test_money_is_never_in_scientific_notation() -> None:
    assert number_text(3184701338.67) == "3,184,701,339"
    assert number_text(-2.5e10, 6) == "-25,000,000,000"
    assert number_text(0.000123456) == "0.0001235"
    assert number_text(12.3456) == "12.35"
    assert "e" not in number_text(1e15)
    assert compact_number(3.44e6) == "3,440,000"
    assert compact_number(0.088) == "0.088"
    assert compact_number(70.0) == "70"


def test_units_are_written_one_way() -> None:
    text = "20 degC, 101.325 kPa; USD per 1,000 m3; 5 km3 and 3 m2; longitude [deg E], [deg N]"
    assert display_units(text) == "20 °C, 101.325 kPa; USD per 1,000 m³; 5 km³ and 3 m²; longitude [°E], [°N]"
    # names that merely contain the letters are left alone
    assert display_units("bcm3_total usd_per_kcm m3x") == "bcm3_total usd_per_kcm m3x"
