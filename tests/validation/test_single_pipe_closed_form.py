"""Rung 1: closed-form isothermal ideal-gas single pipe. Tolerance: relative pressure error <= 1e-6.

For an ideal gas (``rho = p / (R_s T)``) at constant temperature with a constant friction factor
(``Re = 4 m / (pi D mu)`` is constant along the pipe when the viscosity is), the steady momentum
balance without the kinetic-energy change, ``dp/dx = -f rho v|v| / (2 D) - rho g dh/dx``, becomes
after multiplying by ``2 p``::

    d(p^2)/dx = -a - b p^2,   a = f R_s T m|m| / (D A^2),   b = 2 g (dh/dx) / (R_s T),

with constant ``a`` and ``b``. Its exact solution over a length ``L`` is

* flat (``b = 0``):  ``p2^2 = p1^2 - a L``  (the textbook general flow equation, Menon 2005 eq. 2.4
  with ``E = 1``);
* uniform slope:     ``p2^2 = (p1^2 + a/b) exp(-b L) - a/b``.

The friction factor comes from ``fluids.friction.Colebrook`` (an independent, exact Lambert-W
solution of Colebrook-White) or is fixed. Long pipes are split by pos2 into internal segments, so
these cases also check that the discretisation adds no error when the closed form is exact.
"""

from __future__ import annotations

import math

import fluids.friction
import pytest

from pos2.errors import NetworkError
from pos2.gas.simple import IdealGas
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.network import NetworkBuilder
from pos2.units import G, R

REL_TOL = 1e-6
GAS = IdealGas(molar_mass_kg_per_mol=0.017, viscosity_pa_s=1.1e-5, cp_j_per_kg_k=2200.0)
T_K = 288.15
R_S = R / GAS.molar_mass_kg_per_mol


def _solve_outlet(
    length_m: float,
    diameter_m: float,
    roughness_m: float,
    p1_pa: float,
    flow_kg_per_s: float,
    dh_m: float,
    opts: SteadyOptions,
) -> float:
    nb = NetworkBuilder("single pipe")
    nb.junction("in", elevation_m=0.0)
    nb.junction("out", elevation_m=dh_m)
    nb.pipe("pipe", "in", "out", length_m=length_m, inner_diameter_m=diameter_m, roughness_m=roughness_m)
    nb.pressure_source("supply", "in", p_pa=p1_pa, t_k=T_K)
    nb.sink("offtake", "out", flow_kg_per_s=flow_kg_per_s)
    res = solve_steady(nb.build(), GAS, opts)
    assert res.converged
    return float(res.nodes["p_pa"].to_numpy()[list(res.nodes["name"]).index("out")])


def _closed_form_outlet(
    length_m: float, diameter_m: float, f: float, p1_pa: float, m: float, dh_m: float
) -> float:
    area = math.pi * diameter_m**2 / 4.0
    a = f * R_S * T_K * m * abs(m) / (diameter_m * area**2)
    if dh_m == 0.0:
        return math.sqrt(p1_pa**2 - a * length_m)
    b = 2.0 * G * (dh_m / length_m) / (R_S * T_K)
    return math.sqrt((p1_pa**2 + a / b) * math.exp(-b * length_m) - a / b)


CASES = {
    # name: (length_m, diameter_m, roughness_m, p1_pa, flow_kg_per_s, dh_m)
    "trunk_100km_1.4m_10MPa": (100_000.0, 1.3766, 1e-5, 10.0e6, 1100.0, 0.0),
    "regional_30km_0.5m_6MPa": (30_000.0, 0.5, 5e-5, 6.0e6, 60.0, 0.0),
    "distribution_2km_0.1m_0.5MPa": (2_000.0, 0.1, 1e-4, 0.5e6, 0.3, 0.0),
    "uphill_80km_1.0m_400m": (80_000.0, 1.0, 2e-5, 8.0e6, 400.0, 400.0),
    "downhill_50km_0.7m_-600m": (50_000.0, 0.7, 3e-5, 7.0e6, 150.0, -600.0),
}


@pytest.mark.parametrize("name", list(CASES))
def test_closed_form_colebrook(name: str) -> None:
    """pos2 with Colebrook-White matches the closed form with fluids' exact Colebrook factor."""
    length, d, k, p1, m, dh = CASES[name]
    re = 4.0 * m / (math.pi * d * GAS.viscosity_pa_s)
    f = fluids.friction.Colebrook(re, k / d)
    p2 = _solve_outlet(
        length, d, k, p1, m, dh, SteadyOptions(friction="colebrook", ambient_temperature_k=T_K)
    )
    expected = _closed_form_outlet(length, d, f, p1, m, dh)
    assert p1 - expected > 0.01 * p1  # a real pressure drop, not a trivial case
    assert p2 == pytest.approx(expected, rel=REL_TOL)


@pytest.mark.parametrize("segment_m", [1_000.0, 10_000.0, 200_000.0])
def test_closed_form_independent_of_segmentation(segment_m: float) -> None:
    """Fixed friction factor: exact for 100, 10 and 1 internal segments of a 200 km uphill pipe."""
    f = 0.0095
    opts = SteadyOptions(
        friction="fixed", fixed_friction_factor=f, max_segment_length_m=segment_m, ambient_temperature_k=T_K
    )
    p2 = _solve_outlet(200_000.0, 1.2, 1e-5, 9.0e6, 450.0, 250.0, opts)
    assert p2 == pytest.approx(_closed_form_outlet(200_000.0, 1.2, f, 9.0e6, 450.0, 250.0), rel=REL_TOL)


def test_nikuradse_refuses_a_smooth_pipe() -> None:
    """Nikuradse's fully rough law is undefined at zero roughness; pos2 raises instead of answering."""
    with pytest.raises(NetworkError, match=r"'pipe'.*roughness_m.*0\.0"):
        _solve_outlet(50_000.0, 0.5, 0.0, 6.0e6, 50.0, 0.0, SteadyOptions(friction="nikuradse"))
