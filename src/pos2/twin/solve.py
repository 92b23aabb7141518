"""Solve the scenario's line: the twin at one operating point (profile, stations, summary, limits).

:func:`solve_chain` settles the station dispatch (:mod:`pos2.twin.dispatch`) on the chain network
(:mod:`pos2.twin.network`) and collects the results (:mod:`pos2.twin.results`): the profile along the
route, one row per station, the summary with the sections' terrain, and the limits it breaks.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd

from pos2.errors import ScenarioError
from pos2.scenario import Scenario
from pos2.twin.dispatch import MAOP_REL, min_power_dispatch, settler
from pos2.twin.network import ChainOptions
from pos2.twin.results import (
    TwinResult,
    check_flow_direction,
    delivery_pa,
    limit_violations,
    station_rows,
)
from pos2.twin.route import RouteGeometry, build_route
from pos2.twin.summary import SectionSummary, StationSummary, TwinSummary
from pos2.units import SECONDS_PER_YEAR


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
        chain, res, state, seen, iterations, dispatch_info = min_power_dispatch(
            settle, (chain, res, state, seen, iterations)
        )
    bypassed, throttled = state.bypassed, state.throttled
    check_flow_direction(res, q)
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

    comp = station_rows(res, chain)
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
    delivery_p = delivery_pa(chain, res)
    violations = limit_violations(chain, res, comp)
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


__all__ = [
    "MOUNTAIN_SLOPE_M_PER_KM",
    "solve_chain",
    "terrain_class",
]
