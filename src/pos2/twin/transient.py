"""The line over time: events on the twin's network, survival time, linepack swing against load.

The twin's steady state at the scenario's throughput (every running station at its MAOP set point;
stations the twin bypasses or throttles at part load stay so) is the start; events change the
boundary conditions and stations, and :func:`pos2.hydraulics.transient.simulate_transient` integrates
in time. Station limits from the scenario apply (ratio, installed power, low-suction trip: below).

Events (the ``--event`` syntax of ``pos2 transient``; times take ``h``, ``min`` or ``s``)::

    trip:russia_cs3@2h            station trips at 2 h (gas passes its bypass) and stays off
    trip:russia_cs3@2h-8h         ... and restarts at 8 h
    supply_cut:50%@1h             the feeder delivers 50 % less than at the start, from 1 h on
    supply_cut:100%@1h-7h         no gas enters from 1 h to 7 h
    demand_step:+10%@3h           delivery offtake +10 % of the start value from 3 h
    ramp:-20%@2h-6h               offtake changes linearly by -20 % between 2 h and 6 h
    profile:daily                 daily offtake profile, +-10 % around the mean (same daily volume)
    profile:daily:15%             ... with +-15 %
    setpoint:mongolia_cs1=11.0@4h outlet set point of a station [MPa abs] from 4 h

The survival time is the time from the first disruptive event (trip or supply cut; else from 0) until
the delivery pressure falls below ``pipeline.min_delivery_pressure_mpa``.

Station limits over time: a station runs at most at ``stations.max_ratio`` and at its installed shaft
power (``units_per_station x unit_power_mw``; at the limit its ratio falls so that the power equals
it: less head), and trips when its suction falls below ``stations.min_suction_mpa`` (an assumption of
the scenario: 3.5 MPa abs).

>>> parse_event("trip:russia_cs3@2h").start_s
7200.0
>>> parse_event("demand_step:+10%@90min").fraction
0.1
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from pos2.errors import ScenarioError
from pos2.hydraulics.schedules import Controls, Schedule
from pos2.hydraulics.transient import TransientOptions, TransientResult, simulate_transient
from pos2.scenario import Scenario

# the chain module is being split into several modules; these are the only names used from it
from pos2.twin.dispatch import settler
from pos2.twin.gas import gas_for

__all__ = [
    "DAILY_PROFILE_AMPLITUDE",
    "DEFAULT_DT_S",
    "EVENT_KINDS",
    "Event",
    "FlexibilityBound",
    "FlexibilityTables",
    "RouteTransient",
    "flexibility_bound",
    "flexibility_tables",
    "parse_event",
    "parse_events",
    "simulate_route",
]

EVENT_KINDS = ("trip", "supply_cut", "demand_step", "ramp", "profile", "setpoint")

DEFAULT_DT_S = 600.0
"""Time step of the route simulations [s]: 10 minutes (the benchmark compares 5-15 min; the
implicit scheme is stable at any step, and the daily linepack swing changes by < 1 % between 5 and
15 min on the default scenario, docs/transient.md)."""

DAILY_PROFILE_AMPLITUDE = 0.10
"""Default half-amplitude of the daily offtake profile, as a share of the daily mean [-].

Assumption (confidence INF): the intraday shape at the Chinese border is not published
(pos2_facts.md has daily records only: PoS1 deliveries up to 18.7 % above the daily contract level,
TASS 2022-12). A +-10 % sinusoid is a moderate city-gate-like swing for a border point feeding a large
grid; change it with ``profile:daily:15%``."""

DAILY_PROFILE_PEAK_H = 16.0
"""Hour of the daily profile's peak (its minimum is 12 h earlier, at 04:00) [h]. Assumption (INF):
the usual night minimum and late-afternoon/evening maximum of gas demand."""

_TIME = r"(\d+(?:\.\d+)?)\s*(h|min|s)"
_PCT = r"([+-]?\d+(?:\.\d+)?)\s*%"
_UNIT_S = {"h": 3600.0, "min": 60.0, "s": 1.0}


@dataclass(frozen=True)
class Event:
    """One event of a route simulation (see the module docstring for the syntax)."""

    kind: str
    text: str
    start_s: float
    end_s: float | None = None
    station: str | None = None
    fraction: float | None = None
    """Signed share of the start offtake (demand), share of the start inflow cut (supply), or the
    half-amplitude of the daily profile [-]."""
    value_pa: float | None = None
    """Set point of a ``setpoint`` event [Pa absolute]."""

    @property
    def disruptive(self) -> bool:
        """A trip or a supply cut: starts the survival clock."""
        return self.kind in ("trip", "supply_cut")


def _bad(text: str, why: str) -> ScenarioError:
    return ScenarioError(
        f"{why}. Expected e.g. trip:russia_cs3@2h, trip:russia_cs3@2h-8h, supply_cut:50%@1h, "
        "demand_step:+10%@3h, ramp:-20%@2h-6h, profile:daily, profile:daily:15%, "
        "setpoint:mongolia_cs1=11.0@4h",
        field="--event",
        value=text,
    )


def _times(text: str, when: str) -> tuple[float, float | None]:
    m = re.fullmatch(rf"{_TIME}(?:\s*-\s*{_TIME})?", when.strip())
    if m is None:
        raise _bad(text, f"cannot read the time '{when}' (a number with h, min or s, or a range a-b)")
    start = float(m.group(1)) * _UNIT_S[m.group(2)]
    end = float(m.group(3)) * _UNIT_S[m.group(4)] if m.group(3) else None
    if end is not None and end <= start:
        raise _bad(text, "the end of the time range must come after its start")
    return start, end


def parse_event(text: str) -> Event:
    """Parse one ``--event`` value.

    Parameters
    ----------
    text
        The event, e.g. ``trip:russia_cs3@2h`` [-].

    Raises
    ------
    ScenarioError
        The text does not follow the syntax (``field='--event'``, the value quoted).
    """
    raw = text
    text = text.strip()
    kind, sep, rest = text.partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in EVENT_KINDS:
        raise _bad(raw, f"unknown event kind '{kind}' (known: {', '.join(EVENT_KINDS)})")
    if kind == "profile":
        m = re.fullmatch(rf"daily(?::\s*{_PCT})?", rest.strip())
        if m is None:
            raise _bad(raw, "a profile is 'profile:daily' or 'profile:daily:<amplitude>%'")
        amp = float(m.group(1)) / 100.0 if m.group(1) else DAILY_PROFILE_AMPLITUDE
        if not 0.0 < amp < 1.0:
            raise _bad(raw, "the profile's amplitude must be between 0% and 100%")
        return Event(kind, raw, 0.0, None, fraction=amp)
    what, at, when = rest.rpartition("@")
    if not at or not what.strip():
        raise _bad(raw, "missing '<what>@<time>'")
    start, end = _times(raw, when)
    what = what.strip()
    if kind == "trip":
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", what):
            raise _bad(raw, f"'{what}' is not a station name")
        return Event(kind, raw, start, end, station=what)
    if kind == "setpoint":
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*=\s*(\d+(?:\.\d+)?)\s*(?:MPa)?", what)
        if m is None:
            raise _bad(raw, "a set point is '<station>=<MPa abs>@<time>'")
        p = float(m.group(2))
        if not 0.1 <= p <= 30.0:
            raise _bad(raw, "the set point must be between 0.1 and 30 MPa (absolute)")
        return Event(kind, raw, start, end, station=m.group(1), value_pa=p * 1e6)
    m = re.fullmatch(_PCT, what)
    if m is None:
        raise _bad(raw, f"cannot read the percentage '{what}'")
    frac = float(m.group(1)) / 100.0
    if kind == "supply_cut":
        if not 0.0 < frac <= 1.0:
            raise _bad(raw, "a supply cut is between 0% (exclusive) and 100% of the inflow")
        return Event(kind, raw, start, end, fraction=frac)
    if kind == "ramp" and end is None:
        raise _bad(raw, "a ramp needs a time range, e.g. ramp:+20%@2h-6h")
    if not -1.0 < frac <= 5.0 or frac == 0.0:
        raise _bad(raw, "the change must be non-zero, above -100% and at most +500%")
    return Event(kind, raw, start, end, fraction=frac)


def parse_events(texts: Iterable[str]) -> tuple[Event, ...]:
    """Parse several ``--event`` values (see :func:`parse_event`)."""
    events = tuple(parse_event(t) for t in texts)
    if sum(e.kind == "profile" for e in events) > 1:
        raise ScenarioError("give at most one daily profile", field="--event", value=[e.text for e in events])
    return events


def demand_multiplier(events: Sequence[Event]) -> Callable[[float], float]:
    """Offtake at the delivery point as a multiple of its start value, as a function of time [s]."""

    def f(t: float) -> float:
        k = 1.0
        for e in events:
            if e.kind == "profile":
                assert e.fraction is not None
                k += e.fraction * math.cos(2.0 * math.pi * (t / 3600.0 - DAILY_PROFILE_PEAK_H) / 24.0)
            elif e.kind in ("demand_step", "ramp"):
                assert e.fraction is not None
                if e.kind == "ramp":
                    assert e.end_s is not None
                    k += e.fraction * min(max((t - e.start_s) / (e.end_s - e.start_s), 0.0), 1.0)
                elif t >= e.start_s and (e.end_s is None or t < e.end_s):
                    k += e.fraction
        return max(k, 0.0)

    return f


@dataclass(frozen=True, eq=False)
class RouteTransient:
    """The line over time: series at the delivery point, stations, the pressure along the route."""

    scenario: str
    throughput_bcm_per_year: float
    events: tuple[Event, ...]
    hours: float
    dt_s: float
    result: TransientResult
    """The solver's result (all tables, SI units)."""
    chainage_km: np.ndarray
    """Chainage of the profile points along the main line (loops left out), ascending [km]."""
    point_index: np.ndarray
    """Column of each chainage in the solver's profile arrays [-]."""
    delivery: pd.DataFrame
    """time_h, delivery_pressure_mpa, delivery_kg_per_s, supply_kg_per_s, fuel_kg_per_s, linepack_mcm."""
    stations: pd.DataFrame
    """time_h, name, suction/discharge pressure [MPa], ratio, power_mw, installed_mw, mode."""
    min_delivery_pressure_mpa: float
    survival_time_h: float | None
    """Hours from the first trip or supply cut (else from 0) until the delivery pressure falls below
    the minimum; ``None`` when it stays above within the simulated time."""
    clock_start_h: float
    rho_ref_kg_per_m3: float
    station_sites: pd.DataFrame
    """name, section, chainage_km, near of every station (running or not)."""
    warnings: tuple[str, ...] = ()
    info: dict[str, Any] = field(default_factory=dict)

    def space_time(self) -> Any:
        """Pressure along the route over time: ``xarray.DataArray`` (time_h x chainage_km) [MPa]."""
        import xarray as xr

        r = self.result
        return xr.DataArray(
            r.p_pa[:, self.point_index] / 1e6,
            dims=("time_h", "chainage_km"),
            coords={"time_h": r.profile_time_s / 3600.0, "chainage_km": self.chainage_km},
            name="p_mpa",
        )

    def space_time_table(self) -> pd.DataFrame:
        """The space-time pressure as a long table: time_h, chainage_km, p_mpa, flow_kg_per_s."""
        r = self.result
        nt, npt = r.p_pa.shape[0], self.point_index.size
        return pd.DataFrame(
            {
                "time_h": np.repeat(r.profile_time_s / 3600.0, npt),
                "chainage_km": np.tile(self.chainage_km, nt),
                "p_mpa": (r.p_pa[:, self.point_index] / 1e6).ravel(),
                "flow_kg_per_s": r.flow_kg_per_s[:, self.point_index].ravel(),
            }
        )

    @property
    def linepack_mcm(self) -> np.ndarray:
        """Linepack at every step [million m3 at the scenario's reference conditions]."""
        return np.asarray(self.delivery["linepack_mcm"].to_numpy(), dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        """The summary as plain JSON types (the ``pos2 transient --json`` object)."""
        r, d = self.result, self.delivery
        lp = self.linepack_mcm
        daily_kg = float(d["delivery_kg_per_s"].iloc[0]) * 86_400.0
        st = self.stations
        modes = (
            st[st["mode"] != "set point"].groupby("name")["mode"].agg(lambda s: sorted(set(s))).to_dict()
            if len(st)
            else {}
        )
        return {
            "scenario": self.scenario,
            "throughput_bcm_per_year": self.throughput_bcm_per_year,
            "hours": self.hours,
            "simulated_hours": float(r.time_s[-1]) / 3600.0,
            "dt_s": self.dt_s,
            "events": [
                {
                    "text": e.text,
                    "kind": e.kind,
                    "start_h": e.start_s / 3600.0,
                    "end_h": None if e.end_s is None else e.end_s / 3600.0,
                    "station": e.station,
                    "fraction": e.fraction,
                    "set_point_mpa": None if e.value_pa is None else e.value_pa / 1e6,
                }
                for e in self.events
            ],
            "min_delivery_pressure_mpa": self.min_delivery_pressure_mpa,
            "delivery_pressure_mpa": {
                "start": float(d["delivery_pressure_mpa"].iloc[0]),
                "end": float(d["delivery_pressure_mpa"].iloc[-1]),
                "min": float(d["delivery_pressure_mpa"].min()),
                "max": float(d["delivery_pressure_mpa"].max()),
            },
            "survival_time_h": self.survival_time_h,
            "survival_clock_start_h": self.clock_start_h,
            "linepack_mcm": {
                "start": float(lp[0]),
                "end": float(lp[-1]),
                "min": float(lp.min()),
                "max": float(lp.max()),
                "swing": float(lp.max() - lp.min()),
            },
            "mass_balance_error_rel": r.mass_balance_error_kg / daily_kg if daily_kg > 0 else None,
            "stations_off_set_point": modes,
            "max_station_power_over_installed": _power_excess(st),
            "series": {
                "time_h": [float(v) for v in d["time_h"]],
                "delivery_pressure_mpa": [float(v) for v in d["delivery_pressure_mpa"]],
                "linepack_mcm": [float(v) for v in d["linepack_mcm"]],
                "delivery_kg_per_s": [float(v) for v in d["delivery_kg_per_s"]],
                "supply_kg_per_s": [float(v) for v in d["supply_kg_per_s"]],
            },
            "warnings": list(self.warnings),
            "solver": {
                "steps": r.steps,
                "newton_iterations": r.iterations,
                "max_residual": r.max_residual,
                "seconds": r.solve_time_s,
                **self.info,
            },
        }


def _power_excess(st: pd.DataFrame) -> dict[str, float]:
    """Per station whose shaft power exceeds its installed power at some time: the largest ratio."""
    if not len(st):
        return {}
    ratio = st["power_mw"] / st["installed_mw"]
    over = st.assign(r=ratio)[ratio > 1.0 + 1e-9]
    return {str(k): float(v) for k, v in over.groupby("name")["r"].max().items()}


def simulate_route(
    scenario: Scenario,
    events: Sequence[Event] = (),
    hours: float = 24.0,
    *,
    dt_s: float = DEFAULT_DT_S,
    throughput_bcm_per_year: float | None = None,
    stop_at_minimum: bool = False,
    save_every_s: float | None = None,
    min_suction_mpa: float | None = None,
) -> RouteTransient:
    """Simulate the scenario's line over ``hours`` with ``events``.

    Parameters
    ----------
    scenario
        A loaded scenario [-].
    events
        Parsed events (:func:`parse_events`) [-].
    hours
        Simulated time [h].
    dt_s
        Time step [s].
    throughput_bcm_per_year
        Start throughput; default ``pipeline.throughput_bcm_per_year`` [bcm/yr].
    stop_at_minimum
        Stop as soon as the delivery pressure falls below its minimum (survival runs) [-].
    save_every_s
        Interval of the profile snapshots; default the time step [s].
    min_suction_mpa
        Low-suction trip of every station; ``None``: the scenario's ``stations.min_suction_mpa``; 0: no
        trip [MPa abs].

    Raises
    ------
    ScenarioError
        An event names a station that is not in the line or does not run at this load, or the
        hours are not positive.
    ConvergenceError, InfeasibleError
        From the solvers.
    """
    if not (math.isfinite(hours) and 0.0 < hours <= 24.0 * 31):
        raise ScenarioError(
            "must be a positive number of hours, at most 744 (31 days)", field="--hours", value=hours
        )
    m = scenario.model
    q = m.pipeline.throughput_bcm_per_year if throughput_bcm_per_year is None else throughput_bcm_per_year
    trip_mpa = m.stations.min_suction_mpa if min_suction_mpa is None else min_suction_mpa
    if not (math.isfinite(trip_mpa) and trip_mpa >= 0):
        raise ScenarioError(
            "must be a pressure >= 0 MPa (0: no trip)", field="min_suction_mpa", value=trip_mpa
        )
    settle = settler(scenario, q)
    chain, res, state, _seen, _it = settle(frozenset(), {})
    warnings: list[str] = []
    if m.stations.dispatch != "max_pressure":
        warnings.append(
            f"stations.dispatch = {m.stations.dispatch!r} is not applied over time: the transient starts "
            "from the dispatch in which every running station holds the MAOP"
        )
    # the scenario's station limits on the compressor elements (the twin checks them afterwards)
    limits = chain.station_limits
    comps = tuple(
        replace(c, max_ratio=limits[c.name][0], max_power_w=limits[c.name][1]) if c.name in limits else c
        for c in chain.network.compressors
    )
    net = replace(chain.network, compressors=comps)
    compressors = {c.name for c in comps}
    all_stations = [x.name for x in chain.stations]
    duration = hours * 3600.0
    running: dict[str, Schedule] = {}
    set_points: dict[str, Schedule] = {}
    supply: dict[str, Schedule] = {}
    feeder = next(s.name for s in net.pressure_sources)
    src = res.sources
    m0 = float(src["flow_kg_per_s"].to_numpy()[(src["name"] == feeder).to_numpy()][0])
    for e in events:
        if e.start_s >= duration:
            raise ScenarioError(
                f"starts at {e.start_s / 3600:g} h, after the end of the run ({hours:g} h)",
                field="--event",
                value=e.text,
            )
        if e.kind in ("trip", "setpoint"):
            assert e.station is not None
            if e.station not in all_stations:
                raise ScenarioError(
                    f"no station '{e.station}' on this line (stations: {', '.join(all_stations)})",
                    field="--event",
                    value=e.text,
                )
            if e.station not in compressors or e.station in state.bypassed:
                raise ScenarioError(
                    f"station '{e.station}' does not compress at {q:g} bcm/yr (the twin bypasses or "
                    "throttles it at this load), so it cannot trip or take a set point",
                    field="--event",
                    value=e.text,
                )
            if e.kind == "trip":
                t = (0.0, e.start_s) + (() if e.end_s is None else (e.end_s,))
                v = (1.0, 0.0) + (() if e.end_s is None else (1.0,))
                running[e.station] = Schedule(t, v, "step")
            else:
                assert e.value_pa is not None
                c0 = next(c for c in comps if c.name == e.station)
                base = c0.outlet_pressure_pa if c0.outlet_pressure_pa is not None else e.value_pa
                t = (0.0, e.start_s) + (() if e.end_s is None else (e.end_s,))
                v = (base, e.value_pa) + (() if e.end_s is None else (base,))
                set_points[e.station] = Schedule(t, v, "step")
        elif e.kind == "supply_cut":
            assert e.fraction is not None
            t = (0.0, e.start_s) + (() if e.end_s is None else (e.end_s,))
            v = (math.nan, (1.0 - e.fraction) * m0) + (() if e.end_s is None else (math.nan,))
            supply[feeder] = Schedule(t, v, "step")
    sinks: dict[str, Schedule] = {}
    demand = [e for e in events if e.kind in ("demand_step", "ramp", "profile")]
    if demand:
        f = demand_multiplier(demand)
        base = next(s.flow_kg_per_s for s in net.sinks if s.name == "delivery")
        grid = np.unique(
            np.concatenate(
                [np.arange(0.0, duration + dt_s / 8, dt_s / 8), [e.start_s for e in demand], [duration]]
            )
        )
        sinks["delivery"] = Schedule(tuple(grid), tuple(base * f(float(t)) for t in grid))
    controls = Controls(
        sink_flow_kg_per_s=sinks,
        source_flow_kg_per_s=supply,
        compressor_set_point=set_points,
        compressor_running=running,
    )
    min_pa = chain.end_min_pressure_mpa * 1e6
    opts = TransientOptions(
        steady=settle.sopts,
        dt_s=dt_s,
        duration_s=duration,
        save_every_s=save_every_s,
        stop_junction=chain.end_node if stop_at_minimum else None,
        stop_below_pa=min_pa if stop_at_minimum else None,
        min_suction_pa=trip_mpa * 1e6 if trip_mpa > 0 else None,
    )
    result = simulate_transient(net, gas_for(m.gas.composition), controls, opts, initial=res)
    return _collect(scenario, chain, result, tuple(events), q, hours, dt_s, min_pa, tuple(warnings))


def _collect(
    scenario: Scenario,
    chain: Any,
    r: TransientResult,
    events: tuple[Event, ...],
    q: float,
    hours: float,
    dt_s: float,
    min_pa: float,
    warnings: tuple[str, ...],
) -> RouteTransient:
    pts = r.points
    main = ~pts["pipe"].astype(str).str.endswith("_loop")
    chainage = pts["pipe"].map(chain.pipe_start_m).to_numpy(dtype=float) + pts["x_m"].to_numpy(dtype=float)
    idx = np.flatnonzero(main.to_numpy())
    order = np.argsort(chainage[idx], kind="stable")
    idx = idx[order]
    rho_ref = float(chain.rho_ref_kg_per_m3)
    t_h = r.time_s / 3600.0
    p_del = r.pressure(chain.end_node) / 1e6
    snk = r.sinks[r.sinks["name"] == "delivery"]["flow_kg_per_s"].to_numpy()
    src = r.sources.groupby("time_s", sort=True)["flow_kg_per_s"].sum().to_numpy()
    delivery = pd.DataFrame(
        {
            "time_h": t_h,
            "delivery_pressure_mpa": p_del,
            "delivery_kg_per_s": snk,
            "supply_kg_per_s": src,
            "fuel_kg_per_s": r.balance["fuel_kg_per_s"].to_numpy(),
            "linepack_mcm": r.linepack_kg / rho_ref / 1e6,
        }
    )
    c = r.compressors
    inst = {k: v[1] / 1e6 for k, v in chain.station_limits.items()}
    stations = pd.DataFrame(
        {
            "time_h": c["time_s"].to_numpy() / 3600.0,
            "name": c["name"].to_numpy(),
            "suction_pressure_mpa": c["p_in_pa"].to_numpy() / 1e6,
            "discharge_pressure_mpa": c["p_out_pa"].to_numpy() / 1e6,
            "ratio": c["ratio"].to_numpy(),
            "flow_kg_per_s": c["flow_kg_per_s"].to_numpy(),
            "power_mw": c["power_w"].to_numpy() / 1e6,
            "installed_mw": c["name"].map(inst).to_numpy(dtype=float),
            "mode": c["mode"].to_numpy(),
        }
    )
    disruptive = [e.start_s for e in events if e.disruptive]
    clock = min(disruptive) / 3600.0 if disruptive else 0.0
    survival = survival_time_h(t_h, p_del, min_pa / 1e6, clock)
    return RouteTransient(
        scenario=scenario.model.name,
        throughput_bcm_per_year=q,
        events=events,
        hours=hours,
        dt_s=dt_s,
        result=r,
        chainage_km=chainage[idx] / 1000.0,
        point_index=idx,
        delivery=delivery,
        stations=stations,
        min_delivery_pressure_mpa=min_pa / 1e6,
        survival_time_h=survival,
        clock_start_h=clock,
        rho_ref_kg_per_m3=rho_ref,
        station_sites=pd.DataFrame(
            {
                "name": [x.name for x in chain.stations],
                "section": [x.section for x in chain.stations],
                "chainage_km": [x.chainage_m / 1000.0 for x in chain.stations],
                "near": [x.near for x in chain.stations],
            }
        ),
        warnings=warnings,
        info={"segments": int(r.info["n_segments"]), "nodes": int(r.info["n_nodes"])},
    )


def survival_time_h(
    t_h: np.ndarray, p_mpa: np.ndarray, p_min_mpa: float, clock_start_h: float
) -> float | None:
    """Hours from ``clock_start_h`` until ``p_mpa`` first falls below ``p_min_mpa`` (linear between
    samples); ``None`` when it does not within the series.

    Parameters
    ----------
    t_h
        Times [h].
    p_mpa
        Pressure at those times [MPa].
    p_min_mpa
        Threshold [MPa].
    clock_start_h
        Start of the clock [h].

    >>> round(survival_time_h(np.array([0.0, 1.0, 2.0]), np.array([6.0, 5.6, 5.2]), 5.5, 0.0), 9)
    1.25
    """
    below = np.flatnonzero((p_mpa < p_min_mpa) & (t_h >= clock_start_h))
    if below.size == 0:
        return None
    i = int(below[0])
    if i == 0:
        return 0.0
    t0, t1, p0, p1 = t_h[i - 1], t_h[i], p_mpa[i - 1], p_mpa[i]
    t_cross = t1 if p0 == p1 else t0 + (p0 - p_min_mpa) / (p0 - p1) * (t1 - t0)
    return float(max(t_cross, clock_start_h) - clock_start_h)


# ------------------------------------------------------------------------------------------------
# the quantities of the report and dashboard sections
# ------------------------------------------------------------------------------------------------

_CACHE: dict[tuple[Any, ...], Any] = {}
_CACHE_SIZE = 16
_CACHE_LOCK = threading.Lock()


def _digest(scenario: Scenario) -> str:
    """Digest of the scenario's values: equal scenarios share the cached flexibility results."""
    return hashlib.blake2b(scenario.model.model_dump_json().encode(), digest_size=16).hexdigest()


def _remember(key: tuple[Any, ...], value: Any) -> None:
    with _CACHE_LOCK:
        _CACHE[key] = value
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))


@dataclass(frozen=True, eq=False)
class FlexibilityTables:
    """What the report and dashboard show about the line's flexibility (see :func:`flexibility_tables`)."""

    linepack_swing: pd.DataFrame
    """One row per load: load_factor, throughput_bcm_per_year, linepack_start_mcm, linepack_min_mcm,
    linepack_max_mcm, linepack_swing_mcm, swing_share_of_daily_delivery, profile_amplitude,
    delivery_pressure_min_mpa, delivery_pressure_ok (stays at or above the minimum)."""
    survival: pd.DataFrame
    """One row per tripped station (and a total supply cut): event, station, chainage_km,
    survival_time_h (NaN: beyond the horizon), horizon_h, linepack_start_mcm."""
    space_time: Any
    """``xarray.DataArray`` time_h x chainage_km of the pressure [MPa] after the first trip."""
    space_time_event: str
    settings: dict[str, Any] = field(default_factory=dict)


def flexibility_tables(
    scenario: Scenario,
    *,
    loads: Sequence[float] = (0.6, 0.7, 0.8, 0.9, 1.0),
    stations: Sequence[str] | None = None,
    amplitude: float = DAILY_PROFILE_AMPLITUDE,
    trip_at_h: float = 1.0,
    horizon_h: float = 48.0,
    dt_s: float = 900.0,
) -> FlexibilityTables:
    """Linepack swing against load, survival time after a trip at a few stations, and a space-time
    pressure map: the quantities of the report's and the dashboard's flexibility section.

    Parameters
    ----------
    scenario
        A loaded scenario [-].
    loads
        Load factors (shares of ``pipeline.throughput_bcm_per_year``) [-].
    stations
        Stations to trip one at a time; default the first, a middle and the last station of the first
        section and the first and last of the second [-].
    amplitude
        Half-amplitude of the daily offtake profile [-].
    trip_at_h
        When the station trips [h].
    horizon_h
        Longest simulated time after the trip [h].
    dt_s
        Time step [s].

    Results are cached per scenario content and arguments (in this process).
    """
    picked = None if stations is None else tuple(stations)
    key = ("tables", _digest(scenario), tuple(loads), picked, amplitude, trip_at_h, horizon_h, dt_s)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    out = _flexibility_tables(scenario, loads, stations, amplitude, trip_at_h, horizon_h, dt_s)
    _remember(key, out)
    return out


def _flexibility_tables(
    scenario: Scenario,
    loads: Sequence[float],
    stations: Sequence[str] | None,
    amplitude: float,
    trip_at_h: float,
    horizon_h: float,
    dt_s: float,
) -> FlexibilityTables:
    m = scenario.model
    q_design = m.pipeline.throughput_bcm_per_year
    profile = parse_event(f"profile:daily:{amplitude * 100:g}%")
    rows = []
    for lf in loads:
        rt = simulate_route(scenario, (profile,), 24.0, dt_s=dt_s, throughput_bcm_per_year=lf * q_design)
        lp = rt.linepack_mcm
        daily_mcm = float(rt.delivery["delivery_kg_per_s"].mean()) * 86_400.0 / rt.rho_ref_kg_per_m3 / 1e6
        p = rt.delivery["delivery_pressure_mpa"]
        rows.append(
            {
                "load_factor": lf,
                "throughput_bcm_per_year": lf * q_design,
                "linepack_start_mcm": float(lp[0]),
                "linepack_min_mcm": float(lp.min()),
                "linepack_max_mcm": float(lp.max()),
                "linepack_swing_mcm": float(lp.max() - lp.min()),
                "swing_share_of_daily_delivery": float(lp.max() - lp.min()) / daily_mcm,
                "profile_amplitude": amplitude,
                "delivery_pressure_min_mpa": float(p.min()),
                "delivery_pressure_ok": bool(p.min() >= rt.min_delivery_pressure_mpa),
            }
        )
    swing = pd.DataFrame(rows)
    sites = rt.station_sites
    if stations is None:
        picks: list[str] = []
        for _sec, grp in sites.groupby("section", sort=False):
            names = list(grp.sort_values("chainage_km")["name"])
            picks += [names[0], names[len(names) // 2], names[-1]] if not picks else [names[0], names[-1]]
        stations = list(dict.fromkeys(picks))
    where = dict(zip(sites["name"], sites["chainage_km"], strict=True))
    surv_rows = []
    space_time = None
    first_event = ""
    runs = [f"trip:{s}@{trip_at_h:g}h" for s in stations] + [f"supply_cut:100%@{trip_at_h:g}h"]
    for text in runs:
        ev = parse_event(text)
        rt = simulate_route(scenario, (ev,), trip_at_h + horizon_h, dt_s=dt_s, stop_at_minimum=True)
        surv_rows.append(
            {
                "event": text,
                "station": ev.station,
                "chainage_km": where.get(ev.station, math.nan) if ev.station else math.nan,
                "survival_time_h": math.nan if rt.survival_time_h is None else rt.survival_time_h,
                "horizon_h": horizon_h,
                "linepack_start_mcm": float(rt.linepack_mcm[0]),
            }
        )
        if space_time is None:
            space_time = rt.space_time()
            first_event = text
    return FlexibilityTables(
        linepack_swing=swing,
        survival=pd.DataFrame(surv_rows),
        space_time=space_time,
        space_time_event=first_event,
        settings={"dt_s": dt_s, "amplitude": amplitude, "trip_at_h": trip_at_h, "horizon_h": horizon_h},
    )


# ------------------------------------------------------------------------------------------------
# the physical bound of the flexibility band (read by the deal model)
# ------------------------------------------------------------------------------------------------

INTRADAY_SWING_CAP = 0.5
"""Largest intraday half-amplitude searched (+-50 % of the daily mean) [-]."""


@dataclass(frozen=True, eq=False)
class FlexibilityBound:
    """What the line can physically deliver around a flat contract rate, per load factor.

    Read by the deal model as a physical bound on the contract's flexibility band (see
    docs/transient.md, "Flexibility bound"). All shares are of the mean rate at that load.
    """

    scenario: str
    design_throughput_bcm_per_year: float
    """``pipeline.throughput_bcm_per_year`` [bcm/yr]."""
    capacity_bcm_per_year: float
    """Largest steady throughput the installed power, the ratio limit, the MAOP and the minimum
    delivery pressure allow (:func:`pos2.twin.analysis.capacity`) [bcm/yr]."""
    table: pd.DataFrame
    """One row per load factor: ``load_factor``, ``throughput_bcm_per_year``,
    ``seasonal_swing_max`` (the share by which the peak-season rate may exceed the annual mean:
    capacity / throughput - 1, at least 0), ``intraday_swing_max`` (the largest half-amplitude of the
    daily offtake profile the line delivers from linepack with the delivery pressure at or above its
    minimum and every station within its limits), ``intraday_capped`` (the search stopped at
    ``INTRADAY_SWING_CAP``: the bound is at least this), ``intraday_linepack_swing_mcm`` (the linepack
    swing over that day, million m3) and ``delivery_pressure_min_mpa`` (the lowest delivery pressure
    that day)."""
    settings: dict[str, Any] = field(default_factory=dict)

    def at(self, load_factor: float) -> dict[str, float]:
        """The bound at a load factor, linear between the tabulated loads (clamped at the ends).

        Parameters
        ----------
        load_factor
            Mean rate over ``pipeline.throughput_bcm_per_year`` [-].
        """
        t = self.table.sort_values("load_factor")
        lf = t["load_factor"].to_numpy(dtype=float)
        q = load_factor * self.design_throughput_bcm_per_year
        return {
            "load_factor": float(load_factor),
            "throughput_bcm_per_year": q,
            "seasonal_swing_max": max(self.capacity_bcm_per_year / q - 1.0, 0.0) if q > 0 else math.inf,
            "intraday_swing_max": float(np.interp(load_factor, lf, t["intraday_swing_max"].to_numpy(float))),
        }

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types (the ``pos2 transient --flexibility --json`` object, without tariffs)."""
        return {
            "scenario": self.scenario,
            "design_throughput_bcm_per_year": self.design_throughput_bcm_per_year,
            "capacity_bcm_per_year": self.capacity_bcm_per_year,
            "loads": [
                {k: (bool(v) if isinstance(v, bool | np.bool_) else float(v)) for k, v in row.items()}
                for row in self.table.to_dict(orient="records")
            ],
            "settings": self.settings,
        }


def _intraday_ok(scenario: Scenario, q: float, amplitude: float, dt_s: float) -> tuple[bool, Any]:
    from pos2.errors import ConvergenceError, InfeasibleError

    try:
        rt = simulate_route(
            scenario,
            (parse_event(f"profile:daily:{amplitude * 100:.6g}%"),),
            24.0,
            dt_s=dt_s,
            throughput_bcm_per_year=q,
            save_every_s=24 * 3600.0,
        )
    except (ConvergenceError, InfeasibleError):
        return False, None
    p_ok = float(rt.delivery["delivery_pressure_mpa"].min()) >= rt.min_delivery_pressure_mpa
    st = rt.stations
    tripped = bool((st["mode"] == "low suction trip").any()) if len(st) else False
    return p_ok and not tripped, rt


def flexibility_bound(
    scenario: Scenario,
    *,
    loads: Sequence[float] = (0.6, 0.7, 0.8, 0.9, 1.0),
    dt_s: float = 900.0,
    tol: float = 0.01,
) -> FlexibilityBound:
    """The physical bound of the flexibility band: seasonal swing from spare capacity, intraday
    swing from linepack, at each load factor.

    Seasonal: the peak-season rate may rise to the steady capacity of the installed stations (a
    steady estimate at the scenario's season; storage and line-pack cycling over weeks are not
    modelled). Intraday: bisection (to ``tol``) on the half-amplitude of ``profile:daily`` (a cosine
    around the mean, same daily volume) over a day simulated from the steady start; a swing is
    deliverable when the solvers converge, the delivery pressure stays at or above
    ``pipeline.min_delivery_pressure_mpa`` and no station trips on low suction (the ratio and power
    limits act inside the simulation).

    Parameters
    ----------
    scenario
        A loaded scenario [-].
    loads
        Load factors (shares of ``pipeline.throughput_bcm_per_year``) [-].
    dt_s
        Time step of the day simulations [s].
    tol
        Width of the final amplitude interval [-].
    """
    key = ("bound", _digest(scenario), tuple(loads), dt_s, tol)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    out = _flexibility_bound(scenario, loads, dt_s, tol)
    _remember(key, out)
    return out


def _flexibility_bound(
    scenario: Scenario, loads: Sequence[float], dt_s: float, tol: float
) -> FlexibilityBound:
    from pos2.twin.analysis import capacity

    m = scenario.model
    q_design = m.pipeline.throughput_bcm_per_year
    cap = capacity(scenario).throughput_bcm_per_year
    rows = []
    for lf in loads:
        q = lf * q_design
        lo, hi = 0.0, INTRADAY_SWING_CAP
        ok_hi, rt_hi = _intraday_ok(scenario, q, hi, dt_s)
        best = rt_hi if ok_hi else None
        if not ok_hi:
            while hi - lo > tol:
                mid = 0.5 * (lo + hi)
                ok, rt = _intraday_ok(scenario, q, mid, dt_s)
                if ok:
                    lo, best = mid, rt
                else:
                    hi = mid
        amp = INTRADAY_SWING_CAP if ok_hi else lo
        if best is None:  # even the smallest swing tried fails: measure the flat day
            best = simulate_route(scenario, (), 24.0, dt_s=dt_s, throughput_bcm_per_year=q)
        lp = best.linepack_mcm
        rows.append(
            {
                "load_factor": float(lf),
                "throughput_bcm_per_year": q,
                "seasonal_swing_max": max(cap / q - 1.0, 0.0),
                "intraday_swing_max": amp,
                "intraday_capped": bool(ok_hi),
                "intraday_linepack_swing_mcm": float(lp.max() - lp.min()),
                "delivery_pressure_min_mpa": float(best.delivery["delivery_pressure_mpa"].min()),
            }
        )
    return FlexibilityBound(
        scenario=m.name,
        design_throughput_bcm_per_year=q_design,
        capacity_bcm_per_year=float(cap),
        table=pd.DataFrame(rows),
        settings={"dt_s": dt_s, "tol": tol, "intraday_cap": INTRADAY_SWING_CAP, "hours": 24.0},
    )
