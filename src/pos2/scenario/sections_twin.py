"""Scenario sections owned by the twin: pipeline, gas, route, stations, thermal (issue 4).

Scalar values in the embedded data are sourced leaves (see :mod:`pos2.scenario.sourcing`). Arrays of
tables (route waypoints, ground-temperature regions) are exempt from the loader's leaf check, so each
item carries its own ``source`` and ``confidence`` fields, validated here.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from pos2.scenario.base import Section, field

Confidence = Literal["H", "M", "L", "INF", "A"]
"""H primary/official; M one reputable source; L weak; INF derived by us; A assumption."""

STEEL_SMYS_MPA: dict[str, float] = {
    "K52": 360.0,
    "K56": 390.0,
    "K60": 485.0,
    "K65": 555.0,
    "X70": 485.0,
    "X80": 555.0,
}
"""Specified minimum yield strength by steel grade [MPa] (API 5L X70/X80 equivalents of the Russian
strength classes K60/K65; K52/K56 from GOST 20295 strength classes)."""


class PipelineSection(Section):
    """Operating point and numerical settings of the twin."""

    throughput_bcm_per_year: float = field(
        unit="bcm/yr (20 degC, 101.325 kPa)",
        description="Annual export throughput delivered at the end of the line (the border); at least "
        "0.1 bcm/yr, below which tariffs per unit of gas lose meaning.",
        ge=0.1,
        le=200,
    )
    head_pressure_mpa: float = field(
        7.4,
        unit="MPa (absolute)",
        description="Pressure at which the feeder system delivers gas to the head station.",
        gt=0.2,
        le=25,
    )
    head_temperature_c: float = field(
        15.0, unit="degC", description="Gas temperature entering the head station.", ge=-50, le=80
    )
    min_delivery_pressure_mpa: float = field(
        5.5,
        unit="MPa (absolute)",
        description="Lowest acceptable pressure at the delivery point (end of the line).",
        gt=0.1,
        le=25,
    )
    upstream_share: float = field(
        1.0,
        unit="-",
        description="Share of the delivered gas entering at the head; the rest enters at the start "
        "of the downstream section (PoS1: Chayanda).",
        ge=0,
        le=1,
    )
    season: Literal["winter", "annual", "summer"] = field(
        "annual",
        unit="-",
        description="Ground temperature case: winter = monthly minimum, annual = mean, summer = maximum.",
    )
    thermal: bool = field(True, unit="-", description="Non-isothermal flow with heat exchange to the ground.")
    friction: Literal[
        "colebrook",
        "colebrook_dvgw",
        "nikuradse",
        "nikuradse_stanet",
        "hofer",
        "weymouth",
        "panhandle_a",
        "panhandle_b",
    ] = field("colebrook", unit="-", description="Friction law of the steady solver.")
    max_segment_km: float = field(
        10.0, unit="km", description="Longest internal discretisation segment of a pipe.", ge=1.0, le=10.0
    )
    offtakes: bool = field(
        False, unit="-", description="Take the waypoints' optional domestic offtakes out of the line."
    )


class GasSection(Section):
    """Gas composition and the reference conditions of volumes."""

    composition: Literal["west_siberian", "pure_methane"] = field(
        "west_siberian", unit="-", description="Gas composition preset (pos2.gas.composition)."
    )
    reference_temperature_c: float = field(
        20.0,
        unit="degC",
        description="Reference temperature of standard volumes (Russian standard 20 degC).",
        ge=-10,
        le=30,
    )
    reference_pressure_kpa: float = field(
        101.325,
        unit="kPa (absolute)",
        description="Reference pressure of standard volumes.",
        gt=90,
        le=110,
    )


class PipeSpec(Section):
    """One pipeline section: pipe, published length and compressor stations."""

    name: str = Field(description="Short name used in outputs, e.g. 'russia'.", min_length=1, max_length=40)
    label: str = Field("", description="Human-readable description of the section.")
    length_km: float = field(
        unit="km", description="Length used by the twin (scales the great-circle chainage).", gt=1, le=20_000
    )
    published_lengths_km: list[float] = Field(
        default_factory=list,
        json_schema_extra={"unit": "km"},
        description="Lengths published for the section (a warning is given when length_km is far from all).",
    )
    length_tolerance: float = field(
        0.05,
        unit="-",
        description="Relative distance from the nearest published length above which the twin warns.",
        gt=0,
        le=1,
    )
    outer_diameter_mm: float = field(unit="mm", description="Pipe outer diameter.", gt=50, le=2_000)
    wall_thickness_mm: float = field(unit="mm", description="Pipe wall thickness.", gt=1, le=100)
    steel_grade: str = Field("K60", description="Steel strength class (K60 ~ X70, K65 ~ X80).")
    roughness_um: float = field(
        unit="um", description="Equivalent sand-grain roughness of the inner wall.", ge=0, le=2_000
    )
    max_pressure_mpa: float = field(
        unit="MPa (absolute)",
        description="Maximum operating pressure (station discharge set point).",
        gt=0.5,
        le=25,
    )
    station_count: int = field(
        unit="-", description="Compressor stations on the section (the first one at its start).", ge=0, le=60
    )
    station_chainages_km: list[float] = Field(
        default_factory=list,
        json_schema_extra={"unit": "km from the section start"},
        description="Explicit station positions; empty = evenly spaced from the section start.",
    )
    station_names: list[str] = Field(
        default_factory=list, description="Optional names of the stations, in route order."
    )
    loop_length_km: float = field(
        0.0,
        unit="km",
        description="Length of a parallel loop of the same pipe, laid at the downstream end of the section.",
        ge=0,
        le=20_000,
    )

    @field_validator("published_lengths_km", "station_chainages_km")
    @classmethod
    def _finite(cls, v: list[float]) -> list[float]:
        for x in v:
            if not math.isfinite(x) or x < 0:
                raise ValueError(f"values must be finite and non-negative, got {x!r}")
        return v

    @model_validator(mode="after")
    def _check(self) -> PipeSpec:
        if self.wall_thickness_mm * 2 >= self.outer_diameter_mm:
            raise ValueError("wall_thickness_mm must be less than half of outer_diameter_mm")
        if self.station_chainages_km and len(self.station_chainages_km) != self.station_count:
            raise ValueError("station_chainages_km must list exactly station_count positions")
        if self.station_names and len(self.station_names) != self.station_count:
            raise ValueError("station_names must list exactly station_count names")
        if self.loop_length_km > self.length_km:
            raise ValueError("loop_length_km cannot exceed length_km")
        if self.steel_grade not in STEEL_SMYS_MPA:
            raise ValueError(f"unknown steel_grade (known: {', '.join(STEEL_SMYS_MPA)})")
        return self

    @property
    def inner_diameter_m(self) -> float:
        """Inner diameter [m]."""
        return (self.outer_diameter_mm - 2 * self.wall_thickness_mm) / 1000.0

    @property
    def hoop_stress_mpa(self) -> float:
        """Barlow hoop stress p·D/(2t) at the maximum operating pressure [MPa]."""
        return self.max_pressure_mpa * self.outer_diameter_mm / (2 * self.wall_thickness_mm)


class Waypoint(Section):
    """One route point (an item of ``route.waypoints``) with its own source and confidence."""

    name: str = Field(min_length=1, description="Waypoint name.")
    lat_deg: float = Field(ge=-90, le=90, description="Latitude [deg N].")
    lon_deg: float = Field(ge=-180, le=180, description="Longitude [deg E].")
    elevation_m: float = Field(ge=-500, le=6_000, description="Ground elevation above sea level [m].")
    kind: Literal["city", "border", "station", "terrain", "field"] = Field(description="Kind of point.")
    section: str = Field(min_length=1, description="Section the point belongs to (its 'name').")
    region: str = Field(min_length=1, description="Ground-temperature region of the route after the point.")
    offtake_bcm_per_year: float = Field(
        0.0, ge=0, le=50, description="Optional domestic offtake [bcm/yr at 20 degC, 101.325 kPa]."
    )
    source: str = Field(min_length=1, description="Where the coordinates and elevation come from.")
    confidence: Confidence = Field(description="Confidence of the coordinates and elevation.")
    note: str = Field("", description="Caveats; required when confidence is INF or A.")

    @model_validator(mode="after")
    def _note(self) -> Waypoint:
        if self.confidence in ("INF", "A") and not self.note:
            raise ValueError("an inferred or assumed waypoint needs a 'note' giving its reasoning")
        return self


class RouteSection(Section):
    """The route: two consecutive pipeline sections and the ordered waypoints."""

    upstream: PipeSpec
    downstream: PipeSpec
    waypoints: list[Waypoint] = Field(min_length=3, description="Route points in flow order.")
    max_detour: float = field(
        1.8,
        unit="-",
        description="Largest accepted ratio of a section's length to its great-circle length.",
        gt=1,
        le=5,
    )

    @field_validator("waypoints")
    @classmethod
    def _unique(cls, v: list[Waypoint]) -> list[Waypoint]:
        names = [w.name for w in v]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"duplicated waypoint name(s): {', '.join(dup)}")
        return v

    @model_validator(mode="after")
    def _check(self) -> RouteSection:
        if self.upstream.name == self.downstream.name:
            raise ValueError("upstream and downstream sections need different names")
        allowed = (self.upstream.name, self.downstream.name)
        seen_down = False
        for w in self.waypoints:
            if w.section not in allowed:
                raise ValueError(f"waypoint '{w.name}': section '{w.section}' is not one of {allowed}")
            if w.section == self.downstream.name:
                seen_down = True
            elif seen_down:
                raise ValueError(f"waypoint '{w.name}': upstream point after a downstream point")
        if self.waypoints[0].section != self.upstream.name:
            raise ValueError("the first waypoint must belong to the upstream section")
        n_down = sum(w.section == self.downstream.name for w in self.waypoints)
        n_up = len(self.waypoints) - n_down
        if n_down < 1 or n_up < 2:
            raise ValueError("need at least two upstream and one downstream waypoint")
        return self


class StationsSection(Section):
    """Compressor-station design parameters (the same for every station of the scenario)."""

    unit_power_mw: float = field(
        unit="MW", description="ISO shaft power of one gas-turbine compressor unit.", gt=0.5, le=100
    )
    units_per_station: int = field(
        unit="-", description="Running units installed per station (excluding standby).", ge=1, le=20
    )
    standby_units: int = field(1, unit="-", description="Standby units per station.", ge=0, le=10)
    efficiency: float = field(
        unit="-", description="Compressor efficiency (of the kind given by efficiency_kind).", gt=0.3, le=1
    )
    efficiency_kind: Literal["isentropic", "polytropic"] = field(
        "isentropic", unit="-", description="Kind of compressor efficiency."
    )
    driver_efficiency: float = field(
        unit="-",
        description="Gas-turbine driver thermal efficiency (shaft power / fuel LHV).",
        gt=0.1,
        le=0.7,
    )
    max_ratio: float = field(
        unit="-", description="Largest pressure ratio of a station (single stage).", gt=1, le=5
    )
    aftercooler_outlet_c: float = field(
        unit="degC", description="Gas temperature leaving the station's air coolers.", ge=-30, le=80
    )
    dispatch: Literal["max_pressure", "min_power"] = field(
        "max_pressure",
        unit="-",
        description="Part-load operation: every station at the MAOP set point (max_pressure), or the "
        "fewest stations from the head with the last one trimmed so the gas arrives at the minimum "
        "delivery pressure (min_power).",
    )
    min_suction_mpa: float = field(
        3.5,
        unit="MPa",
        description="Low-suction trip of a running station in transient runs (absolute pressure): a "
        "station whose suction falls below it trips, its gas passes the bypass, and it stays off for "
        "the rest of the run; 0: no trip.",
        ge=0,
        le=20,
    )

    @property
    def installed_power_mw(self) -> float:
        """Running installed shaft power of one station [MW]."""
        return self.unit_power_mw * self.units_per_station


class GroundRegion(Section):
    """Undisturbed ground temperature at pipe-axis depth for one region (an item of thermal.regions)."""

    name: str = Field(min_length=1, description="Region name used by the waypoints.")
    min_c: float = Field(ge=-40, le=40, description="Monthly minimum [degC].")
    mean_c: float = Field(ge=-40, le=40, description="Annual mean [degC].")
    max_c: float = Field(ge=-40, le=40, description="Monthly maximum [degC].")
    source: str = Field(min_length=1, description="Source of the temperatures.")
    confidence: Confidence = Field(description="Confidence.")
    note: str = Field("", description="Method or caveats.")

    @model_validator(mode="after")
    def _order(self) -> GroundRegion:
        if not self.min_c <= self.mean_c <= self.max_c:
            raise ValueError("ground temperatures must satisfy min_c <= mean_c <= max_c")
        return self

    def temperature_c(self, season: str) -> float:
        """Ground temperature for ``season`` (winter/annual/summer) [degC]."""
        return {"winter": self.min_c, "annual": self.mean_c, "summer": self.max_c}[season]


class ThermalSection(Section):
    """Heat exchange between gas and ground."""

    u_w_per_m2k: float = field(
        unit="W/(m2 K)", description="Overall heat-transfer coefficient gas to ground.", ge=0, le=50
    )
    regions: list[GroundRegion] = Field(min_length=1, description="Ground temperatures by region.")

    @model_validator(mode="after")
    def _unique(self) -> ThermalSection:
        names = [r.name for r in self.regions]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"duplicated region name(s): {', '.join(dup)}")
        return self

    def region(self, name: str) -> GroundRegion:
        """The region called ``name``."""
        for r in self.regions:
            if r.name == name:
                return r
        raise KeyError(name)
