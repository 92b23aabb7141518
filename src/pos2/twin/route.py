"""Route geometry: chainage, elevation profile, segmentation and station placement.

Chainage comes from great-circle (haversine) distances between consecutive waypoints, scaled per
section so that each section has its published length (a pipeline is longer than the great circle
through its waypoints: it follows valleys, roads and rail corridors). Elevation between waypoints is
linear in chainage.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pos2.errors import ScenarioError
from pos2.scenario import Scenario
from pos2.scenario.sections_twin import PipeSpec, RouteSection, Waypoint

EARTH_RADIUS_M: float = 6_371_008.8
"""Mean Earth radius (IUGG) [m]."""


def haversine_m(lat1_deg: float, lon1_deg: float, lat2_deg: float, lon2_deg: float) -> float:
    """Great-circle distance on a sphere by the haversine formula (Sinnott 1984).

    Parameters
    ----------
    lat1_deg, lon1_deg
        First point [deg].
    lat2_deg, lon2_deg
        Second point [deg].

    Returns
    -------
    float
        Distance [m] on a sphere of radius :data:`EARTH_RADIUS_M`.

    Examples
    --------
    >>> round(haversine_m(0.0, 0.0, 0.0, 1.0) / 1000, 3)  # one degree on the equator
    111.195
    """
    p1, p2 = math.radians(lat1_deg), math.radians(lat2_deg)
    dp = p2 - p1
    dl = math.radians(lon2_deg - lon1_deg)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class RoutePoint:
    """A waypoint placed on the route."""

    name: str
    lat_deg: float
    lon_deg: float
    elevation_m: float
    kind: str
    section: str
    region: str
    chainage_m: float
    offtake_bcm_per_year: float
    confidence: str


@dataclass(frozen=True)
class SectionGeometry:
    """One section on the route."""

    spec: PipeSpec
    start_m: float
    end_m: float
    great_circle_m: float

    @property
    def name(self) -> str:
        """Section name."""
        return self.spec.name

    @property
    def length_m(self) -> float:
        """Length [m]."""
        return self.end_m - self.start_m

    @property
    def detour(self) -> float:
        """Length / great-circle length [-]."""
        return self.length_m / self.great_circle_m


@dataclass(frozen=True)
class StationSite:
    """A compressor station placed on the route."""

    name: str
    section: str
    chainage_m: float
    near: str
    """Nearest waypoint (for orientation only)."""


@dataclass(frozen=True)
class RouteGeometry:
    """Waypoints with chainage, sections and warnings about the data."""

    points: tuple[RoutePoint, ...]
    sections: tuple[SectionGeometry, ...]
    warnings: tuple[str, ...] = ()

    @property
    def length_m(self) -> float:
        """Total route length [m]."""
        return self.points[-1].chainage_m

    @property
    def chainage_m(self) -> np.ndarray:
        """Chainage of the waypoints [m]."""
        return np.array([p.chainage_m for p in self.points])

    def section(self, name: str) -> SectionGeometry:
        """The section called ``name``."""
        for s in self.sections:
            if s.name == name:
                return s
        raise KeyError(name)

    def section_at(self, chainage_m: float) -> SectionGeometry:
        """The section that contains ``chainage_m`` (a boundary belongs to the downstream section)."""
        for s in reversed(self.sections):
            if chainage_m >= s.start_m:
                return s
        return self.sections[0]

    def elevation_m(self, chainage_m: float | np.ndarray) -> np.ndarray:
        """Ground elevation at ``chainage_m`` [m], linear between waypoints."""
        return np.asarray(np.interp(chainage_m, self.chainage_m, [p.elevation_m for p in self.points]))

    def lat_lon_deg(self, chainage_m: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Approximate latitude and longitude at ``chainage_m`` [deg] (linear between waypoints)."""
        c = self.chainage_m
        return (
            np.asarray(np.interp(chainage_m, c, [p.lat_deg for p in self.points])),
            np.asarray(np.interp(chainage_m, c, [p.lon_deg for p in self.points])),
        )

    def region_at(self, chainage_m: float) -> str:
        """Ground-temperature region of the stretch that contains ``chainage_m``."""
        idx = int(np.searchsorted(self.chainage_m, chainage_m, side="right")) - 1
        idx = min(max(idx, 0), len(self.points) - 2)
        return self.points[idx].region

    def segments(self, max_length_m: float) -> pd.DataFrame:
        """Cut the route into segments no longer than ``max_length_m``, breaking at every waypoint.

        Parameters
        ----------
        max_length_m
            Longest segment [m].

        Returns
        -------
        pandas.DataFrame
            One row per segment: ``section``, ``start_m``, ``end_m``, ``length_m``,
            ``elevation_start_m``, ``elevation_end_m``, ``region``.
        """
        if not max_length_m > 0:
            raise ValueError("max_length_m must be positive")
        rows = []
        for a, b in zip(self.points[:-1], self.points[1:], strict=True):
            n = max(1, math.ceil((b.chainage_m - a.chainage_m) / max_length_m - 1e-9))
            edges = np.linspace(a.chainage_m, b.chainage_m, n + 1)
            elev = self.elevation_m(edges)
            for i in range(n):
                rows.append(
                    {
                        "section": b.section,
                        "start_m": edges[i],
                        "end_m": edges[i + 1],
                        "length_m": edges[i + 1] - edges[i],
                        "elevation_start_m": float(elev[i]),
                        "elevation_end_m": float(elev[i + 1]),
                        "region": a.region,
                    }
                )
        return pd.DataFrame(rows)

    def nearest_waypoint(self, chainage_m: float) -> str:
        """Name of the waypoint closest in chainage."""
        i = int(np.argmin(np.abs(self.chainage_m - chainage_m)))
        return self.points[i].name

    def place_stations(
        self,
        section: str,
        count: int,
        chainages_km: list[float] | None = None,
        names: list[str] | None = None,
    ) -> list[StationSite]:
        """Stations on one section: explicit chainages, or evenly spaced from the section start.

        Parameters
        ----------
        section
            Section name.
        count
            Number of stations [-].
        chainages_km
            Positions from the section start [km]; ``None`` or empty = ``k * length / count``.
        names
            Station names; default ``<section>_cs<k>``.

        Raises
        ------
        ScenarioError
            A station outside the section, or two stations at the same place.
        """
        sec = self.section(section)
        if chainages_km:
            pos = [c * 1000.0 for c in chainages_km]
        else:
            pos = [k * sec.length_m / count for k in range(count)] if count else []
        for k, x in enumerate(pos):
            if not 0.0 <= x < sec.length_m:
                raise ScenarioError(
                    f"station {k + 1} lies outside section '{section}' (0 to {sec.length_m / 1000:.1f} km)",
                    field=f"route.{'upstream' if sec is self.sections[0] else 'downstream'}"
                    ".station_chainages_km",
                    value=x / 1000.0,
                )
        if any(b - a < 1000.0 for a, b in zip(sorted(pos)[:-1], sorted(pos)[1:], strict=True)):
            raise ScenarioError(
                f"two stations of section '{section}' are less than 1 km apart",
                field="station_chainages_km",
                value=chainages_km,
            )
        labels = names or [f"{section}_cs{k + 1}" for k in range(count)]
        out = []
        for name, x in sorted(zip(labels, pos, strict=True), key=lambda t: t[1]):
            ch = sec.start_m + x
            out.append(StationSite(name, section, ch, self.nearest_waypoint(ch)))
        return out

    def table(self) -> pd.DataFrame:
        """The waypoints as a table (chainage in km)."""
        return pd.DataFrame(
            [
                {
                    "name": p.name,
                    "section": p.section,
                    "kind": p.kind,
                    "chainage_km": p.chainage_m / 1000.0,
                    "lat_deg": p.lat_deg,
                    "lon_deg": p.lon_deg,
                    "elevation_m": p.elevation_m,
                    "region": p.region,
                    "confidence": p.confidence,
                }
                for p in self.points
            ]
        )


def _where(scenario: Scenario | None, key: str) -> tuple[str | None, int | None]:
    if scenario is None:
        return None, None
    for s in scenario.sources:
        if s.key == key:
            return s.path, s.line
    return scenario.origin, None


def build_route(route: RouteSection, scenario: Scenario | None = None) -> RouteGeometry:
    """Place the waypoints on the route and check the section lengths.

    Parameters
    ----------
    route
        The validated ``route`` section of a scenario [-]
    scenario
        The scenario it came from (only to name file and line in messages) [-]

    Raises
    ------
    ScenarioError
        A section shorter than the great circle through its waypoints, or longer than
        ``route.max_detour`` times it; two consecutive waypoints at the same place.
    """
    wps: list[Waypoint] = list(route.waypoints)
    specs = {route.upstream.name: route.upstream, route.downstream.name: route.downstream}
    which = {route.upstream.name: "upstream", route.downstream.name: "downstream"}
    gc = [haversine_m(a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg) for a, b in itertools.pairwise(wps)]
    for i, d in enumerate(gc):
        if d < 100.0:
            path, line = _where(scenario, "route.waypoints")
            raise ScenarioError(
                f"waypoints '{wps[i].name}' and '{wps[i + 1].name}' are at the same place",
                path=path,
                line=line,
                field=f"route.waypoints[{i + 1}]",
                value=wps[i + 1].name,
            )
    seg_section = [b.section for b in wps[1:]]
    warnings: list[str] = []
    sections: list[SectionGeometry] = []
    scale: dict[str, float] = {}
    start = 0.0
    for name in (route.upstream.name, route.downstream.name):
        spec = specs[name]
        gcl = sum(d for d, s in zip(gc, seg_section, strict=True) if s == name)
        key = f"route.{which[name]}.length_km"
        path, line = _where(scenario, key)
        length_m = spec.length_km * 1000.0
        if length_m < gcl:
            raise ScenarioError(
                f"section '{name}' is shorter than the great circle through its waypoints "
                f"({gcl / 1000:.1f} km)",
                path=path,
                line=line,
                field=key,
                value=spec.length_km,
            )
        if length_m > route.max_detour * gcl:
            raise ScenarioError(
                f"section '{name}' is more than route.max_detour = {route.max_detour} times the great "
                f"circle through its waypoints ({gcl / 1000:.1f} km)",
                path=path,
                line=line,
                field=key,
                value=spec.length_km,
            )
        if spec.published_lengths_km:
            near = min(spec.published_lengths_km, key=lambda x: abs(x - spec.length_km))
            if near > 0 and abs(spec.length_km - near) / near > spec.length_tolerance:
                where = f"{path}:{line}" if path and line else (path or "")
                warnings.append(
                    f"{where}: field '{key}' value {spec.length_km}: more than "
                    f"{spec.length_tolerance:.0%} from every published length "
                    f"({', '.join(f'{x:g}' for x in spec.published_lengths_km)} km)"
                )
        scale[name] = length_m / gcl
        sections.append(SectionGeometry(spec, start, start + length_m, gcl))
        start += length_m
    chain = [0.0]
    for d, s in zip(gc, seg_section, strict=True):
        chain.append(chain[-1] + d * scale[s])
    # remove rounding drift: section ends exactly at the published lengths
    points = tuple(
        RoutePoint(
            w.name,
            w.lat_deg,
            w.lon_deg,
            w.elevation_m,
            w.kind,
            w.section,
            w.region,
            c,
            w.offtake_bcm_per_year,
            w.confidence,
        )
        for w, c in zip(wps, chain, strict=True)
    )
    return RouteGeometry(points, tuple(sections), tuple(warnings))
