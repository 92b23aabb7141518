"""Calibration references of the cost model, converted to the scenario's money (real USD 2025).

Each reference states the public figure, its currency and price basis, the conversion used, the
reference line configuration it applies to and the tolerance the cost model must meet
(tests/unit/economics/test_calibration.py). Conversion factors that are not in the facts files
are labelled assumptions.

Conversions
-----------
* RUB to USD at the average rate of the year of the figure: 63 RUB/USD for 2018 (deal_facts.md
  header, INF); 2020 figures are converted from the EUR value given by the source (~EUR 2 bn) at
  1.14 USD/EUR (assumption: 2020 annual average).
* Russian VAT (18 % in 2018) is removed: capex in pos2 excludes recoverable VAT.
* USD of year y to USD 2025 with the US CPI-U ratio (assumption, BLS annual averages: 2015 237.0,
  2017 245.1, 2018 251.1, 2020 258.8, 2025 ~322; 2000 172.2): 2000 1.869, 2015 1.36, 2017 1.31,
  2018 1.28, 2020 1.24.

Gazprom's upstream cost
-----------------------
``costs.upstream_cost_usd_per_kcm`` is Gazprom's production cost **excluding** the mineral tax (the
MET is a separate input, ``taxes.met_usd_per_kcm``) in 2025 money (:func:`upstream_cost_ex_met_usd2025`):
the 2015 average production cost including MET, 1,643 RUB/kcm = 27.09 USD/kcm (pos2_facts.md §3d,
Korchemkin / naturalgasworld 2016, M), less the 2015 average MET on Gazprom's gas, 788 RUB/kcm
(government materials on the 2016 MET increase, TASS 2015-10-10 via
freenews-en.tk/2015/10/10/the-cabinet-submits-to-the-state-duma-the-amendment-about-increase-in-met-on-gas-for-gazprom-36-7/,
M), converted at the source's own rate (1,643 / 27.09 = 60.65 RUB/USD), then 2015 -> 2025 USD by CPI.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos2.twin.summary import SectionSummary, StationSummary, TwinSummary

CPI_TO_2025: dict[int, float] = {2000: 1.869, 2015: 1.36, 2017: 1.31, 2018: 1.28, 2020: 1.24}
"""US CPI-U ratio to 2025 (assumption: BLS annual averages, not in the facts files) [-]."""
RUB_PER_USD_2018: float = 63.0
"""deal_facts.md header (exchange rate used in INF rows, 2018) [RUB/USD]."""
USD_PER_EUR_2020: float = 1.14
"""Assumption: 2020 annual average [USD/EUR]."""
VAT_RU_2018: float = 0.18
"""Russian VAT rate in 2018 [-] (assumption: statutory rate)."""
GAZPROM_COST_2015_RUB_PER_KCM: float = 1643.0
"""Gazprom's average gas production cost in 2015, MET included [RUB/1,000 m3] (pos2_facts.md §3d, M)."""
GAZPROM_COST_2015_USD_PER_KCM: float = 27.09
"""The same in USD as the source converts it [USD/1,000 m3] (pos2_facts.md §3d, M)."""
GAZPROM_MET_2015_RUB_PER_KCM: float = 788.0
"""Average MET on Gazprom's gas in 2015 [RUB/1,000 m3] (TASS 2015-10-10, government materials, M)."""


def upstream_cost_ex_met_usd2025() -> float:
    """Gazprom's 2015 production cost less the 2015 MET, in USD of 2025 [USD/1,000 m3].

    ``(1,643 - 788) RUB/kcm / (1,643 / 27.09) RUB/USD x CPI(2015 -> 2025)`` = 855 / 60.65 x 1.36
    = 19.2 (see the module docstring for the sources).

    Examples
    --------
    >>> round(upstream_cost_ex_met_usd2025(), 1)
    19.2
    """
    rub_per_usd_2015 = GAZPROM_COST_2015_RUB_PER_KCM / GAZPROM_COST_2015_USD_PER_KCM
    ex_met_usd2015 = (GAZPROM_COST_2015_RUB_PER_KCM - GAZPROM_MET_2015_RUB_PER_KCM) / rub_per_usd_2015
    return ex_met_usd2015 * CPI_TO_2025[2015]


YAMAL_TO_CHINA_KM: float = 6700.0
"""Total gas path from Yamal to the Chinese border, existing West Siberian system included [km]
(pos2_facts.md §1b: dpa 2025-09, money.pl, M)."""
RUSSIAN_NEW_BUILD_KM: tuple[float, float] = (2594.0, 2700.0)
"""Published lengths of the new Russian section, CS Aganskaya to the Mongolian border [km]
(pos2_facts.md §1b: GEM 2,594 L; Putin/Reuters 2,600 M; dpa/Bloomberg 2,700 M)."""
RU_TRUNK_TARIFF_2018_USD_PER_KCM_100KM: float = 13.48 / RUB_PER_USD_2018
"""Russian domestic trunk transport tariff, 13.48 RUB per 1,000 m3 per 100 km in 2018 (deal_facts.md §5)
at 63 RUB/USD = 0.214 USD [USD/1,000 m3 per 100 km]."""


def upstream_transport_usd2025(existing_km: float) -> float:
    """Tariff through ``existing_km`` of the existing Russian system, in 2025 USD [USD/1,000 m3].

    The existing trunk lines from the fields to the start of the new line are sunk and shared, so
    PoS2 pays for them as a tariff; the new-build line is capital (:func:`pos2.economics.capex`).

    Examples
    --------
    >>> round(upstream_transport_usd2025(3000.0), 1)
    8.2
    """
    return RU_TRUNK_TARIFF_2018_USD_PER_KCM_100KM * existing_km / 100.0 * CPI_TO_2025[2018]


@dataclass(frozen=True)
class Reference:
    """A public cost figure the model must reproduce."""

    name: str
    value_usd2025: float
    tolerance_rel: float
    what: str
    """Which part of the model's capex the figure covers."""
    source: str


REFERENCE_SUCTION_MPA: float = 7.0
"""Station suction pressure of the reference twins [MPa] (assumption: only capex is used here, which
does not depend on it; the same 7.0 MPa is the reference delivery pressure)."""
REFERENCE_DISCHARGE_MPA: float = 9.8
"""Station discharge = working pressure of PoS1 [MPa] (pos2_facts.md §1e, gazprom.com, H)."""


def _station(name: str, section: str, km: float, mw: float) -> StationSummary:
    return StationSummary(
        name, section, km, REFERENCE_SUCTION_MPA, REFERENCE_DISCHARGE_MPA, mw, installed_mw=mw
    )


def pos1_reference_twin() -> TwinSummary:
    """Power of Siberia 1 as built by 2022: 2,156 km Chayanda–Blagoveshchensk + 804 km Kovykta–Chayanda.

    1,420 x 21.7 mm (pos2_facts.md §1e). Stations: phase 1 CS Zeya 128 MW + 7 CS 481 MW, phase 2
    one CS 48 MW (engineering_facts.md, Markelov 2018). Terrain split by route (INF): Yakutia
    permafrost and taiga, Stanovoy/Aldan uplands as mountain, Amur taiga; Kovykta–Chayanda
    through the Baikal–Patom highlands.
    """
    main = SectionSummary(
        "chayanda_blagoveshchensk",
        2156.1,
        1420.0,
        21.7,
        10.0,
        9.8,
        terrain_km={"permafrost": 900.0, "taiga": 856.1, "mountain": 400.0},
    )
    kc = SectionSummary(
        "kovykta_chayanda", 803.5, 1420.0, 21.7, 10.0, 9.8, terrain_km={"taiga": 400.0, "mountain": 403.5}
    )
    stations = [_station("CS Zeyskaya", "chayanda_blagoveshchensk", 1900.0, 128.0)]
    stations += [
        _station(f"CS {i + 1}", "chayanda_blagoveshchensk", 250.0 * (i + 1), 481.0 / 7) for i in range(7)
    ]
    stations.append(_station("CS Kovykta", "kovykta_chayanda", 0.0, 48.0))
    return TwinSummary(
        "pos1-reference",
        throughput_bcm_per_year=38.0,  # contract (pos2_facts.md §1e)
        sections=(main, kc),
        stations=tuple(stations),
        total_power_mw=128.0 + 481.0 + 48.0,  # phases 1 and 2 (pos2_facts.md §1e, eng §1c)
        fuel_share=0.02,  # INF: ~0.3 % per station at ratio 1.4 (eng §1d) x 8 stations, rounded down
        linepack_mcm=0.0,  # not used by the capex calibration
        min_pressure_mpa=REFERENCE_SUCTION_MPA,
        max_pressure_mpa=REFERENCE_DISCHARGE_MPA,
        delivery_pressure_mpa=REFERENCE_SUCTION_MPA,
    )


def kovykta_chayanda_twin() -> TwinSummary:
    """Kovykta–Chayanda alone (803.5 km, 1,420 x 21.7 mm, no stations) for the construction contract."""
    pos1 = pos1_reference_twin()
    return TwinSummary(
        "kovykta-chayanda",
        throughput_bcm_per_year=38.0,
        sections=(pos1.sections[1],),
        stations=(),
        total_power_mw=0.0,
        fuel_share=0.0,
        linepack_mcm=0.0,
        min_pressure_mpa=REFERENCE_SUCTION_MPA,
        max_pressure_mpa=REFERENCE_DISCHARGE_MPA,
        delivery_pressure_mpa=REFERENCE_SUCTION_MPA,
    )


def pos2_reference_twin(n_russia: int = 18, mw_per_station: float = 80.0) -> TwinSummary:
    """A PoS2 configuration for the analyst range: 2,700 km Russian + 962.9 km Mongolian section.

    Russian section 1,420 x 23.0 mm, Mongolian 1,400 x 22.0 mm (walls: INF for 9.8 MPa, K65);
    5 Mongolian stations (pos2_facts.md §1a) and ``n_russia`` Russian ones of ``mw_per_station``
    installed (INF: ~150 km spacing, engineering_facts.md own calc 58 MW shaft per CS plus spares).
    Terrain split (INF from the route in pos2_facts.md §1d): West Siberian lowland to Achinsk,
    taiga to Irkutsk, mountains south of Baikal; steppe to Choir, Gobi to the border.
    """
    ru = SectionSummary(
        "russia",
        2700.0,
        1420.0,
        23.0,
        10.0,
        9.8,
        terrain_km={"west_siberian_lowland": 900.0, "taiga": 1300.0, "mountain": 500.0},
    )
    mn = SectionSummary(
        "mongolia", 962.9, 1400.0, 22.0, 10.0, 9.8, terrain_km={"steppe": 600.0, "gobi": 362.9}
    )
    st = [_station(f"RU-{i + 1}", "russia", 150.0 * i, mw_per_station) for i in range(n_russia)]
    st += [_station(f"MN-{i + 1}", "mongolia", 193.0 * i, mw_per_station) for i in range(5)]
    total = mw_per_station * (n_russia + 5)
    return TwinSummary(
        "pos2-reference",
        throughput_bcm_per_year=50.0,  # pos2_facts.md §1a
        sections=(ru, mn),
        stations=tuple(st),
        total_power_mw=total,
        fuel_share=0.03,  # assumption: a round figure for a test fixture; capex does not depend on it
        linepack_mcm=0.0,  # not used by the capex calibration
        min_pressure_mpa=REFERENCE_SUCTION_MPA,
        max_pressure_mpa=REFERENCE_DISCHARGE_MPA,
        delivery_pressure_mpa=REFERENCE_SUCTION_MPA,
        fuel_bcm_per_year=1.5,  # 0.03 x 50 bcm/yr
    )


POS1_TOTAL = Reference(
    "Power of Siberia 1 pipeline, ~3,000 km",
    1.1e12 / RUB_PER_USD_2018 / (1 + VAT_RU_2018) * CPI_TO_2025[2018],
    0.20,
    "total capex (pipe, construction, stations, owner's costs)",
    "pos2_facts.md §2: 1.1 trn RUB incl. VAT (aif.ru 2018, H); "
    "converted at 63 RUB/USD, ex 18 % VAT, CPI 2018->2025",
)
KOVYKTA_CHAYANDA = Reference(
    "Kovykta–Chayanda construction contract, ~800 km",
    2.0e9 * USD_PER_EUR_2020 * CPI_TO_2025[2020],
    0.20,
    "construction items only (the contractor does not supply the pipe)",
    "pos2_facts.md §2: ~160 bn RUB (~EUR 2 bn) for ~800 km (agenzianova/RBC 2020, M); "
    "converted at 1.14 USD/EUR, CPI 2020->2025",
)
POS2_RANGE_USD2025: tuple[float, float] = (13.6e9, 30.0e9 * 1.1)
"""Analyst range for PoS2 (Reuters 2023: up to 13.6 bn; FT 2025: upper bound '>30'), in USD of
2023-25 taken as 2025 money; the upper end allows 10 % above 30 for '>30' (pos2_facts.md §2)."""
US_ONSHORE_USD2025_PER_KM: float = 3.55e6 * CPI_TO_2025[2017]
"""FERC 2014-19 average, 5.72 mn USD/mile = 3.55 mn USD/km, all diameters (pos2_facts.md §2, M),
taken as 2017 money. US costs are high (urban North-East), so it bounds the flat-terrain cost."""
US_STATION_USD2025_PER_MW: tuple[float, float] = (2.30e6 * CPI_TO_2025[2000], 4.06e6 * CPI_TO_2025[2017])
"""US compressor station cost per MW: 1992-2008 study (taken as 2000 money) and FERC 2014-19
(taken as 2017 money) (pos2_facts.md §2, M)."""
