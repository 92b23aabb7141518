"""The twin's results at one operating point, and its messages in route terms.

:class:`TwinResult` and :class:`Violation` are the results; the helpers read a steady solve of the
chain (:class:`pos2.hydraulics.SteadyResult`) per station and at the delivery point, list the limits it
breaks, and turn the solver's errors (a pressure collapse in an internal pipe) into messages a gas
engineer reads: which stretch of the route, what failed, what to try.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from pos2.errors import InfeasibleError
from pos2.twin.network import Chain
from pos2.twin.route import RouteGeometry
from pos2.twin.summary import TwinSummary

if TYPE_CHECKING:
    from pos2.hydraulics import SteadyResult


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


def station_rows(res: SteadyResult, chain: Chain) -> dict[str, dict[str, Any]]:
    """Per station name its result row: the compressor's, or the regulator's for a throttling one.

    Parameters
    ----------
    res
        A steady solve of the chain [-]
    chain
        The chain it solved [-]

    Returns
    -------
    dict
        Station name -> row with the keys of the solver's compressor table (name, p_in_pa,
        p_out_pa, ratio, t_in_k, t_out_k, flow_kg_per_s, power_w, fuel_kg_per_s) [SI].
    """
    rows = {str(r["name"]): cast("dict[str, Any]", r) for r in res.compressors.to_dict("records")}
    rows.update(_throttle_rows(res, chain))
    return rows


def _throttle_rows(res: SteadyResult, chain: Chain) -> dict[str, dict[str, Any]]:
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


def delivery_pa(chain: Chain, res: SteadyResult) -> float:
    """Pressure at the delivery point [Pa].

    Parameters
    ----------
    chain
        A built chain [-]
    res
        Its steady solve [-]
    """
    node_p = dict(zip(res.nodes["name"].astype(str), res.nodes["p_pa"].astype(float), strict=True))
    return float(node_p[chain.end_node])


def limit_violations(
    chain: Chain, res: SteadyResult, rows: dict[str, dict[str, Any]] | None = None
) -> list[Violation]:
    """The station limits (pressure ratio, installed power) and the delivery minimum a solve breaks.

    Parameters
    ----------
    chain
        A built chain [-]
    res
        Its steady solve [-]
    rows
        Its station rows (:func:`station_rows`), if already read [-]
    """
    rows = station_rows(res, chain) if rows is None else rows
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
    p_end = delivery_pa(chain, res)
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


def check_flow_direction(res: SteadyResult, q: float) -> None:
    """InfeasibleError when gas would flow backwards through a station (the solver's own check is off).

    Parameters
    ----------
    res
        A steady solve of the chain [-]
    q
        Delivered throughput, for the message [bcm/yr].
    """
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


def collapse_error(chain: Chain, e: InfeasibleError, q: float) -> InfeasibleError:
    """The solver's 'pressure <= 0 in pipe pNNN' in words a gas engineer reads: where, what, what to do.

    Parameters
    ----------
    chain
        The chain that was solved [-]
    e
        The solver's error, whose element is an internal pipe of the chain [-]
    q
        Delivered throughput, for the message [bcm/yr].
    """
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


def describe_element(chain: Chain, element: str | None) -> str:
    """A solver element (internal pipe or junction name) in route terms.

    Parameters
    ----------
    chain
        The chain that was solved [-]
    element
        The element the solver names, or ``None`` for the whole line [-]
    """
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


__all__ = [
    "TwinResult",
    "Violation",
    "check_flow_direction",
    "collapse_error",
    "delivery_pa",
    "describe_element",
    "limit_violations",
    "raise_if_infeasible",
    "station_rows",
]
