"""Capital and operating cost of the pipeline from the twin's geometry and stations.

Pipe: steel tonnage from outer diameter and wall thickness times the delivered pipe price, plus a
construction cost per km proportional to the outer diameter and multiplied by a terrain factor
(West Siberian lowland, taiga, Baikal/Buryat mountains, Mongolian steppe and Gobi, permafrost).
Compressor stations: installed MW times a cost per MW. Owner's costs and contingency are a share
on top. Each coefficient's source, currency and price year is in the scenario (``costs``) and in
``docs/economics.md``; the calibration against Power of Siberia 1, Kovykta–Chayanda, the PoS2
analyst range and US benchmarks is in :mod:`pos2.economics.calibration`.

The ``mongolia`` section (Soyuz Vostok) is costed separately from the Russian sections.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from pos2.economics.money import STEEL_DENSITY_KG_PER_M3
from pos2.errors import EconomicsError
from pos2.scenario import Scenario
from pos2.scenario.sections_economics import CostsSection
from pos2.twin.summary import SectionSummary, TwinSummary

MONGOLIA = "mongolia"
"""Name of the twin section that crosses Mongolia."""


def steel_t_per_km(outer_diameter_mm: float, wall_thickness_mm: float) -> float:
    """Mass of line pipe per km of line [t/km].

    Parameters
    ----------
    outer_diameter_mm
        Outer diameter [mm].
    wall_thickness_mm
        Wall thickness [mm].

    Examples
    --------
    >>> round(steel_t_per_km(1420.0, 21.7))
    748
    """
    if not 0 < 2 * wall_thickness_mm < outer_diameter_mm:
        raise EconomicsError(
            f"wall thickness {wall_thickness_mm} mm does not fit outer diameter {outer_diameter_mm} mm"
        )
    d_mean_m = (outer_diameter_mm - wall_thickness_mm) / 1000.0
    return math.pi * d_mean_m * wall_thickness_mm / 1000.0 * STEEL_DENSITY_KG_PER_M3  # kg/m = t/km


def party_of_section(section: str) -> str:
    """``mongolia`` for the Soyuz Vostok section, ``russia`` for all others."""
    return MONGOLIA if section == MONGOLIA else "russia"


@dataclass(frozen=True)
class Capex:
    """Overnight capital cost by section and item (real money of the scenario's price year).

    ``table`` has one row per (section, country, item, terrain) with ``quantity``, ``quantity_unit``
    and ``capex_usd``; ``country`` is where the section lies (who pays is set by ``finance``).
    """

    table: pd.DataFrame
    russia_usd: float
    mongolia_usd: float

    @property
    def total_usd(self) -> float:
        """Total overnight capex [USD]."""
        return self.russia_usd + self.mongolia_usd

    def by_section_usd(self) -> dict[str, float]:
        """Capex per twin section [USD]."""
        return {str(k): float(v) for k, v in self.table.groupby("section")["capex_usd"].sum().items()}


def _terrain_factor(costs: CostsSection, terrain: str, section: str) -> float:
    factors = costs.terrain.model_dump()
    if terrain not in factors:
        raise EconomicsError(
            f"section '{section}': unknown terrain class '{terrain}' (known: {', '.join(factors)})"
        )
    return float(factors[terrain])


def _pipe_rows(sec: SectionSummary, costs: CostsSection) -> list[dict[str, object]]:
    if sec.length_km <= 0:
        raise EconomicsError(f"section '{sec.name}': length_km must be > 0, got {sec.length_km}")
    rows: list[dict[str, object]] = []
    party = party_of_section(sec.name)
    t_per_km = steel_t_per_km(sec.outer_diameter_mm, sec.wall_thickness_mm)
    rows.append(
        {
            "section": sec.name,
            "country": party,
            "item": "line pipe steel",
            "terrain": "",
            "quantity": t_per_km * sec.length_km,
            "quantity_unit": "t",
            "capex_usd": t_per_km * sec.length_km * costs.pipe_usd_per_t,
        }
    )
    terrain = dict(sec.terrain_km)
    classified = sum(terrain.values())
    if classified > sec.length_km * (1 + 1e-6):
        raise EconomicsError(
            f"section '{sec.name}': terrain_km adds up to {classified:.1f} km, more than its "
            f"length {sec.length_km:.1f} km"
        )
    rest = sec.length_km - classified
    if rest > 1e-6:
        terrain["steppe" if not terrain else "unclassified"] = rest
    per_km = costs.construction_usd_per_km_mm * sec.outer_diameter_mm
    for name, km in terrain.items():
        f = 1.0 if name == "unclassified" else _terrain_factor(costs, name, sec.name)
        rows.append(
            {
                "section": sec.name,
                "country": party,
                "item": "construction",
                "terrain": name,
                "quantity": km,
                "quantity_unit": "km",
                "capex_usd": km * per_km * f,
            }
        )
    return rows


def capex(scenario: Scenario, twin: TwinSummary) -> Capex:
    """Overnight capex of the line by section and item.

    Parameters
    ----------
    scenario
        Scenario with the ``costs`` coefficients [USD of ``costs.price_year``].
    twin
        Twin summary: sections (length [km], outer diameter and wall [mm], terrain [km]) and
        stations (installed power; the operating power when installed is not given) [MW]

    Returns
    -------
    Capex
        Table and totals [USD].
    """
    costs = scenario.model.costs
    rows: list[dict[str, object]] = []
    for sec in twin.sections:
        rows.extend(_pipe_rows(sec, costs))
    names = {s.name for s in twin.sections}
    for st in twin.stations:
        if st.section not in names:
            raise EconomicsError(f"station '{st.name}': unknown section '{st.section}'")
        mw = st.installed_mw if st.installed_mw > 0 else st.power_mw
        rows.append(
            {
                "section": st.section,
                "country": party_of_section(st.section),
                "item": "compressor station",
                "terrain": st.name,
                "quantity": mw,
                "quantity_unit": "MW installed" if st.installed_mw > 0 else "MW operating",
                "capex_usd": mw * costs.station_usd_per_mw,
            }
        )
    direct = pd.DataFrame(rows)
    owners = (
        direct.groupby(["section", "country"], as_index=False)["capex_usd"]
        .sum()
        .assign(
            item="owner's costs and contingency",
            terrain="",
            quantity=costs.owners_cost_share,
            quantity_unit="share of direct capex",
        )
    )
    owners["capex_usd"] = owners["capex_usd"] * costs.owners_cost_share
    table = pd.concat([direct, owners[direct.columns]], ignore_index=True)
    by_party = table.groupby("country")["capex_usd"].sum()
    return Capex(
        table=table,
        russia_usd=float(by_party.get("russia", 0.0)),
        mongolia_usd=float(by_party.get(MONGOLIA, 0.0)),
    )


def fuel_bcm_per_year_by_section(twin: TwinSummary) -> dict[str, float]:
    """Fuel gas by section [bcm/yr], the twin's total split by station fuel (or power) [bcm/yr]."""
    out = {s.name: 0.0 for s in twin.sections}
    weights = [
        (st.section, st.fuel_kg_per_s if st.fuel_kg_per_s > 0 else st.power_mw) for st in twin.stations
    ]
    total_w = sum(w for _, w in weights)
    total_fuel = twin.fuel_bcm_per_year
    if total_fuel <= 0 and twin.fuel_share > 0:
        total_fuel = twin.fuel_share * twin.throughput_bcm_per_year
    if total_w <= 0:
        return out
    for sec, w in weights:
        out[sec] = out.get(sec, 0.0) + total_fuel * w / total_w
    return out
