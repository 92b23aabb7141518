"""Read a pandapipes JSON network file into a pos2 :class:`~pos2.network.Network`.

pandapipes (Fraunhofer IEE / University of Kassel, BSD licence) saves a network as a JSON document
holding one pandas table per component plus the fluid. This module reads such a file without
importing pandapipes and converts it at the edge into pos2's conventions:

* **Pressures.** pandapipes stores *gauge* pressures in bar, relative to the ambient air pressure at
  the junction's height. Its ambient pressure is the barometric height formula
  ``p_amb(h) = 1.01325 bar * (1 - 0.0065 h / 288.15) ** 5.255`` (international standard atmosphere,
  ICAO Doc 7488), so a gauge value at a junction of height ``h`` becomes the absolute pressure
  ``p_pa = 1e5 * p_barg + p_amb_pa(h)``. pos2 works in absolute Pa only; every gauge value read from
  the file (external grids, pressure controllers, the STANET reference pressures) is converted with
  the ambient pressure of *its own* junction. :attr:`PandapipesMetadata.p_ambient_pa` keeps the
  ambient pressure of each junction so results can be turned back into gauge values for comparison.
* **Lengths and diameters.** ``length_km`` -> m; ``diameter_m`` (older files) or
  ``inner_diameter_mm`` (pandapipes >= 0.11) -> m; ``k_mm`` -> m.
* **Fluid.** pandapipes describes a gas by its density at *normal* conditions (0 degC,
  1.01325 bar), a compressibility factor ``Z(p)`` that is constant or linear in the *absolute*
  pressure in bar (``Z = offset + slope * p_abs[bar]``; pandapipes evaluates it at
  ``p_amb + p_gauge``, see ``pandapipes.pf.derivative_calculation``), a viscosity and a heat capacity.
  Its state equation is ``rho = rho_n * (p / p_n) * (T_n / T) / Z(p)``: the normal density is taken
  with ``Z_n = 1``. The converter reproduces that exactly with
  :class:`pos2.gas.simple.ConstantZ` or :class:`pos2.gas.simple.LinearZ` and a molar mass
  ``M = rho_n R T_n / p_n``.
* **Sinks, sources, external grids.** ``mdot_kg_per_s * scaling`` of in-service sinks and sources
  become :meth:`NetworkBuilder.sink` / :meth:`NetworkBuilder.flow_source`; an external grid of type
  ``"p"`` or ``"pt"`` becomes a :meth:`NetworkBuilder.pressure_source` (type ``"t"`` fixes only a
  temperature and carries no hydraulic information; it is skipped and listed in
  :attr:`PandapipesMetadata.notes`).
* **Valves.** ``opened``, diameter and ``loss_coefficient`` map onto :meth:`NetworkBuilder.valve`; both
  the old columns (``from_junction``, ``to_junction``) and those pandapipes 0.16 writes (``junction``,
  ``element``, ``et = "ju"``) are read; a valve between a junction and a pipe (``et = "pi"``) is refused.
* **Compressors** (pandapipes ``compressor``: ``p_out = p_in * pressure_ratio`` in absolute
  pressure) map onto a ratio-controlled :meth:`NetworkBuilder.compressor` without fuel gas.
* **Pumps** (pandapipes ``pump``: a pressure lift ``dp[bar] = polyval(reg_par, Q[m3/h])`` where Q
  is the actual volume flow at the pump inlet) have no direct pos2 equivalent. They become
  outlet-pressure-controlled compressors without fuel gas, and the curve is kept in
  :attr:`PandapipesMetadata.pumps`; :meth:`PandapipesMetadata.build` rebuilds the network with
  updated outlet pressures, so a caller iterates ``p_out = p_in + dp(Q)`` to the curve's fixed
  point (``tests/validation/validation_harness.py`` shows how).
* **Pipe loss coefficients.** pandapipes adds a pipe's ``loss_coefficient`` zeta to ``lambda L / D``
  inside the same (isothermal, squared-pressure) pipe equation; pos2's pipe ``loss_coefficient``
  enters its pipe equation the same way (an added Darcy factor spread along the pipe), so it is
  passed on unchanged (and listed in :attr:`PandapipesMetadata.pipe_loss_coefficients`).

STANET reference values that ship with pandapipes' STANET test networks (``p_stanet`` per junction,
gauge bar; ``v_stanet`` per pipe and valve, m/s) are returned in the metadata, converted to absolute
Pa (pressures) and kept in m/s (velocities, signed in the element's from -> to direction).

Examples
--------
>>> import pathlib, pandapipes  # doctest: +SKIP
>>> net, gas, meta = load_pandapipes_json(pathlib.Path("pipe_1_N.json"))  # doctest: +SKIP
>>> meta.friction  # doctest: +SKIP
'nikuradse'
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pos2.errors import NetworkError
from pos2.gas.model import GasModel
from pos2.gas.simple import ConstantZ, LinearZ
from pos2.network import Network, NetworkBuilder
from pos2.network.io import NetworkFileError
from pos2.units import R

__all__ = [
    "NORMAL_PRESSURE_PA",
    "NORMAL_TEMPERATURE_K",
    "PandapipesMetadata",
    "PandapipesPump",
    "ambient_pressure_pa",
    "load_pandapipes_json",
]

NORMAL_PRESSURE_PA: float = 101_325.0
"""pandapipes' normal pressure (1.01325 bar) [Pa]."""
NORMAL_TEMPERATURE_K: float = 273.15
"""pandapipes' normal temperature (0 degC) [K]."""
_T_GRADIENT_K_PER_M: float = 0.0065
_T_SEA_LEVEL_K: float = 288.15
_HEIGHT_EXPONENT: float = 5.255
_KJ_THRESHOLD: float = 100.0
_HANDLED_TABLES = frozenset(
    {"junction", "pipe", "valve", "pump", "compressor", "press_control", "pressure_control", "ext_grid"}
    | {"source", "sink"}
)


def _file_error(
    path: Path,
    message: str,
    *,
    line: int | None = None,
    element: str | None = None,
    field: str | None = None,
    value: Any = None,
) -> NetworkFileError:
    """An error in the pandapipes file itself: bad input (exit code 2), located by path and line.

    Parameters
    ----------
    path
        The pandapipes JSON file [-].
    message
        What is wrong, in words a user understands [-].
    line
        1-based line in the file, when known [-].
    element, field, value
        The table row (e.g. ``pipe[3]``), its column and the offending value [-].
    """
    return NetworkFileError(message, path=str(path), line=line, element=element, field=field, value=value)


def ambient_pressure_pa(height_m: float | np.ndarray) -> float | np.ndarray:
    """Ambient air pressure at a height, as pandapipes uses it to turn gauge into absolute pressure.

    Barometric height formula of the international standard atmosphere (ICAO Doc 7488):
    ``p = 101325 Pa * (1 - 0.0065 K/m * h / 288.15 K) ** 5.255``.

    Parameters
    ----------
    height_m
        Height above sea level [m].

    Returns
    -------
    float or numpy.ndarray
        Ambient pressure [Pa].

    Examples
    --------
    >>> round(float(ambient_pressure_pa(0.0)))
    101325
    >>> round(float(ambient_pressure_pa(100.0)), 1)
    100129.6
    """
    return NORMAL_PRESSURE_PA * (1.0 - _T_GRADIENT_K_PER_M * np.asarray(height_m) / _T_SEA_LEVEL_K) ** (
        _HEIGHT_EXPONENT
    )


@dataclass(frozen=True)
class PandapipesPump:
    """A pandapipes pump: pressure lift from a polynomial in the inlet volume flow.

    Parameters
    ----------
    name
        Name of the pos2 compressor that stands in for the pump [-].
    from_junction
        Inlet junction name [-].
    to_junction
        Outlet junction name [-].
    curve_coefficients
        Polynomial coefficients, highest power first, of ``dp[bar] = f(Q[m3/h])`` [bar, m3/h].
    """

    name: str
    from_junction: str
    to_junction: str
    curve_coefficients: tuple[float, ...]

    def lift_pa(self, q_m3_per_s: float) -> float:
        """Pressure lift at an inlet volume flow, as pandapipes evaluates it.

        A negative flow (reverse flow, the pump is bypassed) and a negative polynomial value both
        give no lift, as in pandapipes' ``PumpStdType``.

        Parameters
        ----------
        q_m3_per_s
            Actual volume flow at the pump inlet [m3/s].

        Returns
        -------
        float
            Pressure lift [Pa].
        """
        q_m3_per_h = max(q_m3_per_s, 0.0) * 3600.0
        lift_bar = float(np.polyval(np.asarray(self.curve_coefficients), q_m3_per_h))
        if q_m3_per_s < 0.0 or lift_bar <= 0.0:
            return 0.0
        return lift_bar * 1e5


@dataclass(frozen=True)
class _Pipe:
    name: str
    from_junction: str
    to_junction: str
    length_m: float
    inner_diameter_m: float
    roughness_m: float
    u_w_per_m2k: float
    ground_temperature_k: float | None


@dataclass(frozen=True)
class _Valve:
    name: str
    from_junction: str
    to_junction: str
    open: bool
    diameter_m: float | None
    loss_coefficient: float


@dataclass(frozen=True)
class _Compressor:
    name: str
    from_junction: str
    to_junction: str
    ratio: float


@dataclass(frozen=True)
class _Regulator:
    name: str
    from_junction: str
    to_junction: str
    outlet_pressure_pa: float


@dataclass(frozen=True)
class PandapipesMetadata:
    """What a pandapipes file holds beyond the pos2 network, and how to rebuild the network.

    Attributes
    ----------
    path
        File the network was read from [-].
    friction
        ``"nikuradse"`` or ``"colebrook"`` for STANET test files (suffix ``_N`` / ``_PC``), else None.
    junctions
        Junction names in file order [-].
    elevation_m
        Height of each junction [m].
    p_ambient_pa
        Ambient pressure pandapipes uses at each junction (gauge -> absolute) [Pa].
    t_fluid_k
        Fluid temperature of each junction (``tfluid_k``) [K].
    p_stanet_pa
        STANET reference pressure of each junction that has one, absolute [Pa].
    v_stanet_m_per_s
        STANET reference mean velocity of each pipe or valve that has one, signed from -> to [m/s].
    pipe_loss_coefficients
        Non-zero pandapipes pipe loss coefficients zeta [-].
    pipe_diameter_m
        Inner diameter of each pipe and valve (for velocities) [m].
    pumps
        Pumps, replaced in the network by outlet-pressure-controlled compressors [-].
    normal_density_kg_per_m3
        Fluid density at pandapipes' normal conditions (273.15 K, 101325 Pa, Z = 1) [kg/m3].
    ambient_temperature_k
        ``ambient_temperature`` from the file's stored pipeflow options, if any [K].
    notes
        What the converter skipped or approximated, in words [-].
    """

    path: str
    friction: str | None
    junctions: tuple[str, ...]
    elevation_m: Mapping[str, float]
    p_ambient_pa: Mapping[str, float]
    t_fluid_k: Mapping[str, float]
    p_stanet_pa: Mapping[str, float]
    v_stanet_m_per_s: Mapping[str, float]
    pipe_loss_coefficients: Mapping[str, float]
    pipe_diameter_m: Mapping[str, float]
    pumps: tuple[PandapipesPump, ...]
    normal_density_kg_per_m3: float
    ambient_temperature_k: float | None
    notes: tuple[str, ...]
    _pipes: tuple[_Pipe, ...] = field(repr=False)
    _valves: tuple[_Valve, ...] = field(repr=False)
    _compressors: tuple[_Compressor, ...] = field(repr=False)
    _regulators: tuple[_Regulator, ...] = field(repr=False)
    _pressure_sources: tuple[tuple[str, str, float, float], ...] = field(repr=False)
    _flow_sources: tuple[tuple[str, str, float, float], ...] = field(repr=False)
    _sinks: tuple[tuple[str, str, float], ...] = field(repr=False)

    def start_pump_outlet_pressure_pa(self) -> dict[str, float]:
        """Start outlet pressure of each pump: the highest external-grid pressure plus the zero-flow lift.

        Returns
        -------
        dict
            Outlet pressure per pump name [Pa].
        """
        p_ref = max((p for _, _, p, _ in self._pressure_sources), default=NORMAL_PRESSURE_PA)
        return {pump.name: p_ref + pump.lift_pa(0.0) for pump in self.pumps}

    def build(
        self,
        *,
        pipe_extra_length_m: Mapping[str, float] | None = None,
        pump_outlet_pressure_pa: Mapping[str, float] | None = None,
    ) -> Network:
        """Build the pos2 network, optionally with extra pipe lengths and given pump outlet pressures.

        Parameters
        ----------
        pipe_extra_length_m
            Length added to (or, if negative, taken from) each named pipe, e.g. to impose another
            friction law through an equivalent length; default none [m].
        pump_outlet_pressure_pa
            Outlet pressure set point of each pump; default :meth:`start_pump_outlet_pressure_pa` [Pa].

        Returns
        -------
        Network
            The frozen pos2 network.

        Raises
        ------
        NetworkError
            If pos2's builder rejects an element (the message names the element and field).
        """
        extra = dict(pipe_extra_length_m or {})
        pump_p = dict(
            self.start_pump_outlet_pressure_pa()
            if pump_outlet_pressure_pa is None
            else pump_outlet_pressure_pa
        )
        nb = NetworkBuilder(Path(self.path).stem)
        for j in self.junctions:
            nb.junction(j, elevation_m=self.elevation_m[j])
        for p in self._pipes:
            nb.pipe(
                p.name,
                p.from_junction,
                p.to_junction,
                length_m=p.length_m + extra.get(p.name, 0.0),
                inner_diameter_m=p.inner_diameter_m,
                roughness_m=p.roughness_m,
                u_w_per_m2k=p.u_w_per_m2k,
                ground_temperature_k=p.ground_temperature_k,
                loss_coefficient=self.pipe_loss_coefficients.get(p.name, 0.0),
            )
        for v in self._valves:
            nb.valve(
                v.name,
                v.from_junction,
                v.to_junction,
                open=v.open,
                diameter_m=v.diameter_m,
                loss_coefficient=v.loss_coefficient,
            )
        for c in self._compressors:
            nb.compressor(c.name, c.from_junction, c.to_junction, ratio=c.ratio, fuel=False)
        for pump in self.pumps:
            if pump.name not in pump_p:
                raise NetworkError("no outlet pressure given for pump", element=pump.name)
            nb.compressor(
                pump.name,
                pump.from_junction,
                pump.to_junction,
                outlet_pressure_pa=pump_p[pump.name],
                fuel=False,
            )
        for r in self._regulators:
            nb.regulator(r.name, r.from_junction, r.to_junction, outlet_pressure_pa=r.outlet_pressure_pa)
        for name, junction, p_pa, t_k in self._pressure_sources:
            nb.pressure_source(name, junction, p_pa=p_pa, t_k=t_k)
        for name, junction, flow, t_k in self._flow_sources:
            nb.flow_source(name, junction, flow_kg_per_s=flow, t_k=t_k)
        for name, junction, flow in self._sinks:
            nb.sink(name, junction, flow_kg_per_s=flow)
        return nb.build()


# ------------------------------------------------------------------------------------------------
# reading the JSON document
# ------------------------------------------------------------------------------------------------


def _decode(obj: Any) -> Any:
    """pandapipes nests JSON documents as strings inside ``_object``; decode such a string."""
    return json.loads(obj) if isinstance(obj, str) else obj


def _floats(obj: Any) -> np.ndarray:
    """A numpy array as pandapipes serialises it (nested ``{"_class": ..., "_object": ...}``) -> floats."""

    def unwrap(x: Any) -> Any:
        x = _decode(x)
        if isinstance(x, Mapping):
            return unwrap(x.get("_object"))
        if isinstance(x, list):
            return [unwrap(v) for v in x]
        return x

    return np.asarray(unwrap(obj), dtype=float).ravel()


@dataclass(frozen=True)
class _Table:
    """A pandapipes component table (pandas ``orient="split"``) as plain rows."""

    name: str
    columns: tuple[str, ...]
    index: tuple[Any, ...]
    rows: tuple[tuple[Any, ...], ...]

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        return [
            dict(zip(self.columns, r, strict=True), _index=i)
            for i, r in zip(self.index, self.rows, strict=True)
        ]


def _table(doc: Mapping[str, Any], name: str, path: Path, *, component: bool = True) -> _Table | None:
    entry = doc.get(name)
    if entry is None:
        return None
    if not isinstance(entry, Mapping) or entry.get("_class") != "DataFrame":
        if not component:  # another entry of the document (fluid, settings...)
            return None
        # a component table that is something else would otherwise vanish without a word
        raise _file_error(path, f"table '{name}' is not a pandas DataFrame object", field=name)
    try:
        split = _decode(entry["_object"])
        table = _Table(
            name, tuple(split["columns"]), tuple(split["index"]), tuple(tuple(r) for r in split["data"])
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _file_error(path, f"table '{name}' is not a pandas 'split' DataFrame ({exc})") from exc
    if "in_service" in table.columns:
        k = table.columns.index("in_service")
        for idx, row in zip(table.index, table.rows, strict=False):
            v = row[k]
            if not (v is None or isinstance(v, bool) or (isinstance(v, int | float) and v in (0, 1))):
                raise _file_error(
                    path,
                    "in_service must be true or false",
                    element=f"{name}[{idx}]",
                    field="in_service",
                    value=v,
                )
    return table


def _num(rec: Mapping[str, Any], key: str, table: str, path: Path, default: float | None = None) -> float:
    value = rec.get(key, default)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        if default is not None:
            return default
        raise _file_error(
            path, "required field missing", element=f"{table}[{rec['_index']}]", field=key, value=value
        )
    try:
        out = float(value)
    except (TypeError, ValueError) as exc:
        raise _file_error(
            path, "not a number", element=f"{table}[{rec['_index']}]", field=key, value=value
        ) from exc
    if not math.isfinite(out):
        raise _file_error(path, "not finite", element=f"{table}[{rec['_index']}]", field=key, value=value)
    return out


def _in_service(rec: Mapping[str, Any]) -> bool:
    value = rec.get("in_service", True)
    return True if value is None else bool(value)  # checked to be a boolean in _table


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


class _Names:
    """Unique pos2 names: the pandapipes name if present and unused, else ``<table><index>``."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, rec: Mapping[str, Any], table: str) -> str:
        raw = rec.get("name")
        name = str(raw) if not _is_missing(raw) else f"{table}{rec['_index']}"
        if name in self.used:
            name = f"{table}{rec['_index']}"
        while name in self.used:
            name += "_"
        self.used.add(name)
        return name


def _fluid_property(props: Mapping[str, Any], key: str, at: float, path: Path) -> tuple[float, float]:
    """(value, slope) of a pandapipes fluid property evaluated at ``at``.

    Constant -> (value, 0); Linear -> (offset, slope); InterExtra (table) -> linear interpolation at ``at``.
    """
    if key not in props:
        raise _file_error(path, "fluid has no property", element="fluid", field=key)
    entry = props[key]
    cls = entry.get("_class", "")
    obj = _decode(entry.get("_object", {}))
    if cls == "FluidPropertyConstant":
        return float(_floats(obj["value"])[0]), 0.0
    if cls == "FluidPropertyLinear":
        return float(_floats(obj["offset"])[0]), float(_floats(obj["slope"])[0])
    if cls == "FluidPropertyInterExtra":
        x, y = _floats(obj["x"]), _floats(obj["y"])
        order = np.argsort(x)
        return float(np.interp(at, x[order], y[order])), 0.0
    raise _file_error(path, "unsupported fluid property class", element="fluid", field=key, value=cls)


def _gas_model(doc: Mapping[str, Any], t_fluid_k: float, path: Path) -> tuple[GasModel, float, list[str]]:
    notes: list[str] = []
    fluid = doc.get("fluid")
    if not isinstance(fluid, Mapping):
        raise _file_error(path, "the file holds no fluid", element="fluid")
    fobj = _decode(fluid.get("_object", {}))
    if not fobj.get("is_gas", fobj.get("fluid_type") == "gas"):
        raise _file_error(
            path,
            "only gas networks can be converted",
            element="fluid",
            field="is_gas",
            value=fobj.get("is_gas"),
        )
    props = fobj.get("all_properties", {})
    name = str(fobj.get("name", "pandapipes fluid"))
    rho_n, _ = _fluid_property(props, "density", NORMAL_TEMPERATURE_K, path)
    mu, _ = _fluid_property(props, "viscosity", t_fluid_k, path)
    cp, _ = _fluid_property(props, "heat_capacity", t_fluid_k, path)
    if cp < _KJ_THRESHOLD:
        notes.append(f"heat_capacity {cp} read as kJ/(kg K) (STANET export), used {cp * 1e3} J/(kg K)")
        cp *= 1e3
    z_offset, z_slope_per_bar = _fluid_property(props, "compressibility", t_fluid_k, path)
    molar_mass = rho_n * R * NORMAL_TEMPERATURE_K / NORMAL_PRESSURE_PA
    gas: GasModel
    if z_slope_per_bar == 0.0:
        gas = ConstantZ(z_offset, molar_mass, mu, cp, name=name)
    else:
        gas = LinearZ(z_offset, z_slope_per_bar * 1e-5, molar_mass, mu, cp, name=name)
    return gas, rho_n, notes


def _friction_from_name(path: Path) -> str | None:
    stem = path.stem
    if stem.endswith("_PC"):
        return "colebrook"
    if stem.endswith("_N"):
        return "nikuradse"
    return None


def load_pandapipes_json(path: str | Path) -> tuple[Network, GasModel, PandapipesMetadata]:
    """Read a pandapipes JSON network file and convert it into a pos2 network and gas model.

    Parameters
    ----------
    path
        pandapipes JSON file (as written by ``pandapipes.to_json``) [-].

    Returns
    -------
    tuple
        ``(network, gas, metadata)``: the pos2 network built with start values for pump outlet
        pressures (see the module docstring), the gas model equivalent to
        the file's fluid, and :class:`PandapipesMetadata` (reference values, conversion details and
        :meth:`PandapipesMetadata.build` to rebuild the network with refined values).

    Raises
    ------
    NetworkFileError
        For an unreadable file or an element pos2 cannot represent (a :class:`NetworkError` that
        the CLI reports as bad input, exit code 2); the message names the file, the line when
        known, the table row and the field.
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _file_error(path, f"cannot read the pandapipes file ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise _file_error(path, f"not valid JSON ({exc.msg})", line=exc.lineno) from exc
    except RecursionError:
        raise _file_error(path, "not a pandapipes network document (nested too deeply)") from None
    except UnicodeDecodeError:
        raise _file_error(path, "not UTF-8 text") from None
    doc = _decode(raw.get("_object", raw)) if isinstance(raw, Mapping) else None
    if not isinstance(doc, Mapping):
        raise _file_error(path, "not a pandapipes network document")

    notes: list[str] = []
    for key in doc:
        if key in _HANDLED_TABLES or key.endswith("_geodata") or key.startswith("res_"):
            continue
        t = _table(doc, key, path, component=False)
        if t is None or not any(_in_service(r) for r in t.records()):
            continue
        if key == "controller":
            notes.append(f"{len(t)} pandapipes controller(s) ignored (pos2 solves one steady state)")
            continue
        raise _file_error(path, f"pandapipes component '{key}' has no pos2 equivalent", element=key)

    jt = _table(doc, "junction", path)
    if jt is None or len(jt) == 0:
        raise _file_error(path, "the file holds no junction table", element="junction")
    names = _Names()
    jname: dict[Any, str] = {}
    elevation: dict[str, float] = {}
    t_fluid: dict[str, float] = {}
    p_stanet: dict[str, float] = {}
    junctions: list[str] = []
    for rec in jt.records():
        if not _in_service(rec):
            continue
        n = names.take(rec, "junction")
        jname[rec["_index"]] = n
        junctions.append(n)
        elevation[n] = _num(rec, "height_m", "junction", path, default=0.0)
        t_fluid[n] = _num(rec, "tfluid_k", "junction", path, default=NORMAL_TEMPERATURE_K + 20.0)
        if "p_stanet" in rec and not _is_missing(rec["p_stanet"]):
            p_stanet[n] = _num(rec, "p_stanet", "junction", path)
    p_amb = {n: float(ambient_pressure_pa(elevation[n])) for n in junctions}
    p_stanet_pa = {n: 1e5 * v + p_amb[n] for n, v in p_stanet.items()}

    def junction_of(rec: Mapping[str, Any], key: str, table: str) -> str:
        idx = rec.get(key)
        if idx not in jname:
            raise _file_error(
                path,
                "refers to an unknown or out-of-service junction",
                element=f"{table}[{rec['_index']}]",
                field=key,
                value=idx,
            )
        return jname[idx]

    def diameter_m(rec: Mapping[str, Any], table: str) -> float:
        if "inner_diameter_mm" in rec and not _is_missing(rec["inner_diameter_mm"]):
            return _num(rec, "inner_diameter_mm", table, path) / 1e3
        return _num(rec, "diameter_m", table, path)

    pipes: list[_Pipe] = []
    zeta: dict[str, float] = {}
    diam: dict[str, float] = {}
    v_stanet: dict[str, float] = {}
    pt = _table(doc, "pipe", path)
    for rec in pt.records() if pt is not None else []:
        if not _in_service(rec):
            continue
        n = names.take(rec, "pipe")
        d = diameter_m(rec, "pipe")
        u = _num(
            rec, "u_w_per_m2k", "pipe", path, default=_num(rec, "alpha_w_per_m2k", "pipe", path, default=0.0)
        )
        text = rec.get("text_k")
        pipes.append(
            _Pipe(
                n,
                junction_of(rec, "from_junction", "pipe"),
                junction_of(rec, "to_junction", "pipe"),
                _num(rec, "length_km", "pipe", path) * 1e3,
                d,
                _num(rec, "k_mm", "pipe", path, default=0.0) / 1e3,
                u,
                None if u == 0.0 or _is_missing(text) else _num(rec, "text_k", "pipe", path),
            )
        )
        diam[n] = d
        z = _num(rec, "loss_coefficient", "pipe", path, default=0.0)
        if z != 0.0:
            zeta[n] = z
        if "v_stanet" in rec and not _is_missing(rec["v_stanet"]):
            v_stanet[n] = _num(rec, "v_stanet", "pipe", path)

    valves: list[_Valve] = []
    vt = _table(doc, "valve", path)
    for rec in vt.records() if vt is not None else []:
        if not _in_service(rec):
            continue
        n = names.take(rec, "valve")
        d = diameter_m(rec, "valve")
        if "from_junction" in rec or "junction" not in rec:
            ends = (junction_of(rec, "from_junction", "valve"), junction_of(rec, "to_junction", "valve"))
        else:  # pandapipes >= 0.12: junction, element and element type et ("ju" = junction)
            et = rec.get("et", "ju")
            if et != "ju":
                raise _file_error(
                    path,
                    "only valves between two junctions (et = 'ju') are supported; a valve between a "
                    "junction and a pipe (et = 'pi') is not",
                    element=f"valve[{rec['_index']}]",
                    field="et",
                    value=et,
                )
            ends = (junction_of(rec, "junction", "valve"), junction_of(rec, "element", "valve"))
        valves.append(
            _Valve(
                n,
                *ends,
                bool(rec.get("opened", True)),
                d,
                _num(rec, "loss_coefficient", "valve", path, default=0.0),
            )
        )
        diam[n] = d
        if "v_stanet" in rec and not _is_missing(rec["v_stanet"]):
            v_stanet[n] = _num(rec, "v_stanet", "valve", path)

    compressors: list[_Compressor] = []
    ct = _table(doc, "compressor", path)
    for rec in ct.records() if ct is not None else []:
        if _in_service(rec):
            compressors.append(
                _Compressor(
                    names.take(rec, "compressor"),
                    junction_of(rec, "from_junction", "compressor"),
                    junction_of(rec, "to_junction", "compressor"),
                    _num(rec, "pressure_ratio", "compressor", path),
                )
            )

    pumps: list[PandapipesPump] = []
    pumpt = _table(doc, "pump", path)
    std_types = _decode(doc.get("std_types", doc.get("std_type", {}))) or {}
    pump_types = std_types.get("pump", {}) if isinstance(std_types, Mapping) else {}
    for rec in pumpt.records() if pumpt is not None else []:
        if not _in_service(rec):
            continue
        st_name = rec.get("std_type")
        st = pump_types.get(st_name)
        if st is None:
            raise _file_error(
                path,
                "pump std_type not found in the file",
                element=f"pump[{rec['_index']}]",
                field="std_type",
                value=st_name,
            )
        coeffs = _floats(_decode(st.get("_object", st)).get("reg_par"))
        pumps.append(
            PandapipesPump(
                names.take(rec, "pump"),
                junction_of(rec, "from_junction", "pump"),
                junction_of(rec, "to_junction", "pump"),
                tuple(float(c) for c in coeffs),
            )
        )

    regulators: list[_Regulator] = []
    # pandapipes >= 0.9 names the table "press_control", older files "pressure_control"
    rt = _table(doc, "press_control", path) or _table(doc, "pressure_control", path)
    for rec in rt.records() if rt is not None else []:
        if not _in_service(rec) or not bool(rec.get("control_active", True)):
            continue
        to_j = junction_of(rec, "to_junction", "pressure_control")
        ctrl = junction_of(rec, "controlled_junction", "pressure_control")
        if ctrl != to_j:
            raise _file_error(
                path,
                "pos2 regulators control their own outlet junction only",
                element=f"pressure_control[{rec['_index']}]",
                field="controlled_junction",
                value=rec.get("controlled_junction"),
            )
        regulators.append(
            _Regulator(
                names.take(rec, "pressure_control"),
                junction_of(rec, "from_junction", "pressure_control"),
                to_j,
                1e5 * _num(rec, "controlled_p_bar", "pressure_control", path) + p_amb[to_j],
            )
        )

    pressure_sources: list[tuple[str, str, float, float]] = []
    et = _table(doc, "ext_grid", path)
    for rec in et.records() if et is not None else []:
        if not _in_service(rec):
            continue
        j = junction_of(rec, "junction", "ext_grid")
        kind = str(rec.get("type", "pt")).lower()
        n = names.take(rec, "ext_grid")
        if kind not in ("p", "pt"):
            notes.append(f"external grid {n!r} of type {kind!r} fixes no pressure; skipped")
            continue
        p_pa = 1e5 * _num(rec, "p_bar", "ext_grid", path) + p_amb[j]
        t_k = _num(rec, "t_k", "ext_grid", path, default=t_fluid[j])
        pressure_sources.append((n, j, p_pa, t_k))

    flow_sources: list[tuple[str, str, float, float]] = []
    st_ = _table(doc, "source", path)
    for rec in st_.records() if st_ is not None else []:
        if _in_service(rec):
            j = junction_of(rec, "junction", "source")
            flow = _num(rec, "mdot_kg_per_s", "source", path) * _num(
                rec, "scaling", "source", path, default=1.0
            )
            flow_sources.append((names.take(rec, "source"), j, flow, t_fluid[j]))

    sinks: list[tuple[str, str, float]] = []
    sk = _table(doc, "sink", path)
    for rec in sk.records() if sk is not None else []:
        if _in_service(rec):
            j = junction_of(rec, "junction", "sink")
            flow = _num(rec, "mdot_kg_per_s", "sink", path) * _num(rec, "scaling", "sink", path, default=1.0)
            sinks.append((names.take(rec, "sink"), j, flow))

    t_mean = float(np.mean([t_fluid[j] for j in junctions]))
    gas, rho_n, gas_notes = _gas_model(doc, t_mean, path)
    notes.extend(gas_notes)
    if pumps:
        notes.append("pumps represented as outlet-pressure-controlled compressors without fuel gas")
    opts = doc.get("user_pf_options")
    amb_t = opts.get("ambient_temperature") if isinstance(opts, Mapping) else None

    meta = PandapipesMetadata(
        path=str(path),
        friction=_friction_from_name(path),
        junctions=tuple(junctions),
        elevation_m=elevation,
        p_ambient_pa=p_amb,
        t_fluid_k=t_fluid,
        p_stanet_pa=p_stanet_pa,
        v_stanet_m_per_s=v_stanet,
        pipe_loss_coefficients=zeta,
        pipe_diameter_m=diam,
        pumps=tuple(pumps),
        normal_density_kg_per_m3=rho_n,
        ambient_temperature_k=None if amb_t is None else float(amb_t),
        notes=tuple(notes),
        _pipes=tuple(pipes),
        _valves=tuple(valves),
        _compressors=tuple(compressors),
        _regulators=tuple(regulators),
        _pressure_sources=tuple(pressure_sources),
        _flow_sources=tuple(flow_sources),
        _sinks=tuple(sinks),
    )
    return meta.build(), gas, meta
