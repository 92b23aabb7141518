"""Scenario sections owned by the deal model: Hormuz, bargaining, demand, LNG (issue 6)."""

from __future__ import annotations

from pos2.scenario.base import Section, field


class HormuzSection(Section):
    """Risk of a closure of the Strait of Hormuz."""

    closure_months: float = field(
        unit="months", description="Expected months closed in a year of closure.", ge=0, le=12
    )
    closure_probability: float = field(
        unit="1/yr", description="Probability per year of a closure.", ge=0, le=1
    )


class BargainingSection(Section):
    """Bargaining parameters."""

    china_power: float = field(
        unit="-", description="China's bargaining power beta in the Nash solution.", ge=0, le=1
    )


class DemandSection(Section):
    """China's gas demand path."""

    growth_per_year: float = field(
        unit="1/yr", description="Annual growth of China's gas demand.", ge=-0.1, le=0.2
    )


class LngSection(Section):
    """LNG price deck."""

    price_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Asian LNG price level of the deck.", gt=0, le=100
    )
