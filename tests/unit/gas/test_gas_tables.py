"""TabulatedGas: measured interpolation error against GERG-2008, consistency, range policy, caching.

Measured with the default table (81 x 41 nodes, 0.05-16 MPa x 240-340 K) on 4,000 random off-grid
points over 0.1-15 MPa x 250-330 K for WEST_SIBERIAN (seed 2026): max relative error Z 6.5e-8,
density 6.5e-8, cp 4.6e-7, cv 3.8e-8, Joule-Thomson 2.6e-7, kappa 4.0e-7, speed of sound 1.0e-7,
viscosity 4.9e-8. The bounds below are about 2-3x these measurements (the goal was 1e-3).
``pos2.gas.tables.table_error`` reproduces the same figures.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from pos2.errors import GasError
from pos2.gas import PURE_METHANE, WEST_SIBERIAN, GasModel, Gerg2008, TabulatedGas, default_gas
from pos2.gas.tables import table_error


@pytest.fixture(scope="module")
def sample() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2026)
    return rng.uniform(0.1e6, 15e6, 4000), rng.uniform(250.0, 330.0, 4000)


@pytest.fixture(scope="module")
def reference(sample: tuple[np.ndarray, np.ndarray]):  # type: ignore[no-untyped-def]
    return Gerg2008(WEST_SIBERIAN).state(*sample)


def _max_rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a / b - 1.0)))


def test_table_error_against_gerg(sample, reference) -> None:  # type: ignore[no-untyped-def]
    gas = default_gas()
    p, t = sample
    errors = {
        "z": _max_rel(gas.z(p, t), reference.z),
        "density": _max_rel(gas.density(p, t), reference.density_kg_per_m3),
        "cp": _max_rel(gas.cp(p, t), reference.cp_j_per_kg_k),
        "cv": _max_rel(gas.cv(p, t), reference.cv_j_per_kg_k),
        "joule_thomson": _max_rel(gas.joule_thomson(p, t), reference.joule_thomson_k_per_pa),
        "kappa": _max_rel(gas.isentropic_exponent(p, t), reference.kappa),
        "speed_of_sound": _max_rel(gas.speed_of_sound(p, t), reference.speed_of_sound_m_per_s),
        "viscosity": _max_rel(gas.viscosity(p, t), Gerg2008(WEST_SIBERIAN).viscosity(p, t)),
    }
    bounds = {"z": 2e-7, "density": 2e-7, "cp": 1e-6, "cv": 2e-7, "joule_thomson": 1e-6, "kappa": 1e-6}
    bounds |= {"speed_of_sound": 3e-7, "viscosity": 2e-7}
    assert {k: v for k, v in errors.items() if v > bounds[k]} == {}
    # enthalpy and entropy: absolute errors [J/kg], [J/(kg K)]
    assert np.max(np.abs(gas.enthalpy(p, t) - reference.enthalpy_j_per_kg)) < 0.05
    assert np.max(np.abs(gas.entropy(p, t) - reference.entropy_j_per_kg_k)) < 2e-4
    # the library's measurement helper draws the same points (same seed) and agrees
    measured = table_error(gas, n_points=4000, seed=2026)
    assert {k: measured[k] for k in errors} == pytest.approx(errors, rel=1e-12)


def test_dz_dp_matches_gerg_and_own_interpolant(sample, reference) -> None:  # type: ignore[no-untyped-def]
    gas = default_gas()
    p, t = sample
    dz = gas.dz_dp(p, t)
    scale = np.max(np.abs(reference.dz_dp_per_pa))
    assert np.max(np.abs(dz - reference.dz_dp_per_pa)) / scale < 5e-6  # measured 1.7e-6
    # exact derivative of the Z interpolant: central difference of gas.z agrees to rounding
    h = 1.0
    fd = (gas.z(p + h, t) - gas.z(p - h, t)) / (2 * h)
    assert np.max(np.abs(fd - dz)) / scale < 1e-7


def test_interpolates_gerg_exactly_at_nodes() -> None:
    gas = default_gas()
    p = gas.p_nodes_pa[[0, 7, 40, -1]]
    t = gas.t_nodes_k[[0, 13, 22, -1]]
    s = Gerg2008(WEST_SIBERIAN).state(p, t)
    np.testing.assert_allclose(gas.z(p, t), s.z, rtol=1e-13)
    np.testing.assert_allclose(gas.cp(p, t), s.cp_j_per_kg_k, rtol=1e-12)


def test_reference_density_is_exact_gerg() -> None:
    gas = default_gas()
    assert gas.reference_density(293.15, 101_325.0) == Gerg2008(WEST_SIBERIAN).reference_density(
        293.15, 101_325.0
    )
    assert gas.reference_density(273.15, 101_325.0) > gas.reference_density(293.15, 101_325.0)


def test_protocol_shapes_and_scalars() -> None:
    gas = default_gas()
    assert isinstance(gas, GasModel)
    assert gas.molar_mass_kg_per_mol == WEST_SIBERIAN.molar_mass_kg_per_mol
    p = np.array([[1e6, 5e6, 9e6]])
    t = np.array([[260.0], [300.0]])
    for f in (gas.z, gas.dz_dp, gas.density, gas.viscosity, gas.cp, gas.joule_thomson):
        assert f(p, t).shape == (2, 3)
    assert gas.isentropic_exponent(p, t).shape == (2, 3)
    assert np.ndim(gas.z(5e6, 280.0)) == 0
    # the corners of the table are inside
    p0, p1 = gas.p_range_pa
    t0, t1 = gas.t_range_k
    assert np.all(np.isfinite(gas.z(np.array([p0, p1, p0, p1]), np.array([t0, t0, t1, t1]))))


@pytest.mark.parametrize(
    ("p_pa", "t_k", "match"),
    [
        (16.5e6, 300.0, r"pressure p_pa = 16500000.0 Pa outside the table range \[50000, 1.6e\+07\]"),
        (0.01e6, 300.0, "p_pa = 10000.0"),
        (5e6, 345.0, r"temperature t_k = 345.0 K outside the table range \[240, 340\]"),
        (5e6, 230.0, "t_k = 230.0"),
        (np.nan, 300.0, "p_pa = nan"),
    ],
)
def test_outside_table_raises(p_pa: float, t_k: float, match: str) -> None:
    with pytest.raises(GasError, match=match):
        default_gas().z(np.array([5e6, p_pa]), np.array([290.0, t_k]))


def test_cached_per_composition_and_range() -> None:
    assert default_gas() is default_gas()
    assert TabulatedGas.from_composition(WEST_SIBERIAN) is default_gas()
    wide = TabulatedGas.from_composition(WEST_SIBERIAN, p_range_pa=(0.05e6, 20e6), t_range_k=(240, 360))
    assert wide is not default_gas()
    assert wide.p_range_pa == (0.05e6, 20e6)
    assert float(wide.z(18e6, 350.0)) == pytest.approx(
        float(Gerg2008(WEST_SIBERIAN).z(18e6, 350.0)), rel=1e-6
    )
    methane = TabulatedGas.from_composition(PURE_METHANE)
    assert methane.name == "GERG-2008 table (pure methane)"
    assert float(methane.density(10e6, 300.0)) == pytest.approx(75.17, abs=0.01)


def test_invalid_table_arguments() -> None:
    with pytest.raises(GasError, match="p_range_pa"):
        TabulatedGas.from_composition(WEST_SIBERIAN, p_range_pa=(5e6, 1e6))
    with pytest.raises(GasError, match="n_t"):
        TabulatedGas.from_composition(WEST_SIBERIAN, n_t=3)
    with pytest.raises(GasError, match="temperature"):
        TabulatedGas.from_composition(WEST_SIBERIAN, t_range_k=(240.0, 800.0))


def test_models_pickle_for_parallel_runs() -> None:
    # Monte Carlo and sweeps ship gas models to dask workers.
    gas = default_gas()
    again = pickle.loads(pickle.dumps(gas))
    p = np.array([1e6, 9.8e6])
    np.testing.assert_array_equal(again.z(p, 288.15), gas.z(p, 288.15))
    gerg = pickle.loads(pickle.dumps(Gerg2008(WEST_SIBERIAN)))
    assert float(gerg.z(9.8e6, 288.15)) == pytest.approx(float(gas.z(9.8e6, 288.15)), rel=2e-7)


def test_location_memo_gives_the_unmemoised_values_and_follows_changed_inputs() -> None:
    """A table remembers the last located point sets (several properties at the same points share
    one location); the values equal a fresh table's, and an input changed in place is located anew."""
    gas = default_gas()
    fresh = pickle.loads(pickle.dumps(gas))  # the memo is not pickled: a clean copy
    assert fresh._memo == []
    rng = np.random.default_rng(7)
    p = rng.uniform(1e6, 15e6, 500)
    t = rng.uniform(260.0, 320.0, 500)
    z1 = gas.z(p, t)
    assert np.array_equal(gas.dz_dp(p, t), fresh.dz_dp(p.copy(), t.copy()))
    assert np.array_equal(gas.density(p, t), fresh.density(p.copy(), t.copy()))
    assert np.array_equal(gas.z(p.copy(), t.copy()), z1)  # equal values: the memo answers
    p *= 0.9  # the caller mutates its array in place: the memo kept a copy, so it must not answer
    assert np.array_equal(gas.z(p, t), fresh.z(p.copy(), t.copy()))
    assert not np.array_equal(gas.z(p, t), z1)


def test_the_spline_is_fitpacks_interpolating_spline() -> None:
    """The tables' slopes are the not-a-knot spline's: FITPACK's ``s = 0`` fit and scipy's CubicSpline.

    The tables compute them with numpy so that the solvers do not import ``scipy.interpolate``
    (issue 15 item 12); here the same derivatives at the nodes come from scipy itself. Measured:
    relative differences 1e-13 for first derivatives, 1e-11 for the cross derivative (rounding).
    """
    from scipy.interpolate import CubicSpline, RectBivariateSpline

    from pos2.gas.tables import _TABULATED, not_a_knot_slopes

    rng = np.random.default_rng(15)
    x = np.cumsum(rng.uniform(0.5, 2.0, 12))  # uneven nodes
    y = rng.normal(size=12)
    slope = CubicSpline(x, y, bc_type="not-a-knot")(x, 1)
    assert np.max(np.abs(not_a_knot_slopes(x) @ y - slope)) < 1e-12 * np.max(np.abs(slope))

    gas = default_gas()
    p, t = gas.p_nodes_pa, gas.t_nodes_k
    state = Gerg2008(WEST_SIBERIAN).state(*np.meshgrid(p, t, indexing="ij"))
    d_p, d_t = not_a_knot_slopes(p), not_a_knot_slopes(t)
    for attr in _TABULATED.values():
        f = getattr(state, attr)
        fit = RectBivariateSpline(p, t, f, kx=3, ky=3, s=0)
        for ours, theirs in (
            (d_p @ f, fit(p, t, dx=1)),
            (f @ d_t.T, fit(p, t, dy=1)),
            (d_p @ f @ d_t.T, fit(p, t, dx=1, dy=1)),
        ):
            assert np.max(np.abs(ours - theirs)) < 1e-9 * np.max(np.abs(theirs)), attr
    with pytest.raises(GasError, match="4 strictly increasing"):
        not_a_knot_slopes(np.array([1.0, 2.0, 3.0]))
