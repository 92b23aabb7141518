"""Shared gas models and small networks for the hydraulics tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.typing import ArrayLike, NDArray

from pos2.gas.simple import ConstantZ, IdealGas
from pos2.units import R


@pytest.fixture
def methane() -> IdealGas:
    """Ideal methane with constant properties (M 16.043 g/mol, mu 1.1e-5 Pa s, cp 2200 J/(kg K))."""
    return IdealGas(molar_mass_kg_per_mol=0.016043, viscosity_pa_s=1.1e-5, cp_j_per_kg_k=2200.0, kappa=1.3)


@pytest.fixture
def real_gas() -> ConstantZ:
    """Constant Z = 0.88 natural gas (M 17.4 g/mol)."""
    return ConstantZ(0.88, molar_mass_kg_per_mol=0.0174, viscosity_pa_s=1.1e-5, cp_j_per_kg_k=2300.0)


class JouleThomsonGas:
    """Private test model: ideal-gas density with a constant Joule-Thomson coefficient.

    Only for exercising the thermal march: ``mu_JT`` is a fixed number, not derived from the
    equation of state.
    """

    name = "test gas with constant mu_JT"
    molar_mass_kg_per_mol = 0.0174

    def __init__(self, mu_jt_k_per_pa: float = 4.5e-6, cp: float = 2300.0) -> None:
        self.mu = mu_jt_k_per_pa
        self.cp_value = cp

    def _full(self, p_pa: ArrayLike, t_k: ArrayLike, value: float) -> NDArray[np.float64]:
        p, _ = np.broadcast_arrays(np.asarray(p_pa, dtype=float), np.asarray(t_k, dtype=float))
        return np.full(p.shape, value)

    def z(self, p_pa: ArrayLike, t_k: ArrayLike) -> NDArray[np.float64]:
        return self._full(p_pa, t_k, 1.0)

    def dz_dp(self, p_pa: ArrayLike, t_k: ArrayLike) -> NDArray[np.float64]:
        return self._full(p_pa, t_k, 0.0)

    def density(self, p_pa: ArrayLike, t_k: ArrayLike) -> NDArray[np.float64]:
        return np.asarray(p_pa, dtype=float) * self.molar_mass_kg_per_mol / (R * np.asarray(t_k, dtype=float))

    def viscosity(self, p_pa: ArrayLike, t_k: ArrayLike) -> NDArray[np.float64]:
        return self._full(p_pa, t_k, 1.1e-5)

    def cp(self, p_pa: ArrayLike, t_k: ArrayLike) -> NDArray[np.float64]:
        return self._full(p_pa, t_k, self.cp_value)

    def joule_thomson(self, p_pa: ArrayLike, t_k: ArrayLike) -> NDArray[np.float64]:
        return self._full(p_pa, t_k, self.mu)

    def isentropic_exponent(self, p_pa: ArrayLike, t_k: ArrayLike) -> NDArray[np.float64]:
        return self._full(p_pa, t_k, 1.3)

    def reference_density(self, t_k: float, p_pa: float) -> float:
        return float(self.density(p_pa, t_k))


class PressureZGas(JouleThomsonGas):
    """Private test model with Z falling linearly in pressure (Z = 1 - 2.2e-8 p) and no JT."""

    name = "test gas with Z(p)"

    def __init__(self) -> None:
        super().__init__(0.0)

    def z(self, p_pa: ArrayLike, t_k: ArrayLike) -> NDArray[np.float64]:
        p, _ = np.broadcast_arrays(np.asarray(p_pa, dtype=float), np.asarray(t_k, dtype=float))
        return 1.0 - 2.2e-8 * p

    def dz_dp(self, p_pa: ArrayLike, t_k: ArrayLike) -> NDArray[np.float64]:
        return self._full(p_pa, t_k, -2.2e-8)

    def density(self, p_pa: ArrayLike, t_k: ArrayLike) -> NDArray[np.float64]:
        p = np.asarray(p_pa, dtype=float)
        return p * self.molar_mass_kg_per_mol / (self.z(p, t_k) * R * np.asarray(t_k, dtype=float))


@pytest.fixture
def jt_gas() -> JouleThomsonGas:
    """Constant mu_JT = 4.5e-6 K/Pa (0.45 K/bar), cp 2300 J/(kg K)."""
    return JouleThomsonGas()


@pytest.fixture
def z_gas() -> PressureZGas:
    """Z(p) = 1 - 2.2e-8 p, no JT."""
    return PressureZGas()


def _jacobian_error(st: Any, x: NDArray[np.float64]) -> float:
    """Largest row-scaled difference between the solver's analytic Jacobian at ``x`` and central
    differences of its residual (the check every Jacobian test makes) [-]."""
    from pos2.hydraulics import steady as steady_mod

    _, jp = steady_mod._evaluate(st, x, jac=True)
    assert jp is not None
    jac = steady_mod._full_jacobian(st, jp).toarray()
    num = np.zeros_like(jac)
    for i in range(x.size):
        h = 1e-6 * max(abs(x[i]), 1.0)
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        num[:, i] = (steady_mod._evaluate(st, xp, False)[0] - steady_mod._evaluate(st, xm, False)[0]) / (
            2 * h
        )
    scale = np.abs(num).max(axis=1, keepdims=True) + 1e-300
    return float((np.abs(jac - num) / scale).max())


@pytest.fixture
def jacobian_error() -> Any:
    """:func:`_jacobian_error`: analytic against numerical Jacobian of a prepared steady system."""
    return _jacobian_error
