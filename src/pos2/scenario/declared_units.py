"""Declared units of scenario values: checked against the schema and converted, or refused.

A sourced leaf may state its unit (``unit = "USD/kg"``). The schema states the unit of every field
(:func:`pos2.scenario.schema.schema_table`). When the two differ, the value is converted to the
field's unit with pint, whose registry is extended by a money dimension and the gas-trade units:

- ``USD`` is a base unit of its own dimension ``[currency]`` (no exchange rates: other currencies
  are not defined and are refused);
- ``kcm`` (1,000 m3) and ``bcm`` (1e9 m3) are volumes, and ``MMBtu`` (1e6 Btu, IT) an energy;
- ``bbl`` is the oil barrel (42 US gallons), not pint's 31.5-gallon barrel; ``bn`` = 1e9, ``mn`` = 1e6.

A trailing parenthesis is a qualifier, not a unit: the reference conditions of a gas volume
(``(20 degC, 101.325 kPa)``), ``(absolute)``/``(gauge)`` for a pressure, a price year ``(2025)`` and
``(real)``/``(nominal)`` for rates. pint does not convert between qualifiers; where the declared and
the field's qualifiers contradict each other (15 degC against 20 degC, gauge against absolute, 2020
USD against 2025 USD, nominal against real) the conversion would need an assumption, and the value
is refused with a message naming file, line, field and value. A qualifier written on one side only is
taken as the field's own (``bcm/yr`` on a ``bcm/yr (20 degC, 101.325 kPa)`` field).

Dimensions that differ are refused too (``USD/MMBtu`` on a ``USD/1,000 m3`` field needs a heat
content, which the scenario states separately). The pint registry is built only when a declared
unit differs from the field's unit as written, so loading a scenario written in the schema's own
units does not pay for it.

Examples
--------
>>> convert_declared(20.0, "USD/kg", "USD/t")
(20000.0, 1000.0)
>>> convert_declared(50.0, "bcm/yr", "bcm/yr (20 degC, 101.325 kPa)")
(50.0, 1.0)
>>> round(convert_declared(100.0, "mi", "km")[0], 3)
160.934
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from pos2.units import BBL_M3, MMBTU_J

_DEFINITIONS = (
    "USD = [currency]",
    "kcm = 1000 * meter ** 3",
    "bcm = 1e9 * meter ** 3",
    f"MMBtu = {MMBTU_J!r} * joule",
    f"pos2_bbl = {BBL_M3!r} * meter ** 3",
    "bn = 1e9",
    "mn = 1e6",
)
"""Units pint does not know (or knows otherwise); gas volumes keep the field's reference conditions."""

_ANNOTATIONS = (r"\bof outer diameter\b", r"\bOD\b")
"""Words that describe what a unit counts, not the unit (``USD per km per mm OD``)."""

_QUALIFIER = re.compile(r"\s+\(([^()]*)\)\s*$")


class UnitMismatchError(ValueError):
    """A declared unit that cannot be converted to the field's unit; the message says why."""


@dataclass(frozen=True)
class _Parsed:
    expr: str
    """The unit expression in pint's syntax."""
    ref_temp_c: float | None
    pressure_kind: str | None
    price_year: int | None
    money_basis: str | None


def _qualifiers(unit: str) -> tuple[str, list[str]]:
    quals: list[str] = []
    while True:
        m = _QUALIFIER.search(unit)
        if not m:
            return unit, quals
        quals.append(m.group(1))
        unit = unit[: m.start()]


def _parse(unit: str) -> _Parsed:
    text = " ".join(unit.replace("°", "deg").replace("µ", "u").split())
    body, quals = _qualifiers(text)
    ref_temp = None
    kind = None
    year = None
    basis = None
    for q in quals:
        for part in (p.strip() for p in q.split(",")):
            low = part.lower()
            if m := re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*degc", low):
                ref_temp = float(m.group(1))
            elif re.fullmatch(r"\d+(?:\.\d+)?\s*kpa", low):
                continue  # the reference pressure: 101.325 kPa in every unit pos2 states
            elif low in ("absolute", "abs", "a"):
                kind = "absolute"
            elif low in ("gauge", "g"):
                kind = "gauge"
            elif re.fullmatch(r"(19|20|21)\d\d", low):
                year = int(low)
            elif low in ("real", "nominal"):
                basis = low
            else:
                raise UnitMismatchError(f"unknown qualifier '({q})' in unit '{unit}'")
    for pat in _ANNOTATIONS:
        body = re.sub(pat, "", body).strip()
    if re.fullmatch(r"(bar|kPa|MPa|Pa|psi)g", body):
        kind, body = "gauge", body[:-1]
    if m := re.fullmatch(r"USD\s*((?:19|20|21)\d\d)\b(.*)", body):
        year, body = int(m.group(1)), "USD" + m.group(2)
    return _Parsed(_expr(body), ref_temp, kind, year, basis)


def _expr(body: str) -> str:
    """A unit as written in pos2's files -> pint's syntax (``USD per 1,000 m3`` -> ``(USD)/(1000 m**3)``)."""
    if body in ("", "-", "1"):
        return "dimensionless"
    body = re.sub(r"(\d),(\d{3})", r"\1\2", body)
    body = re.sub(r"\b([A-Za-z]+)([23])\b", r"\1**\2", body)
    body = re.sub(r"(\d+(?:\.\d+)?)\s+([A-Za-z]+(?:\*\*\d)?)", r"(\1 \2)", body)  # 1,000 m3 binds
    body = re.sub(r"\bsqrt\(([^()]*)\)", r"(\1)**0.5", body)
    body = re.sub(r"\bbbl\b", "pos2_bbl", body)
    parts = [p.strip() for p in re.split(r"\bper\b", body)]
    if any(not p for p in parts):
        raise UnitMismatchError(f"cannot read the unit '{body}'")
    return "/".join(f"({p})" for p in parts) if len(parts) > 1 else parts[0]


@cache
def _registry() -> Any:
    import pint

    ureg: Any = pint.UnitRegistry(cache_folder=None, autoconvert_offset_to_baseunit=False)
    for d in _DEFINITIONS:
        ureg.define(d)
    return ureg


def _quantity(expr: str, written: str) -> Any:
    import pint

    ureg = _registry()
    try:
        q = ureg.parse_expression(expr)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, SyntaxError) as e:
        raise UnitMismatchError(f"unknown unit '{written}' ({e})") from None
    except Exception as e:  # pint's tokenizer raises assorted errors on garbage
        raise UnitMismatchError(f"cannot read the unit '{written}' ({type(e).__name__})") from None
    if not isinstance(q, ureg.Quantity):
        q = ureg.Quantity(q, "dimensionless")
    return q


def _check_qualifiers(d: _Parsed, e: _Parsed, declared: str, expected: str) -> None:
    if d.ref_temp_c is not None and e.ref_temp_c is not None and d.ref_temp_c != e.ref_temp_c:
        raise UnitMismatchError(
            f"'{declared}' is at {d.ref_temp_c:g} degC reference conditions, the field '{expected}' at "
            f"{e.ref_temp_c:g} degC; pos2 does not convert gas volumes between reference conditions "
            "(the factor depends on the gas), restate the value at the field's conditions"
        )
    if d.pressure_kind == "gauge" and e.pressure_kind != "gauge":
        raise UnitMismatchError(
            f"'{declared}' is a gauge pressure and the field '{expected}' absolute; pos2 does not add an "
            "ambient pressure for you, write the absolute pressure"
        )
    if d.price_year is not None and e.price_year is not None and d.price_year != e.price_year:
        raise UnitMismatchError(
            f"'{declared}' is money of {d.price_year}, the field '{expected}' money of {e.price_year}; "
            "pos2 does not deflate, convert the value to the field's price year"
        )
    if d.money_basis is not None and e.money_basis is not None and d.money_basis != e.money_basis:
        raise UnitMismatchError(
            f"'{declared}' is {d.money_basis}, the field '{expected}' {e.money_basis}; restate the value"
        )


def _hint(dq: Any, eq: Any) -> str:
    dims = (str(dq.dimensionality), str(eq.dimensionality))
    energy = [("[length] ** 2 * [mass]" in s and "[time]" in s) for s in dims]
    volume = [("[length] ** 3" in s) for s in dims]
    if (energy[0] and volume[1]) or (energy[1] and volume[0]):
        return (
            " (gas per energy and per volume differ by the heat content, which the scenario states in "
            "costs.heat_content_mmbtu_per_kcm; convert the value yourself)"
        )
    return ""


def convert_declared(value: float, declared: str, expected: str) -> tuple[float, float]:
    """A value written in ``declared`` units in the field's ``expected`` units.

    Parameters
    ----------
    value
        The value as written [declared unit]
    declared
        Its unit as written in the file, e.g. ``"USD/kg"`` [-]
    expected
        The field's unit from the schema, e.g. ``"USD/t"`` [-]

    Returns
    -------
    tuple
        The converted value [field unit] and the factor applied (``nan`` for an offset
        temperature conversion) [-]

    Raises
    ------
    UnitMismatchError
        An unknown unit, other dimensions, or qualifiers that contradict each other.
    """
    d, e = _parse(declared), _parse(expected)
    _check_qualifiers(d, e, declared, expected)
    if d.expr == e.expr:
        return value, 1.0
    import pint

    dq, eq = _quantity(d.expr, declared), _quantity(e.expr, expected)
    if dq.dimensionality != eq.dimensionality:
        raise UnitMismatchError(
            f"'{declared}' cannot be converted to the field's unit '{expected}' "
            f"(dimensions {dq.dimensionality} against {eq.dimensionality}){_hint(dq, eq)}"
        )
    try:
        factor = float((dq / eq).to("dimensionless").magnitude)
        return value * factor, factor
    except pint.errors.OffsetUnitCalculusError:
        pass
    # an offset unit (degC, degF) alone: convert the value itself, not a factor
    try:
        q = _registry().Quantity(value * float(dq.magnitude), dq.units).to(eq.units)
        return float(q.magnitude) / float(eq.magnitude), math.nan
    except pint.errors.OffsetUnitCalculusError:
        raise UnitMismatchError(
            f"'{declared}' mixes a temperature scale with other units; write it in '{expected}'"
        ) from None


def same_unit(declared: str, expected: str) -> bool:
    """Whether ``declared`` is the field's unit as written, up to spacing and qualifiers stated on one side
    only (no conversion needed)."""
    try:
        d, e = _parse(declared), _parse(expected)
        _check_qualifiers(d, e, declared, expected)
    except UnitMismatchError:
        return False
    return d.expr == e.expr


@cache
def field_unit(key: str) -> tuple[str, Any] | None:
    """The schema unit and type annotation of a dotted key, items of arrays of tables included
    (``route.waypoints[2].km``), or ``None`` for a key the schema does not know.

    Parameters
    ----------
    key
        Dotted scenario key [-]
    """
    from typing import get_args, get_origin

    from pydantic import BaseModel

    from pos2.scenario.model import ScenarioModel

    model: Any = ScenarioModel
    parts = [p for p in re.split(r"\.|\[\d+\]", key) if p]
    for i, part in enumerate(parts):
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        info = model.model_fields.get(part)
        if info is None:
            return None
        ann = info.annotation
        if i == len(parts) - 1:
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            return str(extra.get("unit", "")), ann
        while get_origin(ann) in (list, tuple) and get_args(ann):
            ann = get_args(ann)[0]
        model = ann
    return None


__all__ = ["UnitMismatchError", "convert_declared", "field_unit", "same_unit"]
