"""Dynamic viscosity of natural gas from a published correlation.

Lee, Gonzalez & Eakin (1966) correlate the viscosity of natural gases with temperature, density and
molar mass only, so it can be evaluated on any equation of state's density (here GERG-2008).
The authors report a standard deviation of about 2-3 % (largest deviations near 9 %) against their data
on natural gases at 100-8,000 psia and 100-340 degF.

References
----------
Lee, A. L., Gonzalez, M. H., Eakin, B. E. (1966). "The viscosity of natural gases".
Journal of Petroleum Technology 18(8): 997-1000. SPE-1340-PA.
Worked example: Ahmed, T. (2006), Reservoir Engineering Handbook, 3rd ed., Gulf, chapter 2
(T = 600 degR, rho = 8.3 lb/ft3, M = 20.079 g/mol -> 0.0173 cP).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from pos2.gas.model import FloatArray

__all__ = ["lee_gonzalez_eakin"]


def lee_gonzalez_eakin(t_k: ArrayLike, rho_kg_per_m3: ArrayLike, molar_mass_kg_per_mol: float) -> FloatArray:
    """Natural-gas dynamic viscosity, Lee-Gonzalez-Eakin (1966) correlation.

    In the original field units (T in degR, rho in g/cm3, M in g/mol, mu in cP)::

        K = (9.4 + 0.02 M) T^1.5 / (209 + 19 M + T)
        X = 3.5 + 986 / T + 0.01 M
        Y = 2.4 - 0.2 X
        mu = 1e-4 K exp(X rho^Y)

    Inputs are converted from SI at entry and the result back to SI.

    Parameters
    ----------
    t_k
        Temperature [K].
    rho_kg_per_m3
        Gas mass density [kg/m3].
    molar_mass_kg_per_mol
        Gas molar mass [kg/mol].

    Returns
    -------
    numpy.ndarray
        Dynamic viscosity [Pa s].

    References
    ----------
    Lee, Gonzalez & Eakin (1966), J. Pet. Technol. 18(8): 997-1000.

    Examples
    --------
    >>> mu = lee_gonzalez_eakin(600.0 / 1.8, 8.3 * 16.018463, 0.020079)
    >>> round(float(mu) * 1e3, 4)  # cP
    0.0174
    """
    t_r = 1.8 * np.asarray(t_k, dtype=np.float64)
    rho_g_per_cm3 = np.asarray(rho_kg_per_m3, dtype=np.float64) * 1e-3
    m = 1e3 * float(molar_mass_kg_per_mol)
    k = (9.4 + 0.02 * m) * t_r**1.5 / (209.0 + 19.0 * m + t_r)
    x = 3.5 + 986.0 / t_r + 0.01 * m
    y = 2.4 - 0.2 * x
    mu_cp = 1e-4 * k * np.exp(x * rho_g_per_cm3**y)
    return np.asarray(mu_cp * 1e-3, dtype=np.float64)
