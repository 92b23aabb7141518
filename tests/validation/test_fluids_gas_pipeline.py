"""Rung 2: the same single-pipe inputs through the ``fluids`` library's gas-pipeline equations.

* ``fluids.compressible.isothermal_gas`` (Crane 2009; Kim & Singh 2012) is the *complete*
  isothermal equation: it keeps the kinetic-energy (acceleration) term that pos2 neglects,
  ``m^2 = A^2 rho_1 (p1^2 - p2^2) / (p1 (f L/D + 2 ln(p1/p2)))``. pos2's flow must therefore equal
  fluids' flow times ``sqrt(1 + 2 ln(p1/p2) / (f L/D))`` - tolerance 1e-9 relative on that ratio -
  and on a transmission pipe, where the term is small, the two flows agree within 2e-4.
* Weymouth and Panhandle A/B (Menon 2005; as implemented in fluids, field-unit constants converted
  to SI) against pos2's Darcy forms of the same equations (E = 1). Weymouth's factor depends on the
  diameter only: flows agree within 1e-3 (measured 6.0e-4; the residue is the rounding of the
  field-unit constants). pos2 writes Panhandle's ``(G Q / D)`` as a Reynolds number, which brings
  in a viscosity; at a typical 1e-5 Pa s the flows agree within 5e-3 (measured 3.3e-3 for A and
  1.3e-3 for B). In every case the *ratio* pos2/fluids is the same at all outlet pressures
  (within 1e-5), i.e. the pressure dependence (exponents) is identical.
"""

from __future__ import annotations

import math

import fluids.compressible as fc
import pytest

from pos2.gas.simple import IdealGas
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.network import NetworkBuilder
from pos2.units import P_ATM, R

AIR_MOLAR_MASS_KG_PER_MOL = 0.0289647


def _pipe_flow(
    gas: IdealGas,
    t_k: float,
    length_m: float,
    diameter_m: float,
    p1_pa: float,
    p2_pa: float,
    opts: SteadyOptions,
) -> float:
    """Mass flow pos2 computes between two fixed pressures [kg/s]."""
    nb = NetworkBuilder("fluids comparison")
    nb.junction("a")
    nb.junction("b")
    nb.pipe("pipe", "a", "b", length_m=length_m, inner_diameter_m=diameter_m, roughness_m=1e-5)
    nb.pressure_source("inlet", "a", p_pa=p1_pa, t_k=t_k)
    nb.pressure_source("outlet", "b", p_pa=p2_pa, t_k=t_k)
    res = solve_steady(nb.build(), gas, opts)
    assert res.converged
    return float(res.pipes["flow_kg_per_s"].iloc[0])


ISOTHERMAL_CASES = {
    # name: (rho_1 [kg/m3], fd, p1, p2, L, D) - the first is fluids' own docstring example
    "fluids_docstring_10_to_9_bar": (11.3, 0.00185, 1e6, 9e5, 1000.0, 0.5),
    "transmission_70_to_60_bar": (55.0, 0.0095, 70e5, 60e5, 100_000.0, 1.0),
}


@pytest.mark.parametrize("name", list(ISOTHERMAL_CASES))
def test_fluids_isothermal_gas(name: str) -> None:
    rho1, fd, p1, p2, length, d = ISOTHERMAL_CASES[name]
    t_k = 288.15
    gas = IdealGas(molar_mass_kg_per_mol=rho1 * R * t_k / p1, viscosity_pa_s=1.1e-5, cp_j_per_kg_k=2200.0)
    m_fluids = fc.isothermal_gas(rho=rho1, fd=fd, P1=p1, P2=p2, L=length, D=d)
    opts = SteadyOptions(friction="fixed", fixed_friction_factor=fd, ambient_temperature_k=t_k, tol=1e-12)
    m_pos2 = _pipe_flow(gas, t_k, length, d, p1, p2, opts)
    kinetic = math.sqrt(1.0 + 2.0 * math.log(p1 / p2) / (fd * length / d))
    assert m_pos2 / m_fluids == pytest.approx(kinetic, rel=1e-9)
    if name.startswith("transmission"):
        assert m_pos2 == pytest.approx(m_fluids, rel=2e-4)


# Menon's textbook case as in fluids' docstrings: D 0.340 m, 90 -> 20 bar, 160 km, SG 0.693, 277.15 K
D_M, L_M, P1_PA, T_K, SG = 0.340, 160e3, 90e5, 277.15, 0.693
T_STD_K = 288.7  # fluids' default standard temperature for these equations (60 degF)


@pytest.mark.parametrize(
    ("correlation", "function", "tolerance"),
    [
        ("weymouth", fc.Weymouth, 1e-3),
        ("panhandle_a", fc.Panhandle_A, 5e-3),
        ("panhandle_b", fc.Panhandle_B, 5e-3),
    ],
)
def test_fluids_transmission_equations(correlation: str, function: object, tolerance: float) -> None:
    gas = IdealGas(
        molar_mass_kg_per_mol=SG * AIR_MOLAR_MASS_KG_PER_MOL, viscosity_pa_s=1e-5, cp_j_per_kg_k=2200.0
    )
    rho_std = P_ATM * gas.molar_mass_kg_per_mol / (R * T_STD_K)
    opts = SteadyOptions(friction=correlation, ambient_temperature_k=T_K)
    ratios = []
    for p2 in (10e5, 20e5, 60e5):
        q_std = function(SG=SG, Tavg=T_K, L=L_M, D=D_M, P1=P1_PA, P2=p2, Ts=T_STD_K, Ps=P_ATM, E=1.0)  # type: ignore[operator]
        ratios.append(_pipe_flow(gas, T_K, L_M, D_M, P1_PA, p2, opts) / (q_std * rho_std))
    assert ratios[1] == pytest.approx(1.0, abs=tolerance)
    assert max(ratios) - min(ratios) < 1e-5
