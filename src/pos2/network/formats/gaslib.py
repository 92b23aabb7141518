"""GasLib XML reader: network (``.net``) and scenario/nomination (``.scn``) files.

GasLib (Schmidt et al. 2017, *GasLib - A Library of Gas Network Instances*, Data 2(4) 40; data under
CC BY 3.0) describes a network in XML: ``framework:nodes`` (``source``, ``sink``, ``innode`` with
height and pressure bounds; sources also carry the gas: molar mass, pseudo-critical pressure and
temperature, normal density, heat-capacity coefficients) and ``framework:connections`` (``pipe``,
``shortPipe``, ``resistor``, ``valve``, ``controlValve``, ``compressorStation``). A scenario file
(``boundaryValue/scenario``) nominates the flow at each entry and exit and bounds pressures.

Mapping onto pos2 (SI inside; every assumption below is also listed in :attr:`GasLibImport.notes`):

* ``pipe`` -> pipe (length, diameter, roughness, ``heatTransferCoefficient`` as ``u_w_per_m2k``);
* ``shortPipe`` -> a loss-free open valve (GasLib: no pressure loss);
* ``resistor`` with ``dragFactor`` and ``diameter`` -> an open valve with that loss coefficient
  (``dp = zeta rho v^2 / 2``); a resistor with a fixed ``pressureLoss`` -> an open valve with that
  fixed ``pressure_drop_pa`` in the direction of flow;
* ``valve`` -> a loss-free valve, open unless ``modes`` says ``"closed"`` (GasLib leaves valve
  positions to the user: they are decisions, not data);
* ``controlValve`` -> by ``modes``: ``{"outlet_pressure_bar": x}`` a regulator (pressure-reducing to
  the set point), ``"bypass"`` a loss-free link, ``"closed"``; without a mode, the scenario's
  ``pressureSet`` if it gives one, else bypass;
* ``compressorStation`` -> by ``modes``: ``{"outlet_pressure_bar": x}``, ``{"ratio": r}`` or
  ``{"flow_kg_per_s": m}`` a compressor station (no fuel unless ``fuel`` is set in the mode),
  ``"bypass"`` or ``"closed"``; default bypass (GasLib gives no set points). Its ``pressureOutMax``
  becomes ``max_discharge_pa``. The characteristic maps of the ``.cs`` file are not read;
* volumes: ``1000m_cube_per_hour``, ``m_cube_per_hour`` and ``m_cube_per_s`` are volumes at GasLib's
  normal conditions (0 degC, 1.01325 bar), turned into mass flow with the normal density of the gas
  (the mean of the sources' ``normDensity``);
* pressures: ``bar`` is absolute (GasLib's bounds start at 1.01325 bar), ``barg`` is gauge
  (+ 1.01325 bar), ``Pa`` absolute; the scenario's default unit is ``barg`` (GasLib's schema);
* boundary conditions from the scenario: an entry or exit with a pressure of bound ``both`` is a
  pressure source at that pressure; exits with a flow are sinks, entries with a flow are flow
  sources; if no node holds a pressure, the entry with the largest nominated flow becomes the
  pressure reference at its upper pressure bound (listed in the notes);
* the gas: a :class:`~pos2.gas.pseudocritical.PseudoCriticalGas` with the sources' mean molar mass,
  pseudo-critical pressure and temperature and heat-capacity coefficients (``law`` Papay by
  default); source temperatures from ``gasTemperature``.

Errors name the file, the line of the element when found, the element id and the field.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pos2.errors import NetworkError
from pos2.gas.pseudocritical import PseudoCriticalGas
from pos2.network.builder import NetworkBuilder
from pos2.network.io import NetworkFileError, _bare
from pos2.network.model import Network
from pos2.units import P_ATM, T0

__all__ = ["NORMAL_PRESSURE_PA", "NORMAL_TEMPERATURE_K", "GasLibImport", "load_gaslib"]

NORMAL_TEMPERATURE_K: float = 273.15
"""GasLib's normal temperature for volumes (0 degC) [K]."""
NORMAL_PRESSURE_PA: float = 101_325.0
"""GasLib's normal pressure for volumes (1.01325 bar) [Pa]."""

_PRESSURE = {"bar": (1e5, 0.0), "barg": (1e5, P_ATM), "Pa": (1.0, 0.0), "kPa": (1e3, 0.0), "MPa": (1e6, 0.0)}
_LENGTH = {"mm": 1e-3, "cm": 1e-2, "m": 1.0, "km": 1e3}
_VOLUME_FLOW = {"1000m_cube_per_hour": 1000.0 / 3600.0, "m_cube_per_hour": 1.0 / 3600.0, "m_cube_per_s": 1.0}


@dataclass(frozen=True)
class GasLibImport:
    """A GasLib network converted to pos2.

    Attributes
    ----------
    network
        The pos2 network [-].
    gas
        The gas of the file's sources [-].
    norm_density_kg_per_m3
        Density used to turn normal volumes into mass [kg/m3].
    notes
        Every assumption made in the conversion, in words [-].
    """

    network: Network
    gas: PseudoCriticalGas
    norm_density_kg_per_m3: float
    notes: tuple[str, ...] = field(default=())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Doc:
    """One XML file: parsed tree plus the text, to find element lines for errors."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise NetworkFileError(
                f"cannot read the GasLib file ({exc.strerror})", path=str(path), line=None
            ) from exc
        try:
            self.root = ET.fromstring(self.text)
        except ET.ParseError as exc:
            raise NetworkFileError(f"not valid XML ({exc})", path=str(path), line=exc.position[0]) from exc

    def line_of(self, element_id: str) -> int | None:
        m = re.search(rf'\bid="{re.escape(element_id)}"', self.text)
        return self.text.count("\n", 0, m.start()) + 1 if m else None

    def error(
        self, message: str, element: str | None = None, fld: str | None = None, value: Any = None
    ) -> NetworkFileError:
        line = self.line_of(element) if element else None
        return NetworkFileError(
            message, path=str(self.path), line=line, element=element, field=fld, value=value
        )


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _number(doc: _Doc, el: ET.Element, owner: str, fld: str) -> float:
    raw = el.get("value")
    try:
        x = float(raw) if raw is not None else math.nan
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        raise doc.error("needs a finite number in 'value'", owner, fld, raw)
    return x


def _value(doc: _Doc, el: ET.Element, name: str, owner: str, *, required: bool = True) -> ET.Element | None:
    c = _child(el, name)
    if c is None and required:
        raise doc.error(f"missing <{name}>", owner, name)
    return c


def _pressure_pa(doc: _Doc, el: ET.Element, owner: str, fld: str, default_unit: str) -> float:
    unit = el.get("unit", default_unit)
    if unit not in _PRESSURE:
        raise doc.error(f"unknown pressure unit (known: {', '.join(_PRESSURE)})", owner, fld, unit)
    scale, offset = _PRESSURE[unit]
    return _number(doc, el, owner, fld) * scale + offset


def _length_m(doc: _Doc, el: ET.Element, owner: str, fld: str) -> float:
    unit = el.get("unit", "m")
    if unit not in _LENGTH:
        raise doc.error(f"unknown length unit (known: {', '.join(_LENGTH)})", owner, fld, unit)
    return _number(doc, el, owner, fld) * _LENGTH[unit]


def _volume_flow_m3_per_s(doc: _Doc, el: ET.Element, owner: str, fld: str) -> float:
    unit = el.get("unit", "m_cube_per_s")
    if unit not in _VOLUME_FLOW:
        raise doc.error(f"unknown flow unit (known: {', '.join(_VOLUME_FLOW)})", owner, fld, unit)
    return _number(doc, el, owner, fld) * _VOLUME_FLOW[unit]


def _temperature_k(doc: _Doc, el: ET.Element, owner: str, fld: str) -> float:
    unit = el.get("unit", "K")
    x = _number(doc, el, owner, fld)
    if unit == "Celsius":
        return x + T0
    if unit == "K":
        return x
    if unit == "Fahrenheit":
        return (x - 32.0) * 5.0 / 9.0 + T0
    raise doc.error("unknown temperature unit (known: Celsius, K, Fahrenheit)", owner, fld, unit)


@dataclass
class _Node:
    kind: str  # source, sink, innode
    height_m: float
    p_max_pa: float | None
    t_k: float | None = None


def _read_gas(doc: _Doc, sources: list[ET.Element], law: str) -> tuple[PseudoCriticalGas, float, list[str]]:
    """Mean gas of the sources (molar mass, pseudo-critical data, cp coefficients, normal density)."""
    if not sources:
        raise doc.error("the network has no <source> node, so no gas description", "framework:nodes")
    keys: dict[str, list[float]] = {
        "molarMass": [],
        "pseudocriticalPressure": [],
        "pseudocriticalTemperature": [],
        "normDensity": [],
        "coefficient-A-heatCapacity": [],
        "coefficient-B-heatCapacity": [],
        "coefficient-C-heatCapacity": [],
    }
    for s in sources:
        sid = s.get("id", "?")
        for k in keys:
            el = _value(doc, s, k, sid)
            assert el is not None
            if k == "pseudocriticalPressure":
                keys[k].append(_pressure_pa(doc, el, sid, k, "bar"))
            elif k == "molarMass":
                scale = {"kg_per_kmol": 1e-3, "g_per_mol": 1e-3, "kg_per_mol": 1.0}.get(
                    el.get("unit", "kg_per_kmol")
                )
                if scale is None:
                    raise doc.error("unknown molar-mass unit", sid, k, el.get("unit"))
                keys[k].append(_number(doc, el, sid, k) * scale)
            elif k == "pseudocriticalTemperature":
                keys[k].append(_temperature_k(doc, el, sid, k))
            else:
                keys[k].append(_number(doc, el, sid, k))
    mean = {k: sum(v) / len(v) for k, v in keys.items()}
    notes = []
    spread = max(keys["molarMass"]) / min(keys["molarMass"]) - 1.0
    if len(sources) > 1:
        notes.append(
            f"gas: mean of {len(sources)} sources' molar mass, pseudo-critical data, normal density and heat "
            f"capacity (molar masses differ by up to {spread:.2%}); gas quality is not tracked"
        )
    try:
        gas = PseudoCriticalGas(
            mean["molarMass"],
            mean["pseudocriticalPressure"],
            mean["pseudocriticalTemperature"],
            law=law,
            cp_coefficients=(
                mean["coefficient-A-heatCapacity"],
                mean["coefficient-B-heatCapacity"],
                mean["coefficient-C-heatCapacity"],
            ),
            name=f"GasLib gas ({law} Z)",
        )
    except Exception as exc:  # GasError: bad numbers in the file are bad input
        raise doc.error(f"invalid gas data: {exc}", sources[0].get("id")) from exc
    return gas, mean["normDensity"], notes


def load_gaslib(
    net_path: str | Path,
    scenario_path: str | Path | None = None,
    *,
    modes: Mapping[str, Any] | None = None,
    law: str = "papay",
) -> GasLibImport:
    """Read a GasLib ``.net`` file (and a ``.scn`` scenario) into a pos2 network and gas.

    Parameters
    ----------
    net_path
        GasLib network file (``.net``, XML) [-].
    scenario_path
        GasLib scenario (``.scn``) with the nominated entry and exit flows; ``None``: the network is
        built without demands (each source held at its upper pressure bound) [-].
    modes
        Per active element id: ``"open"``/``"closed"`` (valves), ``"bypass"``/``"closed"`` or a dict
        of set points (control valves: ``outlet_pressure_bar``; compressor stations:
        ``outlet_pressure_bar``, ``ratio`` or ``flow_kg_per_s``, optionally ``fuel``) [-].
    law
        Compressibility law of the gas: ``"papay"`` or ``"aga"`` [-].

    Raises
    ------
    NetworkFileError
        Unreadable or invalid file, an element pos2 cannot represent, or a mode for an unknown id;
        the message names the file, the line of the element and its id.
    """
    doc = _Doc(Path(net_path))
    modes = dict(modes or {})
    root = doc.root
    if _local(root.tag) != "network":
        raise doc.error(f"not a GasLib network file (root element <{_local(root.tag)}>, expected <network>)")
    nodes_el = next((c for c in root if _local(c.tag) == "nodes"), None)
    conns_el = next((c for c in root if _local(c.tag) == "connections"), None)
    if nodes_el is None or conns_el is None:
        raise doc.error("a GasLib network needs <framework:nodes> and <framework:connections>")
    title_el = root.find(".//{http://gaslib.zib.de/Framework}title")
    name = (title_el.text or "").strip() if title_el is not None else Path(net_path).stem
    nb = NetworkBuilder(name or Path(net_path).stem)
    notes: list[str] = []

    nodes: dict[str, _Node] = {}
    sources = []
    for el in nodes_el:
        kind = _local(el.tag)
        nid = el.get("id")
        if not nid:
            raise doc.error(f"a <{kind}> node has no id")
        if kind not in ("source", "sink", "innode"):
            raise doc.error(f"unknown node type <{kind}>", nid)
        h = _value(doc, el, "height", nid, required=False)
        pmax = _value(doc, el, "pressureMax", nid, required=False)
        t_el = _value(doc, el, "gasTemperature", nid, required=False)
        nodes[nid] = _Node(
            kind,
            _length_m(doc, h, nid, "height") if h is not None else 0.0,
            _pressure_pa(doc, pmax, nid, "pressureMax", "bar") if pmax is not None else None,
            _temperature_k(doc, t_el, nid, "gasTemperature") if t_el is not None else None,
        )
        if kind == "source":
            sources.append(el)
        try:
            nb.junction(nid, elevation_m=nodes[nid].height_m)
        except NetworkError as exc:
            raise doc.error(_bare(exc), nid) from exc
    gas, rho_n, gas_notes = _read_gas(doc, sources, law)
    notes += gas_notes

    used_modes: set[str] = set()

    def mode_of(cid: str, default: Any) -> Any:
        if cid in modes:
            used_modes.add(cid)
            return modes[cid]
        return default

    scenario = _read_scenario(Path(scenario_path), nodes, rho_n) if scenario_path is not None else None
    cv_sets = scenario.control_valve_sets if scenario else {}
    counts: dict[str, int] = {}
    links: list[tuple[str, str]] = []  # ends of every connection (for the parts without a scenario)
    for el in conns_el:
        kind = _local(el.tag)
        cid = el.get("id") or ""
        a, b = el.get("from"), el.get("to")
        if not cid or a is None or b is None:
            raise doc.error(f"a <{kind}> needs id, from and to", cid or None)
        counts[kind] = counts.get(kind, 0) + 1
        links.append((a, b))
        try:
            _add_connection(doc, nb, el, kind, cid, a, b, mode_of, cv_sets, notes)
        except NetworkFileError:
            raise
        except NetworkError as exc:
            raise doc.error(_bare(exc), exc.element or cid, exc.field, exc.value) from exc
    unknown = set(modes) - used_modes
    if unknown:
        raise NetworkFileError(
            f"modes given for ids that are not active elements of the network: {', '.join(sorted(unknown))}",
            path=str(doc.path),
            line=None,
            field="modes",
            value=sorted(unknown)[0],
        )
    if counts.get("compressorStation"):
        bypassed = [
            el.get("id", "")
            for el in conns_el
            if _local(el.tag) == "compressorStation" and el.get("id") not in used_modes
        ]
        if bypassed:
            notes.append(
                f"{len(bypassed)} compressor station(s) without a mode are bypassed "
                "(GasLib gives no set points): "
                + ", ".join(bypassed[:5])
                + (", ..." if len(bypassed) > 5 else "")
            )

    _add_boundary(nb, nodes, scenario, notes, links)
    try:
        net = nb.build()
    except NetworkError as exc:
        raise doc.error(_bare(exc), exc.element, exc.field, exc.value) from exc
    return GasLibImport(net, gas, rho_n, tuple(notes))


def _add_connection(
    doc: _Doc,
    nb: NetworkBuilder,
    el: ET.Element,
    kind: str,
    cid: str,
    a: str,
    b: str,
    mode_of: Any,
    cv_sets: Mapping[str, float],
    notes: list[str],
) -> None:
    """One ``framework:connections`` element onto the builder."""
    if kind == "pipe":
        length = _value(doc, el, "length", cid)
        diam = _value(doc, el, "diameter", cid)
        rough = _value(doc, el, "roughness", cid)
        assert length is not None
        assert diam is not None
        assert rough is not None
        htc = _child(el, "heatTransferCoefficient")
        nb.pipe(
            cid,
            a,
            b,
            length_m=_length_m(doc, length, cid, "length"),
            inner_diameter_m=_length_m(doc, diam, cid, "diameter"),
            roughness_m=_length_m(doc, rough, cid, "roughness"),
            u_w_per_m2k=_number(doc, htc, cid, "heatTransferCoefficient") if htc is not None else 0.0,
        )
    elif kind == "shortPipe":
        nb.valve(cid, a, b)
    elif kind == "resistor":
        drag = _child(el, "dragFactor")
        loss = _child(el, "pressureLoss")
        if drag is not None:
            diam = _value(doc, el, "diameter", cid)
            assert diam is not None
            nb.valve(
                cid,
                a,
                b,
                diameter_m=_length_m(doc, diam, cid, "diameter"),
                loss_coefficient=_number(doc, drag, cid, "dragFactor"),
            )
        elif loss is not None:
            nb.valve(cid, a, b, pressure_drop_pa=_pressure_pa(doc, loss, cid, "pressureLoss", "bar"))
        else:
            raise doc.error(
                "a resistor needs <dragFactor> (with <diameter>) or <pressureLoss>", cid, "dragFactor"
            )
    elif kind == "valve":
        mode = mode_of(cid, "open")
        if mode not in ("open", "closed"):
            raise doc.error("a valve's mode must be 'open' or 'closed'", cid, "mode", mode)
        nb.valve(cid, a, b, open=mode == "open")
    elif kind == "controlValve":
        default: Any = {"outlet_pressure_bar": cv_sets[cid] / 1e5} if cid in cv_sets else "bypass"
        mode = mode_of(cid, default)
        if mode == "bypass":
            nb.valve(cid, a, b)
        elif mode == "closed":
            nb.valve(cid, a, b, open=False)
        elif isinstance(mode, Mapping) and set(mode) == {"outlet_pressure_bar"}:
            nb.regulator(cid, a, b, outlet_pressure_pa=float(mode["outlet_pressure_bar"]) * 1e5)
        else:
            raise doc.error(
                "a control valve's mode must be 'bypass', 'closed' or {'outlet_pressure_bar': x}",
                cid,
                "mode",
                mode,
            )
    elif kind == "compressorStation":
        mode = mode_of(cid, "bypass")
        if mode == "bypass":
            nb.valve(cid, a, b)
        elif mode == "closed":
            nb.valve(cid, a, b, open=False)
        elif isinstance(mode, Mapping):
            keys = {"outlet_pressure_bar", "ratio", "flow_kg_per_s", "fuel"}
            bad = set(mode) - keys
            if bad:
                raise doc.error(
                    f"unknown key in a compressor mode (known: {', '.join(sorted(keys))})",
                    cid,
                    "mode",
                    sorted(bad)[0],
                )
            pmax = _child(el, "pressureOutMax")
            nb.compressor(
                cid,
                a,
                b,
                outlet_pressure_pa=float(mode["outlet_pressure_bar"]) * 1e5
                if "outlet_pressure_bar" in mode
                else None,
                ratio=float(mode["ratio"]) if "ratio" in mode else None,
                flow_kg_per_s=float(mode["flow_kg_per_s"]) if "flow_kg_per_s" in mode else None,
                max_discharge_pa=_pressure_pa(doc, pmax, cid, "pressureOutMax", "bar")
                if pmax is not None
                else math.inf,
                fuel=bool(mode.get("fuel", False)),
            )
        else:
            raise doc.error(
                "a compressor station's mode must be 'bypass', 'closed' or a dict of set points",
                cid,
                "mode",
                mode,
            )
    else:
        raise doc.error(f"connection type <{kind}> has no pos2 equivalent", cid)


@dataclass
class _Scenario:
    flows_kg_per_s: dict[str, float]  # + entry, - exit
    pressures_pa: dict[str, float]  # nodes whose pressure the scenario fixes (bound both)
    upper_pa: dict[str, float]
    control_valve_sets: dict[str, float]


def _read_scenario(path: Path, nodes: Mapping[str, _Node], rho_n: float) -> _Scenario:
    doc = _Doc(path)
    scen = next((e for e in doc.root.iter() if _local(e.tag) == "scenario"), None)
    if scen is None:
        raise doc.error("not a GasLib scenario file (no <scenario> element)")
    sc = _Scenario({}, {}, {}, {})
    for el in scen:
        kind = _local(el.tag)
        nid = el.get("id", "")
        if kind == "node":
            if nid not in nodes:
                raise doc.error("scenario node is not in the network file", nid, "id", nid)
            typ = el.get("type")
            if typ not in ("entry", "exit"):
                raise doc.error("node type must be 'entry' or 'exit'", nid, "type", typ)
            for c in el:
                tag, bound = _local(c.tag), c.get("bound")
                if tag == "flow" and bound == "both":
                    q = _volume_flow_m3_per_s(doc, c, nid, "flow") * rho_n
                    sc.flows_kg_per_s[nid] = sc.flows_kg_per_s.get(nid, 0.0) + (q if typ == "entry" else -q)
                elif tag == "pressure":
                    p = _pressure_pa(doc, c, nid, "pressure", "barg")
                    if bound == "both":
                        sc.pressures_pa[nid] = p
                    elif bound == "upper":
                        sc.upper_pa[nid] = p
        elif kind == "controlValve":
            ps = _child(el, "pressureSet")
            if ps is not None:
                sc.control_valve_sets[nid] = _pressure_pa(doc, ps, nid, "pressureSet", "barg")
    return sc


def _parts(nodes: Mapping[str, _Node], links: list[tuple[str, str]]) -> dict[str, str]:
    """Connected part (a representative node id) of every node."""
    parent = {n: n for n in nodes}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in links:
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    return {n: root(n) for n in nodes}


def _add_boundary(
    nb: NetworkBuilder,
    nodes: Mapping[str, _Node],
    sc: _Scenario | None,
    notes: list[str],
    links: list[tuple[str, str]],
) -> None:
    """Sources and sinks from the scenario; a pressure reference where the scenario fixes none."""
    if sc is None:
        part = _parts(nodes, links)
        best: dict[str, tuple[float, str]] = {}
        for nid, n in nodes.items():
            if n.kind == "source" and n.p_max_pa is not None:
                best[part[nid]] = max(best.get(part[nid], (-1.0, "")), (n.p_max_pa, nid))
        notes.append(
            "no scenario: no demand; in each connected part the source with the highest upper pressure "
            "bound is held at that bound"
        )
        for p, nid in best.values():
            nb.pressure_source(f"{nid}.p", nid, p_pa=p, t_k=nodes[nid].t_k)
        return
    fixed = dict(sc.pressures_pa)
    if not fixed:
        entries = [(q, nid) for nid, q in sc.flows_kg_per_s.items() if q > 0]
        if not entries:
            raise NetworkError(
                "the scenario nominates no entry flow and fixes no pressure", element="scenario"
            )
        _, slack = max(entries)
        p_ref = sc.upper_pa.get(slack, nodes[slack].p_max_pa)
        if p_ref is None:
            raise NetworkError("the reference entry has no upper pressure bound", element=slack)
        fixed[slack] = p_ref
        notes.append(
            f"pressure reference: entry '{slack}' (largest nominated inflow) held at its upper pressure "
            "bound "
            f"{p_ref / 1e5:.5g} bar; its nominated flow becomes whatever balances the exits"
        )
    for nid, p in fixed.items():
        nb.pressure_source(f"{nid}.p", nid, p_pa=p, t_k=nodes[nid].t_k)
    for nid, q in sc.flows_kg_per_s.items():
        if nid in fixed or q == 0.0:
            continue
        if q > 0:
            nb.flow_source(f"{nid}.q", nid, flow_kg_per_s=q, t_k=nodes[nid].t_k)
        else:
            nb.sink(f"{nid}.q", nid, flow_kg_per_s=-q)
