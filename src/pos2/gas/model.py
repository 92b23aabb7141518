"""The interface every gas property model offers to the solvers.

All inputs and outputs are numpy arrays (or floats) in SI units with absolute pressure.
Models are immutable and vectorised: one call evaluates many (p, T) points.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


@runtime_checkable
class GasModel(Protocol):
    """Thermodynamic and transport properties of one gas composition.

    Implementations: :class:`pos2.gas.simple.IdealGas`, :class:`pos2.gas.simple.ConstantZ`,
    :class:`pos2.gas.simple.LinearZ`, and the GERG-2008-based models in :mod:`pos2.gas`.
    """

    # read-only members, so that frozen dataclasses satisfy the protocol
    @property
    def name(self) -> str:
        """Label of the model [-]."""
        ...

    @property
    def molar_mass_kg_per_mol(self) -> float:
        """Molar mass [kg/mol]."""
        ...

    def z(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Compressibility factor Z [-]."""
        ...

    def dz_dp(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Partial derivative of Z with respect to pressure at constant T [1/Pa]."""
        ...

    def density(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Mass density [kg/m3]."""
        ...

    def viscosity(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Dynamic viscosity [Pa s]."""
        ...

    def cp(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Isobaric specific heat capacity [J/(kg K)]."""
        ...

    def joule_thomson(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Joule-Thomson coefficient (dT/dp at constant enthalpy) [K/Pa]."""
        ...

    def isentropic_exponent(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Isentropic exponent kappa used for compressor work [-]."""
        ...

    def reference_density(self, t_k: float, p_pa: float) -> float:
        """Density at reference conditions (for standard volumes) [kg/m3]."""
        ...
