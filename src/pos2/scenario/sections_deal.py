"""Scenario sections owned by the deal model (issue 6).

Hormuz risk, bargaining, China's demand, the LNG deck, China's supply sources (the least-cost
supply LP of :mod:`pos2.bargaining.supply`) and Russia's reservation-price inputs.

Money is in US dollars of 2025 (real terms) per 1,000 m3 (``usd_per_kcm``) or per MMBtu; gas
volumes are at the Russian standard reference conditions (20 degC, 101.325 kPa).
"""

from __future__ import annotations

from typing import Literal

from pos2.scenario.base import Section, field


class HormuzSection(Section):
    """Risk of a closure of the Strait of Hormuz."""

    closure_months: float = field(
        unit="months", description="Expected months closed in a year of closure.", ge=0, le=12
    )
    closure_probability: float = field(
        unit="1/yr", description="Probability per year of a closure.", ge=0, le=1
    )
    closure_lng_price_usd_per_mmbtu: float = field(
        25.40,
        unit="USD/MMBtu",
        description="Asian spot LNG price while the strait is closed (spot LNG cost in the closed state).",
        gt=0,
        le=100,
    )
    closure_probability_when_closed: float = field(
        0.25,
        unit="1/yr",
        description="Closure probability used for a negotiation round held while the strait is closed.",
        ge=0,
        le=1,
    )


class BargainingSection(Section):
    """Bargaining parameters (Nash, Rubinstein, delay model, Shapley)."""

    china_power: float = field(
        unit="-", description="China's bargaining power beta in the Nash solution.", ge=0, le=1
    )
    china_discount_rate: float = field(
        0.08, unit="1/yr", description="China's rate of time preference in the bargaining games.", ge=0
    )
    russia_discount_rate: float = field(
        0.12, unit="1/yr", description="Russia's rate of time preference in the bargaining games.", ge=0
    )
    round_interval_years: float = field(
        1.0, unit="yr", description="Time between negotiation rounds (summits).", gt=0, le=10
    )
    russia_view: Literal["binding", "breakeven", "opportunity"] = field(
        "binding",
        unit="-",
        description="Russia's reservation price used as disagreement point: the larger of the two views "
        "('binding'), the project breakeven, or the opportunity cost of the gas.",
    )
    first_round_year: int = field(
        2026, unit="yr", description="Year of the first round of the delay model.", ge=2000, le=2100
    )
    last_round_year: int = field(
        2040, unit="yr", description="Last round of the delay model (no deal after it).", ge=2000, le=2100
    )
    china_value_volatility: float = field(
        0.25,
        unit="1/sqrt(yr)",
        description="Volatility of the log of China's highest acceptable price (its outside options).",
        ge=0,
        le=2,
    )
    china_value_drift: float = field(
        0.0,
        unit="1/yr",
        description="Expected drift of the log of China's highest acceptable price.",
        ge=-1,
        le=1,
    )
    russia_reservation_drift: float = field(
        -0.02,
        unit="1/yr",
        description="Drift of Russia's reservation price between rounds (negative: Russia's hand weakens).",
        ge=-0.5,
        le=0.5,
    )
    first_gas_lag_years: int = field(
        5, unit="yr", description="Years from signing to first gas.", ge=0, le=20
    )
    ramp_years: int = field(4, unit="yr", description="Years from first gas to plateau.", ge=0, le=20)
    direct_route_extra_cost_usd_per_kcm: float = field(
        40.0,
        unit="USD/1,000 m3",
        description="Extra unit cost of a direct Russia-China route avoiding Mongolia (Shapley game).",
        ge=0,
    )
    transit_share_rule: Literal["shapley"] = field(
        "shapley", unit="-", description="Rule for Mongolia's share of the surplus."
    )


class DemandSection(Section):
    """China's gas demand path."""

    growth_per_year: float = field(
        unit="1/yr", description="Annual growth of China's gas demand.", ge=-0.1, le=0.2
    )
    base_bcm_per_year: float = field(
        425.0,
        unit="bcm/yr (20 degC, 101.325 kPa)",
        description="China's apparent gas consumption in the base year.",
        gt=0,
    )
    base_year: int = field(2025, unit="yr", description="Base year of the demand path.", ge=2000, le=2100)
    peak_bcm_per_year: float = field(
        605.9,
        unit="bcm/yr (20 degC, 101.325 kPa)",
        description="Ceiling of China's demand (the path stops growing there).",
        gt=0,
    )


class LngSection(Section):
    """Asian LNG price level (held flat in real terms); Brent comes from the run's deck ``prices.deck``."""

    price_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Asian LNG price level of the deck.", gt=0, le=100
    )
    spot_reversion_per_year: float = field(
        1.49,
        unit="1/yr",
        description="Speed at which a spot LNG premium over its long-run level decays (hindcast decks).",
        ge=0,
    )
    long_run_slope: float = field(
        0.12,
        unit="USD/MMBtu per USD/bbl",
        description="Long-run Asian LNG level as a share of Brent, to which spot prices revert.",
        ge=0,
        le=0.3,
    )


class SourceSection(Section):
    """One of China's supply sources in the least-cost LP.

    Delivered cost to China's demand centres::

        cost = fixed_usd_per_kcm + mmbtu_per_kcm * (brent_slope * Brent + lng_weight * LNG deck)

    ``mmbtu_per_kcm`` is Gazprom's reporting factor 32.06 (a net-calorific basis) for pipeline sources
    whose slopes were derived from USD/1,000 m3 prices with it, and the gas's gross calorific value for
    LNG, which is quoted per MMBtu gross.
    """

    enabled: bool = field(True, unit="-", description="Whether the source is in the LP.")
    capacity_bcm_per_year: float = field(
        unit="bcm/yr (20 degC, 101.325 kPa)", description="Capacity from the start year.", ge=0
    )
    start_year: int = field(2000, unit="yr", description="First year of supply.", ge=1900, le=2200)
    growth_bcm_per_year: float = field(
        0.0, unit="bcm/yr per yr", description="Annual growth of capacity after the start year.", ge=-100
    )
    max_capacity_bcm_per_year: float = field(
        1.0e4, unit="bcm/yr (20 degC, 101.325 kPa)", description="Ceiling of the growing capacity.", ge=0
    )
    expanded_bcm_per_year: float = field(
        0.0,
        unit="bcm/yr (20 degC, 101.325 kPa)",
        description="Capacity after an expansion (0: no expansion).",
        ge=0,
    )
    expansion_year: int = field(2200, unit="yr", description="Year of the expansion.", ge=1900, le=2200)
    fixed_usd_per_kcm: float = field(
        0.0, unit="USD/1,000 m3", description="Fixed part of the delivered cost (transport, regas, base)."
    )
    brent_slope: float = field(
        0.0, unit="USD/MMBtu per USD/bbl", description="Oil-indexed part of the cost.", ge=0, le=0.5
    )
    lng_weight: float = field(
        0.0, unit="-", description="Weight of the LNG deck price in the cost (1 for spot LNG).", ge=0, le=5
    )
    hormuz_dependent: bool = field(
        False, unit="-", description="Whether the source is lost while the Strait of Hormuz is closed."
    )
    mmbtu_per_kcm: float = field(
        32.06,
        unit="MMBtu per 1,000 m3 (20 degC, 101.325 kPa)",
        description="Heat content converting the per-MMBtu cost terms: 32.06 (Gazprom's factor, net "
        "basis) where the slope came from USD/1,000 m3 prices with it; the gross calorific value for LNG.",
        gt=20,
        le=45,
    )


class SupplySection(Section):
    """China's supply sources (least-cost supply LP, 2026-2055)."""

    first_year: int = field(2026, unit="yr", description="First year of the supply LP.", ge=2000, le=2100)
    last_year: int = field(2055, unit="yr", description="Last year of the supply LP.", ge=2000, le=2200)
    domestic: SourceSection
    pos1: SourceSection
    far_eastern: SourceSection
    central_asia: SourceSection
    line_d: SourceSection
    myanmar: SourceSection
    lng_term: SourceSection
    lng_hormuz: SourceSection
    lng_spot: SourceSection
    backstop: SourceSection
    pos2_fixed_usd_per_kcm: float = field(
        0.0,
        unit="USD/1,000 m3",
        description="China's internal transport from the PoS2 border point to demand centres.",
        ge=0,
    )


class RussiaSection(Section):
    """Inputs of Russia's reservation price (two views)."""

    shut_in_bcm_per_year: float = field(
        unit="bcm/yr (20 degC, 101.325 kPa)", description="West Siberian capacity shut in after Europe.", ge=0
    )
    gas_cost_usd_per_kcm: float = field(
        unit="USD/1,000 m3", description="Short-run cost of producing shut-in gas (incl. MET).", ge=0
    )
    domestic_price_usd_per_kcm: float = field(
        unit="USD/1,000 m3", description="Regulated domestic wholesale price at the producing region.", ge=0
    )
    export_duty: float = field(
        unit="-", description="Export duty on pipeline gas (share of price).", ge=0, lt=1
    )
    transport_usd_per_kcm: float = field(
        unit="USD/1,000 m3", description="Russia's running cost to move gas to the Chinese border.", ge=0
    )
    europe_transport_usd_per_kcm: float = field(
        unit="USD/1,000 m3", description="Transport cost to Europe avoided when gas goes to China.", ge=0
    )
    fallback_capex_usd_bn: float = field(
        unit="USD bn (2025)", description="Capex used only when the economics module is unavailable.", gt=0
    )
    fallback_wacc: float = field(
        unit="1/yr", description="Russia's real cost of capital for the fallback breakeven.", gt=0, lt=1
    )
    fallback_life_years: int = field(
        unit="yr", description="Amortisation life for the fallback breakeven.", gt=0, le=100
    )
    fallback_opex_share: float = field(
        unit="1/yr", description="Annual opex as a share of capex (fallback).", ge=0, lt=1
    )
    length_mongolia_km: float = field(
        unit="km", description="Transit length paid to Mongolia (0 for routes without transit).", ge=0
    )
