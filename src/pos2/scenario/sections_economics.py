"""Scenario sections owned by the economics (issue 5).

``contract`` (price formula and volume terms), ``finance`` (cost of capital, timing, who pays),
``transit`` (Mongolian fee), ``costs`` (capex/opex coefficients), ``taxes`` (Russian MET and export
duty), ``prices`` (Schwartz–Smith price processes, named decks, China's alternative) and
``montecarlo`` (paths, seed, chunk grid).

Money is real (constant) money of one currency and price year, stated once in ``finance.currency``
and ``finance.price_year`` and repeated in ``costs`` and ``prices`` so that a mismatch is caught
(:func:`pos2.economics.validate.check_inputs`). Gas volumes are at the Russian standard reference
conditions (20 degC, 101.325 kPa); ``costs.heat_content_mmbtu_per_kcm`` converts them to energy.
"""

from __future__ import annotations

from typing import Literal

from pos2.scenario.base import Section, field

_KCM = "USD per 1,000 m3 (20 degC)"


class ContractSection(Section):
    """Terms of the PoS2 sales and purchase agreement."""

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
        unit="bcm/yr (20 degC, 101.325 kPa)",
        description="Annual contract quantity (at least 0.1 bcm/yr).",
        ge=0.1,
        le=200,
    )
    formula: Literal["oil", "hub", "fixed"] = field(
        unit="-", description="Price formula: oil-indexed, hub-indexed (JKM/TTF) or fixed with escalation."
    )
    averaging_months: int = field(
        unit="months", description="Months of Brent averaged in the oil-indexed formula (m).", ge=1, le=24
    )
    lag_months: int = field(
        unit="months", description="Lag between the averaging window and the price period (n).", ge=0, le=24
    )
    reset_months: int = field(
        unit="months", description="Months between price resets (3 = quarterly).", ge=1, le=12
    )
    hub: Literal["jkm", "ttf"] = field(unit="-", description="Hub of the hub-indexed formula.")
    hub_slope: float = field(
        unit="USD/MMBtu per USD/MMBtu", description="Slope on the hub price (hub formula).", ge=0, le=2
    )
    hub_constant_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Constant of the hub formula.", ge=-10, le=20
    )
    fixed_price_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Price in the first contract year (fixed formula).", ge=0, le=50
    )
    escalation_per_year: float = field(
        unit="1/yr", description="Real escalation of the fixed price.", ge=-0.1, le=0.1
    )
    price_limits: Literal["none", "floor_ceiling", "s_curve"] = field(
        unit="-", description="Price limits: none, a floor and a ceiling, or an S-curve on Brent."
    )
    floor_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Price floor (price_limits = floor_ceiling).", ge=0, le=100
    )
    ceiling_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Price ceiling (price_limits = floor_ceiling).", ge=0, le=100
    )
    s_curve_low_usd_per_bbl: float = field(
        unit="USD/bbl", description="Brent below which the S-curve slope applies.", ge=0, le=300
    )
    s_curve_high_usd_per_bbl: float = field(
        unit="USD/bbl", description="Brent above which the S-curve slope applies.", ge=0, le=300
    )
    s_curve_slope: float = field(
        unit="USD/MMBtu per USD/bbl", description="Flatter slope outside the S-curve kinks.", ge=0, le=0.3
    )
    make_up_years: int = field(
        unit="yr", description="Years in which gas paid but not taken may be made up.", ge=0, le=10
    )
    ramp_up_years: int = field(
        unit="yr", description="Years of linear ramp-up from first gas to the full ACQ.", ge=0, le=15
    )
    term_years: int = field(unit="yr", description="Contract term from first gas.", ge=1, le=40)


class FinanceSection(Section):
    """Cost of capital, timing and who pays for construction."""

    china_share: float = field(unit="-", description="Share of capex financed by China.", ge=0, le=1)
    china_mode: Literal["loan", "equity"] = field(
        unit="-",
        description="How China finances its share: a loan repaid in gas, or equity in the pipeline.",
    )
    loan_rate: float = field(
        unit="1/yr (real)", description="Interest rate of the Chinese loan/prepayment.", ge=0, le=0.3
    )
    loan_repay_years: int = field(
        unit="yr", description="Years after first gas over which the loan is repaid in gas.", ge=1, le=30
    )
    discount_rate_russia: float = field(
        unit="1/yr (real)", description="Gazprom's real cost of capital.", gt=0, le=0.3
    )
    discount_rate_china: float = field(
        unit="1/yr (real)", description="CNPC's real cost of capital.", gt=0, le=0.3
    )
    discount_rate_mongolia: float = field(
        unit="1/yr (real)", description="Mongolia's real social discount rate.", gt=0, le=0.3
    )
    construction_years: int = field(
        unit="yr", description="Years of construction before first gas (capex spread evenly).", ge=1, le=10
    )
    economic_life_years: int = field(
        unit="yr", description="Economic life of the pipeline for the levelised tariff.", ge=5, le=60
    )
    currency: str = field(unit="-", description="Currency of every money value in the scenario.")
    price_year: int = field(
        unit="yr", description="Price year of every money value (real terms).", ge=1990, le=2100
    )
    valuation_year: int = field(
        unit="yr", description="First construction year; NPVs are discounted to its start.", ge=2000, le=2100
    )


class TransitSection(Section):
    """Mongolian transit terms."""

    fee_usd_per_kcm_100km: float = field(
        unit="USD per 1,000 m3 per 100 km", description="Transit fee paid to Mongolia.", ge=0, le=10
    )
    mode: Literal["per_kcm_100km", "lump"] = field(
        unit="-", description="Fee per volume and distance, or an annual lump sum."
    )
    lump_usd_bn_per_year: float = field(
        unit="USD bn/yr", description="Annual lump-sum fee (mode = lump).", ge=0, le=10
    )


class TerrainFactors(Section):
    """Multipliers on the flat-terrain construction cost, by terrain class."""

    steppe: float = field(unit="-", description="Mongolian steppe (reference terrain).", gt=0, le=5)
    gobi: float = field(unit="-", description="Gobi desert plateau.", gt=0, le=5)
    west_siberian_lowland: float = field(
        unit="-", description="West Siberian lowland (bog, rivers, patchy permafrost).", gt=0, le=5
    )
    taiga: float = field(unit="-", description="Hilly taiga of the Krasnoyarsk/Irkutsk belt.", gt=0, le=5)
    mountain: float = field(unit="-", description="Baikal/Buryat mountains (Khamar-Daban).", gt=0, le=5)
    permafrost: float = field(unit="-", description="Continuous permafrost and swamps.", gt=0, le=5)


class CostsSection(Section):
    """Cost coefficients (real money of ``currency``/``price_year``)."""

    currency: str = field(unit="-", description="Currency of the cost coefficients.")
    price_year: int = field(unit="yr", description="Price year of the cost coefficients.", ge=1990, le=2100)
    pipe_usd_per_t: float = field(
        unit="USD/t", description="Delivered price of large-diameter line pipe.", gt=0, le=10_000
    )
    construction_usd_per_km_mm: float = field(
        unit="USD per km per mm of outer diameter",
        description="Flat-terrain construction cost (laying, welding, right of way, crossings) per mm of OD.",
        gt=0,
        le=20_000,
    )
    terrain: TerrainFactors
    station_usd_per_mw: float = field(
        unit="USD/MW", description="Compressor station capex per installed MW.", gt=0, le=2e7
    )
    owners_cost_share: float = field(
        unit="-", description="Engineering, owner's costs and contingency on top of direct capex.", ge=0, le=1
    )
    opex_share_per_year: float = field(
        unit="1/yr", description="Fixed operation and maintenance cost as a share of capex.", ge=0, le=0.2
    )
    fuel_value_usd_per_kcm: float = field(
        unit=_KCM, description="Opportunity price of the fuel gas burnt in the stations.", ge=0, le=2000
    )
    upstream_cost_usd_per_kcm: float = field(
        unit=_KCM, description="Gazprom's production cost excluding taxes.", ge=0, le=500
    )
    upstream_transport_usd_per_kcm: float = field(
        unit=_KCM, description="Cost of moving gas through the existing system to the new line.", ge=0, le=500
    )
    china_transport_usd_per_kcm: float = field(
        unit=_KCM, description="China's own transport from the border to its market.", ge=0, le=500
    )
    heat_content_mmbtu_per_kcm: float = field(
        unit="MMBtu per 1,000 m3 (20 degC)", description="Gross heat content of the gas.", gt=20, le=50
    )


class TaxesSection(Section):
    """Russian taxes on exported gas."""

    met_usd_per_kcm: float = field(
        unit=_KCM, description="Mineral extraction tax on the exported gas.", ge=0, le=500
    )
    export_duty_share: float = field(
        unit="-", description="Export duty as a share of the contract price.", ge=0, le=1
    )


class DeckSection(Section):
    """A named deterministic price deck (flat real prices over the term)."""

    brent_usd_per_bbl: float = field(unit="USD/bbl", description="Brent price.", gt=0, le=500)
    jkm_usd_per_mmbtu: float = field(unit="USD/MMBtu", description="JKM price.", gt=0, le=200)


class DecksSection(Section):
    """The named price decks."""

    low: DeckSection
    base: DeckSection
    hormuz_2026: DeckSection


class ProcessSection(Section):
    """Schwartz–Smith (2000) two-factor parameters of one commodity (log price = chi + xi)."""

    kappa_per_year: float = field(
        unit="1/yr", description="Mean-reversion speed of the short-term factor chi.", gt=0, le=20
    )
    sigma_chi: float = field(unit="1/sqrt(yr)", description="Volatility of chi.", ge=0, le=3)
    sigma_xi: float = field(
        unit="1/sqrt(yr)", description="Volatility of the long-term factor xi.", ge=0, le=3
    )
    rho: float = field(unit="-", description="Correlation of the chi and xi increments.", ge=-1, le=1)
    mu_xi: float = field(unit="1/yr", description="Drift of xi.", ge=-1, le=1)


class PricesSection(Section):
    """Price processes, decks and China's alternative supply price."""

    currency: str = field(unit="-", description="Currency of the prices.")
    price_year: int = field(unit="yr", description="Price year of the prices.", ge=1990, le=2100)
    deck: Literal["low", "base", "hormuz_2026"] = field(
        unit="-", description="Deck used in deterministic mode and as the Monte Carlo starting level."
    )
    decks: DecksSection
    brent: ProcessSection
    jkm: ProcessSection
    rho_brent_jkm: float = field(
        unit="-", description="Correlation between the Brent and JKM factor increments.", ge=-1, le=1
    )
    ttf_to_jkm: float = field(unit="-", description="TTF as a fraction of JKM (hub = ttf).", gt=0, le=2)
    alternative: Literal["oil_lng", "jkm", "min"] = field(
        unit="-", description="China's best alternative: oil-indexed term LNG, spot JKM, or the cheaper."
    )
    lng_slope: float = field(
        unit="USD/MMBtu per USD/bbl", description="Brent slope of China's term LNG.", ge=0, le=0.3
    )
    lng_constant_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Constant of China's term LNG price.", ge=-10, le=20
    )
    regas_usd_per_mmbtu: float = field(
        unit="USD/MMBtu", description="Regasification tariff added to LNG.", ge=0, le=10
    )
    alternative_mmbtu_per_kcm: float = field(
        unit="MMBtu per 1,000 m3 (20 degC, 101.325 kPa)",
        description="Heat content converting China's LNG alternative (quoted per MMBtu gross) to USD per "
        "1,000 m3 of the pipeline gas: its gross calorific value.",
        gt=20,
        le=45,
    )


class MonteCarloSection(Section):
    """Monte Carlo settings (the CLI's --paths and --seed override paths and seed)."""

    paths: int = field(unit="-", description="Number of price paths.", ge=1, le=100_000_000)
    seed: int = field(unit="-", description="Seed of numpy's SeedSequence.", ge=0)
    chunk_paths: int = field(
        unit="-", description="Paths per chunk; the chunk grid fixes the random streams.", ge=1, le=1_000_000
    )
    volume_sd: float = field(
        unit="-", description="Standard deviation of the log of China's annual nomination.", ge=0, le=2
    )
