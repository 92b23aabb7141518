"""Closed-form isothermal single pipe (p1^2 - p2^2 law) against the solver."""

from __future__ import annotations

import math

import pytest

from pos2.gas.simple import ConstantZ, IdealGas
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.network import Network, NetworkBuilder
from pos2.units import R


def _pipe(length_m: float, d_m: float, p1_pa: float, m_kg_per_s: float, dz_m: float = 0.0) -> Network:
    nb = NetworkBuilder("single")
    nb.junction("A", elevation_m=0.0)
    nb.junction("B", elevation_m=dz_m)
    nb.pipe("P", "A", "B", length_m=length_m, inner_diameter_m=d_m, roughness_m=2e-5)
    nb.pressure_source("S", "A", p_pa=p1_pa, t_k=288.15)
    nb.sink("D", "B", flow_kg_per_s=m_kg_per_s)
    return nb.build()


@pytest.mark.parametrize("seg_m", [200e3, 10e3, 3e3])
def test_ideal_gas_fixed_friction_matches_closed_form(methane: IdealGas, seg_m: float) -> None:
    length, d, f, t, p1, m = 200e3, 1.0, 0.0095, 288.15, 9e6, 350.0
    res = solve_steady(
        _pipe(length, d, p1, m),
        methane,
        SteadyOptions(friction="fixed", fixed_friction_factor=f, max_segment_length_m=seg_m),
    )
    area = math.pi * d * d / 4
    r_s = R / methane.molar_mass_kg_per_mol
    p2 = math.sqrt(p1 * p1 - f * length * r_s * t * m * m / (d * area * area))
    got = float(res.nodes.set_index("name").p_pa["B"])
    assert abs(got / p2 - 1.0) <= 1e-6
    assert res.residual <= 1e-8
    assert float(res.sources.flow_kg_per_s.iloc[0]) == pytest.approx(m, rel=1e-9)


@pytest.mark.parametrize("reynolds", [300.0, 1500.0, 2e4])
def test_nikuradse_stanet_matches_closed_form(methane: IdealGas, reynolds: float) -> None:
    """STANET's law, 64/Re + rough term at every Re (also below pos2's laminar switch at Re 1000)."""
    length, d, t, p1 = 5e3, 0.05, 288.15, 2e5
    mu = 1.1e-5
    m = reynolds * math.pi * d * mu / 4
    f = 64 / reynolds + 1 / (2 * math.log10(d / 2e-5) + 1.14) ** 2
    res = solve_steady(
        _pipe(length, d, p1, m), methane, SteadyOptions(friction="nikuradse_stanet", ambient_temperature_k=t)
    )
    area = math.pi * d * d / 4
    r_s = R / methane.molar_mass_kg_per_mol
    p2 = math.sqrt(p1 * p1 - f * length * r_s * t * m * m / (d * area * area))
    got = float(res.nodes.set_index("name").p_pa["B"])
    assert (p1 - got) == pytest.approx(p1 - p2, rel=1e-6)


def test_constant_z_scales_pressure_drop(real_gas: ConstantZ) -> None:
    length, d, f, t, p1, m = 150e3, 1.2, 0.009, 288.15, 1e7, 500.0
    res = solve_steady(
        _pipe(length, d, p1, m), real_gas, SteadyOptions(friction="fixed", fixed_friction_factor=f)
    )
    area = math.pi * d * d / 4
    r_s = R / real_gas.molar_mass_kg_per_mol
    p2 = math.sqrt(p1 * p1 - f * length * 0.88 * r_s * t * m * m / (d * area * area))
    assert float(res.nodes.p_pa.iloc[1]) == pytest.approx(p2, rel=1e-6)


def test_uphill_elevation_closed_form(methane: IdealGas) -> None:
    """Menon's elevation-adjusted equation is exact for constant Z, T and f."""
    length, d, f, t, p1, m, dz = 80e3, 0.8, 0.01, 288.15, 7e6, 150.0, 600.0
    res = solve_steady(
        _pipe(length, d, p1, m, dz_m=dz), methane, SteadyOptions(friction="fixed", fixed_friction_factor=f)
    )
    area = math.pi * d * d / 4
    r_s = R / methane.molar_mass_kg_per_mol
    s = 2 * 9.80665 * dz / (r_s * t)
    le = length * math.expm1(s) / s
    p2 = math.sqrt((p1 * p1 - f * le * r_s * t * m * m / (d * area * area)) / math.exp(s))
    assert float(res.nodes.p_pa.iloc[1]) == pytest.approx(p2, rel=1e-9)


def test_minor_losses_add_zeta_to_f_l_over_d(methane: IdealGas) -> None:
    """p1^2 - p2^2 = (f L / D + zeta) R_s T m^2 / A^2 for a flat isothermal ideal-gas pipe."""
    length, d, f, t, p1, m, zeta = 20e3, 0.5, 0.012, 288.15, 6e6, 60.0, 35.0
    nb = NetworkBuilder("zeta")
    nb.junction("A")
    nb.junction("B")
    nb.pipe("P", "A", "B", length, d, 2e-5, loss_coefficient=zeta)
    nb.pressure_source("S", "A", p_pa=p1, t_k=t)
    nb.sink("D", "B", m)
    res = solve_steady(
        nb.build(),
        methane,
        SteadyOptions(friction="fixed", fixed_friction_factor=f, max_segment_length_m=3e3),
    )
    area = math.pi * d * d / 4
    r_s = R / methane.molar_mass_kg_per_mol
    p2 = math.sqrt(p1 * p1 - (f * length / d + zeta) * r_s * t * m * m / (area * area))
    assert float(res.nodes.p_pa.iloc[1]) == pytest.approx(p2, rel=1e-9)
