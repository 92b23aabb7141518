"""Build the pipeline as a chain network (:class:`pos2.network.Network`) for the steady solver.

The line is a chain of pipes between route nodes (waypoints, stations, loop starts). Each compressor
station is a compressor element whose outlet-pressure set point is the section's maximum operating
pressure (MAOP); the head station takes gas from a fixed-pressure source (the feeder system); the
delivery point is a sink with the throughput. Fuel gas is taken from the line at each station. A
station that does not run is a bypass (ratio 1, no fuel) or a pressure regulator (throttling); which
stations run is settled by :mod:`pos2.twin.dispatch`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos2.errors import ScenarioError
from pos2.scenario import Scenario
from pos2.twin.checks import check_scenario, source_location
from pos2.twin.gas import gas_for
from pos2.twin.route import RouteGeometry, StationSite, build_route
from pos2.units import SECONDS_PER_YEAR, ReferenceConditions, celsius_to_k

if TYPE_CHECKING:
    from pos2.network import Network


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


@dataclass(frozen=True)
class Chain:
    """A built chain network with the bookkeeping to read its results."""

    network: Network
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
            path, line = source_location(scenario, key)
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


__all__ = [
    "Chain",
    "ChainOptions",
    "build_chain",
    "stations_of",
]
