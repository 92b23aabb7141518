"""Money and gas-quantity conversions used by the economics (explicit, with their bases).

Gas volumes are at the Russian standard reference conditions (20 degC, 101.325 kPa, GOST 2939);
a thousand cubic metres is written ``kcm``. Energy is converted with the gross heat content of the
scenario (``costs.heat_content_mmbtu_per_kcm``, Gazprom's IFRS factor 32.06 MMBtu per 1,000 m3).

Money is real money of one currency and price year (``finance.currency``, ``finance.price_year``);
cash flows are annual and discounted at the end of each year.

Examples
--------
>>> round(kcm_to_gj(1.0, 32.06), 2)
33.83
>>> round(float(usd_per_mmbtu_to_usd_per_kcm(7.0, 32.06)), 2)
224.42
>>> round(capital_recovery_factor(0.08, 30), 5)
0.08883
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pos2.units import MMBTU_J

KCM_PER_BCM: float = 1.0e6
"""Thousand cubic metres in a billion cubic metres."""
STEEL_DENSITY_KG_PER_M3: float = 7850.0
"""Density of carbon line-pipe steel [kg/m3] (API 5L / EN 10208 design value)."""


def bcm_to_kcm(volume_bcm: ArrayLike) -> NDArray[np.float64]:
    """Convert billion m3 to thousand m3 (same reference conditions) [1,000 m3]."""
    return np.asarray(volume_bcm, dtype=float) * KCM_PER_BCM


def kcm_to_mmbtu(volume_kcm: float, heat_content_mmbtu_per_kcm: float) -> float:
    """Energy of a gas volume.

    Parameters
    ----------
    volume_kcm
        Volume at 20 degC, 101.325 kPa [1,000 m3].
    heat_content_mmbtu_per_kcm
        Gross heat content [MMBtu per 1,000 m3].
    """
    return volume_kcm * heat_content_mmbtu_per_kcm


def kcm_to_gj(volume_kcm: float, heat_content_mmbtu_per_kcm: float) -> float:
    """Energy of a gas volume [GJ]; see :func:`kcm_to_mmbtu` for the parameters."""
    return kcm_to_mmbtu(volume_kcm, heat_content_mmbtu_per_kcm) * MMBTU_J / 1e9


def usd_per_mmbtu_to_usd_per_kcm(
    price_usd_per_mmbtu: ArrayLike, heat_content_mmbtu_per_kcm: float
) -> NDArray[np.float64]:
    """Price per MMBtu [USD/MMBtu] to price per 1,000 m3 [USD/kcm] at the given heat content."""
    return np.asarray(price_usd_per_mmbtu, dtype=float) * heat_content_mmbtu_per_kcm


def usd_per_kcm_to_usd_per_mmbtu(
    price_usd_per_kcm: ArrayLike, heat_content_mmbtu_per_kcm: float
) -> NDArray[np.float64]:
    """Price per 1,000 m3 [USD/kcm] to price per MMBtu [USD/MMBtu] at the given heat content."""
    return np.asarray(price_usd_per_kcm, dtype=float) / heat_content_mmbtu_per_kcm


def capital_recovery_factor(rate_per_year: float, years: int) -> float:
    """Annuity per unit of present value, ``r / (1 - (1 + r)^-n)`` [1/yr].

    Parameters
    ----------
    rate_per_year
        Discount rate; 0 gives ``1 / n`` [1/yr]
    years
        Number of annual payments [yr].
    """
    if rate_per_year == 0.0:
        return 1.0 / years
    return rate_per_year / (1.0 - (1.0 + rate_per_year) ** (-years))


def discount_factors(rate_per_year: float, years: int) -> NDArray[np.float64]:
    """End-of-year discount factors ``(1 + r)^-(t+1)`` for ``t = 0 .. years-1`` [-]."""
    return (1.0 + rate_per_year) ** -np.arange(1, years + 1, dtype=float)


def gross_heat_content_mmbtu_per_kcm(composition: str, t_ref_c: float, p_ref_kpa: float) -> float:
    """Gross (superior) calorific value of a composition preset per 1,000 m3 at the given reference
    conditions, ISO 6976 (combustion at 25 degC) [MMBtu per 1,000 m3]: the basis of LNG and hub prices.

    >>> round(gross_heat_content_mmbtu_per_kcm("west_siberian", 20.0, 101.325), 2)
    35.29
    """
    from pos2.gas.composition import preset
    from pos2.units import MMBTU_J, ReferenceConditions, celsius_to_k

    ref = ReferenceConditions("scenario", celsius_to_k(t_ref_c), p_ref_kpa * 1e3)
    return preset(composition).hhv_j_per_m3(ref) * 1000.0 / MMBTU_J
