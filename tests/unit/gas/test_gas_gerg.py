"""Gerg2008: NIST reference point, unit conversions, derivatives, range errors, Setzmann-Wagner check."""

from __future__ import annotations

import numpy as np
import pytest

from pos2.errors import GasError
from pos2.gas import PURE_METHANE, WEST_SIBERIAN, GasComposition, GasModel, Gerg2008
from pos2.gas.gerg import R_GERG2008

# NIST AGA8 GERG-2008 check mixture (the 21-component gas of NIST's reference code) and its published
# outputs at 400 K and 50,000 kPa (engineering_facts.md, table 4 row V6, plus JT and kappa of the same
# NIST output).
NIST_MIX = GasComposition(
    {
        "methane": 0.77824,
        "nitrogen": 0.02,
        "carbon_dioxide": 0.06,
        "ethane": 0.08,
        "propane": 0.03,
        "isobutane": 0.0015,
        "n_butane": 0.003,
        "isopentane": 0.0005,
        "n_pentane": 0.00165,
        "n_hexane": 0.00215,
        "n_heptane": 0.00088,
        "n_octane": 0.00024,
        "n_nonane": 0.00015,
        "n_decane": 0.00009,
        "hydrogen": 0.004,
        "oxygen": 0.005,
        "carbon_monoxide": 0.002,
        "water": 0.0001,
        "hydrogen_sulfide": 0.0025,
        "helium": 0.007,
        "argon": 0.001,
    },
    name="NIST GERG-2008 check mixture",
)


def test_nist_reference_point_in_si() -> None:
    gas = Gerg2008(NIST_MIX)
    s = gas.state(50e6, 400.0)
    m_kg = 20.5427445016e-3
    assert gas.molar_mass_kg_per_mol == pytest.approx(m_kg, rel=1e-10)
    assert float(s.z) == pytest.approx(1.174690666383717, rel=1e-9)
    assert float(s.density_kg_per_m3) == pytest.approx(12.79828626082062e3 * m_kg, rel=1e-9)
    assert float(s.speed_of_sound_m_per_s) == pytest.approx(714.4248840596024, rel=1e-9)
    assert float(s.cp_j_per_kg_k) == pytest.approx(58.45522051 / m_kg, rel=1e-9)
    assert float(s.joule_thomson_k_per_pa) == pytest.approx(7.155629581480913e-5 * 1e-3, rel=1e-9)
    assert float(s.kappa) == pytest.approx(2.683820255058032, rel=1e-9)


def test_pipeline_gas_point_from_facts() -> None:
    # engineering_facts.md table 4 row V7 (computed with pyaga8 for the PoS2 consistency check):
    # 9.8 MPa, 15 degC: Z 0.82359, rho 82.012 kg/m3, JT 3.61 K/MPa, kappa 1.506; rho(20 degC, 1 atm) 0.6878
    gas = Gerg2008(WEST_SIBERIAN)
    s = gas.state(9.8e6, 288.15)
    assert float(s.z) == pytest.approx(0.82359, abs=5e-6)
    assert float(s.density_kg_per_m3) == pytest.approx(82.012, abs=5e-4)
    assert float(s.joule_thomson_k_per_pa) * 1e6 == pytest.approx(3.61, abs=5e-3)
    assert float(s.kappa) == pytest.approx(1.506, abs=5e-4)
    assert gas.reference_density(293.15, 101_325.0) == pytest.approx(0.6878, abs=5e-5)


def test_methane_compressibility_at_metering_states() -> None:
    # ISO 6976 tabulates methane Z = 0.9976 at 0 degC and 0.9980 at 15 degC (101.325 kPa).
    gas = Gerg2008(PURE_METHANE)
    assert float(gas.z(101_325.0, 273.15)) == pytest.approx(0.9976, abs=1e-4)
    assert float(gas.z(101_325.0, 288.15)) == pytest.approx(0.9980, abs=1e-4)


def test_methane_against_setzmann_wagner() -> None:
    """GERG-2008 vs the Setzmann-Wagner (1991) reference EOS for methane (CoolProp's implementation).

    Tolerances are GERG-2008's stated uncertainties in the gas phase (Kunz & Wagner 2012): density and
    speed of sound 0.1 %, isobaric heat capacity 1 %. Measured maxima on this grid: 0.031 %, 0.066 %,
    0.20 %.
    """
    cp_mod = pytest.importorskip("CoolProp.CoolProp")
    p, t = np.meshgrid([0.1e6, 1e6, 5e6, 10e6, 15e6], [250.0, 275.0, 300.0, 330.0], indexing="ij")
    s = Gerg2008(PURE_METHANE).state(p, t)

    def ref(key: str) -> np.ndarray:
        return np.vectorize(lambda pi, ti: cp_mod.PropsSI(key, "T", ti, "P", pi, "Methane"))(p, t)

    np.testing.assert_allclose(s.density_kg_per_m3, ref("D"), rtol=1e-3)
    np.testing.assert_allclose(s.speed_of_sound_m_per_s, ref("A"), rtol=1e-3)
    np.testing.assert_allclose(s.cp_j_per_kg_k, ref("C"), rtol=1e-2)
    # methane at 300 K, 10 MPa: 75.17 kg/m3 (Setzmann-Wagner 75.18)
    assert float(Gerg2008(PURE_METHANE).density(10e6, 300.0)) == pytest.approx(75.175, rel=1e-3)


def test_analytic_derivatives_match_finite_differences() -> None:
    gas = Gerg2008(WEST_SIBERIAN)
    p = np.array([0.5e6, 5e6, 9.8e6, 15e6])
    t = np.array([250.0, 280.0, 300.0, 330.0])
    s = gas.state(p, t)
    hp, ht = 50.0, 1e-3
    fd_p = (gas.z(p + hp, t) - gas.z(p - hp, t)) / (2 * hp)
    fd_t = (gas.z(p, t + ht) - gas.z(p, t - ht)) / (2 * ht)
    np.testing.assert_allclose(s.dz_dp_per_pa, fd_p, rtol=1e-6)
    np.testing.assert_allclose(s.dz_dt_per_k, fd_t, rtol=1e-6)


def test_thermodynamic_consistency_of_jt_and_kappa() -> None:
    gas = Gerg2008(WEST_SIBERIAN)
    p = np.array([1e6, 7e6, 12e6])
    t = np.array([260.0, 290.0, 320.0])
    s = gas.state(p, t)
    m = gas.molar_mass_kg_per_mol
    # mu_JT = (T (dv/dT)_p - v)/cp with v = Z R T/(M p)  ->  R T^2 (dZ/dT)_p / (M p cp)
    jt = R_GERG2008 * t**2 * s.dz_dt_per_k / (m * p * s.cp_j_per_kg_k)
    np.testing.assert_allclose(s.joule_thomson_k_per_pa, jt, rtol=1e-9)
    # kappa = w^2 rho / p
    np.testing.assert_allclose(s.kappa, s.speed_of_sound_m_per_s**2 * s.density_kg_per_m3 / p, rtol=1e-9)
    # Z = p / (rho R T / M)
    np.testing.assert_allclose(s.z, p * m / (s.density_kg_per_m3 * R_GERG2008 * t), rtol=1e-9)


def test_gas_model_protocol_and_shapes() -> None:
    gas = Gerg2008(WEST_SIBERIAN)
    assert isinstance(gas, GasModel)
    assert gas.name == "GERG-2008 (West Siberian pipeline gas)"
    p = np.array([[1e6, 2e6, 3e6]])
    t = np.array([[280.0], [290.0]])
    for f in (gas.z, gas.dz_dp, gas.density, gas.viscosity, gas.cp, gas.cv, gas.joule_thomson):
        assert f(p, t).shape == (2, 3)
    assert gas.enthalpy(p, t).shape == (2, 3)
    assert gas.entropy(p, t).shape == (2, 3)
    assert gas.speed_of_sound(p, t).shape == (2, 3)
    assert gas.isentropic_exponent(p, t).shape == (2, 3)
    assert np.ndim(gas.z(1e6, 280.0)) == 0


def test_enthalpy_and_entropy_are_consistent() -> None:
    # dh = T ds along an isobar (for small dT): (h2 - h1) / (s2 - s1) = T_mid
    gas = Gerg2008(WEST_SIBERIAN)
    t = np.array([289.99, 290.01])
    h = gas.enthalpy(5e6, t)
    s = gas.entropy(5e6, t)
    assert (h[1] - h[0]) / (s[1] - s[0]) == pytest.approx(290.0, rel=1e-6)
    # and cp = (dh/dT)_p
    assert (h[1] - h[0]) / 0.02 == pytest.approx(float(gas.cp(5e6, 290.0)), rel=1e-6)


@pytest.mark.parametrize(
    ("p_pa", "t_k", "match"),
    [
        (75e6, 300.0, "p_pa = 75000000.0"),
        (0.0, 300.0, "p_pa = 0.0"),
        (5e6, 710.0, "t_k = 710.0"),
        (5e6, 50.0, "t_k = 50.0"),
        (np.nan, 300.0, "p_pa = nan"),
    ],
)
def test_outside_range_raises_gas_error(p_pa: float, t_k: float, match: str) -> None:
    with pytest.raises(GasError, match=match):
        Gerg2008(WEST_SIBERIAN).z(np.array([5e6, p_pa]), t_k)
