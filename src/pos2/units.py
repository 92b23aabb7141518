"""Unit conversions at the edges. Inside pos2 everything is SI with absolute pressure.

Gas volumes always state their reference conditions: :data:`RUSSIAN_STANDARD` (20 degC, 101.325 kPa,
used for Gazprom's bcm) or :data:`ISO_STANDARD` (15 degC, 101.325 kPa) or :data:`NORMAL` (0 degC).

Examples
--------
>>> round(bar_to_pa(1.0))
100000
>>> round(mpa_to_pa(9.8) / 1e6, 3)
9.8
>>> round(bcm_per_year_to_kg_per_s(50.0, 0.6878), 1)
1089.8
"""

from __future__ import annotations

from dataclasses import dataclass

SECONDS_PER_YEAR: float = 365.25 * 24 * 3600.0
"""Julian year [s]; annual volumes are spread evenly over it."""
G: float = 9.80665
"""Standard gravity [m/s^2]."""
R: float = 8.314462618
"""Molar gas constant [J/(mol K)] (CODATA 2018)."""
P_ATM: float = 101_325.0
"""Standard atmosphere [Pa]."""
T0: float = 273.15
"""0 degC in kelvin."""

MMBTU_J: float = 1.055_055_852_62e9
"""One MMBtu (IT) [J]."""
MMBTU_PER_KCM_GAZPROM: float = 32.06
"""MMBtu per 1,000 m3 as used by Gazprom's IFRS reporting (pos2_facts.md header, confidence H)."""
BBL_M3: float = 0.158_987_294_928
"""One oil barrel [m3]."""


@dataclass(frozen=True)
class ReferenceConditions:
    """Reference state of a gas volume: temperature [K] and pressure [Pa]."""

    name: str
    t_k: float
    p_pa: float


RUSSIAN_STANDARD = ReferenceConditions("Russian standard (GOST 2939: 20 degC, 101.325 kPa)", 293.15, P_ATM)
ISO_STANDARD = ReferenceConditions("ISO 13443 standard (15 degC, 101.325 kPa)", 288.15, P_ATM)
NORMAL = ReferenceConditions("normal (0 degC, 101.325 kPa)", 273.15, P_ATM)


def bar_to_pa(p_bar: float) -> float:
    """Convert bar to Pa."""
    return p_bar * 1e5


def pa_to_bar(p_pa: float) -> float:
    """Convert Pa to bar."""
    return p_pa / 1e5


def mpa_to_pa(p_mpa: float) -> float:
    """Convert MPa to Pa."""
    return p_mpa * 1e6


def pa_to_mpa(p_pa: float) -> float:
    """Convert Pa to MPa."""
    return p_pa / 1e6


def barg_to_pa(p_barg: float, p_ambient_pa: float = P_ATM) -> float:
    """Convert gauge bar to absolute Pa, with the ambient pressure [Pa]."""
    return p_barg * 1e5 + p_ambient_pa


def celsius_to_k(t_c: float) -> float:
    """Convert degC to K."""
    return t_c + T0


def k_to_celsius(t_k: float) -> float:
    """Convert K to degC."""
    return t_k - T0


def bcm_per_year_to_kg_per_s(q_bcm_per_year: float, rho_ref_kg_per_m3: float) -> float:
    """Convert an annual standard volume to a mass flow.

    Parameters
    ----------
    q_bcm_per_year
        Volume flow [1e9 m3/yr] at the reference conditions of ``rho_ref_kg_per_m3``.
    rho_ref_kg_per_m3
        Gas density at those reference conditions [kg/m3].
    """
    return q_bcm_per_year * 1e9 * rho_ref_kg_per_m3 / SECONDS_PER_YEAR


def kg_per_s_to_bcm_per_year(m_kg_per_s: float, rho_ref_kg_per_m3: float) -> float:
    """Inverse of :func:`bcm_per_year_to_kg_per_s`."""
    return m_kg_per_s * SECONDS_PER_YEAR / (rho_ref_kg_per_m3 * 1e9)


def usd_per_kcm_to_usd_per_mmbtu(
    price_usd_per_kcm: float, mmbtu_per_kcm: float = MMBTU_PER_KCM_GAZPROM
) -> float:
    """Convert a gas price per 1,000 m3 to per MMBtu with the stated heat content [MMBtu/1,000 m3]."""
    return price_usd_per_kcm / mmbtu_per_kcm


def usd_per_mmbtu_to_usd_per_kcm(
    price_usd_per_mmbtu: float, mmbtu_per_kcm: float = MMBTU_PER_KCM_GAZPROM
) -> float:
    """Convert a gas price per MMBtu to per 1,000 m3 with the stated heat content [MMBtu/1,000 m3]."""
    return price_usd_per_mmbtu * mmbtu_per_kcm
