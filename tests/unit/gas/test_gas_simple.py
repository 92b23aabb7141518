"""Unit tests of the closed-form gas models (textbook values, exact derivatives, round trips)."""

from __future__ import annotations

import numpy as np
import pytest

from pos2.errors import GasError
from pos2.gas import ConstantZ, GasModel, IdealGas, LinearZ
from pos2.units import P_ATM, R

M_CH4 = 0.016_042_46  # methane molar mass [kg/mol] (CIAAW atomic weights)


def _models() -> list[GasModel]:
    return [
        IdealGas(M_CH4, 1.1e-5, 2200.0),
        ConstantZ(0.9, M_CH4, 1.1e-5, 2200.0, kappa=1.32),
        LinearZ(1.0, -0.0022e-5, M_CH4, 1.193e-5, 2160.0),
    ]


def test_ideal_gas_density_textbook() -> None:
    # Methane as an ideal gas at 0 degC, 1 atm: rho = p M / (R T) = 0.7158 kg/m3 (textbook 0.716 kg/m3
    # for the ideal-gas normal density; the real gas is 0.7175 kg/m3).
    gas = IdealGas(M_CH4, 1.1e-5, 2200.0)
    assert float(gas.density(P_ATM, 273.15)) == pytest.approx(0.71576, rel=1e-4)
    # Air (M = 28.9647 g/mol) at 15 degC, 1 atm: 1.2250 kg/m3, the ISA sea-level density.
    air = IdealGas(0.028_964_7, 1.8e-5, 1005.0, kappa=1.4)
    assert float(air.density(P_ATM, 288.15)) == pytest.approx(1.2250, rel=1e-4)


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.name)
def test_protocol_and_shapes(model: GasModel) -> None:
    assert isinstance(model, GasModel)
    p = np.linspace(1e5, 8e6, 7)
    t = np.full((3, 1), 280.0)
    for method in (model.z, model.dz_dp, model.density, model.viscosity, model.cp):
        assert method(p, t).shape == (3, 7)
    assert model.joule_thomson(p, t).shape == (3, 7)
    assert model.isentropic_exponent(p, t).shape == (3, 7)


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.name)
def test_dz_dp_matches_central_difference(model: GasModel) -> None:
    p = np.linspace(0.5e6, 9e6, 11)
    h = 10.0
    fd = (model.z(p + h, 290.0) - model.z(p - h, 290.0)) / (2 * h)
    np.testing.assert_allclose(model.dz_dp(p, 290.0), fd, rtol=1e-6, atol=1e-15)


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.name)
def test_density_equation_of_state_round_trip(model: GasModel) -> None:
    p = np.array([2e5, 3e6, 7.5e6])
    t = np.array([250.0, 288.15, 320.0])
    rho = model.density(p, t)
    # invert the equation of state: p = rho Z R T / M
    np.testing.assert_allclose(rho * model.z(p, t) * R * t / model.molar_mass_kg_per_mol, p, rtol=1e-13)


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.name)
def test_joule_thomson_zero_for_temperature_independent_z(model: GasModel) -> None:
    # (T dv/dT - v)/cp with v = Z(p) R T/(M p): independent of T, hence zero; compare with a finite
    # difference of the specific volume so the test fails if density gains a T dependence in Z.
    p, t, h = 5e6, 290.0, 1e-3
    v = 1.0 / model.density(p, t)
    dv_dt = (1.0 / model.density(p, t + h) - 1.0 / model.density(p, t - h)) / (2 * h)
    cp = model.cp(p, t)
    expected = (t * dv_dt - v) / cp
    assert float(model.joule_thomson(p, t)) == pytest.approx(float(expected), abs=1e-12)
    assert float(model.joule_thomson(p, t)) == pytest.approx(0.0, abs=1e-15)


def test_linear_z_values_and_reference_density() -> None:
    gas = LinearZ(1.0, -0.0022e-5, M_CH4, 1.193e-5, 2160.0)
    assert float(gas.z(50e5, 278.15)) == pytest.approx(1.0 - 0.0022 * 50.0, rel=1e-14)
    assert float(gas.dz_dp(50e5, 278.15)) == pytest.approx(-2.2e-8, rel=1e-14)
    rho_n = gas.reference_density(273.15, P_ATM)
    assert rho_n == pytest.approx(P_ATM * M_CH4 / ((1.0 - 0.0022 * 1.01325) * R * 273.15), rel=1e-13)


@pytest.mark.parametrize(
    ("cls", "lead"),
    [(IdealGas, ()), (ConstantZ, (0.92,)), (LinearZ, (1.0, -0.0022e-5))],
)
def test_from_reference_density_round_trip(cls: type, lead: tuple[float, ...]) -> None:
    gas = cls.from_reference_density(*lead, 0.84, 273.15, P_ATM, 1.193e-5, 2160.0)
    assert gas.reference_density(273.15, P_ATM) == pytest.approx(0.84, rel=1e-13)


def test_invalid_inputs_raise_gas_error() -> None:
    with pytest.raises(GasError, match="molar_mass_kg_per_mol"):
        IdealGas(-0.016, 1e-5, 2000.0)
    with pytest.raises(GasError, match="kappa"):
        ConstantZ(0.9, 0.016, 1e-5, 2000.0, kappa=0.9)
    with pytest.raises(GasError, match="'z'"):
        ConstantZ(0.0, 0.016, 1e-5, 2000.0)
    gas = LinearZ(1.0, -0.0022e-5, 0.016, 1e-5, 2000.0)
    with pytest.raises(GasError, match="Z = "):
        gas.density(5e7, 280.0)  # Z = 1 - 0.0022 * 500 < 0
    with pytest.raises(GasError, match="pressure"):
        gas.density(np.array([1e5, -1.0]), 280.0)
    with pytest.raises(GasError, match="temperature"):
        gas.cp(1e5, 0.0)
