"""Scenario sections owned by the economics: contract, finance, transit (issue 5)."""

from __future__ import annotations

from pos2.scenario.base import Section, field


class ContractSection(Section):
    """Contract terms of the PoS2 sales and purchase agreement."""

    slope: float = field(
        unit="USD/MMBtu per USD/bbl", description="Brent slope of the oil-indexed price.", ge=0, le=0.3
    )
    constant_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Constant term of the price formula.", ge=-10, le=20
    )
    take_or_pay: float = field(
        unit="-", description="Take-or-pay share of the annual contract quantity.", ge=0, le=1
    )
    flex_band: float = field(
        unit="-", description="Annual downward flexibility band of the buyer.", ge=0, le=1
    )
    acq_bcm_per_year: float = field(
        unit="bcm/yr (20 degC, 101.325 kPa)", description="Annual contract quantity.", gt=0, le=200
    )


class FinanceSection(Section):
    """Who pays for construction."""

    china_share: float = field(unit="-", description="Share of capex financed by China.", ge=0, le=1)


class TransitSection(Section):
    """Mongolian transit terms."""

    fee_usd_per_kcm_100km: float = field(
        unit="USD per 1,000 m3 per 100 km", description="Transit fee paid to Mongolia.", ge=0, le=10
    )
