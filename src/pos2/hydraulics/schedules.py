"""Time series of boundary conditions and set points for the transient solver.

A :class:`Schedule` is a value over time, either interpolated linearly between its points or held
from one point to the next (``kind="step"``); before the first point it has the first value, after
the last point the last value. :class:`Controls` maps element names of a network to schedules: sink
offtakes, flow-source injections, pressure-source pressures (or a pressure source held at a given
inflow: a supply cut), compressor set points, compressor trips, valve positions.

>>> s = Schedule((0.0, 3600.0), (100.0, 110.0))
>>> s.at(1800.0)
105.0
>>> Schedule((0.0, 7200.0), (1.0, 0.0), kind="step").at(7199.0)
1.0
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from pos2.errors import NetworkError
from pos2.network.model import Network

__all__ = ["Controls", "Schedule", "network_at"]

SCHEDULE_KINDS = ("linear", "step")


@dataclass(frozen=True)
class Schedule:
    """A value over time.

    Parameters
    ----------
    t_s
        Times of the points, strictly increasing [s].
    values
        Value at each point, in the unit of the quantity it drives [-].
    kind
        ``linear`` (interpolate between points) or ``step`` (hold each value until the next point;
        ``NaN`` is allowed and means "released", e.g. a pressure source back on pressure control) [-].
    """

    t_s: tuple[float, ...]
    values: tuple[float, ...]
    kind: str = "linear"

    def __post_init__(self) -> None:
        t = tuple(float(v) for v in self.t_s)
        v = tuple(float(x) for x in self.values)
        object.__setattr__(self, "t_s", t)
        object.__setattr__(self, "values", v)
        if self.kind not in SCHEDULE_KINDS:
            raise NetworkError(
                f"must be one of {', '.join(SCHEDULE_KINDS)}",
                element="Schedule",
                field="kind",
                value=self.kind,
            )
        if not t or len(t) != len(v):
            raise NetworkError(
                f"needs at least one point and as many values as times ({len(t)} times, {len(v)} values)",
                element="Schedule",
                field="t_s",
                value=t,
            )
        if not all(math.isfinite(x) for x in t) or any(b <= a for a, b in itertools.pairwise(t)):
            raise NetworkError(
                "times must be finite and strictly increasing", element="Schedule", field="t_s", value=t
            )
        if self.kind == "linear" and not all(math.isfinite(x) for x in v):
            raise NetworkError(
                "a linear schedule needs finite values", element="Schedule", field="values", value=v
            )

    @classmethod
    def constant(cls, value: float) -> Schedule:
        """The same value at all times [-]."""
        return cls((0.0,), (float(value),), "step")

    def at(self, t_s: float) -> float:
        """The value at time ``t_s`` [s]."""
        t, v = self.t_s, self.values
        if self.kind == "step":
            i = bisect.bisect_right(t, t_s) - 1
            return v[max(i, 0)]
        if t_s <= t[0]:
            return v[0]
        if t_s >= t[-1]:
            return v[-1]
        i = bisect.bisect_right(t, t_s) - 1
        w = (t_s - t[i]) / (t[i + 1] - t[i])
        return v[i] + w * (v[i + 1] - v[i])

    def breakpoints(self) -> tuple[float, ...]:
        """The times at which the value changes its course [s]."""
        return self.t_s


def _frozen(m: Mapping[str, Schedule]) -> Mapping[str, Schedule]:
    return MappingProxyType(dict(m))


@dataclass(frozen=True)
class Controls:
    """Time-dependent boundary conditions and set points, by element name.

    Parameters
    ----------
    sink_flow_kg_per_s
        Offtake of a sink [kg/s].
    flow_source_kg_per_s
        Injection of a flow source [kg/s].
    source_pressure_pa
        Pressure of a pressure source [Pa absolute].
    source_flow_kg_per_s
        A pressure source held at this inflow instead of its pressure (a supply cut); ``step`` schedule
        whose ``NaN`` means pressure control. It must be ``NaN`` at ``t = 0`` (the start is a steady
        state with the source on pressure control) [kg/s].
    compressor_set_point
        Set point of a compressor in the kind the network gives it: outlet pressure [Pa], ratio [-] or
        flow [kg/s].
    compressor_running
        ``step`` schedule: 1 running, 0 tripped (the gas passes the station's bypass: ratio 1, no fuel) [-].
    valve_open
        ``step`` schedule: 1 open, 0 closed [-].
    """

    sink_flow_kg_per_s: Mapping[str, Schedule] = field(default_factory=dict)
    flow_source_kg_per_s: Mapping[str, Schedule] = field(default_factory=dict)
    source_pressure_pa: Mapping[str, Schedule] = field(default_factory=dict)
    source_flow_kg_per_s: Mapping[str, Schedule] = field(default_factory=dict)
    compressor_set_point: Mapping[str, Schedule] = field(default_factory=dict)
    compressor_running: Mapping[str, Schedule] = field(default_factory=dict)
    valve_open: Mapping[str, Schedule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in _FIELDS:
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    def check(self, net: Network) -> None:
        """Raise :class:`NetworkError` naming the element when a schedule does not fit ``net``."""
        kinds: dict[str, tuple[str, tuple[Any, ...]]] = {
            "sink_flow_kg_per_s": ("sink", net.sinks),
            "flow_source_kg_per_s": ("flow source", net.flow_sources),
            "source_pressure_pa": ("pressure source", net.pressure_sources),
            "source_flow_kg_per_s": ("pressure source", net.pressure_sources),
            "compressor_set_point": ("compressor", net.compressors),
            "compressor_running": ("compressor", net.compressors),
            "valve_open": ("valve", net.valves),
        }
        for fld, (what, records) in kinds.items():
            names = {r.name for r in records}
            for name, sched in getattr(self, fld).items():
                if name not in names:
                    raise NetworkError(
                        f"no {what} of this name in network '{net.name}'", element=name, field=fld
                    )
                if not isinstance(sched, Schedule):
                    raise NetworkError(
                        "must be a Schedule", element=name, field=fld, value=type(sched).__name__
                    )
                if (
                    fld in ("source_flow_kg_per_s", "compressor_running", "valve_open")
                    and sched.kind != "step"
                ):
                    raise NetworkError("must be a step schedule", element=name, field=fld, value=sched.kind)
        for name, sched in self.source_flow_kg_per_s.items():
            if not math.isnan(sched.at(0.0)):
                raise NetworkError(
                    "a pressure source can switch to a fixed inflow only after t = 0 (NaN at t = 0)",
                    element=name,
                    field="source_flow_kg_per_s",
                    value=sched.at(0.0),
                )
        for name, sched in self.sink_flow_kg_per_s.items():
            if any(v < 0 for v in sched.values):
                raise NetworkError(
                    "offtake must be >= 0", element=name, field="sink_flow_kg_per_s", value=min(sched.values)
                )

    def breakpoints(self) -> tuple[float, ...]:
        """All schedule times, sorted [s]."""
        out: set[float] = set()
        for name in _FIELDS:
            for s in getattr(self, name).values():
                out.update(s.breakpoints())
        return tuple(sorted(out))


_FIELDS = (
    "sink_flow_kg_per_s",
    "flow_source_kg_per_s",
    "source_pressure_pa",
    "source_flow_kg_per_s",
    "compressor_set_point",
    "compressor_running",
    "valve_open",
)


def network_at(net: Network, controls: Controls, t_s: float) -> Network:
    """The network with the controls' values at time ``t_s`` (for a steady state at that time).

    Sources held at a fixed inflow (``source_flow_kg_per_s``) keep their pressure control: the steady
    solver needs a pressure source.

    Parameters
    ----------
    net
        The network [-].
    controls
        The schedules [-].
    t_s
        Time [s].
    """
    controls.check(net)

    def sub(records: tuple[Any, ...], sched: Mapping[str, Schedule], attr: str) -> tuple[Any, ...]:
        return tuple(replace(r, **{attr: sched[r.name].at(t_s)}) if r.name in sched else r for r in records)

    comps = []
    for c in net.compressors:
        if c.name in controls.compressor_set_point:
            kind = {"outlet_pressure": "outlet_pressure_pa", "ratio": "ratio", "flow": "flow_kg_per_s"}[
                c.set_point
            ]
            c = replace(c, **{kind: controls.compressor_set_point[c.name].at(t_s)})  # type: ignore[arg-type]
        run = controls.compressor_running.get(c.name)
        if run is not None and not run.at(t_s) > 0.5:
            c = replace(
                c,
                outlet_pressure_pa=None,
                ratio=1.0,
                flow_kg_per_s=None,
                fuel=False,
                aftercooler_outlet_k=None,
            )
        comps.append(c)
    valves = tuple(
        replace(v, open=controls.valve_open[v.name].at(t_s) > 0.5) if v.name in controls.valve_open else v
        for v in net.valves
    )
    return replace(
        net,
        sinks=sub(net.sinks, controls.sink_flow_kg_per_s, "flow_kg_per_s"),
        flow_sources=sub(net.flow_sources, controls.flow_source_kg_per_s, "flow_kg_per_s"),
        pressure_sources=sub(net.pressure_sources, controls.source_pressure_pa, "p_pa"),
        compressors=tuple(comps),
        valves=valves,
    )
