"""Fast gas properties for the solvers: bicubic-spline tables of GERG-2008 over (p, T).

:meth:`TabulatedGas.from_composition` evaluates :class:`~pos2.gas.gerg.Gerg2008` once on a regular
(p, T) grid (default 81 x 41 nodes over 0.05-16 MPa x 240-340 K, about 0.1 s) and fits an interpolating
bicubic spline to each property: the tensor-product cubic spline with not-a-knot ends, the spline
FITPACK fits with ``s = 0`` (``scipy.interpolate.RectBivariateSpline(..., kx=3, ky=3, s=0)``).
Inside a grid cell a bicubic spline is a single bicubic polynomial, so each cell's 16 coefficients
are stored (from the spline's values and derivatives at the cell corners) and evaluated with plain
vectorised numpy: locate the cell, gather the coefficients, Horner in both directions. The
derivatives at the nodes come from the 1-D not-a-knot spline's slope equations, solved with numpy
(:func:`not_a_knot_slopes`): the same spline as FITPACK's to rounding (a unit test compares them),
without importing ``scipy.interpolate``, which would double the start-up of ``pos2 solve``.

* ``z``, ``cp``, ``joule_thomson``, ``isentropic_exponent``, ``speed_of_sound``, ``cv``, ``enthalpy``
  are tabulated directly;
* ``dz_dp`` is the analytic p-derivative of the same Z interpolant (consistent with ``z``);
* ``density = p M / (Z R T)`` uses the interpolated Z;
* ``viscosity`` is Lee-Gonzalez-Eakin (1966) on that density (:mod:`pos2.gas.viscosity`).

Range policy: a point outside the table raises :class:`~pos2.errors.GasError` naming the value and
the table range (no silent clamping or extrapolation). Build a wider table when needed.

Tables are cached per (composition, ranges, grid) with :func:`functools.lru_cache`; compositions are
hashable on their mole fractions.

Measured accuracy against GERG-2008 on random off-grid points, WEST_SIBERIAN, 0.1-15 MPa x 250-330 K:
:func:`table_error`; figures in ``docs/gas.md`` and ``tests/unit/gas/test_gas_tables.py``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pos2.errors import GasError
from pos2.gas.composition import WEST_SIBERIAN, GasComposition
from pos2.gas.gerg import R_GERG2008, Gerg2008, GergState
from pos2.gas.model import FloatArray
from pos2.gas.viscosity import lee_gonzalez_eakin

__all__ = [
    "DEFAULT_P_RANGE_PA",
    "DEFAULT_T_RANGE_K",
    "TabulatedGas",
    "default_gas",
    "not_a_knot_slopes",
    "table_error",
]

DEFAULT_P_RANGE_PA: tuple[float, float] = (0.05e6, 16e6)
"""Default absolute-pressure range of the table [Pa]."""
DEFAULT_T_RANGE_K: tuple[float, float] = (240.0, 340.0)
"""Default temperature range of the table [K]."""
DEFAULT_DP_PA: float = 0.2e6
"""Target pressure step of the default grid [Pa]."""
DEFAULT_DT_K: float = 2.5
"""Target temperature step of the default grid [K]."""

# Tabulated GergState fields -> key used in TabulatedGas._coef
_TABULATED = {
    "z": "z",
    "cp": "cp_j_per_kg_k",
    "cv": "cv_j_per_kg_k",
    "jt": "joule_thomson_k_per_pa",
    "kappa": "kappa",
    "w": "speed_of_sound_m_per_s",
    "h": "enthalpy_j_per_kg",
}
_P_LOG_REF_PA = 101_325.0  # entropy is tabulated as s + (R/M) ln(p/p_ref), smooth down to low p

# Bicubic Hermite matrix: coefficients a_ij of sum a_ij u^i v^j = M F M^T (F: values and derivatives
# at the four corners of the unit cell).
_M = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [-3.0, 3.0, -2.0, -1.0], [2.0, -2.0, 1.0, 1.0]])


def not_a_knot_slopes(x: FloatArray) -> NDArray[np.float64]:
    """The matrix ``D`` giving the slopes at the nodes of the cubic spline through ``(x, y)``: ``D @ y``.

    The spline is the interpolating cubic spline with not-a-knot ends (third derivative continuous at
    the second and the second-last node), the one FITPACK fits with ``s = 0``; its slopes ``m`` solve
    the tridiagonal continuity equations (de Boor, *A Practical Guide to Splines*, ch. IV)
    ``h[i] m[i-1] + 2 (h[i-1] + h[i]) m[i] + h[i-1] m[i+1] = 3 (h[i] s[i-1] + h[i-1] s[i])`` with
    ``h`` the node spacings and ``s`` the chord slopes, closed by one not-a-knot row at each end.

    Parameters
    ----------
    x
        Strictly increasing nodes, at least 4 [any unit].

    Returns
    -------
    numpy.ndarray
        ``(n, n)`` matrix [1 / unit of ``x``].
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if n < 4 or not np.all(np.diff(x) > 0):
        raise GasError(f"not_a_knot_slopes: needs >= 4 strictly increasing nodes, got {x!r}")
    h = np.diff(x)
    eye = np.eye(n)
    chord = (eye[1:] - eye[:-1]) / h[:, None]  # rows: s[i] as a linear map of y
    a = np.zeros((n, n))
    b = np.zeros((n, n))
    for i in range(1, n - 1):
        a[i, i - 1 : i + 2] = h[i], 2.0 * (h[i - 1] + h[i]), h[i - 1]
        b[i] = 3.0 * (h[i] * chord[i - 1] + h[i - 1] * chord[i])
    d0 = h[0] + h[1]
    a[0, :2] = h[1], d0
    b[0] = ((h[0] + 2.0 * d0) * h[1] * chord[0] + h[0] ** 2 * chord[1]) / d0
    d1 = h[-1] + h[-2]
    a[-1, -2:] = d1, h[-2]
    b[-1] = (h[-1] ** 2 * chord[-2] + (2.0 * d1 + h[-1]) * h[-2] * chord[-1]) / d1
    return np.asarray(np.linalg.solve(a, b), dtype=np.float64)


def _cell_coefficients(f: FloatArray, p_nodes: FloatArray, t_nodes: FloatArray) -> NDArray[np.float64]:
    """Bicubic coefficients of every grid cell, shape (16, n_cells), in local unit coordinates.

    ``f`` holds the values at the nodes, shape ``(len(p_nodes), len(t_nodes))``; the derivatives at
    the nodes are those of the tensor-product not-a-knot spline through them.
    """
    hp = p_nodes[1] - p_nodes[0]
    ht = t_nodes[1] - t_nodes[0]
    d_p = not_a_knot_slopes(p_nodes)
    d_t = not_a_knot_slopes(t_nodes)
    f_p = d_p @ f
    fu = f_p * hp
    fv = (f @ d_t.T) * ht
    fuv = (f_p @ d_t.T) * hp * ht

    def corners(a: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        return a[:-1, :-1], a[:-1, 1:], a[1:, :-1], a[1:, 1:]

    f00, f01, f10, f11 = corners(f)
    u00, u01, u10, u11 = corners(fu)
    v00, v01, v10, v11 = corners(fv)
    x00, x01, x10, x11 = corners(fuv)
    big_f = np.stack(
        [
            np.stack([f00, f01, v00, v01], axis=-1),
            np.stack([f10, f11, v10, v11], axis=-1),
            np.stack([u00, u01, x00, x01], axis=-1),
            np.stack([u10, u11, x10, x11], axis=-1),
        ],
        axis=-2,
    )  # (n_p-1, n_t-1, 4, 4)
    a = _M @ big_f @ _M.T
    return np.ascontiguousarray(a.reshape(-1, 16).T)  # (16, n_cells): contiguous per coefficient


@dataclass(frozen=True)
class _Located:
    """Cell index and local coordinates of a set of points, with the ``v``-polynomials ``q_k`` of
    each property evaluated there so far (reused by the value and the ``p``-derivative)."""

    shape: tuple[int, ...]
    cell: NDArray[np.intp]
    u: FloatArray
    v: FloatArray
    q: dict[str, tuple[FloatArray, ...]] = field(default_factory=dict, compare=False)


_MEMO_SIZE = 8
"""Located point sets a table remembers: a solver asks for several properties (Z, dZ/dp, density,
viscosity) at the same points in one evaluation; they share one location and one interpolant."""
_MEMO_MIN_POINTS, _MEMO_MAX_POINTS = 1, 200_000
"""Sizes of the point sets remembered (huge ones would hold memory)."""


@dataclass(frozen=True, eq=False)
class TabulatedGas:
    """GERG-2008 properties interpolated from a (p, T) table; the default model for the solvers.

    Build it with :meth:`from_composition` (cached) or use :func:`default_gas`.

    Attributes
    ----------
    composition
        Gas composition the table was built for.
    p_nodes_pa
        Pressure nodes, uniform [Pa].
    t_nodes_k
        Temperature nodes, uniform [K].
    build_time_s
        Wall time spent building the table [s].

    Examples
    --------
    >>> gas = default_gas()
    >>> round(float(gas.z(9.8e6, 288.15)), 5)
    0.82359
    """

    composition: GasComposition
    p_nodes_pa: FloatArray
    t_nodes_k: FloatArray
    _coef: dict[str, NDArray[np.float64]] = field(repr=False)
    build_time_s: float = 0.0
    _memo: list[tuple[FloatArray, FloatArray, _Located]] = field(
        default_factory=list, repr=False, compare=False
    )

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_memo"] = []  # a cache, not state: not shipped to other processes
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    # --- construction -----------------------------------------------------------------------------
    @classmethod
    def from_composition(
        cls,
        composition: GasComposition,
        p_range_pa: tuple[float, float] = DEFAULT_P_RANGE_PA,
        t_range_k: tuple[float, float] = DEFAULT_T_RANGE_K,
        n_p: int | None = None,
        n_t: int | None = None,
    ) -> TabulatedGas:
        """Tabulate GERG-2008 for a composition (cached per arguments).

        Parameters
        ----------
        composition
            Gas composition.
        p_range_pa
            Lowest and highest absolute pressure of the table [Pa].
        t_range_k
            Lowest and highest temperature of the table [K].
        n_p
            Number of pressure nodes; default gives a step of at most 0.2 MPa [-].
        n_t
            Number of temperature nodes; default gives a step of at most 2.5 K [-].

        Raises
        ------
        GasError
            Invalid range or node count, or a range outside GERG-2008's validity.
        """
        return _build_table(
            composition, tuple(map(float, p_range_pa)), tuple(map(float, t_range_k)), n_p, n_t
        )

    # --- identity ---------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """Label of the model [-]."""
        return f"GERG-2008 table ({self.composition.name})"

    @property
    def molar_mass_kg_per_mol(self) -> float:
        """Molar mass of the mixture [kg/mol]."""
        return self.composition.molar_mass_kg_per_mol

    @property
    def _r_specific(self) -> float:
        return R_GERG2008 / self.composition.molar_mass_kg_per_mol

    @property
    def p_range_pa(self) -> tuple[float, float]:
        """Pressure range of the table [Pa]."""
        return float(self.p_nodes_pa[0]), float(self.p_nodes_pa[-1])

    @property
    def t_range_k(self) -> tuple[float, float]:
        """Temperature range of the table [K]."""
        return float(self.t_nodes_k[0]), float(self.t_nodes_k[-1])

    # --- evaluation -------------------------------------------------------------------------------
    def _locate(self, p_pa: ArrayLike, t_k: ArrayLike) -> _Located:
        p, t = np.broadcast_arrays(np.asarray(p_pa, dtype=np.float64), np.asarray(t_k, dtype=np.float64))
        memo = self._memo
        remember = _MEMO_MIN_POINTS <= p.size <= _MEMO_MAX_POINTS
        if remember:  # reuse the location of identical (p, T) arrays
            for mp, mt, loc in tuple(memo):
                if mp.shape == p.shape and np.array_equal(mp, p) and np.array_equal(mt, t):
                    return loc
        loc = self._locate_new(p, t)
        if remember:
            memo.insert(0, (p.copy(), t.copy(), loc))
            del memo[_MEMO_SIZE:]
        return loc

    def _locate_new(self, p: FloatArray, t: FloatArray) -> _Located:
        p0, p1 = self.p_range_pa
        t0, t1 = self.t_range_k
        pf = p.ravel()
        tf = t.ravel()
        if pf.size and not (pf.min() >= p0 and pf.max() <= p1):  # also catches NaN
            bad = float(pf[~((pf >= p0) & (pf <= p1))][0])
            raise GasError(
                f"{self.name}: pressure p_pa = {bad!r} Pa outside the table range [{p0:g}, {p1:g}] Pa; "
                "build a table with a wider p_range_pa"
            )
        if tf.size and not (tf.min() >= t0 and tf.max() <= t1):
            bad = float(tf[~((tf >= t0) & (tf <= t1))][0])
            raise GasError(
                f"{self.name}: temperature t_k = {bad!r} K outside the table range [{t0:g}, {t1:g}] K; "
                "build a table with a wider t_range_k"
            )
        n_p = self.p_nodes_pa.size
        n_t = self.t_nodes_k.size
        fu = (pf - p0) * ((n_p - 1) / (p1 - p0))
        fv = (tf - t0) * ((n_t - 1) / (t1 - t0))
        i = np.minimum(fu.astype(np.intp), n_p - 2)
        j = np.minimum(fv.astype(np.intp), n_t - 2)
        return _Located(p.shape, i * (n_t - 1) + j, fu - i, fv - j)

    def _eval(self, key: str, loc: _Located, d_p: bool = False) -> FloatArray:
        q = loc.q.get(key)
        if q is None:
            a = self._coef[key].take(loc.cell, axis=1)  # (16, n_points): a_ij at row 4 i + j
            v = loc.v
            q = tuple(((a[4 * k + 3] * v + a[4 * k + 2]) * v + a[4 * k + 1]) * v + a[4 * k] for k in range(4))
            loc.q[key] = q
        u = loc.u
        if d_p:
            hp = self.p_nodes_pa[1] - self.p_nodes_pa[0]
            out = ((3.0 * q[3] * u + 2.0 * q[2]) * u + q[1]) / hp
        else:
            out = ((q[3] * u + q[2]) * u + q[1]) * u + q[0]
        return out.reshape(loc.shape)

    def _property(self, key: str, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        return self._eval(key, self._locate(p_pa, t_k))

    def z(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Compressibility factor Z [-].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self._property("z", p_pa, t_k)

    def dz_dp(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Partial derivative of the Z interpolant with respect to pressure at constant T [1/Pa].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self._eval("z", self._locate(p_pa, t_k), d_p=True)

    def density(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Mass density ``p M / (Z R T)`` with the interpolated Z and GERG-2008's R [kg/m3].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        p, t = np.broadcast_arrays(np.asarray(p_pa, dtype=np.float64), np.asarray(t_k, dtype=np.float64))
        return p * self.molar_mass_kg_per_mol / (self.z(p, t) * R_GERG2008 * t)

    def viscosity(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Dynamic viscosity, Lee-Gonzalez-Eakin (1966) on the tabulated density [Pa s].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        p, t = np.broadcast_arrays(np.asarray(p_pa, dtype=np.float64), np.asarray(t_k, dtype=np.float64))
        return lee_gonzalez_eakin(t, self.density(p, t), self.molar_mass_kg_per_mol)

    def cp(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Isobaric specific heat capacity [J/(kg K)].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self._property("cp", p_pa, t_k)

    def cv(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Isochoric specific heat capacity [J/(kg K)].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self._property("cv", p_pa, t_k)

    def joule_thomson(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Joule-Thomson coefficient (dT/dp at constant enthalpy) [K/Pa].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self._property("jt", p_pa, t_k)

    def isentropic_exponent(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Isentropic exponent ``kappa = w^2 rho / p`` [-].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self._property("kappa", p_pa, t_k)

    def speed_of_sound(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Speed of sound [m/s].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self._property("w", p_pa, t_k)

    def enthalpy(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Specific enthalpy, GERG-2008 reference state [J/kg].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        return self._property("h", p_pa, t_k)

    def entropy(self, p_pa: ArrayLike, t_k: ArrayLike) -> FloatArray:
        """Specific entropy, GERG-2008 reference state [J/(kg K)].

        Parameters
        ----------
        p_pa
            Absolute pressure [Pa].
        t_k
            Temperature [K].
        """
        p, t = np.broadcast_arrays(np.asarray(p_pa, dtype=np.float64), np.asarray(t_k, dtype=np.float64))
        return self._property("s_res", p, t) - self._r_specific * np.log(p / _P_LOG_REF_PA)

    def reference_density(self, t_k: float, p_pa: float) -> float:
        """Real-gas density at reference (metering) conditions, exact GERG-2008 [kg/m3].

        Evaluated with :class:`~pos2.gas.gerg.Gerg2008` directly (one point), so metering states
        outside the table range (e.g. 0 degC) work too.

        Parameters
        ----------
        t_k
            Reference temperature [K].
        p_pa
            Reference absolute pressure [Pa].
        """
        return Gerg2008(self.composition).reference_density(t_k, p_pa)


def _n_nodes(span: float, step: float, given: int | None, label: str) -> int:
    if given is None:
        return max(4, math.ceil(span / step - 1e-9) + 1)
    if given < 4:
        raise GasError(f"TabulatedGas: field '{label}' must be >= 4, got {given!r}")
    return int(given)


@functools.lru_cache(maxsize=16)
def _build_table(
    composition: GasComposition,
    p_range_pa: tuple[float, ...],
    t_range_k: tuple[float, ...],
    n_p: int | None,
    n_t: int | None,
) -> TabulatedGas:
    import time

    start = time.perf_counter()
    for label, rng in (("p_range_pa", p_range_pa), ("t_range_k", t_range_k)):
        if len(rng) != 2 or not (math.isfinite(rng[0]) and math.isfinite(rng[1]) and rng[0] < rng[1]):
            raise GasError(f"TabulatedGas: field '{label}' must be (low, high) with low < high, got {rng!r}")
    n_p = _n_nodes(p_range_pa[1] - p_range_pa[0], DEFAULT_DP_PA, n_p, "n_p")
    n_t = _n_nodes(t_range_k[1] - t_range_k[0], DEFAULT_DT_K, n_t, "n_t")
    p_nodes = np.linspace(p_range_pa[0], p_range_pa[1], n_p)
    t_nodes = np.linspace(t_range_k[0], t_range_k[1], n_t)
    grid_p, grid_t = np.meshgrid(p_nodes, t_nodes, indexing="ij")
    state: GergState = Gerg2008(composition).state(grid_p, grid_t)  # raises GasError outside GERG range
    coef = {}
    values = {key: getattr(state, attr) for key, attr in _TABULATED.items()}
    r_specific = R_GERG2008 / composition.molar_mass_kg_per_mol
    values["s_res"] = state.entropy_j_per_kg_k + r_specific * np.log(grid_p / _P_LOG_REF_PA)
    for key, table in values.items():
        coef[key] = _cell_coefficients(np.asarray(table, dtype=np.float64), p_nodes, t_nodes)
    for arr in (p_nodes, t_nodes, *coef.values()):
        arr.flags.writeable = False
    return TabulatedGas(composition, p_nodes, t_nodes, coef, time.perf_counter() - start)


def table_error(
    gas: TabulatedGas,
    p_range_pa: tuple[float, float] = (0.1e6, 15e6),
    t_range_k: tuple[float, float] = (250.0, 330.0),
    n_points: int = 4000,
    seed: int = 2026,
) -> dict[str, float]:
    """Measure a table's interpolation error against GERG-2008 on random off-grid points.

    Parameters
    ----------
    gas
        The table to check.
    p_range_pa
        Pressure range sampled uniformly [Pa].
    t_range_k
        Temperature range sampled uniformly [K].
    n_points
        Number of random points [-].
    seed
        Seed of numpy's default generator [-].

    Returns
    -------
    dict
        Maximum relative error per property (``z``, ``density``, ``cp``, ``cv``, ``joule_thomson``,
        ``kappa``, ``speed_of_sound``, ``viscosity``) [-]; ``dz_dp`` as maximum absolute error over
        the largest ``|dZ/dp|`` [-]; ``enthalpy_j_per_kg`` and ``entropy_j_per_kg_k`` as maximum
        absolute errors [J/kg], [J/(kg K)].
    """
    rng = np.random.default_rng(seed)
    p = rng.uniform(p_range_pa[0], p_range_pa[1], n_points)
    t = rng.uniform(t_range_k[0], t_range_k[1], n_points)
    reference = Gerg2008(gas.composition)
    s = reference.state(p, t)

    def rel(a: FloatArray, b: FloatArray) -> float:
        return float(np.max(np.abs(a / b - 1.0)))

    return {
        "z": rel(gas.z(p, t), s.z),
        "density": rel(gas.density(p, t), s.density_kg_per_m3),
        "cp": rel(gas.cp(p, t), s.cp_j_per_kg_k),
        "cv": rel(gas.cv(p, t), s.cv_j_per_kg_k),
        "joule_thomson": rel(gas.joule_thomson(p, t), s.joule_thomson_k_per_pa),
        "kappa": rel(gas.isentropic_exponent(p, t), s.kappa),
        "speed_of_sound": rel(gas.speed_of_sound(p, t), s.speed_of_sound_m_per_s),
        "viscosity": rel(
            gas.viscosity(p, t), lee_gonzalez_eakin(t, s.density_kg_per_m3, gas.molar_mass_kg_per_mol)
        ),
        "dz_dp": float(np.max(np.abs(gas.dz_dp(p, t) - s.dz_dp_per_pa)) / np.max(np.abs(s.dz_dp_per_pa))),
        "enthalpy_j_per_kg": float(np.max(np.abs(gas.enthalpy(p, t) - s.enthalpy_j_per_kg))),
        "entropy_j_per_kg_k": float(np.max(np.abs(gas.entropy(p, t) - s.entropy_j_per_kg_k))),
    }


def default_gas() -> TabulatedGas:
    """The twin's default gas model: the cached GERG-2008 table of :data:`WEST_SIBERIAN`.

    Returns
    -------
    TabulatedGas
        Table over 0.05-16 MPa and 240-340 K.
    """
    return TabulatedGas.from_composition(WEST_SIBERIAN)
