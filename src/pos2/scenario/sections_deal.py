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
        unit="months",
        description="Months the strait is shut in a year with a closure (12: that whole year). Such years "
        "come with the chances below: 12 here is not 'closed for sure'.",
        ge=0,
        le=12,
    )
    closure_probability: float = field(
        unit="1/yr",
        description="Chance that a closure starts in a year when the strait is open (1: a closure year "
        "every year, each closure_months long).",
        ge=0,
        le=1,
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
        description="Chance that a closure carries on into the next year (1: once shut, shut for good); "
        "also the closure probability of a negotiation round held while the strait is closed.",
        ge=0,
        le=1,
    )


class BargainingSection(Section):
    """Bargaining parameters (Nash, Rubinstein, delay model, Shapley)."""

    china_power: float = field(
        unit="-", description="China's bargaining power beta in the Nash solution.", ge=0, le=1
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
    direct_route: bool = field(
        True,
        unit="-",
        description="Russia and China can build the direct Altai route (it caps the transit fee).",
    )
    direct_route_russia_km: float = field(
        2666.0,
        unit="km",
        description="New Russian pipe of the direct Altai route (Purpeyskaya to the Kanas pass).",
        gt=0,
    )
    direct_route_china_transport_usd_per_kcm: float = field(
        70.0,
        unit="USD/1,000 m3",
        description="China's internal transport of Altai gas, Kanas pass to eastern demand.",
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
    transport_usd_per_kcm: float = field(
        unit="USD/1,000 m3", description="Russia's running cost to move gas to the Chinese border.", ge=0
    )
    europe_transport_usd_per_kcm: float = field(
        unit="USD/1,000 m3", description="Transport cost to Europe avoided when gas goes to China.", ge=0
    )
    fallback_capex_usd_bn: float = field(
        unit="USD bn (2025)", description="Capex used only when the economics module is unavailable.", gt=0
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


class ValuationSection(Section):
    """Inputs of the contract-valuation engine (:mod:`pos2.bargaining.engine`, docs/deal_valuation.md)."""

    paths: int = field(unit="-", description="Monte Carlo paths of the contract valuation.", gt=0, le=100_000)
    detail_paths: int = field(
        unit="-",
        description="Paths of the waterfall, lever effects and terms search (differences on common paths).",
        gt=0,
        le=100_000,
    )
    demand_volatility: float = field(
        unit="1/sqrt(yr)",
        description="Volatility of China's demand growth (random walk in logs).",
        ge=0,
        le=1,
    )
    domestic_base_bcm: float = field(
        unit="bcm/yr (20 degC, 101.325 kPa)",
        description="China's domestic production in the base year.",
        gt=0,
    )
    domestic_base_year: int = field(
        unit="yr", description="Base year of domestic production.", ge=2000, le=2100
    )
    domestic_growth_bcm_per_year: float = field(
        unit="bcm/yr per yr", description="Growth of domestic production until the plateau.", ge=0
    )
    domestic_plateau_bcm: float = field(
        unit="bcm/yr (20 degC, 101.325 kPa)", description="Domestic production plateau.", gt=0
    )
    domestic_volatility: float = field(
        unit="1/sqrt(yr)", description="Volatility of domestic production (random walk in logs).", ge=0, le=1
    )
    jkm_anchor_usd_per_mmbtu: float = field(
        unit="USD/MMBtu",
        description="Asian spot LNG forecast at the anchor year (forward-anchored deck).",
        gt=0,
        le=100,
    )
    jkm_anchor_year: int = field(unit="yr", description="Year of the JKM anchor.", ge=2000, le=2100)
    jkm_long_run_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Long-run Asian LNG level the deck converges to.", gt=0, le=100
    )
    deck_half_life_years: float = field(
        unit="yr",
        description="Half-life of the deck's convergence from the anchor to the long-run level.",
        gt=0,
        le=100,
    )
    hh_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Henry Hub level of US-indexed LNG contracts.", gt=0, le=100
    )
    diversion_cost_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Cost of reselling a divertible surplus cargo.", ge=0, le=100
    )
    regas_capacity_bcm: float = field(
        unit="bcm/yr (20 degC, 101.325 kPa)",
        description="China's regasification capacity in its base year.",
        gt=0,
    )
    regas_base_year: int = field(
        unit="yr", description="Base year of the regasification capacity.", ge=2000, le=2100
    )
    regas_growth_bcm_per_year: float = field(
        unit="bcm/yr per yr", description="Growth of regasification capacity.", ge=0
    )
    jkm_spike_ratio: float = field(
        unit="-", description="Spot LNG multiple in a year with the Strait of Hormuz closed.", ge=1, le=20
    )
    risk_weight: float = field(
        unit="-",
        description="China's mean-CVaR weight on the shortfall below the mean (0: risk-neutral).",
        ge=0,
        le=1,
    )
    reference_risk_weight: float = field(
        unit="-", description="A risk-averse weight shown next to the headline.", ge=0, le=1
    )
    cvar_alpha: float = field(unit="-", description="Tail share of the CVaR.", gt=0, le=1)
    cut_hazard_per_year: float = field(
        unit="1/yr", description="Hazard of a Russian supply cut after first gas.", ge=0, le=1
    )
    cut_duration_years: float = field(unit="yr", description="Duration of a supply cut.", ge=0, le=100)
    cut_premium_usd_per_kcm: float = field(
        unit="USD/1,000 m3", description="Premium of replacement gas during a cut.", ge=0
    )
    cut_reference_share: float = field(
        unit="-", description="Share of supply lost in the reference cut (EU 2022).", gt=0, le=1
    )
    supplier_cap_share: float = field(
        unit="-", description="Cap on Russia's share of China's gas supply (1: no cap).", gt=0, le=1
    )
    holdup_hazard_per_year: float = field(
        unit="1/yr", description="Hazard of a renegotiation of price terms after completion.", ge=0, le=1
    )
    holdup_rent_share: float = field(
        unit="-", description="Share of the unprotected quasi-rent lost in a renegotiation.", ge=0, le=1
    )
    construction_overrun_share: float = field(
        unit="-", description="Expected construction cost overrun.", ge=0, le=5
    )
    capex_scale_exponent: float = field(
        unit="-",
        description="Exponent of capex against capacity when the ACQ differs from the design.",
        gt=0,
        le=2,
    )
