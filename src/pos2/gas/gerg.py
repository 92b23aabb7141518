"""GERG-2008 reference equation of state (via pyaga8) as a :class:`~pos2.gas.model.GasModel`.

GERG-2008 (Kunz & Wagner 2012) is the ISO 20765-2 reference equation for natural gases. pyaga8 binds
the Rust port of NIST's AGA8 code; it reproduces NIST's published check point of the 21-component
mixture (400 K, 50 MPa) to all printed digits (see the unit tests).

The model evaluates point by point (a scalar loop, about 10 us per state), so it is the *reference*;
solvers use :class:`pos2.gas.tables.TabulatedGas`, a table of this model.

Units of pyaga8 (NIST AGA8 code) and their SI conversion here: pressure kPa -> Pa, density mol/l ->
kg/m3 (times M), molar properties J/mol -> J/kg (divided by M), Joule-Thomson K/kPa -> K/Pa.

Enthalpy and entropy are relative to GERG-2008's reference state: ideal gas at 298.15 K and
101.325 kPa with h = 0 and s = 0.

Validity: GERG-2008 is most accurate in its "normal range" (90-450 K, up to 35 MPa; gas-phase density
uncertainty about 0.1 %) and is valid with larger uncertainty in its "extended range" (60-700 K, up to
70 MPa). Points outside the extended range raise a :class:`GasError` naming the offending value.

References
----------
Kunz, O., Wagner, W. (2012). "The GERG-2008 wide-range equation of state for natural gases and other
mixtures: an expansion of GERG-2004". J. Chem. Eng. Data 57(11): 3032-3091.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyaga8
from numpy.typing import ArrayLike

from pos2.errors import GasError
from pos2.gas.composition import GasComposition
from pos2.gas.model import FloatArray
from pos2.gas.viscosity import lee_gonzalez_eakin

__all__ = ["P_MAX_PA", "R_GERG2008", "T_MAX_K", "T_MIN_K", "Gerg2008", "GergState"]

T_MIN_K: float = 60.0
"""Lower temperature of GERG-2008's extended range of validity [K]."""
T_MAX_K: float = 700.0
"""Upper temperature of GERG-2008's extended range of validity [K]."""
P_MAX_PA: float = 70e6
"""Upper pressure of GERG-2008's extended range of validity [Pa]."""

R_GERG2008: float = 8.314_472
"""Molar gas constant used by GERG-2008 (CODATA 2006) [J/(mol K)]; Z = p / (rho_molar R_GERG2008 T)."""

# GasComposition name -> pyaga8.Composition attribute
_PYAGA8_NAME = {
    "n_hexane": "hexane",
    "n_heptane": "heptane",
    "n_octane": "octane",
    "n_nonane": "nonane",
    "n_decane": "decane",
}


@dataclass(frozen=True)
class GergState:
    """All GERG-2008 properties on a set of (p, T) points, SI units (arrays of one shape).

    Attributes
    ----------
    p_pa, t_k
        Absolute pressure [Pa] and temperature [K].
    z
        Compressibility factor [-].
    dz_dp_per_pa
        (dZ/dp) at constant T [1/Pa].
    dz_dt_per_k
        (dZ/dT) at constant p [1/K].
    density_kg_per_m3
        Mass density [kg/m3].
    cp_j_per_kg_k, cv_j_per_kg_k
        Isobaric and isochoric specific heat capacities [J/(kg K)].
    joule_thomson_k_per_pa
        Joule-Thomson coefficient [K/Pa].
    kappa
        Isentropic exponent ``-(v/p)(dp/dv)_s = w^2 rho / p`` [-].
    speed_of_sound_m_per_s
        Speed of sound [m/s].
    enthalpy_j_per_kg, entropy_j_per_kg_k
        Specific enthalpy [J/kg] and entropy [J/(kg K)], GERG-2008 reference state.
    """

    p_pa: FloatArray
    t_k: FloatArray
    z: FloatArray
    dz_dp_per_pa: FloatArray
    dz_dt_per_k: FloatArray
    density_kg_per_m3: FloatArray
    cp_j_per_kg_k: FloatArray
    cv_j_per_kg_k: FloatArray
    joule_thomson_k_per_pa: FloatArray
    kappa: FloatArray
    speed_of_sound_m_per_s: FloatArray
    enthalpy_j_per_kg: FloatArray
    entropy_j_per_kg_k: FloatArray


def _broadcast(p_pa: ArrayLike, t_k: ArrayLike) -> tuple[FloatArray, FloatArray]:
    p, t = np.broadcast_arrays(np.asarray(p_pa, dtype=np.float64), np.asarray(t_k, dtype=np.float64))
    return np.array(p, dtype=np.float64), np.array(t, dtype=np.float64)  # contiguous copies, any ndim


@dataclass(frozen=True)
class Gerg2008:
    """GERG-2008 properties of one composition (exact reference, scalar loop).

    Parameters
    ----------
    composition
        Mole fractions of the gas.

    Examples
    --------
    >>> from pos2.gas.composition import PURE_METHANE
    >>> round(float(Gerg2008(PURE_METHANE).density(10e6, 300.0)), 2)
    75.17
    """

    composition: GasComposition

    @property
    def name(self) -> str:
        """Label of the model [-]."""
        return f"GERG-2008 ({self.composition.name})"

    @property
    def molar_mass_kg_per_mol(self) -> float:
        """Molar mass of the mixture [kg/mol]."""
        return self.composition.molar_mass_kg_per_mol

    def _engine(self) -> pyaga8.Gerg2008:
        comp = pyaga8.Composition()
        for component, x in self.composition.fractions:
            setattr(comp, _PYAGA8_NAME.get(component, component), x)
        engine = pyaga8.Gerg2008()
        try:
            engine.set_composition(comp)
        except (ValueError, RuntimeError) as exc:
            raise GasError(f"{self.name}: pyaga8 rejected the composition: {exc}") from exc
        return engine

    def _check_range(self, p: FloatArray, t: FloatArray) -> None:
        bad_p = ~((p > 0.0) & (p <= P_MAX_PA))
        if np.any(bad_p):
            value = float(p[bad_p].flat[0])
            raise GasError(
                f"{self.name}: pressure p_pa = {value!r} Pa outside GERG-2008's extended range "
                f"(0, {P_MAX_PA:g}]"
            )
        bad_t = ~((t >= T_MIN_K) & (t <= T_MAX_K))
        if np.any(bad_t):
            value = float(t[bad_t].flat[0])
            raise GasError(
                f"{self.name}: temperature t_k = {value!r} K outside GERG-2008's extended range "
                f"[{T_MIN_K:g}, {T_MAX_K:g}]"
            )

    def state(self, p_pa: ArrayLike, t_k: ArrayLike) -> GergState:
        """Evaluate all properties at once (one equation-of-state solve per point).

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].

        Raises
        ------
        GasError
            A point outside the extended range of validity, or a failed density solve (names the point).
        """
        p, t = _broadcast(p_pa, t_k)
        self._check_range(p, t)
        engine = self._engine()
        m_kg = self.molar_mass_kg_per_mol
        names = ("z", "dpdd", "dpdt", "d", "cp", "cv", "jt", "kappa", "w", "h", "s")
        out = {k: np.empty(p.size) for k in names}
        for i, (pi, ti) in enumerate(zip(p.flat, t.flat, strict=True)):
            engine.pressure = pi * 1e-3
            engine.temperature = ti
            try:
                engine.calc_density(0)
                engine.calc_properties()
            except (ValueError, RuntimeError) as exc:
                raise GasError(
                    f"{self.name}: GERG-2008 failed at p_pa = {pi!r} Pa, t_k = {ti!r} K: {exc}"
                ) from exc
            out["z"][i] = engine.z
            out["dpdd"][i] = engine.dp_dd
            out["dpdt"][i] = engine.dp_dt
            out["d"][i] = engine.d
            out["cp"][i] = engine.cp
            out["cv"][i] = engine.cv
            out["jt"][i] = engine.jt
            out["kappa"][i] = engine.kappa
            out["w"][i] = engine.w
            out["h"][i] = engine.h
            out["s"][i] = engine.s
        shape = p.shape
        z = out["z"]
        p_kpa = p.ravel() * 1e-3
        d = out["d"]  # mol/l
        # Z = p/(d R T): dZ/dp|T = (Z/p)(1 - (p/d)/(dp/dd)_T); dZ/dT|p = -(Z/T)(1 + (T/d)(dd/dT)_p)
        dz_dp = z / p.ravel() * (1.0 - (p_kpa / d) / out["dpdd"])
        dd_dt_p = -out["dpdt"] / out["dpdd"]
        dz_dt = -z / t.ravel() * (1.0 + t.ravel() / d * dd_dt_p)

        def r(a: FloatArray) -> FloatArray:
            return a.reshape(shape)

        return GergState(
            p_pa=p,
            t_k=t,
            z=r(z),
            dz_dp_per_pa=r(dz_dp),
            dz_dt_per_k=r(dz_dt),
            density_kg_per_m3=r(d * 1e3 * m_kg),
            cp_j_per_kg_k=r(out["cp"] / m_kg),
            cv_j_per_kg_k=r(out["cv"] / m_kg),
            joule_thomson_k_per_pa=r(out["jt"] * 1e-3),
            kappa=r(out["kappa"]),
            speed_of_sound_m_per_s=r(out["w"]),
            enthalpy_j_per_kg=r(out["h"] / m_kg),
            entropy_j_per_kg_k=r(out["s"] / m_kg),
        )

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
        return self.state(p_pa, t_k).z

    def dz_dp(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Partial derivative of Z with respect to pressure at constant T, analytic [1/Pa].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self.state(p_pa, t_k).dz_dp_per_pa

    def density(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Mass density [kg/m3].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self.state(p_pa, t_k).density_kg_per_m3

    def viscosity(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Dynamic viscosity, Lee-Gonzalez-Eakin (1966) on the GERG-2008 density [Pa s].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        s = self.state(p_pa, t_k)
        return lee_gonzalez_eakin(s.t_k, s.density_kg_per_m3, self.molar_mass_kg_per_mol)

    def cp(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Isobaric specific heat capacity [J/(kg K)].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self.state(p_pa, t_k).cp_j_per_kg_k

    def cv(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Isochoric specific heat capacity [J/(kg K)].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self.state(p_pa, t_k).cv_j_per_kg_k

    def joule_thomson(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Joule-Thomson coefficient (dT/dp at constant enthalpy) [K/Pa].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self.state(p_pa, t_k).joule_thomson_k_per_pa

    def isentropic_exponent(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Isentropic exponent ``kappa = w^2 rho / p`` [-].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self.state(p_pa, t_k).kappa

    def speed_of_sound(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Speed of sound [m/s].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self.state(p_pa, t_k).speed_of_sound_m_per_s

    def enthalpy(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Specific enthalpy, GERG-2008 reference state [J/kg].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self.state(p_pa, t_k).enthalpy_j_per_kg

    def entropy(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Specific entropy, GERG-2008 reference state [J/(kg K)].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self.state(p_pa, t_k).entropy_j_per_kg_k

    def reference_density(self, t_k: float, p_pa: float) -> float:
        """Real-gas density at reference (metering) conditions [kg/m3].

        Parameters
        ----------
        t_k
            Reference temperature [K].
        p_pa
            Reference absolute pressure [Pa].
        """
        return float(self.density(p_pa, t_k))
