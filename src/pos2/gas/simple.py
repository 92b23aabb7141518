"""Simple closed-form gas models: ideal gas, constant Z and linear-in-pressure Z.

These models are used for analytic checks (single pipe with constant Z) and for reproducing
reference tools that use constant fluid properties (STANET's test fluid in pandapipes:
Z = 1 or Z linear in pressure, constant viscosity and heat capacity).

All three share the same thermal equation of state ``p v = Z R T / M`` with a compressibility factor
that does not depend on temperature. Consequences that follow exactly from that choice:

* ``dz_dp`` is the analytic derivative of the model's own ``Z(p)``.
* The Joule-Thomson coefficient ``mu_JT = (T (dv/dT)_p - v) / cp`` equals
  ``R T^2 / (M p cp) (dZ/dT)_p`` and is therefore exactly zero for all three models (Z does not
  depend on T). A temperature-independent Z cannot produce Joule-Thomson cooling; use the GERG-2008
  based models when that matters.
* The isentropic exponent is the constant ``kappa`` given by the user.

All methods are vectorised over numpy arrays, SI units, absolute pressure.

Examples
--------
>>> gas = IdealGas(molar_mass_kg_per_mol=0.016043, viscosity_pa_s=1.1e-5, cp_j_per_kg_k=2200.0)
>>> round(float(gas.density(101_325.0, 273.15)), 4)
0.7158
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from pos2.errors import GasError
from pos2.gas.model import FloatArray
from pos2.units import R

__all__ = ["ConstantZ", "IdealGas", "LinearZ"]


def _state(p_pa: ArrayLike, t_k: ArrayLike, name: str) -> tuple[FloatArray, FloatArray]:
    """Broadcast pressure and temperature to float arrays and check they are positive."""
    p, t = np.broadcast_arrays(np.asarray(p_pa, dtype=np.float64), np.asarray(t_k, dtype=np.float64))
    if not np.all(p > 0.0):
        bad = float(p[~(p > 0.0)].flat[0])
        raise GasError(f"{name}: absolute pressure p_pa must be > 0, got {bad!r} Pa")
    if not np.all(t > 0.0):
        bad = float(t[~(t > 0.0)].flat[0])
        raise GasError(f"{name}: temperature t_k must be > 0, got {bad!r} K")
    return p, t


def _check_positive(name: str, field: str, value: float) -> None:
    if not (np.isfinite(value) and value > 0.0):
        raise GasError(f"{name}: field '{field}' must be a positive finite number, got {value!r}")


def _molar_mass_from_reference(
    name: str,
    rho_ref_kg_per_m3: float,
    t_ref_k: float,
    p_ref_pa: float,
    z_ref: float = 1.0,
    z_field: str | None = None,
) -> float:
    """Molar mass ``M = rho_ref Z_ref R T_ref / p_ref`` [kg/mol] from a density at reference conditions.

    Parameters
    ----------
    name
        Model label for messages [-].
    rho_ref_kg_per_m3
        Density at the reference state [kg/m3].
    t_ref_k
        Reference temperature [K].
    p_ref_pa
        Reference absolute pressure [Pa].
    z_ref
        The model's compressibility factor at the reference state [-].
    z_field
        When given, ``z_ref`` is checked to be positive and reported under this label [-].
    """
    _check_positive(name, "rho_ref_kg_per_m3", rho_ref_kg_per_m3)
    _check_positive(name, "t_ref_k", t_ref_k)
    _check_positive(name, "p_ref_pa", p_ref_pa)
    if z_field is not None:
        _check_positive(name, z_field, z_ref)
    return rho_ref_kg_per_m3 * z_ref * R * t_ref_k / p_ref_pa


@dataclass(frozen=True)
class _ConstantPropertiesGas:
    """Shared part of the simple models: constant viscosity, cp and kappa; Z(p) from a subclass."""

    molar_mass_kg_per_mol: float
    viscosity_pa_s: float
    cp_j_per_kg_k: float
    kappa: float
    name: str

    def _set_common(
        self,
        molar_mass_kg_per_mol: float,
        viscosity_pa_s: float,
        cp_j_per_kg_k: float,
        kappa: float,
        name: str,
    ) -> None:
        """Set and check the shared fields (for the subclasses' own ``__init__``)."""
        object.__setattr__(self, "molar_mass_kg_per_mol", float(molar_mass_kg_per_mol))
        object.__setattr__(self, "viscosity_pa_s", float(viscosity_pa_s))
        object.__setattr__(self, "cp_j_per_kg_k", float(cp_j_per_kg_k))
        object.__setattr__(self, "kappa", float(kappa))
        object.__setattr__(self, "name", name)
        self._validate_common()

    def _validate_common(self) -> None:
        _check_positive(self.name, "molar_mass_kg_per_mol", self.molar_mass_kg_per_mol)
        _check_positive(self.name, "viscosity_pa_s", self.viscosity_pa_s)
        _check_positive(self.name, "cp_j_per_kg_k", self.cp_j_per_kg_k)
        if not (np.isfinite(self.kappa) and self.kappa > 1.0):
            raise GasError(f"{self.name}: field 'kappa' must be > 1, got {self.kappa!r}")

    # --- to be provided by subclasses -------------------------------------------------------------
    def _z(self, p: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _dz_dp(self, p: FloatArray) -> FloatArray:
        raise NotImplementedError

    # --- GasModel ---------------------------------------------------------------------------------
    def z(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Compressibility factor Z [-].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        p, _ = _state(p_pa, t_k, self.name)
        z = self._z(p)
        if not np.all(z > 0.0):
            i = int(np.argmax(~(z > 0.0)))
            raise GasError(
                f"{self.name}: compressibility factor Z = {float(z.flat[i])!r} <= 0 at "
                f"p_pa = {float(p.flat[i])!r} Pa; pressure outside the model's range"
            )
        return z

    def dz_dp(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Partial derivative of Z with respect to pressure at constant temperature [1/Pa].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        p, _ = _state(p_pa, t_k, self.name)
        return self._dz_dp(p)

    def density(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Mass density ``rho = p M / (Z R T)`` [kg/m3].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        p, t = _state(p_pa, t_k, self.name)
        return p * self.molar_mass_kg_per_mol / (self.z(p, t) * R * t)

    def viscosity(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Dynamic viscosity, constant [Pa s].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        p, _ = _state(p_pa, t_k, self.name)
        return np.full(p.shape, self.viscosity_pa_s)

    def cp(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Isobaric specific heat capacity, constant [J/(kg K)].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        p, _ = _state(p_pa, t_k, self.name)
        return np.full(p.shape, self.cp_j_per_kg_k)

    def joule_thomson(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Joule-Thomson coefficient [K/Pa]; exactly zero because Z does not depend on T.

        ``mu_JT = (T (dv/dT)_p - v) / cp`` with ``v = Z(p) R T / (M p)`` gives
        ``T (dv/dT)_p = v``, hence ``mu_JT = 0``.

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        p, t = _state(p_pa, t_k, self.name)
        v = self.z(p, t) * R * t / (self.molar_mass_kg_per_mol * p)
        dv_dt = self.z(p, t) * R / (self.molar_mass_kg_per_mol * p)  # (dZ/dT)_p = 0
        return (t * dv_dt - v) / self.cp_j_per_kg_k

    def isentropic_exponent(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Isentropic exponent kappa, constant [-].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        p, _ = _state(p_pa, t_k, self.name)
        return np.full(p.shape, self.kappa)

    def reference_density(self, t_k: float, p_pa: float) -> float:
        """Density at reference conditions, using the model's own Z [kg/m3].

        Parameters
        ----------
        t_k
            Reference temperature [K].
        p_pa
            Reference absolute pressure [Pa].
        """
        return float(self.density(p_pa, t_k))


@dataclass(frozen=True)
class IdealGas(_ConstantPropertiesGas):
    """Ideal gas, ``Z = 1``, with constant viscosity, heat capacity and isentropic exponent.

    Parameters
    ----------
    molar_mass_kg_per_mol
        Molar mass [kg/mol].
    viscosity_pa_s
        Dynamic viscosity [Pa s].
    cp_j_per_kg_k
        Isobaric specific heat capacity [J/(kg K)].
    kappa
        Isentropic exponent [-].
    name
        Label used in messages and reports [-].
    """

    kappa: float = 1.3
    name: str = "ideal gas"

    def __post_init__(self) -> None:
        self._validate_common()

    @classmethod
    def from_reference_density(
        cls,
        rho_ref_kg_per_m3: float,
        t_ref_k: float,
        p_ref_pa: float,
        viscosity_pa_s: float,
        cp_j_per_kg_k: float,
        kappa: float = 1.3,
        name: str = "ideal gas",
    ) -> IdealGas:
        """Build the model from a density at reference conditions.

        ``M = rho_ref R T_ref / p_ref``.

        Parameters
        ----------
        rho_ref_kg_per_m3
            Density at the reference state [kg/m3].
        t_ref_k
            Reference temperature [K].
        p_ref_pa
            Reference absolute pressure [Pa].
        viscosity_pa_s
            Dynamic viscosity [Pa s].
        cp_j_per_kg_k
            Isobaric specific heat capacity [J/(kg K)].
        kappa
            Isentropic exponent [-].
        name
            Label [-].
        """
        m = _molar_mass_from_reference(name, rho_ref_kg_per_m3, t_ref_k, p_ref_pa)
        return cls(m, viscosity_pa_s, cp_j_per_kg_k, kappa, name)

    def _z(self, p: FloatArray) -> FloatArray:
        return np.ones_like(p)

    def _dz_dp(self, p: FloatArray) -> FloatArray:
        return np.zeros_like(p)


@dataclass(frozen=True, init=False)
class ConstantZ(_ConstantPropertiesGas):
    """Real gas with a constant compressibility factor ``Z = z``.

    Parameters
    ----------
    z
        Compressibility factor [-].
    molar_mass_kg_per_mol
        Molar mass [kg/mol].
    viscosity_pa_s
        Dynamic viscosity [Pa s].
    cp_j_per_kg_k
        Isobaric specific heat capacity [J/(kg K)].
    kappa
        Isentropic exponent [-].
    name
        Label used in messages and reports [-].
    """

    z_value: float

    def __init__(
        self,
        z: float,
        molar_mass_kg_per_mol: float,
        viscosity_pa_s: float,
        cp_j_per_kg_k: float,
        kappa: float = 1.3,
        name: str = "constant Z",
    ) -> None:
        object.__setattr__(self, "z_value", float(z))
        self._set_common(molar_mass_kg_per_mol, viscosity_pa_s, cp_j_per_kg_k, kappa, name)
        _check_positive(name, "z", self.z_value)

    @classmethod
    def from_reference_density(
        cls,
        z: float,
        rho_ref_kg_per_m3: float,
        t_ref_k: float,
        p_ref_pa: float,
        viscosity_pa_s: float,
        cp_j_per_kg_k: float,
        kappa: float = 1.3,
        name: str = "constant Z",
    ) -> ConstantZ:
        """Build the model from a density at reference conditions (where Z takes the same value).

        ``M = rho_ref Z R T_ref / p_ref``.

        Parameters
        ----------
        z
            Compressibility factor [-].
        rho_ref_kg_per_m3
            Density at the reference state [kg/m3].
        t_ref_k
            Reference temperature [K].
        p_ref_pa
            Reference absolute pressure [Pa].
        viscosity_pa_s
            Dynamic viscosity [Pa s].
        cp_j_per_kg_k
            Isobaric specific heat capacity [J/(kg K)].
        kappa
            Isentropic exponent [-].
        name
            Label [-].
        """
        m = _molar_mass_from_reference(name, rho_ref_kg_per_m3, t_ref_k, p_ref_pa, z)
        return cls(z, m, viscosity_pa_s, cp_j_per_kg_k, kappa, name)

    def _z(self, p: FloatArray) -> FloatArray:
        return np.full(p.shape, self.z_value)

    def _dz_dp(self, p: FloatArray) -> FloatArray:
        return np.zeros_like(p)


@dataclass(frozen=True, init=False)
class LinearZ(_ConstantPropertiesGas):
    """Real gas with a compressibility factor linear in absolute pressure, ``Z = z0 + a p``.

    This is the form of STANET's test fluid (``Z = 1 - 0.0022 p[bar]``). If a tool states the
    slope against gauge pressure, convert: ``z0 = 1 - 0.0022 p_atm[bar]``, ``a = -0.0022e-5 1/Pa``.

    Parameters
    ----------
    z0
        Compressibility factor extrapolated to zero absolute pressure [-].
    dz_dp_per_pa
        Slope ``a`` of Z against absolute pressure [1/Pa].
    molar_mass_kg_per_mol
        Molar mass [kg/mol].
    viscosity_pa_s
        Dynamic viscosity [Pa s].
    cp_j_per_kg_k
        Isobaric specific heat capacity [J/(kg K)].
    kappa
        Isentropic exponent [-].
    name
        Label used in messages and reports [-].
    """

    z0: float
    dz_dp_per_pa: float

    def __init__(
        self,
        z0: float,
        dz_dp_per_pa: float,
        molar_mass_kg_per_mol: float,
        viscosity_pa_s: float,
        cp_j_per_kg_k: float,
        kappa: float = 1.3,
        name: str = "linear Z",
    ) -> None:
        object.__setattr__(self, "z0", float(z0))
        object.__setattr__(self, "dz_dp_per_pa", float(dz_dp_per_pa))
        self._set_common(molar_mass_kg_per_mol, viscosity_pa_s, cp_j_per_kg_k, kappa, name)
        _check_positive(name, "z0", self.z0)
        if not np.isfinite(self.dz_dp_per_pa):
            raise GasError(f"{name}: field 'dz_dp_per_pa' must be finite, got {self.dz_dp_per_pa!r}")

    @classmethod
    def from_reference_density(
        cls,
        z0: float,
        dz_dp_per_pa: float,
        rho_ref_kg_per_m3: float,
        t_ref_k: float,
        p_ref_pa: float,
        viscosity_pa_s: float,
        cp_j_per_kg_k: float,
        kappa: float = 1.3,
        name: str = "linear Z",
    ) -> LinearZ:
        """Build the model from a density at reference conditions.

        ``M = rho_ref Z(p_ref) R T_ref / p_ref`` with ``Z(p_ref) = z0 + a p_ref``.

        Parameters
        ----------
        z0
            Compressibility factor at zero absolute pressure [-].
        dz_dp_per_pa
            Slope of Z against absolute pressure [1/Pa].
        rho_ref_kg_per_m3
            Density at the reference state [kg/m3].
        t_ref_k
            Reference temperature [K].
        p_ref_pa
            Reference absolute pressure [Pa].
        viscosity_pa_s
            Dynamic viscosity [Pa s].
        cp_j_per_kg_k
            Isobaric specific heat capacity [J/(kg K)].
        kappa
            Isentropic exponent [-].
        name
            Label [-].
        """
        z_ref = z0 + dz_dp_per_pa * p_ref_pa
        m = _molar_mass_from_reference(
            name, rho_ref_kg_per_m3, t_ref_k, p_ref_pa, z_ref, z_field="Z at reference pressure"
        )
        return cls(z0, dz_dp_per_pa, m, viscosity_pa_s, cp_j_per_kg_k, kappa, name)

    def _z(self, p: FloatArray) -> FloatArray:
        return self.z0 + self.dz_dp_per_pa * p

    def _dz_dp(self, p: FloatArray) -> FloatArray:
        return np.full(p.shape, self.dz_dp_per_pa)
