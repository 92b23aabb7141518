"""The twin's summary: what downstream stages (economics, deal, report) need from the hydraulics.

Field names follow the ``pos2 twin --json`` contract (issue 4). Pressures are absolute.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SectionSummary:
    """One pipeline section (``russia``, ``mongolia`` for PoS2)."""

    name: str
    length_km: float
    outer_diameter_mm: float
    wall_thickness_mm: float
    roughness_um: float
    max_pressure_mpa: float
    terrain_km: dict[str, float] = field(default_factory=dict)
    """Length by terrain class (e.g. ``west_siberian_lowland``, ``mountain``, ``steppe``, ``gobi``) [km]."""


@dataclass(frozen=True)
class StationSummary:
    """One compressor station at the operating point."""

    name: str
    section: str
    chainage_km: float
    suction_pressure_mpa: float
    discharge_pressure_mpa: float
    power_mw: float
    installed_mw: float = 0.0
    fuel_kg_per_s: float = 0.0
    running: bool = True
    """False when the station does not compress at part load (bypassed or throttling) [-]."""
    mode: str = "running"
    """``running``; ``bypassed`` (suction at or above the set point: ratio 1, no power, no fuel); or
    ``throttling`` (a pressure regulator holds the outlet below the MAOP where the gas would otherwise
    rise above it downhill at low load; no power, no fuel) [-]."""


@dataclass(frozen=True)
class TwinSummary:
    """Summary of a twin run at one throughput."""

    scenario: str
    throughput_bcm_per_year: float
    sections: tuple[SectionSummary, ...]
    stations: tuple[StationSummary, ...]
    total_power_mw: float
    fuel_share: float
    """Fuel gas burnt in stations / gas entering the line [-]."""
    linepack_mcm: float
    """Gas in the line [million m3 at 20 degC, 101.325 kPa]."""
    min_pressure_mpa: float
    max_pressure_mpa: float
    delivery_pressure_mpa: float
    fuel_bcm_per_year: float = 0.0
    calibration: tuple[dict[str, Any], ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object (issue 4 contract)."""
        d = asdict(self)
        d["sections"] = [asdict(s) for s in self.sections]
        d["stations"] = [asdict(s) for s in self.stations]
        if self.calibration is None:
            d.pop("calibration")
        else:
            d["calibration"] = list(self.calibration)
        return d

    def section(self, name: str) -> SectionSummary:
        """The section called ``name``."""
        for s in self.sections:
            if s.name == name:
                return s
        raise KeyError(name)
