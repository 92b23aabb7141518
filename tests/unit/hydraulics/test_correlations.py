"""Friction correlations against textbook values and the `fluids` library."""

from __future__ import annotations

import math

import fluids.compressible as fc
import fluids.friction as ff
import numpy as np
import pytest

from pos2.hydraulics import correlations as c
from pos2.units import R

RE = np.array([3e3, 1e4, 1e5, 1e6, 1e7, 5e7, 1e8])
ED = np.array([0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2])


def test_colebrook_textbook_value() -> None:
    # fluids.friction.Colebrook(1e5, 1e-4) = 0.018513866077471648 (exact Lambert-W solution)
    assert float(c.colebrook(1e5, 1e-4)) == pytest.approx(0.018513866077471, rel=1e-12)


def test_colebrook_matches_fluids_over_the_moody_chart() -> None:
    for re in RE:
        for ed in ED:
            assert float(c.colebrook(re, ed)) == pytest.approx(ff.Colebrook(float(re), float(ed)), rel=1e-10)


def test_colebrook_dvgw_solves_the_371_form() -> None:
    """DVGW / STANET / pandapipes form: 1/sqrt(f) = -2 log10(eps/(3.71 D) + 2.51/(Re sqrt(f)))."""
    re, ed = np.meshgrid(RE, ED)
    f = c.colebrook_dvgw(re, ed)
    resid = 1 / np.sqrt(f) + 2 * np.log10(ed / 3.71 + 2.51 / (re * np.sqrt(f)))
    assert np.abs(resid).max() < 1e-12
    # slightly below Colebrook's 3.7 where roughness matters, equal for smooth pipes
    assert np.all(f[ED > 0] < c.colebrook(re, ed)[ED > 0])
    assert np.allclose(f[ED == 0], c.colebrook(re, ed)[ED == 0], rtol=1e-14)


def test_colebrook_is_vectorised() -> None:
    re, ed = np.meshgrid(RE, ED)
    got = c.colebrook(re, ed)
    assert got.shape == re.shape
    assert np.all(np.diff(got, axis=1) < 0)  # f falls with Re at fixed roughness


def test_hofer_close_to_colebrook() -> None:
    """Hofer's explicit form vs Colebrook-White, Re 1e4..1e8.

    Within 0.5 % for eps/D <= 1e-5 (coated transmission pipe), 1.5 % up to 1e-3, 2 % up to 1e-2.
    """
    re, ed = np.meshgrid(RE[1:], ED)
    rel = np.abs(c.hofer(re, ed) / c.colebrook(re, ed) - 1.0)
    assert rel[ed <= 1e-5].max() < 5e-3
    assert rel[ed <= 1e-3].max() < 1.5e-2
    assert rel.max() < 2e-2


def test_nikuradse_is_the_rough_limit_of_colebrook() -> None:
    for ed in (1e-5, 1e-4, 1e-3, 1e-2):
        assert float(c.nikuradse(ed)) == pytest.approx(float(c.colebrook(1e13, ed)), rel=1e-4)
    # textbook: eps/D = 1e-3 -> f = 0.019624
    assert float(c.nikuradse(1e-3)) == pytest.approx(0.0196, abs=5e-5)


def test_nikuradse_stanet_hand_value() -> None:
    """STANET's "N" law at eps/D = 1e-3, Re = 1e5, by hand.

    Rough term: 2 log10(1000) + 1.14 = 7.14, 1 / 7.14^2 = 1 / 50.9796 = 0.0196157; laminar addend
    64 / 1e5 = 0.00064; sum 0.0202557.
    """
    assert float(c.nikuradse_stanet(1e5, 1e-3)) == pytest.approx(0.0202557, abs=1e-7)
    # the constant 1.14 is Nikuradse's 1.74 for the radius, 1.74 - 2 log10(2) = 1.138, not 2 log10(3.7)
    assert float(c.nikuradse_stanet(1e15, 1e-3)) < float(c.nikuradse(1e-3))
    assert float(c.nikuradse_stanet(1e15, 1e-3)) == pytest.approx(float(c.nikuradse(1e-3)), rel=2e-3)
    # laminar addend at every Re, no switch
    assert float(c.nikuradse_stanet(500.0, 1e-3)) == pytest.approx(0.128 + 1 / 7.14**2, rel=1e-12)


def test_laminar() -> None:
    assert float(c.laminar(2000.0)) == pytest.approx(0.032)


@pytest.mark.parametrize(
    ("func", "deriv"),
    [
        (lambda re: c.colebrook(re, 1e-4), lambda re: c.colebrook_derivative(re, 1e-4)),
        (lambda re: c.colebrook(re, 0.0), lambda re: c.colebrook_derivative(re, 0.0)),
        (
            lambda re: c.colebrook_dvgw(re, 1e-4),
            lambda re: c.colebrook_derivative(re, 1e-4, roughness_divisor=3.71),
        ),
        (lambda re: c.hofer(re, 1e-4), lambda re: c.hofer_derivative(re, 1e-4)),
        (lambda re: c.nikuradse_stanet(re, 1e-4), c.nikuradse_stanet_derivative),
        (c.panhandle_a, c.panhandle_a_derivative),
        (c.panhandle_b, c.panhandle_b_derivative),
    ],
)
def test_derivatives_match_finite_differences(func, deriv) -> None:  # type: ignore[no-untyped-def]
    re = RE[1:]
    h = re * 1e-6
    fd = (func(re + h) - func(re - h)) / (2 * h)
    assert np.allclose(deriv(re), fd, rtol=1e-5)


def _fluids_implied_f(fn, d_m: float, mu_pa_s: float) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Darcy f implied by a fluids gas-pipeline equation at E = 1, and the Reynolds number."""
    sg, t, length, p1, p2, ts, ps = 0.6, 288.15, 100e3, 7e6, 5e6, 288.7, 101325.0
    q = fn(SG=sg, Tavg=t, L=length, D=d_m, P1=p1, P2=p2, E=1.0, Ts=ts, Ps=ps)
    m_air = 0.0289647  # fluids' molar mass of air behind SG [kg/mol]
    molar = m_air * sg
    m = q * ps * molar / (R * ts)
    area = math.pi * d_m**2 / 4
    f = (p1**2 - p2**2) * d_m * area**2 / (length * (R / molar) * t * m * m)
    return f, 4 * m / (math.pi * d_m * mu_pa_s)


@pytest.mark.parametrize("d_m", [0.3, 0.9, 1.4])
def test_transmission_formulas_match_fluids(d_m: float) -> None:
    """Weymouth, Panhandle A and B in Darcy form against fluids.compressible at E = 1.

    The Panhandle field forms embed a gas viscosity of about 1.04e-5 Pa s (7e-6 lb/(ft s)); the
    published constants are rounded, so agreement is to 0.5 %.
    """
    mu = 1.04e-5
    f, _ = _fluids_implied_f(fc.Weymouth, d_m, mu)
    assert float(c.weymouth(d_m)) == pytest.approx(f, rel=5e-3)
    f, re = _fluids_implied_f(fc.Panhandle_A, d_m, mu)
    assert float(c.panhandle_a(re)) == pytest.approx(f, rel=5e-3)
    f, re = _fluids_implied_f(fc.Panhandle_B, d_m, mu)
    assert float(c.panhandle_b(re)) == pytest.approx(f, rel=5e-3)


def test_friction_dispatch_rejects_unknown() -> None:
    re = np.array([1e6])
    with pytest.raises(ValueError, match="unknown friction"):
        c.friction_and_derivative("moody", re, re * 0, re)
    for name in c.CORRELATIONS:
        if name == "fixed":
            continue
        f, df = c.friction_and_derivative(name, re, np.array([1e-5]), np.array([1.0]))
        assert 0.005 < float(f[0]) < 0.05
        assert float(df[0]) <= 0.0
