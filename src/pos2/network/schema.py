"""One schema table per network component: it drives validation, the TOML loader and the docs.

Each component (junction, pipe, pressure source, flow source, sink, compressor, regulator, valve)
has a table of :class:`FieldSpec` rows: name (SI, unit in the name), type, unit, default,
required, description, the check applied to the value, and the unit-suffixed keys that the TOML
format accepts for it (converted to SI at load: ``length_km``, ``p_bar`` (absolute), ``p_barg``
(gauge, + 1 atm), ``p_mpa``, ``t_c``...).

``docs/network_format.md`` is generated from these tables::

    python -m pos2.network --markdown > docs/network_format.md

and a unit test checks that the committed file is up to date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pos2.errors import NetworkError
from pos2.units import P_ATM, T0

__all__ = [
    "COMPONENTS",
    "ComponentSchema",
    "FieldSpec",
    "check_value",
    "markdown",
]


@dataclass(frozen=True)
class FieldSpec:
    """One attribute of a network component.

    Parameters
    ----------
    name
        Attribute name in the Python API; dimensional names carry their SI unit [-].
    type
        ``"str"``, ``"float"``, ``"bool"`` or ``"choice"`` [-].
    unit
        SI unit of the stored value, empty when dimensionless [-].
    default
        Default value when not required (``None`` means "not set") [-].
    required
        Whether the attribute must be given [-].
    description
        One sentence for the docs [-].
    check
        Value check: ``""`` (finite), ``"positive"``, ``"nonnegative"``, ``"positive_or_inf"``,
        ``"fraction"`` (0 < x <= 1), ``"ratio"`` (x >= 1 or inf), ``"any"`` (no check) [-].
    toml_keys
        Alternative keys accepted in TOML as ``(key, scale, offset)``; SI value = value*scale+offset [-].
    choices
        Allowed values of a ``"choice"`` field [-].
    """

    name: str
    type: str
    unit: str
    default: Any
    required: bool
    description: str
    check: str = ""
    toml_keys: tuple[tuple[str, float, float], ...] = ()
    choices: tuple[str, ...] = ()

    def all_keys(self) -> tuple[str, ...]:
        """All TOML keys accepted for this field, the SI name first."""
        return (self.name, *(k for k, _, _ in self.toml_keys))


@dataclass(frozen=True)
class ComponentSchema:
    """The schema table of one component kind (e.g. ``pipe``)."""

    kind: str
    title: str
    description: str
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec:
        """The row called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _strip(name: str, suffix: str) -> str:
    return name[: -len(suffix)] if name.endswith(suffix) else name


def _pressure_keys(name: str) -> tuple[tuple[str, float, float], ...]:
    base = _strip(name, "_pa")
    return (
        (f"{base}_bar", 1e5, 0.0),
        (f"{base}_bar_abs", 1e5, 0.0),
        (f"{base}_barg", 1e5, P_ATM),
        (f"{base}_kpa", 1e3, 0.0),
        (f"{base}_mpa", 1e6, 0.0),
    )


def _temperature_keys(name: str) -> tuple[tuple[str, float, float], ...]:
    return ((f"{_strip(name, '_k')}_c", 1.0, T0),)


def _length_keys(name: str, *, km: bool = False, mm: bool = False) -> tuple[tuple[str, float, float], ...]:
    base = _strip(name, "_m")
    out: list[tuple[str, float, float]] = []
    if km:
        out.append((f"{base}_km", 1e3, 0.0))
    if mm:
        out.append((f"{base}_mm", 1e-3, 0.0))
    return tuple(out)


def _name_field(what: str) -> FieldSpec:
    return FieldSpec("name", "str", "", None, True, f"Unique name of the {what}.")


def _junction_ref(name: str, what: str) -> FieldSpec:
    return FieldSpec(name, "str", "", None, True, f"Name of the {what} junction.")


JUNCTION = ComponentSchema(
    "junction",
    "Junction",
    "A node of the network; pipes and stations connect junctions.",
    (
        _name_field("junction"),
        FieldSpec(
            "elevation_m",
            "float",
            "m",
            0.0,
            False,
            "Height above a common datum (sea level); enters the gravity term of the pipes.",
            toml_keys=_length_keys("elevation_m", km=True),
        ),
    ),
)

PIPE = ComponentSchema(
    "pipe",
    "Pipe",
    "A buried pipe between two junctions. Long pipes are split internally into segments no longer "
    "than `SteadyOptions.max_segment_length_m`; elevation varies linearly along the pipe.",
    (
        _name_field("pipe"),
        _junction_ref("from_junction", "start"),
        _junction_ref("to_junction", "end"),
        FieldSpec(
            "length_m",
            "float",
            "m",
            None,
            True,
            "Length along the route.",
            "positive",
            _length_keys("length_m", km=True),
        ),
        FieldSpec(
            "inner_diameter_m",
            "float",
            "m",
            None,
            True,
            "Inner diameter.",
            "positive",
            _length_keys("inner_diameter_m", mm=True),
        ),
        FieldSpec(
            "roughness_m",
            "float",
            "m",
            None,
            True,
            "Equivalent sand-grain roughness of the inner wall.",
            "nonnegative",
            (("roughness_mm", 1e-3, 0.0), ("roughness_um", 1e-6, 0.0)),
        ),
        FieldSpec(
            "loss_coefficient",
            "float",
            "-",
            0.0,
            False,
            "Sum of the minor-loss coefficients along the pipe (bends, fittings): an extra "
            "dp = zeta rho v^2 / 2, spread evenly over the segments.",
            "nonnegative",
        ),
        FieldSpec(
            "u_w_per_m2k",
            "float",
            "W/(m2 K)",
            0.0,
            False,
            "Overall heat-transfer coefficient gas to ground, referred to the inner wall area "
            "(used only in thermal mode; 0 = adiabatic).",
            "nonnegative",
        ),
        FieldSpec(
            "ground_temperature_k",
            "float",
            "K",
            None,
            False,
            "Ground temperature around the pipe; unset = `SteadyOptions.ambient_temperature_k`.",
            "positive",
            _temperature_keys("ground_temperature_k"),
        ),
        FieldSpec(
            "friction_factor",
            "float",
            "-",
            None,
            False,
            "Darcy friction factor of this pipe, used instead of the solver's friction law (below the "
            "laminar crossing, 64/Re above it, the Hagen-Poiseuille law still applies); unset = the law.",
            "fraction",
        ),
    ),
)

PRESSURE_SOURCE = ComponentSchema(
    "pressure_source",
    "Pressure source",
    "Holds its junction at a fixed pressure (a pressure reference); supplies or takes whatever "
    "flow the network needs. Every connected part of the network needs at least one.",
    (
        _name_field("pressure source"),
        _junction_ref("junction", "connected"),
        FieldSpec(
            "p_pa",
            "float",
            "Pa",
            None,
            True,
            "Absolute pressure held at the junction.",
            "positive",
            _pressure_keys("p_pa"),
        ),
        FieldSpec(
            "t_k",
            "float",
            "K",
            None,
            False,
            "Temperature of the gas supplied; unset = `SteadyOptions.ambient_temperature_k`.",
            "positive",
            _temperature_keys("t_k"),
        ),
    ),
)

FLOW_SOURCE = ComponentSchema(
    "flow_source",
    "Flow source",
    "Injects a fixed mass flow at its junction.",
    (
        _name_field("flow source"),
        _junction_ref("junction", "connected"),
        FieldSpec(
            "flow_kg_per_s",
            "float",
            "kg/s",
            None,
            True,
            "Mass flow injected (negative = withdrawn).",
        ),
        FieldSpec(
            "t_k",
            "float",
            "K",
            None,
            False,
            "Temperature of the gas injected; unset = `SteadyOptions.ambient_temperature_k`.",
            "positive",
            _temperature_keys("t_k"),
        ),
    ),
)

SINK = ComponentSchema(
    "sink",
    "Sink",
    "An offtake: withdraws a fixed mass flow at its junction.",
    (
        _name_field("sink"),
        _junction_ref("junction", "connected"),
        FieldSpec(
            "flow_kg_per_s",
            "float",
            "kg/s",
            None,
            True,
            "Mass flow withdrawn (positive = out of the network).",
        ),
    ),
)

COMPRESSOR = ComponentSchema(
    "compressor",
    "Compressor station",
    "Raises the pressure from its inlet (suction) to its outlet (discharge) junction. Exactly one "
    "set point: outlet pressure, pressure ratio or inlet mass flow. Fuel gas is taken from the line at "
    "the station inlet, so the flow leaving is the inlet flow minus the fuel.",
    (
        _name_field("compressor station"),
        _junction_ref("from_junction", "inlet (suction)"),
        _junction_ref("to_junction", "outlet (discharge)"),
        FieldSpec(
            "outlet_pressure_pa",
            "float",
            "Pa",
            None,
            False,
            "Set point: absolute discharge pressure.",
            "positive",
            _pressure_keys("outlet_pressure_pa"),
        ),
        FieldSpec("ratio", "float", "-", None, False, "Set point: pressure ratio p_out/p_in.", "ratio"),
        FieldSpec(
            "flow_kg_per_s",
            "float",
            "kg/s",
            None,
            False,
            "Set point: mass flow entering the station (including its fuel).",
            "positive",
        ),
        FieldSpec(
            "max_power_w",
            "float",
            "W",
            math.inf,
            False,
            "Limit: shaft power of the compressors.",
            "positive_or_inf",
            (("max_power_mw", 1e6, 0.0),),
        ),
        FieldSpec("max_ratio", "float", "-", math.inf, False, "Limit: pressure ratio.", "ratio"),
        FieldSpec(
            "max_discharge_pa",
            "float",
            "Pa",
            math.inf,
            False,
            "Limit: absolute discharge pressure.",
            "positive_or_inf",
            _pressure_keys("max_discharge_pa"),
        ),
        FieldSpec(
            "efficiency",
            "float",
            "-",
            0.84,
            False,
            "Compressor efficiency, isentropic or polytropic per `efficiency_kind` (default 0.84 "
            "from engineering_facts.md §1d, INF).",
            "fraction",
        ),
        FieldSpec(
            "efficiency_kind",
            "choice",
            "",
            "isentropic",
            False,
            "Meaning of `efficiency`.",
            choices=("isentropic", "polytropic"),
        ),
        FieldSpec(
            "driver_efficiency",
            "float",
            "-",
            0.36,
            False,
            "Gas-turbine driver efficiency, shaft power / fuel heat (default 0.36: new 32 MW unit, "
            "engineering_facts.md §1c, H).",
            "fraction",
        ),
        FieldSpec("fuel", "bool", "", True, False, "Whether the drivers burn gas taken from the line."),
        FieldSpec(
            "fuel_lhv_j_per_kg",
            "float",
            "J/kg",
            None,
            False,
            "Lower heating value of the fuel gas; unset = the gas model's `lhv_j_per_kg` (or its "
            "composition's) if it has one, else 49 MJ/kg "
            "(see `pos2.hydraulics.steady.DEFAULT_LHV_J_PER_KG`).",
            "positive",
            (("fuel_lhv_mj_per_kg", 1e6, 0.0),),
        ),
        FieldSpec(
            "aftercooler_outlet_k",
            "float",
            "K",
            None,
            False,
            "Optional after-cooler: the discharge gas is cooled to at most this temperature.",
            "positive",
            _temperature_keys("aftercooler_outlet_k"),
        ),
    ),
)

REGULATOR = ComponentSchema(
    "regulator",
    "Pressure regulator",
    "Reduces the pressure to a set outlet pressure; flow only from inlet to outlet.",
    (
        _name_field("regulator"),
        _junction_ref("from_junction", "inlet"),
        _junction_ref("to_junction", "outlet"),
        FieldSpec(
            "outlet_pressure_pa",
            "float",
            "Pa",
            None,
            True,
            "Absolute outlet pressure set point.",
            "positive",
            _pressure_keys("outlet_pressure_pa"),
        ),
    ),
)

VALVE = ComponentSchema(
    "valve",
    "Valve",
    "An open valve joins two junctions (no loss, or a loss coefficient on its bore, and/or a fixed "
    "pressure drop: a resistor); a closed valve carries no flow and does not connect the junctions. "
    "An open valve without losses is a loss-free link (GasLib's short pipe).",
    (
        _name_field("valve"),
        _junction_ref("from_junction", "first"),
        _junction_ref("to_junction", "second"),
        FieldSpec("open", "bool", "", True, False, "Whether the valve is open."),
        FieldSpec(
            "diameter_m",
            "float",
            "m",
            None,
            False,
            "Bore used with `loss_coefficient`; required when the coefficient is not zero.",
            "positive",
            _length_keys("diameter_m", mm=True),
        ),
        FieldSpec(
            "loss_coefficient",
            "float",
            "-",
            0.0,
            False,
            "Loss coefficient zeta: dp = zeta rho v^2 / 2 at the bore.",
            "nonnegative",
        ),
        FieldSpec(
            "pressure_drop_pa",
            "float",
            "Pa",
            0.0,
            False,
            "Fixed pressure drop in the direction of flow (a resistor of fixed loss, e.g. a station's "
            "inlet or outlet loss); added to the zeta loss. Smoothed through zero flow as "
            "dp m / sqrt(m^2 + m_s^2) with m_s = 1e-4 of the network's reference flow, so it is exact to "
            "a relative (m_s/m)^2 / 2.",
            "nonnegative",
            (("pressure_drop_bar", 1e5, 0.0), ("pressure_drop_kpa", 1e3, 0.0)),
        ),
    ),
)

COMPONENTS: dict[str, ComponentSchema] = {
    s.kind: s for s in (JUNCTION, PIPE, PRESSURE_SOURCE, FLOW_SOURCE, SINK, COMPRESSOR, REGULATOR, VALVE)
}
"""All schema tables, keyed by component kind (the TOML array-of-tables name)."""

_CHECK_TEXT = {
    "": "finite",
    "positive": "> 0",
    "nonnegative": ">= 0",
    "positive_or_inf": "> 0 (inf allowed)",
    "fraction": "0 < x <= 1",
    "ratio": ">= 1 (inf allowed)",
    "any": "",
}


def check_value(kind: str, element: str, spec: FieldSpec, value: Any) -> Any:
    """Check one value against its schema row and return it normalised (float, bool or str).

    Parameters
    ----------
    kind
        Component kind, e.g. ``"pipe"`` [-].
    element
        Name of the element, used in the error [-].
    spec
        Schema row [-].
    value
        Value in SI units, ``None`` when not given [-].

    Raises
    ------
    NetworkError
        Naming the element, the field and the value.
    """
    if value is None:
        if spec.required:
            raise NetworkError(f"{kind} needs '{spec.name}'", element=element, field=spec.name)
        return spec.default
    if spec.type == "str":
        if not isinstance(value, str) or not value:
            raise NetworkError("must be a non-empty string", element=element, field=spec.name, value=value)
        return value
    if spec.type == "bool":
        if not isinstance(value, bool | int) or isinstance(value, float):
            raise NetworkError("must be true or false", element=element, field=spec.name, value=value)
        return bool(value)
    if spec.type == "choice":
        if value not in spec.choices:
            raise NetworkError(
                f"must be one of {', '.join(spec.choices)}", element=element, field=spec.name, value=value
            )
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NetworkError("must be a number", element=element, field=spec.name, value=value)
    x = float(value)
    if math.isnan(x):
        raise NetworkError("must be a number, got NaN", element=element, field=spec.name, value=x)
    c = spec.check
    inf_ok = c in ("positive_or_inf", "ratio")
    if math.isinf(x) and not inf_ok:
        raise NetworkError("must be finite", element=element, field=spec.name, value=x)
    if c in ("positive", "positive_or_inf"):
        ok = x > 0.0
    elif c == "nonnegative":
        ok = x >= 0.0
    elif c == "fraction":
        ok = 0.0 < x <= 1.0
    elif c == "ratio":
        ok = x >= 1.0
    else:
        ok = True
    if not ok:
        unit = f" {spec.unit}" if spec.unit and spec.unit != "-" else ""
        raise NetworkError(f"must be {_CHECK_TEXT[c]}{unit}", element=element, field=spec.name, value=x)
    return x


def _fmt_default(spec: FieldSpec) -> str:
    if spec.required:
        return "required"
    if spec.default is None:
        return "unset"
    if isinstance(spec.default, bool):
        return "true" if spec.default else "false"
    if isinstance(spec.default, float) and math.isinf(spec.default):
        return "inf"
    return str(spec.default)


def _fmt_keys(spec: FieldSpec) -> str:
    out = [f"`{spec.name}`"]
    for key, scale, offset in spec.toml_keys:
        if offset:
            out.append(f"`{key}` (x{scale:g} + {offset:g})")
        else:
            out.append(f"`{key}` (x{scale:g})")
    return ", ".join(out)


def component_markdown(schema: ComponentSchema) -> str:
    """Markdown table of one component's schema."""
    lines = [
        f"### `[[{schema.kind}]]` — {schema.title}",
        "",
        schema.description,
        "",
        "| field | type | SI unit | default | check | TOML keys (conversion to SI) | description |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in schema.fields:
        typ = f"one of {'/'.join(f.choices)}" if f.type == "choice" else f.type
        check = _CHECK_TEXT.get(f.check, f.check) if f.type == "float" else ""
        cells = [f.name, typ, f.unit, _fmt_default(f), check, _fmt_keys(f), f.description]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def markdown() -> str:
    """The whole network-format document (``docs/network_format.md``), generated from the schema."""
    from pos2.network.docs import document

    return document()
