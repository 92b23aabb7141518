"""Build the pipeline as a chain network and solve it: the twin at one operating point.

The line is a chain of pipes between route nodes (waypoints, stations, loop starts). Each compressor
station is a compressor element whose outlet-pressure set point is the section's maximum operating
pressure (MAOP); the head station takes gas from a fixed-pressure source (the feeder system); the
delivery point is a sink with the throughput. Fuel gas is taken from the line at each station.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from pos2.errors import ConvergenceError, GasError, InfeasibleError, NetworkError, ScenarioError
from pos2.gas.model import GasModel
from pos2.scenario import Scenario
from pos2.scenario.sections_twin import STEEL_SMYS_MPA
from pos2.twin.route import RouteGeometry, StationSite, build_route
from pos2.twin.summary import SectionSummary, StationSummary, TwinSummary
from pos2.units import ISO_STANDARD, SECONDS_PER_YEAR, ReferenceConditions, celsius_to_k

MAX_HOOP_UTILISATION = 0.80
"""Largest accepted hoop stress / SMYS at MAOP [-] (assumption: a usual onshore design factor, above
the ~0.66 at which Gazprom lines run (eng §1b), so that only a wall clearly too thin is refused)."""


TWIN_GAS_P_RANGE_PA = (1e3, 30e6)
"""Pressure range of the twin's GERG-2008 tables [Pa]: wider than the default so that the solver's
Newton trial steps on long lines (which may overshoot well beyond the final pressures) stay inside."""


@cache
def gas_for(composition: str) -> GasModel:
    """The fast tabulated GERG-2008 gas model of a composition preset (cached).

    Parameters
    ----------
    composition
        Preset name: ``west_siberian`` or ``pure_methane`` [-]
    """
    from pos2.gas.composition import PRESETS
    from pos2.gas.tables import TabulatedGas

    if composition not in PRESETS:
        raise ScenarioError("unknown gas composition preset", field="gas.composition", value=composition)
    return TabulatedGas.from_composition(PRESETS[composition], p_range_pa=TWIN_GAS_P_RANGE_PA)


def reference_info(scenario: Scenario, throughput_bcm_per_year: float) -> dict[str, Any]:
    """The scenario's volume reference conditions, and the throughput as mass flow and at ISO 15 degC.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    throughput_bcm_per_year
        Throughput at the scenario's reference conditions [bcm/yr].
    """
    m = scenario.model
    gas = gas_for(m.gas.composition)
    p_ref = m.gas.reference_pressure_kpa * 1e3
    rho = float(gas.reference_density(celsius_to_k(m.gas.reference_temperature_c), p_ref))
    rho_iso = float(gas.reference_density(ISO_STANDARD.t_k, ISO_STANDARD.p_pa))
    return {
        "composition": m.gas.composition,
        "reference_temperature_c": m.gas.reference_temperature_c,
        "reference_pressure_kpa": m.gas.reference_pressure_kpa,
        "reference_density_kg_per_m3": rho,
        "throughput_kg_per_s": throughput_bcm_per_year * 1e9 * rho / SECONDS_PER_YEAR,
        "throughput_bcm_per_year_iso_15c": throughput_bcm_per_year * rho / rho_iso,
    }


@dataclass(frozen=True)
class Violation:
    """A limit a result breaks: which element, which constraint, the value and the limit."""

    element: str
    constraint: str
    value: float
    limit: float
    unit: str

    def message(self) -> str:
        """Human-readable description."""
        return (
            f"{self.element}: {self.constraint} {self.value:.3f} {self.unit} "
            f"(limit {self.limit:.3f} {self.unit})"
        )


@dataclass(frozen=True)
class TwinResult:
    """The twin at one operating point: summary, tidy tables and the limits it breaks."""

    summary: TwinSummary
    profile: pd.DataFrame
    """Along the route: chainage_km, section, pipe, elevation_m, p_mpa, t_c, rho_kg_per_m3, v_m_per_s."""
    stations: pd.DataFrame
    """One row per station: name, section, chainage_km, near, suction/discharge pressure, ratio, power."""
    route: pd.DataFrame
    """Waypoints with chainage."""
    geometry: RouteGeometry
    violations: tuple[Violation, ...] = ()
    warnings: tuple[str, ...] = ()
    solver: dict[str, Any] = field(default_factory=dict)
    """Iterations, residual and run time of the steady solve."""

    @property
    def feasible(self) -> bool:
        """True when no limit is broken."""
        return not self.violations


@dataclass(frozen=True)
class ChainOptions:
    """Variations of the scenario that are not scenario keys (used by the analyses)."""

    flat_terrain: bool = False
    """Set every elevation to that of the first waypoint (to isolate the effect of the terrain)."""
    section: str | None = None
    """Solve only this section (``None`` = the whole line)."""
    inlet_pressure_mpa: float | None = None
    """Section-only runs of a downstream section: suction pressure at its start [MPa]; default
    MAOP / max ratio (the lowest suction its head station accepts)."""
    end_min_pressure_mpa: float | None = None
    """Lowest acceptable pressure at the end of the solved part [MPa]; default: the delivery minimum
    for the last section, MAOP / max ratio of the next section for the upstream section."""


def _where(scenario: Scenario, key: str) -> tuple[str | None, int | None]:
    for s in scenario.sources:
        if s.key == key:
            return s.path, s.line
    return scenario.origin, None


def check_scenario(scenario: Scenario) -> None:
    """Checks across sections that the section models cannot do alone.

    Parameters
    ----------
    scenario
        A loaded scenario [-]

    Raises
    ------
    ScenarioError
        A waypoint's region missing from ``thermal.regions``; a wall too thin for the MAOP.
    """
    m = scenario.model
    check_units(scenario)
    regions = {r.name for r in m.thermal.regions}
    for i, w in enumerate(m.route.waypoints):
        if w.region not in regions:
            path, line = _where(scenario, "thermal.regions")
            raise ScenarioError(
                f"waypoint '{w.name}': region not defined in thermal.regions ({', '.join(sorted(regions))})",
                path=path,
                line=line,
                field=f"route.waypoints[{i}].region",
                value=w.region,
            )
    for which in ("upstream", "downstream"):
        spec = getattr(m.route, which)
        util = spec.hoop_stress_mpa / STEEL_SMYS_MPA[spec.steel_grade]
        if util > MAX_HOOP_UTILISATION:
            path, line = _where(scenario, f"route.{which}.wall_thickness_mm")
            raise ScenarioError(
                f"hoop stress {spec.hoop_stress_mpa:.0f} MPa at {spec.max_pressure_mpa} MPa is "
                f"{util:.0%} of the {spec.steel_grade} yield strength (limit {MAX_HOOP_UTILISATION:.0%})",
                path=path,
                line=line,
                field=f"route.{which}.wall_thickness_mm",
                value=spec.wall_thickness_mm,
            )
    # pressures that contradict the line's own maximum operating pressure: refused here rather than
    # reported later as a friction collapse or a broken delivery limit
    first, last = m.route.upstream, m.route.downstream
    for key, value, limit, what in (
        ("pipeline.head_pressure_mpa", m.pipeline.head_pressure_mpa, first, "the gas entering the line"),
        ("pipeline.min_delivery_pressure_mpa", m.pipeline.min_delivery_pressure_mpa, last, "the delivery"),
    ):
        if value > limit.max_pressure_mpa:
            path, line = _where(scenario, key)
            raise ScenarioError(
                f"{what} at {value:g} MPa would be above the {limit.name} section's maximum operating "
                f"pressure route.{'upstream' if limit is first else 'downstream'}.max_pressure_mpa = "
                f"{limit.max_pressure_mpa:g} MPa (absolute)",
                path=path,
                line=line,
                field=key,
                value=value,
            )


TWIN_SECTIONS = ("pipeline", "gas", "route", "stations", "thermal")
"""Top-level scenario sections owned by the twin."""


def _norm_unit(u: str) -> str:
    return " ".join(u.replace("°", "deg").split()).lower()


def check_units(scenario: Scenario) -> None:
    """Every twin value written with a ``unit`` must use the schema's unit (no silent conversion).

    Parameters
    ----------
    scenario
        A loaded scenario [-]

    Raises
    ------
    ScenarioError
        Naming file, line, field and the unknown unit.
    """
    from pos2.scenario.schema import schema_table

    units = {r.key: r.unit for r in schema_table()}
    for sv in scenario.sources:
        if not sv.unit or not sv.key.startswith(TWIN_SECTIONS) or sv.key not in units:
            continue
        expected = units[sv.key]
        if expected and _norm_unit(sv.unit) != _norm_unit(expected):
            raise ScenarioError(
                f"unit '{sv.unit}' is not the unit of this field ('{expected}'); convert the value",
                path=sv.path,
                line=sv.line,
                field=sv.key,
                value=sv.value,
            )


@dataclass(frozen=True)
class Chain:
    """A built chain network with the bookkeeping to read its results."""

    network: Any
    geometry: RouteGeometry
    stations: tuple[StationSite, ...]
    pipe_start_m: dict[str, float]
    pipe_section: dict[str, str]
    station_limits: dict[str, tuple[float, float]]
    """Station name -> (max ratio, installed power [W])."""
    delivered_kg_per_s: float
    rho_ref_kg_per_m3: float
    end_node: str
    end_name: str
    end_min_pressure_mpa: float
    pipe_length_m: dict[str, float]


def stations_of(scenario: Scenario, geometry: RouteGeometry) -> list[StationSite]:
    """All stations of the scenario, in route order.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    geometry
        Its route geometry [-]
    """
    sites: list[StationSite] = []
    for which in ("upstream", "downstream"):
        spec = getattr(scenario.model.route, which)
        try:
            sites += geometry.place_stations(
                spec.name, spec.station_count, spec.station_chainages_km, spec.station_names
            )
        except ScenarioError as e:
            key = f"route.{which}.station_chainages_km"
            path, line = _where(scenario, key)
            raise ScenarioError(
                str(e).split(": ", 1)[-1], path=path, line=line, field=key, value=e.value
            ) from None
    return sites


def build_chain(
    scenario: Scenario,
    throughput_bcm_per_year: float,
    options: ChainOptions | None = None,
    geometry: RouteGeometry | None = None,
    *,
    bypassed: frozenset[str] = frozenset(),
    throttled: frozenset[str] = frozenset(),
    set_points_pa: dict[str, float] | None = None,
) -> Chain:
    """Build the chain network of a scenario at a throughput.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    throughput_bcm_per_year
        Delivered throughput [bcm/yr at the scenario's reference conditions].
    options
        Variations that are not scenario keys [-]
    geometry
        The route geometry, if already built [-]
    bypassed
        Stations not running: the gas flows through their bypass (a compressor element at pressure
        ratio 1 with no fuel and no after-cooler, i.e. a lossless straight-through line) [-]
    throttled
        Stations that throttle: the gas passes through a pressure regulator that holds the outlet at
        the station's set point (part load, where the line would otherwise rise above its MAOP) [-]
    set_points_pa
        Outlet-pressure set point per station [Pa absolute]; default the section's MAOP.
    """
    from pos2.network import NetworkBuilder

    opts = options or ChainOptions()
    m = scenario.model
    check_scenario(scenario)
    geo = geometry or build_route(m.route, scenario)
    gas = gas_for(m.gas.composition)
    ref = ReferenceConditions(
        "scenario", celsius_to_k(m.gas.reference_temperature_c), m.gas.reference_pressure_kpa * 1e3
    )
    rho_ref = float(gas.reference_density(ref.t_k, ref.p_pa))
    to_kg_s = rho_ref * 1e9 / SECONDS_PER_YEAR
    delivered = throughput_bcm_per_year * to_kg_s
    sites = stations_of(scenario, geo)
    specs = {m.route.upstream.name: m.route.upstream, m.route.downstream.name: m.route.downstream}
    points = list(enumerate(geo.points))
    first_section = geo.sections[0].name
    if opts.section is not None:
        if opts.section not in specs:
            raise ScenarioError(
                f"no such section (known: {', '.join(specs)})", field="section", value=opts.section
            )
        sg = geo.section(opts.section)
        points = [(i, p) for i, p in points if sg.start_m - 1e-6 <= p.chainage_m <= sg.end_m + 1e-6]
        sites = [s for s in sites if s.section == opts.section]
    st = m.stations
    season = m.pipeline.season
    z0 = geo.points[0].elevation_m

    def elev(x_m: float) -> float:
        return z0 if opts.flat_terrain else float(geo.elevation_m(x_m))

    # nodes along the route: waypoints, station sites, loop starts
    node_x: dict[float, str] = {}
    for i, p in points:
        node_x.setdefault(round(p.chainage_m, 3), f"wp{i:02d}")
    for s in sites:
        node_x.setdefault(round(s.chainage_m, 3), f"node_{s.name}")
    # a loop is shared evenly by the station spans of its section, laid at the downstream end of each
    # span (where the pressure is lowest and a loop saves most)
    loops: list[tuple[float, float]] = []
    for sec in geo.sections:
        if (opts.section is not None and sec.name != opts.section) or sec.spec.loop_length_km <= 0:
            continue
        frac = sec.spec.loop_length_km * 1000.0 / sec.length_m
        bounds = sorted({sec.start_m, *(s.chainage_m for s in sites if s.section == sec.name), sec.end_m})
        for k, (a, b) in enumerate(itertools.pairwise(bounds)):
            x = round(b - frac * (b - a), 3)
            node_x.setdefault(x, f"loop_{sec.name}_{k}")
            loops.append((x, round(b, 3)))
    xs = sorted(node_x)
    nb = NetworkBuilder(m.name)
    for x in xs:
        nb.junction(node_x[x], elevation_m=elev(x))
    # a station splits its node into suction (the node) and discharge
    discharge: dict[float, str] = {}
    limits: dict[str, tuple[float, float]] = {}
    for s in sites:
        x = round(s.chainage_m, 3)
        out = f"{s.name}_out"
        nb.junction(out, elevation_m=elev(x))
        spec = specs[s.section]
        sp_pa = (set_points_pa or {}).get(s.name, spec.max_pressure_mpa * 1e6)
        if s.name in throttled:
            nb.regulator(s.name, node_x[x], out, outlet_pressure_pa=sp_pa)
            discharge[x] = out
            limits[s.name] = (st.max_ratio, st.installed_power_mw * 1e6)
            continue
        if s.name in bypassed:
            nb.compressor(s.name, node_x[x], out, ratio=1.0, fuel=False)
            discharge[x] = out
            limits[s.name] = (st.max_ratio, st.installed_power_mw * 1e6)
            continue
        nb.compressor(
            s.name,
            node_x[x],
            out,
            outlet_pressure_pa=sp_pa,
            efficiency=st.efficiency,
            efficiency_kind=st.efficiency_kind,
            driver_efficiency=st.driver_efficiency,
            aftercooler_outlet_k=celsius_to_k(st.aftercooler_outlet_c),
        )
        discharge[x] = out
        limits[s.name] = (st.max_ratio, st.installed_power_mw * 1e6)
    pipe_start: dict[str, float] = {}
    pipe_length: dict[str, float] = {}
    pipe_section: dict[str, str] = {}
    regions = {r.name: r for r in m.thermal.regions}
    for k, (a, b) in enumerate(itertools.pairwise(xs)):
        sec = geo.section_at(0.5 * (a + b))
        spec = sec.spec
        di = spec.inner_diameter_m
        # the norm's U refers to the outer surface; the solver wants the inner-wall value
        u_inner = m.thermal.u_w_per_m2k * spec.outer_diameter_mm / 1000.0 / di
        t_ground = celsius_to_k(regions[geo.region_at(0.5 * (a + b))].temperature_c(season))
        start = discharge.get(a, node_x[a])
        name = f"p{k:03d}"
        nb.pipe(
            name,
            start,
            node_x[b],
            length_m=b - a,
            inner_diameter_m=di,
            roughness_m=spec.roughness_um * 1e-6,
            u_w_per_m2k=u_inner if m.pipeline.thermal else 0.0,
            ground_temperature_k=t_ground,
        )
        pipe_start[name] = a
        pipe_length[name] = b - a
        pipe_section[name] = sec.name
        if any(lo - 1e-3 <= a and b <= hi + 1e-3 for lo, hi in loops):
            nb.pipe(
                f"{name}_loop",
                start,
                node_x[b],
                length_m=b - a,
                inner_diameter_m=di,
                roughness_m=spec.roughness_um * 1e-6,
                u_w_per_m2k=u_inner if m.pipeline.thermal else 0.0,
                ground_temperature_k=t_ground,
            )
            pipe_start[f"{name}_loop"] = a
            pipe_length[f"{name}_loop"] = b - a
            pipe_section[f"{name}_loop"] = sec.name
    head = node_x[xs[0]]
    t_head = celsius_to_k(m.pipeline.head_temperature_c)
    share = m.pipeline.upstream_share
    if opts.section is None or opts.section == first_section:
        nb.pressure_source("feeder", head, m.pipeline.head_pressure_mpa * 1e6, t_head)
    else:
        spec = specs[opts.section]
        p_in = opts.inlet_pressure_mpa or spec.max_pressure_mpa / st.max_ratio
        nb.pressure_source("section_inlet", head, p_in * 1e6, t_head)
    if share < 1.0 and opts.section is None:
        x_in = round(geo.sections[1].start_m, 3)
        nb.flow_source("downstream_supply", node_x[x_in], (1.0 - share) * delivered, t_head)
    end_flow = delivered
    if opts.section == first_section:
        end_flow = share * delivered
    if m.pipeline.offtakes:
        for i, p in points:
            if p.offtake_bcm_per_year > 0 and i < len(geo.points) - 1:
                nb.sink(f"offtake_{i:02d}", node_x[round(p.chainage_m, 3)], p.offtake_bcm_per_year * to_kg_s)
        if opts.section == first_section:
            end_flow += (
                sum(p.offtake_bcm_per_year for p in geo.points if p.section != first_section) * to_kg_s
            )
    nb.sink("delivery", node_x[xs[-1]], end_flow)
    end_min = opts.end_min_pressure_mpa
    if end_min is None:
        if opts.section == first_section:
            nxt = geo.sections[1].spec
            end_min = (
                nxt.max_pressure_mpa / st.max_ratio
                if nxt.station_count
                else m.pipeline.min_delivery_pressure_mpa
            )
        else:
            end_min = m.pipeline.min_delivery_pressure_mpa
    return Chain(
        nb.build(),
        geo,
        tuple(sites),
        pipe_start,
        pipe_section,
        limits,
        delivered,
        rho_ref,
        node_x[xs[-1]],
        points[-1][1].name,
        end_min,
        pipe_length,
    )


def _section_summaries(scenario: Scenario, geo: RouteGeometry) -> tuple[SectionSummary, ...]:
    out = []
    seg = geo.segments(10_000.0)
    for sec in geo.sections:
        spec = sec.spec
        part = seg[seg["section"] == sec.name]
        terrain: dict[str, float] = {}
        for _, r in part.iterrows():
            cls = terrain_class(str(r["region"]), r["elevation_start_m"], r["elevation_end_m"], r["length_m"])
            terrain[cls] = terrain.get(cls, 0.0) + float(r["length_m"]) / 1000.0
        out.append(
            SectionSummary(
                name=sec.name,
                length_km=sec.length_m / 1000.0,
                outer_diameter_mm=spec.outer_diameter_mm,
                wall_thickness_mm=spec.wall_thickness_mm,
                roughness_um=spec.roughness_um,
                max_pressure_mpa=spec.max_pressure_mpa,
                terrain_km={k: round(v, 1) for k, v in sorted(terrain.items())},
            )
        )
    return tuple(out)


_REGION_TERRAIN = {
    "west_siberia": "west_siberian_lowland",
    "buryatia_selenga": "mountain",
    "ub_darkhan": "steppe",
    "gobi": "gobi",
    "yakutia": "permafrost",
}
MOUNTAIN_SLOPE_M_PER_KM = 5.0
"""Average ground slope above which a stretch counts as mountain whatever its region [m/km]
(assumption: no source gives a threshold; 5 m/km = 0.5 % average grade over a segment)."""


def terrain_class(region: str, z_start_m: float, z_end_m: float, length_m: float) -> str:
    """Terrain class of a route segment for the cost model (economics' ``costs.terrain`` keys).

    ``mountain`` where the ground rises or falls more than :data:`MOUNTAIN_SLOPE_M_PER_KM` and in the
    Baikal/Buryat mountains (region ``buryatia_selenga``: Khamar-Daban, hills > 1,000 m around Naushki,
    facts §1d); otherwise by region: ``west_siberian_lowland`` (bog and lowland), ``steppe``
    (Darkhan-Ulaanbaatar), ``gobi``, ``permafrost`` (Yakutia, PoS1); everything else ``taiga`` (the
    forested hills of the Krasnoyarsk/Irkutsk belt and Amur).

    Parameters
    ----------
    region
        Ground-temperature region of the segment [-].
    z_start_m, z_end_m
        Ground elevation at the ends [m].
    length_m
        Segment length [m].
    """
    if length_m > 0 and abs(z_end_m - z_start_m) / (length_m / 1000.0) > MOUNTAIN_SLOPE_M_PER_KM:
        return "mountain"
    return _REGION_TERRAIN.get(region, "taiga")


def solve_chain(
    scenario: Scenario,
    throughput_bcm_per_year: float | None = None,
    options: ChainOptions | None = None,
    geometry: RouteGeometry | None = None,
) -> TwinResult:
    """Solve the scenario's line at one throughput and collect the results and broken limits.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    throughput_bcm_per_year
        Delivered throughput [bcm/yr]; default ``pipeline.throughput_bcm_per_year``.
    options
        Variations that are not scenario keys [-]
    geometry
        The route geometry, if already built [-]

    Raises
    ------
    InfeasibleError
        When the steady solver cannot meet a set point (pressure collapses before a station...).
    ConvergenceError
        When the steady solver does not converge.
    """
    import time

    m = scenario.model
    q = m.pipeline.throughput_bcm_per_year if throughput_bcm_per_year is None else throughput_bcm_per_year
    if not (math.isfinite(q) and q > 0):
        raise ScenarioError("throughput must be a positive number", field="throughput_bcm_per_year", value=q)
    geo0 = geometry or build_route(m.route, scenario)
    t0 = time.perf_counter()
    settle = settler(scenario, q, options, geo0)
    chain, res, state, seen, iterations = settle(frozenset(), {})
    dispatch_info: dict[str, Any] = {"dispatch": m.stations.dispatch}
    if m.stations.dispatch == "min_power":
        chain, res, state, seen, iterations, dispatch_info = _min_power(
            settle, (chain, res, state, seen, iterations)
        )
    bypassed, throttled = state.bypassed, state.throttled
    _check_flow_direction(res, q)
    elapsed = time.perf_counter() - t0
    geo = chain.geometry

    # profile along the route
    seg = res.segments.copy()
    seg["chainage_m"] = seg["pipe"].map(chain.pipe_start_m) + seg["x_m"]
    seg = seg[~seg["pipe"].astype(str).str.endswith("_loop")]
    seg = seg.sort_values(["chainage_m"], kind="stable")
    profile = pd.DataFrame(
        {
            "chainage_km": seg["chainage_m"].to_numpy() / 1000.0,
            "section": seg["pipe"].map(chain.pipe_section).to_numpy(),
            "pipe": seg["pipe"].to_numpy(),
            "elevation_m": (
                np.full(len(seg), geo.points[0].elevation_m)
                if (options and options.flat_terrain)
                else geo.elevation_m(seg["chainage_m"].to_numpy())
            ),
            "p_mpa": seg["p_pa"].to_numpy() / 1e6,
            "t_c": seg["t_k"].to_numpy() - 273.15,
            "rho_kg_per_m3": seg["rho_kg_per_m3"].to_numpy(),
            "v_m_per_s": seg["v_m_per_s"].to_numpy(),
        }
    ).reset_index(drop=True)

    comp = _station_rows(res, chain)
    rows: list[dict[str, Any]] = []
    for s in chain.stations:
        c = comp[s.name]
        mode = "throttling" if s.name in throttled else "bypassed" if s.name in bypassed else "running"
        rows.append(
            {
                "name": s.name,
                "section": s.section,
                "chainage_km": s.chainage_m / 1000.0,
                "near": s.near,
                "suction_pressure_mpa": float(c["p_in_pa"]) / 1e6,
                "discharge_pressure_mpa": float(c["p_out_pa"]) / 1e6,
                "ratio": float(c["ratio"]),
                "suction_temperature_c": float(c["t_in_k"]) - 273.15,
                "discharge_temperature_c": float(c["t_out_k"]) - 273.15,
                "flow_kg_per_s": float(c["flow_kg_per_s"]),
                "power_mw": float(c["power_w"]) / 1e6,
                "installed_mw": chain.station_limits[s.name][1] / 1e6,
                "fuel_kg_per_s": float(c["fuel_kg_per_s"]),
                "running": mode == "running",
                "mode": mode,
            }
        )
    stations = pd.DataFrame(rows)
    delivery_p = _delivery_pa(chain, res)
    violations = _limit_violations(chain, res, comp)
    sections = _section_summaries(scenario, geo)
    maop_warnings: list[str] = []
    for sec in sections:
        in_section = profile["section"] == sec.name
        if in_section.any():
            p_max_mpa = float(profile.loc[in_section, "p_mpa"].max())
            if p_max_mpa > sec.max_pressure_mpa * (1 + MAOP_REL):
                # the stations throttle to keep every span they feed at or below the MAOP; what is
                # left is gas the feeder delivers above it, which no station of the line controls
                maop_warnings.append(
                    f"{sec.name} section: pressure rises to {p_max_mpa:.3f} MPa, above the maximum "
                    f"operating pressure {sec.max_pressure_mpa:.3f} MPa, upstream of every station that "
                    "could throttle it"
                )
    if throttled:
        maop_warnings.append(
            f"throttling at {', '.join(s.name for s in chain.stations if s.name in throttled)}: at this "
            "load the gas would rise above the maximum operating pressure downhill, so these stations "
            "let it through a pressure regulator at a lower set point"
        )
    p_all = res.segments["p_pa"].to_numpy()
    total_fuel = float(res.total_fuel_kg_per_s)
    inflow = float(res.sources["flow_kg_per_s"].sum())
    fuel_share = total_fuel / inflow if inflow > 0 else 0.0
    rho_ref = chain.rho_ref_kg_per_m3
    summary = TwinSummary(
        scenario=m.name,
        throughput_bcm_per_year=q,
        sections=sections,
        stations=tuple(
            StationSummary(
                name=r["name"],
                section=r["section"],
                chainage_km=round(r["chainage_km"], 3),
                suction_pressure_mpa=r["suction_pressure_mpa"],
                discharge_pressure_mpa=r["discharge_pressure_mpa"],
                power_mw=r["power_mw"],
                installed_mw=r["installed_mw"],
                fuel_kg_per_s=r["fuel_kg_per_s"],
                running=r["running"],
                mode=r["mode"],
            )
            for r in rows
        ),
        total_power_mw=float(stations["power_mw"].sum()) if rows else 0.0,
        fuel_share=fuel_share,
        linepack_mcm=float(res.linepack_kg) / rho_ref / 1e6,
        min_pressure_mpa=float(p_all.min()) / 1e6,
        max_pressure_mpa=float(p_all.max()) / 1e6,
        delivery_pressure_mpa=delivery_p / 1e6,
        fuel_bcm_per_year=total_fuel * SECONDS_PER_YEAR / rho_ref / 1e9,
    )
    return TwinResult(
        summary=summary,
        profile=profile,
        stations=stations,
        route=geo.table(),
        geometry=geo,
        violations=tuple(violations),
        warnings=tuple(geo.warnings) + tuple(maop_warnings),
        solver={
            "iterations": int(res.iterations),
            "residual": float(res.residual),
            "bypass_rounds": len(seen),
            "throttled": sorted(throttled),
            **dispatch_info,
            "iterations_all_rounds": iterations,
            "seconds": elapsed,
            "pipes": len(chain.pipe_start_m),
            "segments": len(res.segments),
        },
    )


MAX_BYPASS_ROUNDS = 40
"""Solves allowed while settling which stations run, are bypassed or throttle at part load [-]."""

MAOP_REL = 1e-6
"""Relative tolerance of the MAOP check along the line [-]."""


def _solve_once(chain: Chain, gas: GasModel, sopts: Any, q: float) -> Any:
    """One steady solve of a built chain, with the solver's errors in route terms."""
    from pos2.hydraulics import solve_steady

    try:
        return solve_steady(chain.network, gas, sopts)
    except NetworkError as e:  # a bug of the twin rather than of the user's data
        raise InfeasibleError(f"twin network rejected by the solver: {e}", element=e.element) from e
    except InfeasibleError as e:
        if e.constraint == "pressure > 0" and e.element in chain.pipe_start_m:
            raise _collapse_error(chain, e, q) from e
        where = _describe(chain, e.element)
        raise InfeasibleError(
            f"the line cannot carry {q:g} bcm/yr: {e} (at {where})",
            element=where,
            constraint=e.constraint,
            value=e.value,
        ) from e
    except ConvergenceError as e:
        raise ConvergenceError(
            f"the line at {q:g} bcm/yr: {str(e).rsplit(' (after ', 1)[0]} "
            "(a throughput near or beyond the capacity?)",
            iterations=e.iterations,
            residual=e.residual,
        ) from e
    except GasError as e:
        raise InfeasibleError(
            f"the line cannot carry {q:g} bcm/yr: the steady solve diverged (gas state outside the "
            f"property tables: {e})",
            element="line",
            constraint="solver divergence",
        ) from e


Settled = tuple[Chain, Any, "_Dispatch", list["_Dispatch"], int]
"""A settled solve: chain, steady result, dispatch, the dispatches tried, Newton iterations."""


class _Settler:
    """Solve the line and settle which stations run, are bypassed or throttle (for a dispatch)."""

    def __init__(
        self,
        scenario: Scenario,
        q: float,
        options: ChainOptions | None,
        geo: RouteGeometry,
        gas: GasModel,
        sopts: Any,
        maop_pa: dict[str, float],
    ) -> None:
        self.scenario, self.q, self.options, self.geo = scenario, q, options, geo
        self.gas, self.sopts, self.maop_pa = gas, sopts, maop_pa

    def __call__(self, forced_off: frozenset[str], set_points_pa: dict[str, float]) -> Settled:
        """Solve with ``forced_off`` stations never compressing and the given starting set points."""
        state = _Dispatch(forced_off, frozenset(), dict(set_points_pa))
        seen: list[_Dispatch] = []
        iterations = 0
        while True:
            chain = build_chain(
                self.scenario,
                self.q,
                self.options,
                self.geo,
                bypassed=state.bypassed,
                throttled=state.throttled,
                set_points_pa=state.set_points_pa,
            )
            res = _solve_once(chain, self.gas, self.sopts, self.q)
            iterations += int(res.iterations)
            seen.append(state)
            nxt = _next_dispatch(chain, res, state, self.maop_pa, forced_off)
            if nxt == state:
                return chain, res, state, seen, iterations
            if nxt in seen or len(seen) >= MAX_BYPASS_ROUNDS:
                rounds = "; ".join(d.describe() for d in [*seen, nxt])
                raise ConvergenceError(
                    f"the line at {self.q:g} bcm/yr: the set of running, bypassed and throttling compressor "
                    f"stations does not settle (successive solves: {rounds})",
                    iterations=len(seen),
                    residual=float(len(nxt.bypassed.symmetric_difference(state.bypassed))),
                )
            state = nxt


def settler(
    scenario: Scenario, q: float, options: ChainOptions | None = None, geometry: RouteGeometry | None = None
) -> _Settler:
    """The solver of the scenario's line at ``q`` bcm/yr, with the twin's own steady options.

    Call it with the stations that must not compress and starting set points [Pa] to get a settled
    solve (as :func:`solve_chain` does for each dispatch).
    """
    from pos2.hydraulics import SteadyOptions

    m = scenario.model
    mean_ground = float(np.mean([r.temperature_c(m.pipeline.season) for r in m.thermal.regions]))
    sopts = SteadyOptions(
        friction=m.pipeline.friction,
        thermal=m.pipeline.thermal,
        max_segment_length_m=m.pipeline.max_segment_km * 1000.0,
        ambient_temperature_k=celsius_to_k(mean_ground),
        # the twin checks the station limits itself (violations) and bypasses the stations whose
        # suction pressure is at or above their set point (part load)
        check_limits=False,
    )
    maop_pa = {
        m.route.upstream.name: m.route.upstream.max_pressure_mpa * 1e6,
        m.route.downstream.name: m.route.downstream.max_pressure_mpa * 1e6,
    }
    geo = geometry or build_route(m.route, scenario)
    return _Settler(scenario, q, options, geo, gas_for(m.gas.composition), sopts, maop_pa)


def _station_rows(res: Any, chain: Chain) -> dict[str, dict[str, Any]]:
    """Per station name its result row: the compressor's, or the regulator's for a throttling one."""
    rows: dict[str, dict[str, Any]] = {str(r["name"]): r for r in res.compressors.to_dict("records")}
    rows.update(_throttle_rows(res, chain))
    return rows


def _delivery_pa(chain: Chain, res: Any) -> float:
    """Pressure at the delivery point [Pa]."""
    node_p = dict(zip(res.nodes["name"].astype(str), res.nodes["p_pa"].astype(float), strict=True))
    return float(node_p[chain.end_node])


def _limit_violations(
    chain: Chain, res: Any, rows: dict[str, dict[str, Any]] | None = None
) -> list[Violation]:
    """The station limits (pressure ratio, installed power) and the delivery minimum a solve breaks."""
    rows = _station_rows(res, chain) if rows is None else rows
    out: list[Violation] = []
    for s in chain.stations:
        ratio_lim, p_lim = chain.station_limits[s.name]
        ratio, power = float(rows[s.name]["ratio"]), float(rows[s.name]["power_w"])
        if ratio > ratio_lim * (1 + 1e-9):
            out.append(Violation(s.name, "pressure ratio above the maximum", ratio, ratio_lim, "-"))
        if power > p_lim * (1 + 1e-9):
            out.append(
                Violation(s.name, "shaft power above the installed power", power / 1e6, p_lim / 1e6, "MW")
            )
    p_end = _delivery_pa(chain, res)
    if p_end < chain.end_min_pressure_mpa * 1e6 * (1 - 1e-9):
        out.append(
            Violation(
                f"delivery at {chain.end_name}",
                "pressure below the minimum",
                p_end / 1e6,
                chain.end_min_pressure_mpa,
                "MPa",
            )
        )
    return out


def _acceptable(chain: Chain, res: Any) -> float | None:
    """Delivery pressure [Pa] when the solve breaks no limit (:func:`_limit_violations`), else ``None``."""
    return None if _limit_violations(chain, res) else _delivery_pa(chain, res)


MIN_POWER_REL = 2e-3
"""Minimum-power dispatch: the delivery pressure is brought to within this fraction above its minimum."""


def _min_power(
    settle: _Settler, best: Settled
) -> tuple[Chain, Any, _Dispatch, list[_Dispatch], int, dict[str, Any]]:
    """Minimum-power dispatch from the MAOP dispatch ``best``.

    The fewest stations counted from the head run (at their set points), the others never compress;
    the last running station's set point is lowered until the gas arrives at the minimum delivery
    pressure. Compressing early keeps the pressure high where the line is long, which costs less
    friction than compressing late, so this is the cheapest of the dispatches that keep each station
    at the MAOP or off; a bisection on the count and a regula falsi on the set point (each trial a full
    settled solve; tens of solves at most).
    """
    chain, res = best[0], best[1]
    names = [s.name for s in chain.stations]
    info: dict[str, Any] = {"dispatch": "min_power", "running_stations": len(names)}
    if _acceptable(chain, res) is None:
        info["note"] = "the MAOP dispatch already breaks a limit: kept as it is"
        b_chain, b_res, b_state, b_seen, b_iter = best
        return b_chain, b_res, b_state, b_seen, b_iter, info
    trials: dict[int, Settled | None] = {len(names): best}
    solves = 0

    def trial(k: int, sp: dict[str, float] | None = None) -> tuple[Settled | None, float | None]:
        nonlocal solves
        solves += 1
        try:
            out = settle(frozenset(names[k:]), sp or {})
        except (InfeasibleError, ConvergenceError, GasError):
            return None, None
        return out, _acceptable(out[0], out[1])

    lo, hi = -1, len(names)  # lo: known not acceptable (or below 0), hi: acceptable
    while hi - lo > 1:
        mid = (lo + hi) // 2
        out, p_end = trial(mid)
        if p_end is None:
            lo = mid
        else:
            hi, trials[mid] = mid, out
    chosen = trials[hi]
    assert chosen is not None
    if hi >= 1:
        # trim the last running station: delivery rises with its set point
        last = chain.stations[hi - 1]
        maop = settle.maop_pa[last.section]
        p_min = chain.end_min_pressure_mpa * 1e6
        c_row = chosen[1].compressors.set_index("name")
        a = float(c_row.loc[last.name, "p_in_pa"]) if last.name in c_row.index else maop
        b = float(chosen[2].set_points_pa.get(last.name, maop))
        fb = float(_acceptable(chosen[0], chosen[1]) or p_min) - p_min
        fa: float | None = None  # unknown at the suction pressure (the trial with one station fewer)
        for _ in range(12):
            if fb <= MIN_POWER_REL * p_min or b - a < 1e3:
                break
            x = 0.5 * (a + b) if fa is None else b - fb * (b - a) / (fb - fa)
            x = min(max(x, a + 0.05 * (b - a)), b - 0.05 * (b - a))
            out, p_end = trial(hi, {last.name: x})
            if p_end is not None and out is not None:
                b, fb, chosen = x, p_end - p_min, out
            else:  # below the minimum (a secant point) or no solution (bisect)
                a = x
                fa = _delivery_pa(out[0], out[1]) - p_min if out is not None else None
    info["running_stations"] = hi
    info["min_power_solves"] = solves
    c_chain, c_res, c_state, c_seen, c_iter = chosen
    return c_chain, c_res, c_state, c_seen, c_iter, info


@dataclass(frozen=True)
class _Dispatch:
    """How the stations run in one solve: bypassed, throttling, and lowered set points [Pa]."""

    bypassed: frozenset[str]
    throttled: frozenset[str]
    set_points_pa: dict[str, float]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Dispatch):
            return NotImplemented
        return (
            self.bypassed == other.bypassed
            and self.throttled == other.throttled
            and self.set_points_pa == other.set_points_pa
        )

    def __hash__(self) -> int:
        return hash((self.bypassed, self.throttled, tuple(sorted(self.set_points_pa.items()))))

    def describe(self) -> str:
        """Short text for an error message."""
        parts = [f"bypassed {', '.join(sorted(self.bypassed)) or 'none'}"]
        if self.throttled:
            parts.append(f"throttling {', '.join(sorted(self.throttled))}")
        return " / ".join(parts)


def _throttle_rows(res: Any, chain: Chain) -> dict[str, dict[str, Any]]:
    """Station rows (as the compressor table has them) for the stations that throttle."""
    if res.regulators.empty:
        return {}
    t_node = dict(zip(res.nodes["name"].astype(str), res.nodes["t_k"].astype(float), strict=True))
    suction = {s.name: f"node_{s.name}" for s in chain.stations}
    out: dict[str, dict[str, Any]] = {}
    for r in res.regulators.to_dict("records"):
        name = str(r["name"])
        if name not in suction:
            continue
        p_in, p_out = float(r["p_in_pa"]), float(r["p_out_pa"])
        out[name] = {
            "name": name,
            "p_in_pa": p_in,
            "p_out_pa": p_out,
            "ratio": p_out / p_in,
            "t_in_k": t_node.get(suction[name], math.nan),
            "t_out_k": t_node.get(f"{name}_out", math.nan),
            "flow_kg_per_s": float(r["flow_kg_per_s"]),
            "power_w": 0.0,
            "fuel_kg_per_s": 0.0,
        }
    return out


def _span_excess(chain: Chain, res: Any, maop_pa: dict[str, float]) -> dict[str, float]:
    """Per station: the largest pressure / MAOP in the span it feeds (to the next station) [-]."""
    seg = res.segments
    start = seg["pipe"].astype(str).map(chain.pipe_start_m).to_numpy(dtype=float)
    maop = seg["pipe"].astype(str).map(chain.pipe_section).map(maop_pa).to_numpy(dtype=float)
    util = seg["p_pa"].to_numpy(dtype=float) / maop
    xs = [s.chainage_m for s in chain.stations]
    out: dict[str, float] = {}
    for k, s in enumerate(chain.stations):
        hi = xs[k + 1] if k + 1 < len(xs) else math.inf
        inside = (start >= s.chainage_m - 1e-3) & (start < hi - 1e-3)
        if inside.any():
            out[s.name] = float(util[inside].max())
    return out


def _next_dispatch(
    chain: Chain,
    res: Any,
    state: _Dispatch,
    maop_pa: dict[str, float],
    forced_off: frozenset[str] = frozenset(),
) -> _Dispatch:
    """How the stations run in the next solve.

    * A running station whose suction pressure is at or above its outlet set point (ratio <= 1) is
      bypassed, or throttles if its set point has been lowered below the MAOP.
    * A bypassed or throttling station whose suction has fallen below its set point by more than
      :data:`_BYPASS_REL` runs again (the band between the rules keeps a station at the boundary from
      toggling).
    * Where the gas in the span a station feeds rises above the MAOP (downhill at low load), the
      station's set point is scaled down by the excess (set points only ever fall, so this settles).
    * A station in ``forced_off`` never compresses (minimum-power dispatch): bypassed, or throttling.
    """
    comp = _station_rows(res, chain)
    sp = dict(state.set_points_pa)
    for name, u in _span_excess(chain, res, maop_pa).items():
        if u > 1.0 + MAOP_REL:
            site = next(s for s in chain.stations if s.name == name)
            sp[name] = sp.get(name, maop_pa[site.section]) / u
    bypassed: set[str] = set()
    throttled: set[str] = set()
    for s in chain.stations:
        p_in = float(comp[s.name]["p_in_pa"])
        maop = maop_pa[s.section]
        target = sp.get(s.name, maop)
        lowered = target < maop * (1.0 - _BYPASS_REL)
        if s.name in forced_off:
            idle = True
        elif s.name in state.bypassed or s.name in state.throttled:
            idle = p_in >= target * (1.0 - _BYPASS_REL)
        else:
            idle = float(comp[s.name]["ratio"]) <= 1.0 or p_in >= target
        if idle:
            (throttled if lowered else bypassed).add(s.name)
    return _Dispatch(frozenset(bypassed), frozenset(throttled), sp)


_BYPASS_REL = 1e-9
"""Relative tolerance of the bypass decision (suction vs set point) [-]."""


def _check_flow_direction(res: Any, q: float) -> None:
    """InfeasibleError when gas would flow backwards through a station (the solver's own check is off)."""
    for r in res.compressors.to_dict("records"):
        if float(r["flow_kg_per_s"]) < -1e-9:
            raise InfeasibleError(
                f"the line cannot carry {q:g} bcm/yr: gas would flow backwards through compressor station "
                f"{r['name']} ({float(r['flow_kg_per_s']):.6g} kg/s)",
                element=str(r["name"]),
                constraint="flow direction",
                value=float(r["flow_kg_per_s"]),
            )


def _stretch(chain: Chain, a_m: float, b_m: float) -> tuple[str, str]:
    """The route stretch holding pipe [a_m, b_m]: from the station (or line start) upstream to the next
    station (or line end), with chainages, and the waypoint nearest to the pipe; and what ends it."""
    geo = chain.geometry
    start_m, start = geo.points[0].chainage_m, f"the line start at {geo.points[0].name}"
    end_m, end = geo.points[-1].chainage_m, f"the delivery point at {geo.points[-1].name}"
    reaches = "the delivery point"
    for s in chain.stations:
        if s.chainage_m <= a_m + 1e-3 and s.chainage_m >= start_m:
            start_m, start = s.chainage_m, f"compressor station {s.name} (near {s.near})"
        if s.chainage_m >= b_m - 1e-3 and s.chainage_m <= end_m:
            end_m, end = s.chainage_m, f"compressor station {s.name} (near {s.near})"
            reaches = "the next compressor station"
    return (
        f"between {start} at km {start_m / 1000:,.0f} and {end} at km {end_m / 1000:,.0f}, "
        f"around km {a_m / 1000:,.0f}-{b_m / 1000:,.0f} near {geo.nearest_waypoint(b_m)}"
    ), reaches


def _collapse_error(chain: Chain, e: InfeasibleError, q: float) -> InfeasibleError:
    """The solver's 'pressure <= 0 in pipe pNNN' in words a gas engineer reads: where, what, what to do."""
    element = str(e.element)
    a = chain.pipe_start_m[element]
    b = a + chain.pipe_length_m[element]
    section = chain.pipe_section[element]
    where, reaches = _stretch(chain, a, b)
    stopped = re.search(r"stopped after (\d+) iterations.*?\(([-+0-9.e]+)\)", str(e))
    solver = (
        f" (steady solver stopped after {stopped.group(1)} Newton iterations, residual {stopped.group(2)})"
        if stopped
        else " (--debug shows the steady solver's own message)"
    )
    return InfeasibleError(
        f"the line cannot carry {q:g} bcm/yr: in the {section} section, {where}, the gas pressure "
        f"would fall to zero before the gas reaches {reaches} (friction loss too large for this flow). "
        "Try fewer bcm/yr, more compressor stations on this stretch, or a "
        f"higher maximum operating pressure for the {section} section{solver}",
        element=f"{section} km {a / 1000:,.0f}-{b / 1000:,.0f}",
        constraint=e.constraint,
        value=e.value,
    )


def _describe(chain: Chain, element: str | None) -> str:
    """A solver element (internal pipe or junction name) in route terms."""
    if element is None:
        return "line"
    geo = chain.geometry
    if element in chain.pipe_start_m:
        a = chain.pipe_start_m[element]
        b = a + chain.pipe_length_m[element]
        return (
            f"pipe {element}, {chain.pipe_section[element]} km {a / 1000:,.0f}-{b / 1000:,.0f} "
            f"(near {geo.nearest_waypoint(b)})"
        )
    return element


def raise_if_infeasible(result: TwinResult) -> TwinResult:
    """Raise :class:`InfeasibleError` naming the first broken limit (station and constraint).

    Parameters
    ----------
    result
        A twin run [-]
    """
    if result.violations:
        v = result.violations[0]
        more = f" (and {len(result.violations) - 1} more)" if len(result.violations) > 1 else ""
        raise InfeasibleError(
            f"the line cannot carry {result.summary.throughput_bcm_per_year:g} bcm/yr: {v.message()}{more}",
            element=v.element,
            constraint=v.constraint,
            value=v.value,
        )
    return result


__all__ = [
    "Chain",
    "ChainOptions",
    "TwinResult",
    "Violation",
    "build_chain",
    "check_scenario",
    "gas_for",
    "raise_if_infeasible",
    "solve_chain",
    "stations_of",
    "terrain_class",
]
