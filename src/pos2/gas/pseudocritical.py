"""Gas described by pseudo-critical data, as GasLib describes it (Papay or AGA compressibility).

GasLib's network files give, per entry, a molar mass, a pseudo-critical pressure and temperature,
a normal density and the coefficients of a molar heat capacity ``c_p = A + B T + C T^2``. The
gas-network literature that uses GasLib (Koch, Hiller, Pfetsch, Schewe (eds.) 2015, *Evaluating Gas
Network Capacities*, SIAM, ch. 2) closes the state equation with one of two explicit laws in the
reduced pressure ``p_r = p / p_c`` and temperature ``T_r = T / T_c``:

* **Papay** (Papay 1968): ``Z = 1 - 3.52 p_r exp(-2.26 T_r) + 0.274 p_r^2 exp(-1.878 T_r)``;
* **AGA** (the simplified AGA formula): ``Z = 1 + 0.257 p_r - 0.533 p_r / T_r``.

Viscosity is constant (GasLib's studies use 1e-5 Pa s; an assumption here too, confidence INF);
the Joule-Thomson coefficient follows from the law, ``mu_JT = R T^2 (dZ/dT)_p / (p M c_p)``, and the
isentropic exponent from the ideal-gas relation ``kappa = c_p / (c_p - R/M)`` (approximate).

References
----------
.. [1] Papay, J. (1968). A termelestechnologiai parameterek valtozasa a gazlelepek muvelese soran.
   OGIL Musz. Tud. Kozl., Budapest, 267-273 (as quoted in Koch et al. 2015, eq. 2.5).
.. [2] Koch, T., Hiller, B., Pfetsch, M. E., Schewe, L. (eds.) (2015). Evaluating Gas Network
   Capacities. SIAM MOS-SIAM Series on Optimization (ch. 2, eqs. 2.4-2.6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from pos2.errors import GasError
from pos2.gas.model import FloatArray
from pos2.units import R

__all__ = ["LAWS", "PseudoCriticalGas"]

LAWS = ("papay", "aga")
"""Compressibility laws of :class:`PseudoCriticalGas`."""


@dataclass(frozen=True)
class PseudoCriticalGas:
    """Natural gas from pseudo-critical data with the Papay or AGA compressibility law.

    Parameters
    ----------
    molar_mass_kg_per_mol
        Molar mass [kg/mol].
    pc_pa
        Pseudo-critical pressure [Pa].
    tc_k
        Pseudo-critical temperature [K].
    law
        ``"papay"`` or ``"aga"`` [-].
    viscosity_pa_s
        Dynamic viscosity, constant [Pa s].
    cp_coefficients
        ``(A, B, C)`` of the molar heat capacity ``A + B T + C T^2`` [J/(mol K), J/(mol K^2), J/(mol K^3)].
    name
        Label used in messages and reports [-].

    Examples
    --------
    >>> gas = PseudoCriticalGas(0.018, 46.7e5, 202.4)
    >>> round(float(gas.z(60e5, 288.15)), 4)
    0.8501
    """

    molar_mass_kg_per_mol: float
    pc_pa: float
    tc_k: float
    law: str = "papay"
    viscosity_pa_s: float = 1.0e-5
    cp_coefficients: tuple[float, float, float] = (31.61, -0.004285, 8.019e-5)
    name: str = "pseudo-critical gas"

    def __post_init__(self) -> None:
        for fld in ("molar_mass_kg_per_mol", "pc_pa", "tc_k", "viscosity_pa_s"):
            v = getattr(self, fld)
            if not (isinstance(v, int | float) and math.isfinite(v) and v > 0):
                raise GasError(f"{self.name}: field {fld!r} must be a positive number, got {v!r}")
        if self.law not in LAWS:
            raise GasError(f"{self.name}: field 'law' must be one of {', '.join(LAWS)}, got {self.law!r}")
        a, b, c = self.cp_coefficients
        if not all(math.isfinite(x) for x in (a, b, c)) or a + b * 288.15 + c * 288.15**2 <= R:
            raise GasError(
                f"{self.name}: field 'cp_coefficients' gives c_p <= R at 288 K: {self.cp_coefficients!r}"
            )

    # --- Z and its derivatives ------------------------------------------------------------------
    def _zt(self, p_pa: ArrayLike, t_k: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Z, dZ/dp [1/Pa] and dZ/dT [1/K]."""
        p, t = np.broadcast_arrays(np.asarray(p_pa, dtype=np.float64), np.asarray(t_k, dtype=np.float64))
        pr, tr = p / self.pc_pa, t / self.tc_k
        if self.law == "papay":
            e1, e2 = 3.52 * np.exp(-2.26 * tr), 0.274 * np.exp(-1.878 * tr)
            z = 1.0 - e1 * pr + e2 * pr * pr
            dz_dpr = -e1 + 2.0 * e2 * pr
            dz_dtr = 2.26 * e1 * pr - 1.878 * e2 * pr * pr
        else:
            z = 1.0 + 0.257 * pr - 0.533 * pr / tr
            dz_dpr = 0.257 - 0.533 / tr
            dz_dtr = 0.533 * pr / (tr * tr)
        if not np.all(z > 0.0):
            i = int(np.argmax(~(z > 0.0)))
            raise GasError(
                f"{self.name}: compressibility factor Z = {float(z.flat[i])!r} <= 0 at "
                f"p = {float(p.flat[i])!r} Pa, "
                f"T = {float(t.flat[i])!r} K: outside the range of the {self.law} law"
            )
        return z, dz_dpr / self.pc_pa, dz_dtr / self.tc_k

    def z(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Compressibility factor Z [-]."""
        return self._zt(p_pa, t_k)[0]

    def dz_dp(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Partial derivative of Z with respect to pressure at constant T [1/Pa]."""
        return self._zt(p_pa, t_k)[1]

    def density(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Mass density ``p M / (Z R T)`` [kg/m3]."""
        p = np.asarray(p_pa, dtype=np.float64)
        t = np.asarray(t_k, dtype=np.float64)
        return np.asarray(p * self.molar_mass_kg_per_mol / (self.z(p, t) * R * t), dtype=np.float64)

    def viscosity(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Dynamic viscosity, constant [Pa s]."""
        p, _ = np.broadcast_arrays(np.asarray(p_pa, dtype=np.float64), np.asarray(t_k, dtype=np.float64))
        return np.full(p.shape, self.viscosity_pa_s)

    def cp(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Isobaric heat capacity from the molar polynomial (ideal-gas part) [J/(kg K)]."""
        p, t = np.broadcast_arrays(np.asarray(p_pa, dtype=np.float64), np.asarray(t_k, dtype=np.float64))
        a, b, c = self.cp_coefficients
        return np.asarray((a + b * t + c * t * t) / self.molar_mass_kg_per_mol + 0.0 * p, dtype=np.float64)

    def joule_thomson(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Joule-Thomson coefficient ``R T^2 (dZ/dT)_p / (p M c_p)`` [K/Pa]."""
        p, t = np.broadcast_arrays(np.asarray(p_pa, dtype=np.float64), np.asarray(t_k, dtype=np.float64))
        _, _, dzdt = self._zt(p, t)
        return np.asarray(
            R * t * t * dzdt / (p * self.molar_mass_kg_per_mol * self.cp(p, t)), dtype=np.float64
        )

    def isentropic_exponent(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Ideal-gas isentropic exponent ``c_p / (c_p - R/M)`` (approximate for a real gas) [-]."""
        cp = self.cp(p_pa, t_k)
        return np.asarray(cp / (cp - R / self.molar_mass_kg_per_mol), dtype=np.float64)

    def reference_density(self, t_k: float, p_pa: float) -> float:
        """Density at reference conditions with the model's own Z [kg/m3]."""
        return float(self.density(p_pa, t_k))
