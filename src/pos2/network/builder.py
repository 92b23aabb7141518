"""Python builder of gas networks; :meth:`NetworkBuilder.build` validates data and topology.

Examples
--------
>>> nb = NetworkBuilder("two pipes")
>>> for j in ("A", "B", "C"):
...     _ = nb.junction(j)
>>> _ = nb.pipe("P1", "A", "B", length_m=50e3, inner_diameter_m=0.5, roughness_m=2e-5)
>>> _ = nb.pipe("P2", "B", "C", length_m=50e3, inner_diameter_m=0.5, roughness_m=2e-5)
>>> _ = nb.pressure_source("S", "A", p_pa=6e6, t_k=288.15)
>>> _ = nb.sink("D", "C", flow_kg_per_s=20.0)
>>> net = nb.build()
>>> net.summary()["pipe"]
2
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pos2.errors import NetworkError
from pos2.network.model import PLURAL, RECORDS, Network
from pos2.network.schema import COMPONENTS, check_value

__all__ = ["NetworkBuilder", "build_network"]

_BRANCHES = ("pipe", "compressor", "regulator", "valve")
_KNOWN = {kind: frozenset(f.name for f in schema.fields) for kind, schema in COMPONENTS.items()}
_ATTACHED = ("pressure_source", "flow_source", "sink")


class NetworkBuilder:
    """Collects components, then :meth:`build` returns a validated, frozen :class:`Network`.

    Every method checks its values against the schema table at once (so the error points at the
    call that is wrong) and returns the element's name. Topology (unknown junctions, islands without
    a pressure reference, duplicate names) is checked by :meth:`build`.

    Parameters
    ----------
    name
        Name of the network [-].
    """

    def __init__(self, name: str = "network") -> None:
        self.name = name
        self._items: dict[str, list[Any]] = {kind: [] for kind in RECORDS}

    # -- generic -------------------------------------------------------------------------------
    def add(self, kind: str, values: dict[str, Any]) -> str:
        """Add one element of ``kind`` from a dict of SI values (schema field names).

        Parameters
        ----------
        kind
            Component kind, e.g. ``"pipe"`` [-].
        values
            Field values in SI units [-].
        """
        if kind not in COMPONENTS:
            raise NetworkError(f"unknown component kind; known: {', '.join(COMPONENTS)}", value=kind)
        schema = COMPONENTS[kind]
        element = str(values.get("name", f"<unnamed {kind}>"))
        known = _KNOWN[kind]
        for key in values:
            if key not in known:
                raise NetworkError(f"{kind} has no field '{key}'", element=element, field=key)
        clean = {f.name: check_value(kind, element, f, values.get(f.name)) for f in schema.fields}
        if kind == "compressor":
            _check_compressor(element, clean)
        if kind == "valve" and clean["loss_coefficient"] > 0.0 and clean["diameter_m"] is None:
            raise NetworkError(
                "a valve with a loss coefficient needs diameter_m",
                element=element,
                field="diameter_m",
                value=None,
            )
        self._items[kind].append(RECORDS[kind](**clean))
        return str(clean["name"])

    # -- components ----------------------------------------------------------------------------
    def junction(self, name: str, elevation_m: float = 0.0) -> str:
        """Add a junction.

        Parameters
        ----------
        name
            Unique junction name [-].
        elevation_m
            Height above the datum [m].
        """
        return self.add("junction", {"name": name, "elevation_m": elevation_m})

    def pipe(
        self,
        name: str,
        from_junction: str,
        to_junction: str,
        length_m: float,
        inner_diameter_m: float,
        roughness_m: float,
        u_w_per_m2k: float = 0.0,
        ground_temperature_k: float | None = None,
        loss_coefficient: float = 0.0,
        friction_factor: float | None = None,
    ) -> str:
        """Add a pipe.

        Parameters
        ----------
        name
            Unique name [-].
        from_junction
            Start junction [-].
        to_junction
            End junction [-].
        length_m
            Length [m].
        inner_diameter_m
            Inner diameter [m].
        roughness_m
            Equivalent sand-grain roughness [m].
        u_w_per_m2k
            Overall heat-transfer coefficient to ground, inner-wall area [W/(m2 K)].
        ground_temperature_k
            Ground temperature; ``None`` = ambient of the solver options [K].
        loss_coefficient
            Sum of minor-loss coefficients zeta along the pipe [-].
        friction_factor
            Darcy friction factor of this pipe instead of the solver's law; ``None`` = the law [-].
        """
        return self.add(
            "pipe",
            {
                "name": name,
                "from_junction": from_junction,
                "to_junction": to_junction,
                "length_m": length_m,
                "inner_diameter_m": inner_diameter_m,
                "roughness_m": roughness_m,
                "loss_coefficient": loss_coefficient,
                "u_w_per_m2k": u_w_per_m2k,
                "ground_temperature_k": ground_temperature_k,
                "friction_factor": friction_factor,
            },
        )

    def pressure_source(self, name: str, junction: str, p_pa: float, t_k: float | None = None) -> str:
        """Add a fixed-pressure source (a pressure reference).

        Parameters
        ----------
        name
            Unique name [-].
        junction
            Junction held at ``p_pa`` [-].
        p_pa
            Absolute pressure [Pa].
        t_k
            Supply temperature; ``None`` = ambient of the solver options [K].
        """
        return self.add("pressure_source", {"name": name, "junction": junction, "p_pa": p_pa, "t_k": t_k})

    def flow_source(self, name: str, junction: str, flow_kg_per_s: float, t_k: float | None = None) -> str:
        """Add a fixed-flow source.

        Parameters
        ----------
        name
            Unique name [-].
        junction
            Junction where gas enters [-].
        flow_kg_per_s
            Injected mass flow [kg/s].
        t_k
            Supply temperature; ``None`` = ambient of the solver options [K].
        """
        return self.add(
            "flow_source", {"name": name, "junction": junction, "flow_kg_per_s": flow_kg_per_s, "t_k": t_k}
        )

    def sink(self, name: str, junction: str, flow_kg_per_s: float) -> str:
        """Add an offtake.

        Parameters
        ----------
        name
            Unique name [-].
        junction
            Junction where gas leaves [-].
        flow_kg_per_s
            Withdrawn mass flow, positive out of the network [kg/s].
        """
        return self.add("sink", {"name": name, "junction": junction, "flow_kg_per_s": flow_kg_per_s})

    def compressor(
        self,
        name: str,
        from_junction: str,
        to_junction: str,
        *,
        outlet_pressure_pa: float | None = None,
        ratio: float | None = None,
        flow_kg_per_s: float | None = None,
        max_power_w: float = math.inf,
        max_ratio: float = math.inf,
        max_discharge_pa: float = math.inf,
        efficiency: float = 0.84,
        efficiency_kind: str = "isentropic",
        driver_efficiency: float = 0.36,
        fuel: bool = True,
        fuel_lhv_j_per_kg: float | None = None,
        aftercooler_outlet_k: float | None = None,
    ) -> str:
        """Add a compressor station with exactly one set point.

        Parameters
        ----------
        name
            Unique name [-].
        from_junction
            Inlet (suction) junction [-].
        to_junction
            Outlet (discharge) junction [-].
        outlet_pressure_pa
            Set point: absolute discharge pressure [Pa].
        ratio
            Set point: pressure ratio p_out/p_in [-].
        flow_kg_per_s
            Set point: mass flow entering the station, fuel included [kg/s].
        max_power_w
            Limit on shaft power [W].
        max_ratio
            Limit on the pressure ratio [-].
        max_discharge_pa
            Limit on the absolute discharge pressure [Pa].
        efficiency
            Isentropic or polytropic efficiency [-].
        efficiency_kind
            ``"isentropic"`` or ``"polytropic"`` [-].
        driver_efficiency
            Driver shaft power / fuel heat input [-].
        fuel
            Whether fuel gas is taken from the line [-].
        fuel_lhv_j_per_kg
            Lower heating value of the fuel; ``None`` = from the gas model or the default [J/kg].
        aftercooler_outlet_k
            Optional after-cooler outlet temperature [K].
        """
        return self.add(
            "compressor",
            {
                "name": name,
                "from_junction": from_junction,
                "to_junction": to_junction,
                "outlet_pressure_pa": outlet_pressure_pa,
                "ratio": ratio,
                "flow_kg_per_s": flow_kg_per_s,
                "max_power_w": max_power_w,
                "max_ratio": max_ratio,
                "max_discharge_pa": max_discharge_pa,
                "efficiency": efficiency,
                "efficiency_kind": efficiency_kind,
                "driver_efficiency": driver_efficiency,
                "fuel": fuel,
                "fuel_lhv_j_per_kg": fuel_lhv_j_per_kg,
                "aftercooler_outlet_k": aftercooler_outlet_k,
            },
        )

    def regulator(self, name: str, from_junction: str, to_junction: str, outlet_pressure_pa: float) -> str:
        """Add a pressure regulator.

        Parameters
        ----------
        name
            Unique name [-].
        from_junction
            Inlet junction [-].
        to_junction
            Outlet junction [-].
        outlet_pressure_pa
            Absolute outlet pressure set point [Pa].
        """
        return self.add(
            "regulator",
            {
                "name": name,
                "from_junction": from_junction,
                "to_junction": to_junction,
                "outlet_pressure_pa": outlet_pressure_pa,
            },
        )

    def valve(
        self,
        name: str,
        from_junction: str,
        to_junction: str,
        open: bool = True,
        diameter_m: float | None = None,
        loss_coefficient: float = 0.0,
        pressure_drop_pa: float = 0.0,
    ) -> str:
        """Add a valve.

        Parameters
        ----------
        name
            Unique name [-].
        from_junction
            First junction [-].
        to_junction
            Second junction [-].
        open
            Whether the valve is open [-].
        diameter_m
            Bore for the loss coefficient [m].
        loss_coefficient
            Loss coefficient zeta [-].
        pressure_drop_pa
            Fixed pressure drop in the flow direction (a resistor) [Pa].
        """
        return self.add(
            "valve",
            {
                "name": name,
                "from_junction": from_junction,
                "to_junction": to_junction,
                "open": open,
                "diameter_m": diameter_m,
                "loss_coefficient": loss_coefficient,
                "pressure_drop_pa": pressure_drop_pa,
            },
        )

    # -- build ---------------------------------------------------------------------------------
    def build(self) -> Network:
        """Validate the topology and return the frozen network.

        Raises
        ------
        NetworkError
            Duplicate names, unknown or identical junctions, two pressure set points on one junction,
            no junctions, or a connected part without a pressure reference (naming a junction in it).
        """
        return build_network(self.name, {kind: tuple(v) for kind, v in self._items.items()})


def _check_compressor(element: str, clean: dict[str, Any]) -> None:
    given = [k for k in ("outlet_pressure_pa", "ratio", "flow_kg_per_s") if clean[k] is not None]
    if len(given) != 1:
        raise NetworkError(
            "a compressor needs exactly one set point: outlet_pressure_pa, ratio or flow_kg_per_s",
            element=element,
            field="set point",
            value=", ".join(given) if given else "none",
        )
    if clean["ratio"] is not None and clean["ratio"] > clean["max_ratio"]:
        raise NetworkError(
            f"ratio set point above max_ratio {clean['max_ratio']:g}",
            element=element,
            field="ratio",
            value=clean["ratio"],
        )
    p_set = clean["outlet_pressure_pa"]
    if p_set is not None and p_set > clean["max_discharge_pa"]:
        raise NetworkError(
            f"outlet pressure set point above max_discharge_pa {clean['max_discharge_pa']:g} Pa",
            element=element,
            field="outlet_pressure_pa",
            value=p_set,
        )


def build_network(name: str, items: dict[str, tuple[Any, ...]]) -> Network:
    """Validate component records and their topology; return the frozen :class:`Network`.

    Parameters
    ----------
    name
        Network name [-].
    items
        Records by component kind (``"pipe"`` -> tuple of :class:`pos2.network.model.Pipe`) [-].
    """
    junctions = items.get("junction", ())
    if not junctions:
        raise NetworkError("the network has no junctions", element=name, field="junction")
    index: dict[str, int] = {}
    for j in junctions:
        if j.name in index:
            raise NetworkError("duplicate junction name", element=j.name, field="name", value=j.name)
        index[j.name] = len(index)
    seen: dict[str, str] = {}
    for kind in (*_BRANCHES, *_ATTACHED):
        for r in items.get(kind, ()):
            if r.name in seen:
                raise NetworkError(
                    f"duplicate name: a {seen[r.name]} already has this name",
                    element=r.name,
                    field="name",
                    value=r.name,
                )
            seen[r.name] = kind
    for kind in _BRANCHES:
        for r in items.get(kind, ()):
            for fld in ("from_junction", "to_junction"):
                jn = getattr(r, fld)
                if jn not in index:
                    raise NetworkError(
                        f"{kind} refers to an unknown junction", element=r.name, field=fld, value=jn
                    )
            if r.from_junction == r.to_junction:
                raise NetworkError(
                    f"{kind} starts and ends at the same junction",
                    element=r.name,
                    field="to_junction",
                    value=r.to_junction,
                )
    for kind in _ATTACHED:
        for r in items.get(kind, ()):
            if r.junction not in index:
                raise NetworkError(
                    f"{kind} refers to an unknown junction",
                    element=r.name,
                    field="junction",
                    value=r.junction,
                )
    # one pressure set point per junction
    setter: dict[str, str] = {}
    for r in items.get("pressure_source", ()):
        if r.junction in setter:
            raise NetworkError(
                f"junction pressure is already set by '{setter[r.junction]}'",
                element=r.name,
                field="junction",
                value=r.junction,
            )
        setter[r.junction] = r.name
    # only absolute set points fix a pressure: a ratio or flow compressor may share its outlet junction
    setting = [c for c in items.get("compressor", ()) if c.outlet_pressure_pa is not None]
    for r in (*setting, *items.get("regulator", ())):
        if r.to_junction in setter:
            raise NetworkError(
                f"outlet junction pressure is already set by '{setter[r.to_junction]}' (two absolute "
                "pressure set points on one junction leave the split of the flow between them "
                "undetermined: give one station a ratio or flow set point, or put a pipe between them)",
                element=r.name,
                field="to_junction",
                value=r.to_junction,
            )
        setter[r.to_junction] = r.name
    _check_parallel_ratio(items)
    _check_lossless_groups(items, index, setter)
    _check_connectivity(items, index)
    kwargs = {PLURAL[k]: tuple(items.get(k, ())) for k in RECORDS}
    return Network(name=name, **kwargs)


def _check_parallel_ratio(items: dict[str, tuple[Any, ...]]) -> None:
    """Two ratio compressors between the same junctions repeat one equation: refuse, naming both."""
    seen: dict[tuple[str, str], str] = {}
    for c in items.get("compressor", ()):
        if c.ratio is None:
            continue
        key = (c.from_junction, c.to_junction)
        if key in seen:
            raise NetworkError(
                f"compressor '{seen[key]}' already joins these junctions with a ratio set point; two "
                "parallel ratio stations leave their split undetermined (model them as one station)",
                element=c.name,
                field="to_junction",
                value=c.to_junction,
            )
        seen[key] = c.name


def _check_lossless_groups(
    items: dict[str, tuple[Any, ...]], index: dict[str, int], setter: dict[str, str]
) -> None:
    """Junctions joined by loss-free valves share one pressure: at most one pressure set point each.

    A station (compressor, regulator) whose two ends are joined by loss-free valves is refused too:
    its set point and the loss-free path contradict each other.
    """
    parent = list(range(len(index)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    links: list[str] = []
    for v in items.get("valve", ()):
        if v.lossless:
            parent[root(index[v.from_junction])] = root(index[v.to_junction])
            links.append(v.name)
    if not links:
        return
    held: dict[int, tuple[str, str]] = {}
    for junction, who in setter.items():
        g = root(index[junction])
        if g in held:
            other, other_j = held[g]
            raise NetworkError(
                f"junctions '{other_j}' and '{junction}' are joined by loss-free valves, so they share one "
                f"pressure, which both '{other}' and '{who}' set; give a valve a loss coefficient or "
                "remove one set point",
                element=who,
                field="loss-free link",
                value=junction,
            )
        held[g] = (who, junction)
    for kind in ("compressor", "regulator"):
        for r in items.get(kind, ()):
            if root(index[r.from_junction]) == root(index[r.to_junction]):
                raise NetworkError(
                    f"{kind} '{r.name}' is bridged by loss-free valves between its junctions "
                    f"'{r.from_junction}' and '{r.to_junction}' (same pressure on both sides); close the "
                    "bypass or give it a loss coefficient",
                    element=r.name,
                    field="loss-free link",
                    value=r.to_junction,
                )


def _check_connectivity(items: dict[str, tuple[Any, ...]], index: dict[str, int]) -> None:
    """Every connected part (closed valves cut) must hold a pressure source."""
    n = len(index)
    a: list[int] = []
    b: list[int] = []
    for kind in _BRANCHES:
        for r in items.get(kind, ()):
            if kind == "valve" and not r.open:
                continue
            a.append(index[r.from_junction])
            b.append(index[r.to_junction])
    graph = coo_matrix((np.ones(len(a)), (np.array(a, dtype=int), np.array(b, dtype=int))), shape=(n, n))
    n_parts, labels = connected_components(graph, directed=False)
    has_ref = np.zeros(n_parts, dtype=bool)
    for r in items.get("pressure_source", ()):
        has_ref[labels[index[r.junction]]] = True
    if has_ref.all():
        return
    names = list(index)
    part = int(np.flatnonzero(~has_ref)[0])
    members = [names[i] for i in np.flatnonzero(labels == part)]
    shown = ", ".join(f"'{m}'" for m in members[:5]) + (", ..." if len(members) > 5 else "")
    where = "the network" if n_parts == 1 else f"a disconnected part of the network ({n_parts} parts)"
    raise NetworkError(
        f"{where} has no pressure source: junctions {shown} ({len(members)} in this part) are not "
        "connected to any pressure reference (closed valves disconnect)",
        element=members[0],
        field="pressure reference",
        value=None,
    )
