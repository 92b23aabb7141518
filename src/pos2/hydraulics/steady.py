"""Steady-state gas network solver: Newton-Raphson on an analytic sparse Jacobian.

Formulation
-----------
Unknowns are the squared pressures ``pi = p^2`` [Pa^2] of all nodes (user junctions and the
internal nodes of pipes split into segments no longer than ``max_segment_length_m``) and the mass
flows [kg/s] of all branches. Equations:

* **Mass balance** at every node without a pressure source:
  ``sum(inflows) - sum(outflows) + injections - offtakes = 0``; at a pressure source ``pi = p_set^2``.
* **Momentum of a pipe segment** (length L, diameter D, area A, elevation rise dh), the integrated
  isothermal steady gas-flow equation with the elevation adjustment of Menon (2005, eqs. 2.9-2.12)
  and Osiadacz (1987, ch. 2)::

      p1^2 - e^s p2^2 = f(Re) L_e Z_m R_s T_m m|m| / (D A^2),
      s = 2 g dh / (Z_m R_s T_m),   L_e = L (e^s - 1) / s.

  It follows from ``dp/dx = -f rho v|v| / (2 D) - rho g dh/dx`` with ``rho = p / (Z R_s T)``:
  multiplying by ``2p`` gives ``d(p^2)/dx = -a - b p^2`` (``a = f Z R_s T m|m| / (D A^2)``,
  ``b = 2 g (dh/dx) / (Z R_s T)``), which integrates exactly over a segment with constant
  coefficients; ``Z_m = Z(p_m, T_m)`` at the mean pressure
  ``p_m = 2/3 (p1 + p2 - p1 p2 / (p1 + p2))``. Kinetic-energy change is neglected. Splitting pipes
  into segments resolves the variation of Z, T and elevation along them.
  Friction follows :mod:`pos2.hydraulics.correlations`; below the laminar crossing
  (``64/Re`` above the turbulent value) the Hagen-Poiseuille law is used, which also keeps the
  Jacobian regular at zero flow. A pipe's minor losses ``zeta`` (``loss_coefficient``) enter as an
  added Darcy factor ``zeta_segment D / L_segment`` (``dp = zeta rho v^2 / 2`` at the mean density).
  A pipe with its own ``friction_factor`` uses that Darcy factor instead of the law (still with the
  Hagen-Poiseuille law below its laminar crossing).
* **Compressor station**: ``p_out = p_set``, ``p_out = ratio p_in`` or ``m_in = m_set``. Fuel gas is
  taken at the inlet: of the inlet flow ``m_in`` the compressors get ``m_c = m_in / (1 + a)`` and burn
  ``m_in a / (1 + a)``, with ``a = W / (m_c eta_driver LHV)``, shaft power
  ``W = m_c Z_in R_s T_in (r^e - 1) / (e eta)``, ``e = (kappa-1)/kappa`` (isentropic efficiency) or
  ``e = (kappa-1)/(kappa eta_p)`` (polytropic), ``r = p_out / p_in`` (real-gas head with the inlet Z,
  Menon 2005 ch. 10; GPSA Engineering Data Book sec. 13).
* **Regulator**: ``p_out = p_set``. **Valve**: open ``p1^2 - p2^2 = zeta Z R_s T m|m| / A^2``
  (``dp = zeta rho v^2 / 2`` at the mean density) plus, for a fixed pressure drop ``dp_fix``
  (a resistor), ``(p1 + p2) dp_fix s(m)`` with the sign smoothed as ``s = m / sqrt(m^2 + m_s^2)``,
  ``m_s = 1e-4 m_ref`` (exact to a relative ``(m_s/m)^2 / 2``); closed ``m = 0``. The slope ``2 k |m|`` of the
  valve law vanishes at zero flow, which makes loops of lossy valves singular there: in the Jacobian
  (not the residual, so the solution is exact) it is kept at its value at a tenth of the flow at
  5 m/s in the bore. Junctions joined by loss-free links (open valves with ``zeta = 0``) share one
  pressure; a loss-free link that closes a loop of such links would leave the split round the loop
  undetermined, so it is given zero flow (equivalent to merging the junctions; see
  :func:`pos2.hydraulics.topology.loop_closing_links`).

Rows are scaled (node rows by a reference flow, pressure rows by a reference ``p^2``) and the
iteration stops when the largest scaled residual is below ``tol``. A backtracking line search damps
the Newton step. The first step solves the network with a linearised friction law and linearised
valve losses (flows at a typical velocity, 5 m/s) to get a start that satisfies mass balance and the
pressure set points, for any mix of pipes, lossy and loss-free links.
``nikuradse_stanet`` contains the laminar term itself and is used at every Reynolds number.

The solver gives up early, with the iterations and the residual in the message, when the line search
finds no descent in 8 successive steps (:class:`ConvergenceError`), or when 5 successive steps reach
a pressure <= 0 (in the iterate or in the undamped Newton point) without the residual halving over
them: that is how an infeasible demand shows, and :class:`InfeasibleError` names the pipe where the
pressure collapses (constraint ``pressure > 0``) instead of spending ``max_iter`` iterations there.

Temperatures: isothermal mode gives every connected part the mean temperature of its sources
(unset = ambient). Thermal mode marches the gas temperature along segments in flow direction with
heat exchange to the ground (``U`` on the inner wall area ``pi D L``), Joule-Thomson cooling
``mu_JT dp`` and the work against gravity ``-g dh / cp``, mixes at nodes, heats through
compressors (discharge temperature, optional after-cooler) and throttles through regulators and
valves; hydraulics and temperatures are iterated to a fixed point (under-relaxed when the update
reverses). Give pipes a heat-transfer coefficient: in an adiabatic loop a nearly stagnant pipe takes
the temperature of whichever end feeds it, which can make the fixed point oscillate.

References
----------
.. [1] Menon, E. S. (2005). Gas Pipeline Hydraulics. CRC Press (ch. 2 general flow equation and
   elevation adjustment; ch. 10 compressor head and power).
.. [2] Osiadacz, A. J. (1987). Simulation and Analysis of Gas Networks. E. & F. N. Spon
   (ch. 2 steady flow equations; ch. 3 Newton nodal/loop methods).
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse import coo_matrix, csc_matrix
from scipy.sparse.linalg import splu
from threadpoolctl import ThreadpoolController

from pos2.errors import ConvergenceError, InfeasibleError, NetworkError
from pos2.gas.model import GasModel
from pos2.hydraulics.correlations import CORRELATIONS, friction_and_derivative
from pos2.hydraulics.topology import (
    MODE_FLOW,
    MODE_OUTLET,
    MODE_RATIO,
    FloatArray,
    IntArray,
    Pattern,
    Topology,
    topology_of,
)
from pos2.network.model import Network
from pos2.units import G, R

if TYPE_CHECKING:  # pandas loads when a result table is first read (issue 15 item 12: `pos2 solve` start-up)
    import pandas as pd

__all__ = [
    "DEFAULT_LHV_J_PER_KG",
    "SteadyOptions",
    "SteadyResult",
    "jacobian_at_solution",
    "solve_steady",
    "state_from_result",
]

DEFAULT_LHV_J_PER_KG: float = 49.0e6
"""Lower heating value of the fuel gas when neither the station nor the gas model gives one [J/kg].

Assumption (confidence INF): lean West-Siberian gas is mostly methane, whose LHV is 50.0 MJ/kg
(802.3 kJ/mol / 16.043 g/mol); the heavier components and inerts bring pipeline gas to about
47-49 MJ/kg. 49 MJ/kg is the value used in engineering_facts.md §1d for fuel per station.
"""

_MAX_STALLS = 8
"""Newton gives up after this many successive steps without sufficient decrease."""
_MAX_COLLAPSED = 5
"""Newton gives up after this many successive steps in which a node pressure is <= 0 (in the iterate or
in the undamped Newton point) and over which the residual has not halved: the solver is then stuck at
the edge of the physical range, the typical sign of demanded flows the network cannot deliver. A
converging solve leaves that state, or halves its residual, within a few steps."""
_MIN_THERMAL_RELAX = 0.01
"""Smallest under-relaxation of a temperature update retried after a failed hydraulic solve [-]."""
_P_MIN_PROPS = 1.0e3  # pressures below this [Pa] are clamped for property evaluation only


@dataclass(frozen=True)
class SteadyOptions:
    """Settings of :func:`solve_steady`.

    Parameters
    ----------
    friction
        Friction correlation: ``colebrook`` (default, Colebrook 1939 with 3.7), ``colebrook_dvgw``
        (the 3.71 form of DVGW practice, as in STANET and pandapipes), ``nikuradse``,
        ``nikuradse_stanet`` (STANET's "N" law: 64/Re plus Nikuradse's rough term), ``hofer``,
        ``weymouth``, ``panhandle_a``, ``panhandle_b`` or ``fixed`` (needs ``fixed_friction_factor``) [-].
    thermal
        Non-isothermal mode (heat exchange, Joule-Thomson, compressor heating) [-].
    max_segment_length_m
        Longest internal pipe segment [m].
    tol
        Convergence tolerance on the largest scaled residual [-].
    max_iter
        Newton iterations allowed (per hydraulic solve) [-].
    ambient_temperature_k
        Temperature of sources and ground when not given [K].
    fixed_friction_factor
        Darcy friction factor for ``friction="fixed"`` [-].
    thermal_tol_k
        Convergence of the hydraulics-temperature iteration on node temperatures [K].
    max_thermal_iter
        Hydraulics-temperature iterations allowed [-].
    permc_spec
        Ordering of the sparse LU (SuperLU): ``MMD_AT_PLUS_A`` (default; minimum degree on the
        symmetric structure, best for the nodal matrices of networks), ``COLAMD``, ``MMD_ATA``,
        ``NATURAL`` [-].
    lu_symmetric_mode
        SuperLU's symmetric mode: prefer diagonal pivots so the fill follows the ordering [-].
    lu_diag_pivot_thresh
        SuperLU's threshold for keeping a diagonal pivot (0 = always, 1 = partial pivoting) [-].
    check_limits
        Raise :class:`InfeasibleError` when a station limit is exceeded [-].
    blas_threads
        BLAS threads during the solve (``None``: leave the process setting). The BLAS calls of a
        sparse LU on a network are small (supernodes of a few columns) and of vector reductions;
        with several BLAS threads their start-up and spinning cost more than they save (measured
        2.4x slower on a 10,000-pipe grid on 2 cores), so the default is 1 [-].
    """

    friction: str = "colebrook"
    thermal: bool = False
    max_segment_length_m: float = 10_000.0
    tol: float = 1e-8
    max_iter: int = 100
    ambient_temperature_k: float = 288.15
    fixed_friction_factor: float | None = None
    thermal_tol_k: float = 1e-4
    max_thermal_iter: int = 100
    permc_spec: str = "MMD_AT_PLUS_A"
    lu_symmetric_mode: bool = True
    lu_diag_pivot_thresh: float = 0.01
    check_limits: bool = True
    blas_threads: int | None = 1

    def __post_init__(self) -> None:
        def bad(fld: str, value: Any, why: str) -> NetworkError:
            return NetworkError(why, element="SteadyOptions", field=fld, value=value)

        if self.friction not in CORRELATIONS:
            raise bad("friction", self.friction, f"must be one of {', '.join(CORRELATIONS)}")
        if self.friction == "fixed" and not (
            self.fixed_friction_factor is not None and 0.0 < self.fixed_friction_factor < 1.0
        ):
            raise bad("fixed_friction_factor", self.fixed_friction_factor, "friction 'fixed' needs 0 < f < 1")
        for name in ("max_segment_length_m", "tol", "ambient_temperature_k", "thermal_tol_k"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and math.isfinite(v) and v > 0):
                raise bad(name, v, "must be a positive finite number")
        for name in ("max_iter", "max_thermal_iter"):
            if int(getattr(self, name)) < 1:
                raise bad(name, getattr(self, name), "must be >= 1")
        if self.permc_spec not in ("COLAMD", "MMD_AT_PLUS_A", "MMD_ATA", "NATURAL"):
            raise bad("permc_spec", self.permc_spec, "unknown ordering")
        if self.blas_threads is not None and int(self.blas_threads) < 1:
            raise bad("blas_threads", self.blas_threads, "must be >= 1 or None")
        if not 0.0 <= self.lu_diag_pivot_thresh <= 1.0:
            raise bad("lu_diag_pivot_thresh", self.lu_diag_pivot_thresh, "must be in [0, 1]")


@dataclass(frozen=True, eq=False)
class SteadyResult:
    """Converged steady state of a network: tidy tables plus the settings that produced them.

    Tables (SI units, absolute pressure; pipe ``in``/``out`` mean its ``from``/``to`` end, flows
    are positive from ``from`` to ``to``):

    * ``nodes``: name, p_pa, t_k, elevation_m (user junctions).
    * ``pipes``: name, from_junction, to_junction, flow_kg_per_s, v_in_m_per_s, v_out_m_per_s,
      v_mean_m_per_s, p_in_pa, p_out_pa, dp_pa, t_in_k, t_out_k, linepack_kg.
    * ``compressors``: name, flow_kg_per_s (entering, fuel included), p_in_pa, p_out_pa, ratio,
      t_in_k, t_out_k (after the after-cooler), power_w (shaft), fuel_kg_per_s, driver_power_w
      (fuel heat input, ``fuel * LHV``).
    * ``sources``: name, kind (``pressure``/``flow``), junction, flow_kg_per_s, p_pa, t_k.
    * ``sinks``: name, junction, flow_kg_per_s, p_pa.
    * ``regulators`` / ``valves``: name, flow_kg_per_s, p_in_pa, p_out_pa.
    * ``segments``: pipe, x_m, p_pa, t_k, rho_kg_per_m3, v_m_per_s at every discretisation point.

    Each table is a pandas DataFrame made on first read from :attr:`columns`; :meth:`records` gives a
    table's rows without pandas (the command line's ``pos2 solve`` prints from them and so starts
    without importing pandas).

    In isothermal mode a compressor's ``t_out_k`` is its computed discharge temperature (after the
    after-cooler), for information; the gas in the pipes stays at the isothermal temperature.
    ``info`` holds sizes (nodes, segments, unknowns, size of the factorised junction system) and
    the number of sparse factorisations.
    """

    network: str
    columns: dict[str, dict[str, Any]] = field(repr=False)
    """The tables' columns (``table name -> column name -> array or list``), read without pandas."""
    iterations: int
    residual: float
    options: SteadyOptions
    thermal_iterations: int = 0
    solve_time_s: float = 0.0
    converged: bool = True
    info: dict[str, Any] = field(default_factory=dict)

    # The tables are built on first access: the command line's `pos2 solve` prints from the columns
    # and does not import pandas (issue 15 item 12).
    def table(self, name: str) -> pd.DataFrame:
        """A fresh DataFrame of one table (``nodes``, ``pipes``, ... ``segments``)."""
        import pandas as pd

        return pd.DataFrame(self.columns[name])

    @functools.cached_property
    def nodes(self) -> pd.DataFrame:
        """Junctions: name, p_pa, t_k, elevation_m."""
        return self.table("nodes")

    @functools.cached_property
    def pipes(self) -> pd.DataFrame:
        """Pipes (see the class docstring for the columns)."""
        return self.table("pipes")

    @functools.cached_property
    def compressors(self) -> pd.DataFrame:
        """Compressor stations (see the class docstring for the columns)."""
        return self.table("compressors")

    @functools.cached_property
    def sources(self) -> pd.DataFrame:
        """Pressure and flow sources: name, kind, junction, flow_kg_per_s, p_pa, t_k."""
        return self.table("sources")

    @functools.cached_property
    def sinks(self) -> pd.DataFrame:
        """Sinks: name, junction, flow_kg_per_s, p_pa."""
        return self.table("sinks")

    @functools.cached_property
    def regulators(self) -> pd.DataFrame:
        """Regulators: name, flow_kg_per_s, p_in_pa, p_out_pa."""
        return self.table("regulators")

    @functools.cached_property
    def valves(self) -> pd.DataFrame:
        """Valves: name, open, flow_kg_per_s, p_in_pa, p_out_pa."""
        return self.table("valves")

    @functools.cached_property
    def segments(self) -> pd.DataFrame:
        """Every discretisation point: pipe, x_m, p_pa, t_k, rho_kg_per_m3, v_m_per_s."""
        return self.table("segments")

    def records(self, name: str) -> list[dict[str, Any]]:
        """The rows of one table as dicts of Python values (as ``table(name).to_dict("records")``)."""
        cols = {
            k: (v.tolist() if isinstance(v, np.ndarray) else list(v)) for k, v in self.columns[name].items()
        }
        return [dict(zip(cols, row, strict=True)) for row in zip(*cols.values(), strict=True)]

    def _column(self, name: str, column: str) -> FloatArray:
        return np.asarray(self.columns[name][column], dtype=np.float64)

    def _total(self, name: str, column: str) -> float:
        # NaN-skipping sum, as pandas' ``Series.sum`` that this replaced
        values = self._column(name, column)
        return float(np.nansum(values)) if values.size else 0.0

    @property
    def linepack_kg(self) -> float:
        """Gas mass in all pipes [kg]."""
        return self._total("pipes", "linepack_kg")

    @property
    def total_power_w(self) -> float:
        """Shaft power of all compressor stations [W]."""
        return self._total("compressors", "power_w")

    @property
    def total_fuel_kg_per_s(self) -> float:
        """Fuel gas burnt by all compressor stations [kg/s]."""
        return self._total("compressors", "fuel_kg_per_s")

    def summary(self) -> str:
        """A short human-readable summary (SI values shown in MPa, MW, t)."""
        p = self._column("nodes", "p_pa")
        n_nodes, n_pipes = p.size, len(self.columns["pipes"]["name"])
        c = self.columns["compressors"]
        n_comp = len(c["name"])
        p_min, p_max = (float(np.nanmin(p)), float(np.nanmax(p))) if p.size else (math.nan, math.nan)
        lines = [
            f"steady state of '{self.network}': {n_nodes} junctions, {n_pipes} pipes, "
            f"{n_comp} compressor stations",
            f"  converged in {self.iterations} Newton iterations (residual {self.residual:.2e}"
            + (f", {self.thermal_iterations} thermal iterations" if self.options.thermal else "")
            + f"), {self.solve_time_s:.3f} s; friction {self.options.friction}, "
            + ("non-isothermal" if self.options.thermal else "isothermal"),
            f"  pressure {p_min / 1e6:.3f} .. {p_max / 1e6:.3f} MPa (abs); "
            f"linepack {self.linepack_kg / 1e3:,.0f} t",
        ]
        if n_comp:
            lines.append(
                f"  compressors: {self.total_power_w / 1e6:,.2f} MW shaft, "
                f"fuel {self.total_fuel_kg_per_s:.3f} kg/s"
            )
            for name, ratio, power, fuel in zip(
                c["name"],
                self._column("compressors", "ratio"),
                self._column("compressors", "power_w"),
                self._column("compressors", "fuel_kg_per_s"),
                strict=True,
            ):
                lines.append(f"    {name}: ratio {ratio:.3f}, {power / 1e6:.2f} MW, fuel {fuel:.3f} kg/s")
        return "\n".join(lines)


# ------------------------------------------------------------------------------------------------
# evaluation of residual and Jacobian
# ------------------------------------------------------------------------------------------------


class _RangeGuard:
    """Evaluate a gas model with (p, T) clipped into its stated validity range during iterations.

    Newton trial points may leave the range of a tabulated model although the solution lies inside
    it; the guard keeps them evaluable (with ``dZ/dp = 0`` where clipped). The final result tables are
    computed with the unguarded model, so a *solution* outside the range still raises
    :class:`pos2.errors.GasError`.
    """

    def __init__(self, gas: GasModel) -> None:
        self.gas = gas
        p_rng = getattr(gas, "p_range_pa", None)
        t_rng = getattr(gas, "t_range_k", None)
        self.p_lo = max(float(p_rng[0]), _P_MIN_PROPS) if p_rng is not None else _P_MIN_PROPS
        self.p_hi = float(p_rng[1]) if p_rng is not None else math.inf
        self.t_lo = float(t_rng[0]) if t_rng is not None else 1.0
        self.t_hi = float(t_rng[1]) if t_rng is not None else math.inf

    def _pt(self, p: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        return np.clip(p, self.p_lo, self.p_hi), np.clip(t, self.t_lo, self.t_hi)

    def z(self, p: FloatArray, t: FloatArray) -> FloatArray:
        return self.gas.z(*self._pt(p, t))

    def dz_dp(self, p: FloatArray, t: FloatArray) -> FloatArray:
        inside = (p >= self.p_lo) & (p <= self.p_hi)
        return np.where(inside, self.gas.dz_dp(*self._pt(p, t)), 0.0)

    def density(self, p: FloatArray, t: FloatArray) -> FloatArray:
        return self.gas.density(*self._pt(p, t))

    def viscosity(self, p: FloatArray, t: FloatArray) -> FloatArray:
        return self.gas.viscosity(*self._pt(p, t))

    def cp(self, p: FloatArray, t: FloatArray) -> FloatArray:
        return self.gas.cp(*self._pt(p, t))

    def joule_thomson(self, p: FloatArray, t: FloatArray) -> FloatArray:
        return self.gas.joule_thomson(*self._pt(p, t))

    def isentropic_exponent(self, p: FloatArray, t: FloatArray) -> FloatArray:
        return self.gas.isentropic_exponent(*self._pt(p, t))


@dataclass
class _State:
    """Per-solve constants and last evaluated quantities."""

    topo: Topology
    gas: _RangeGuard
    raw_gas: GasModel
    opts: SteadyOptions
    r_s: float
    p_ref: float
    m_ref: float
    t_node: FloatArray
    t_seg: FloatArray
    lhv: FloatArray
    fixed_pi: FloatArray
    c_set_pi: FloatArray
    r_set_pi: FloatArray
    names: dict[str, list[str]] = field(default_factory=dict)
    factorisations: int = 0
    f_last: FloatArray | None = None  # last Colebrook solution, warm start of the next
    lin_coef: FloatArray | None = None
    v_lin: FloatArray = field(default_factory=lambda: np.zeros(0))  # valve flow at 5 m/s (start)
    v_m_eps: FloatArray = field(default_factory=lambda: np.zeros(0))  # valve flow at 0.5 m/s
    v_ms: float = 0.0  # flow scale smoothing the sign of a fixed pressure drop [kg/s]
    # filled by evaluate
    z_seg: FloatArray = field(default_factory=lambda: np.zeros(0))
    comp_a: FloatArray = field(default_factory=lambda: np.zeros(0))


def _phi(s: FloatArray) -> tuple[FloatArray, FloatArray]:
    """phi(s) = (e^s - 1)/s and its derivative, with series near s = 0."""
    small = np.abs(s) < 1e-6
    s_safe = np.where(small, 1.0, s)
    phi = np.where(small, 1.0 + s / 2.0 + s * s / 6.0, np.expm1(s_safe) / s_safe)
    dphi = np.where(small, 0.5 + s / 3.0, (np.exp(s_safe) * s_safe - np.expm1(s_safe)) / s_safe**2)
    return phi, dphi


def _evaluate(st: _State, x: FloatArray, jac: bool) -> tuple[FloatArray, _JacParts | None]:
    """Scaled residual and (optionally) the COO values of the Jacobian at ``x``."""
    topo, gas, r_s = st.topo, st.gas, st.r_s
    nn, ns = topo.n_nodes, topo.n_segments
    nc, nr = topo.c_from.size, topo.r_from.size
    pi = x[:nn]
    m = x[nn:]
    p = np.sqrt(np.maximum(pi, _P_MIN_PROPS**2))
    pref2 = st.p_ref * st.p_ref

    # ---- segments
    sf, stt = topo.seg_from, topo.seg_to
    ms = m[:ns]
    p1, p2 = p[sf], p[stt]
    psum = p1 + p2
    pm = (2.0 / 3.0) * (psum - p1 * p2 / psum)
    ts = st.t_seg
    z = gas.z(pm, ts)
    st.z_seg = z
    mu = gas.viscosity(pm, ts)
    d = topo.seg_diameter_m
    area = topo.seg_area_m2
    c0 = topo.seg_length_m * r_s * ts / (d * area * area)
    sigma = 2.0 * G * topo.seg_dh_m / (r_s * ts)
    s = sigma / z
    es = np.exp(s)
    phi, dphi = _phi(s)
    am = np.abs(ms)
    lam_fm = 16.0 * np.pi * d * mu  # f|m| of the laminar law (64/Re)
    if st.lin_coef is not None:
        h = st.lin_coef * ms
        dh = st.lin_coef
    else:
        re = 4.0 * am / (np.pi * d * mu)
        # turbulent laws are evaluated from Re = 1000 up; below the laminar law always wins
        re_t = np.maximum(re, 1000.0)
        f_t, df_t = friction_and_derivative(
            st.opts.friction, re_t, topo.seg_rel_roughness, d, st.opts.fixed_friction_factor, st.f_last
        )
        st.f_last = f_t
        df_t = np.where(re > 1000.0, df_t, 0.0)
        laminar = re * f_t < 64.0
        extra = topo.seg_extra_friction  # minor losses: zeta D / L added to the Darcy factor
        if st.opts.friction == "nikuradse_stanet":  # 64/Re is part of the law at every Re, no switch:
            f_rough = f_t - 64.0 / re_t  # f |m| = 16 pi D mu + f_rough |m|, smooth through m = 0
            fm = lam_fm + (f_rough + extra) * am
            dh = lam_fm + 2.0 * (f_rough + extra) * am
        else:
            fm = np.where(laminar, lam_fm, f_t * am) + extra * am
            dh = np.where(laminar, lam_fm, am * (2.0 * f_t + re * df_t)) + 2.0 * extra * am
        if topo.has_fixed_f:  # pipes with their own Darcy factor (Hagen-Poiseuille below 64/Re)
            ff = topo.seg_fixed_f
            given = ~np.isnan(ff)
            f_g = np.nan_to_num(ff)
            lam_g = re * f_g < 64.0
            fm = np.where(given, np.where(lam_g, lam_fm, f_g * am) + extra * am, fm)
            dh = np.where(given, np.where(lam_g, lam_fm, 2.0 * f_g * am) + 2.0 * extra * am, dh)
        h = fm * ms
    pi1, pi2 = p1 * p1, p2 * p2
    f_seg = pi1 - es * pi2 - c0 * z * phi * h

    # ---- compressors (fuel factor a, outflow m/(1+a))
    cf, ct = topo.c_from, topo.c_to
    mc = m[ns : ns + nc]
    a = np.zeros(nc)
    da_dpi_in = np.zeros(nc)
    da_dpi_out = np.zeros(nc)
    if nc:
        pin, pout = p[cf], p[ct]
        tin = st.t_node[cf]
        zin = gas.z(pin, tin)
        kappa = gas.isentropic_exponent(pin, tin)
        e = (kappa - 1.0) / kappa
        e = np.where(topo.c_polytropic, e / topo.c_eff, e)
        y = (pout / pin) ** e
        coef = np.where(topo.c_fuel, zin * r_s * tin / (e * topo.c_eff * topo.c_driver_eff * st.lhv), 0.0)
        a = coef * (y - 1.0)
        da_dpi_out = coef * 0.5 * e * y / (pout * pout)
        da_dpi_in = -coef * 0.5 * e * y / (pin * pin)
    st.comp_a = a

    # ---- node balance
    inflow_w = np.ones(topo.n_branches)
    inflow_w[ns : ns + nc] = 1.0 / (1.0 + a)
    bal = (
        np.bincount(topo.br_to, weights=m * inflow_w, minlength=nn).astype(np.float64)
        - np.bincount(topo.br_from, weights=m, minlength=nn)
        + topo.injection_kg_per_s
    )
    res_nodes = bal / st.m_ref
    res_nodes[topo.fixed_nodes] = (pi[topo.fixed_nodes] - st.fixed_pi) / pref2

    # ---- branch rows
    res_br = np.empty(topo.n_branches)
    res_br[:ns] = f_seg / pref2
    if nc:
        pi_in, pi_out = p[cf] ** 2, p[ct] ** 2
        rc = np.where(
            topo.c_mode == MODE_OUTLET,
            (pi_out - st.c_set_pi) / pref2,
            np.where(topo.c_mode == MODE_RATIO, (pi_out - st.c_set_pi * pi_in) / pref2, 0.0),
        )
        rc = np.where(topo.c_mode == MODE_FLOW, (mc - topo.c_set) / st.m_ref, rc)
        res_br[ns : ns + nc] = rc
    o = ns + nc
    if nr:
        res_br[o : o + nr] = (pi[topo.r_to] - st.r_set_pi) / pref2
    o += nr
    nv = topo.v_from.size
    v_k = np.zeros(nv)
    v_act = topo.v_open & ~topo.v_redundant  # a loss-free link closing a loss-free loop carries m = 0
    v_abs = np.zeros(nv)  # |m| in the valve law (the typical flow during the linearised start)
    v_sum = v_fix = v_dsg = np.zeros(nv)
    if nv:
        mv = m[o : o + nv]
        pvm = 0.5 * (p[topo.v_from] + p[topo.v_to])
        tv = 0.5 * (st.t_node[topo.v_from] + st.t_node[topo.v_to])
        v_k = topo.v_zeta * gas.z(pvm, tv) * r_s * tv / topo.v_area_m2**2
        v_abs = st.v_lin if st.lin_coef is not None else np.abs(mv)
        # fixed drop (resistor): p1 - p2 = dp s(m), i.e. p1^2 - p2^2 = (p1 + p2) dp s(m), with the
        # sign smoothed as s = m / sqrt(m^2 + m_s^2) (linear, m / m0, during the start)
        v_sum = p[topo.v_from] + p[topo.v_to]
        if st.lin_coef is not None:
            v_sg, v_dsg = mv / st.v_lin, 1.0 / st.v_lin
        else:
            q = np.sqrt(mv * mv + st.v_ms * st.v_ms)
            v_sg, v_dsg = mv / q, st.v_ms * st.v_ms / q**3
        v_fix = topo.v_dp_pa * v_sg
        rv = np.where(
            v_act,
            (pi[topo.v_from] - pi[topo.v_to] - v_k * mv * v_abs - v_sum * v_fix) / pref2,
            mv / st.m_ref,
        )
        res_br[o : o + nv] = rv
    res = np.concatenate([res_nodes, res_br])
    if not jac:
        return res, None

    # ---- Jacobian parts (assembled by _full_jacobian / _reduced_step)
    nb = topo.n_branches
    out_w = np.ones(nb) / st.m_ref
    out_w[ns : ns + nc] = inflow_w[ns : ns + nc] / st.m_ref
    fm_ = topo.fuel_mask
    dout_da = -mc / (1.0 + a) ** 2
    fuel_in = (dout_da * da_dpi_in)[fm_] / st.m_ref
    fuel_out = (dout_da * da_dpi_out)[fm_] / st.m_ref

    # branch rows: (d/dpi_from, d/dpi_to, d/dm)
    b3 = np.zeros((nb, 3))
    dz = gas.dz_dp(pm, ts)
    df_dz = pi2 * es * s / z - c0 * h * (phi - s * dphi)
    dpm1 = (2.0 / 3.0) * (1.0 - p2 * p2 / (psum * psum))
    dpm2 = (2.0 / 3.0) * (1.0 - p1 * p1 / (psum * psum))
    b3[:ns, 0] = (1.0 + df_dz * dz * dpm1 / (2.0 * p1)) / pref2
    b3[:ns, 1] = (-es + df_dz * dz * dpm2 / (2.0 * p2)) / pref2
    b3[:ns, 2] = -c0 * z * phi * dh / pref2
    if nc:
        mode = topo.c_mode
        b3[ns : ns + nc, 0] = np.where(mode == MODE_RATIO, -st.c_set_pi / pref2, 0.0)
        b3[ns : ns + nc, 1] = np.where(mode == MODE_FLOW, 0.0, 1.0 / pref2)
        b3[ns : ns + nc, 2] = np.where(mode == MODE_FLOW, 1.0 / st.m_ref, 0.0)
    if nr:
        b3[ns + nc : o, 1] = 1.0 / pref2
    if nv:
        mv = m[o : o + nv]
        b3[o:, 0] = np.where(v_act, (1.0 - 0.5 * v_fix / p[topo.v_from]) / pref2, 0.0)
        b3[o:, 1] = np.where(v_act, (-1.0 - 0.5 * v_fix / p[topo.v_to]) / pref2, 0.0)
        # d(k m|m|)/dm = 2 k |m| vanishes at m = 0, which makes a loop of lossy valves singular
        # there: below a small flow (v_m_eps) the slope is kept at its value at that flow. Only the
        # Jacobian changes, not the residual, so the solution is exact; the start uses k m0 m.
        slope = v_k * st.v_lin if st.lin_coef is not None else 2.0 * v_k * np.maximum(v_abs, st.v_m_eps)
        slope = slope + v_sum * topo.v_dp_pa * v_dsg
        b3[o:, 2] = np.where(v_act, -slope / pref2, 1.0 / st.m_ref)
    return res, _JacParts(out_w=out_w, fuel_in=fuel_in, fuel_out=fuel_out, b3=b3)


@dataclass(frozen=True)
class _JacParts:
    """Jacobian entries by block: node-row weights of branch flows, fuel terms, branch rows."""

    out_w: FloatArray  # d(node balance of the 'to' node)/dm per branch (scaled)
    fuel_in: FloatArray  # d(outlet balance)/dpi_in per compressor (non-fixed outlets)
    fuel_out: FloatArray  # d(outlet balance)/dpi_out
    b3: FloatArray  # (n_branches, 3): d(branch row)/d(pi_from, pi_to, m)


def _matrix(pattern: Pattern, vals: FloatArray) -> csc_matrix:
    data = np.bincount(pattern.inverse, weights=vals, minlength=pattern.nnz)
    return csc_matrix((data, pattern.indices, pattern.indptr), shape=(pattern.n, pattern.n))


def _full_jacobian(st: _State, jp: _JacParts) -> csc_matrix:
    """The whole Jacobian of the scaled residual with respect to ``x = [pi, m]``."""
    topo = st.topo
    vals = np.concatenate(
        [
            np.full(int(topo.inc_mask_from.sum()), -1.0 / st.m_ref),
            jp.out_w[topo.inc_mask_to],
            jp.fuel_in,
            jp.fuel_out,
            np.full(topo.fixed_nodes.size, 1.0 / st.p_ref**2),
            jp.b3.ravel(),
        ]
    )
    return _matrix(topo.full, vals)


def _factorise(a: csc_matrix, opts: SteadyOptions) -> Any:
    """SuperLU factorisation with the ordering and pivoting of the options."""
    return splu(
        a,
        permc_spec=opts.permc_spec,
        diag_pivot_thresh=opts.lu_diag_pivot_thresh,
        options={"SymmetricMode": opts.lu_symmetric_mode},
    )


@dataclass(frozen=True)
class _ChainSolve:
    """Eliminated internal nodes of multi-segment pipes (per pipe, in ``topology.chains`` order)."""

    x0: list[FloatArray]  # per group (g, n): T^-1 rhs
    xa: list[FloatArray]  # per group (g, n): T^-1 e_1
    xb: list[FloatArray]  # per group (g, n): T^-1 e_n
    l1: FloatArray  # coupling of the first internal node to the start junction
    un: FloatArray  # coupling of the last internal node to the end junction
    schur: FloatArray  # (n_multi, 4): a-a, a-b, b-a, b-b additions
    rhs_a: FloatArray  # rhs corrections of the start / end junction rows
    rhs_b: FloatArray


def _chain_elimination(st: _State, c12: FloatArray, rhs_nodes: FloatArray | None) -> _ChainSolve:
    """Eliminate the internal nodes of multi-segment pipes: vectorised Thomas algorithm per chain.

    After the segment flows are eliminated, the row of internal node ``k`` of a pipe couples only its
    two neighbours: ``L_k z_(k-1) + D_k z_k + U_k z_(k+1) = -r_k`` with ``L_k = -c1`` of the segment
    before, ``D_k = c1(after) - c2(before)``, ``U_k = c2`` of the segment after. Solving the chain for
    ``e_1``, ``e_n`` and ``r`` gives the 2 x 2 coupling of the pipe's end junctions (a Schur
    complement) and, after the junction solve, the internal pressures.
    """
    ch = st.topo.chains
    nm = ch.pipes.size
    c1, c2 = c12[:, 0], c12[:, 1]
    l1 = np.zeros(nm)
    un = np.zeros(nm)
    schur = np.zeros((nm, 4))
    rhs_a = np.zeros(nm)
    rhs_b = np.zeros(nm)
    x0s: list[FloatArray] = []
    xas: list[FloatArray] = []
    xbs: list[FloatArray] = []
    for n, pos in ch.groups:
        seg = ch.first_seg[pos][:, None] + np.arange(n + 1)[None, :]  # (g, n+1)
        lo = -c1[seg[:, :-1]]
        dg = c1[seg[:, 1:]] - c2[seg[:, :-1]]
        up = c2[seg[:, 1:]]
        g = pos.size
        r = np.zeros((g, n, 3))
        if rhs_nodes is not None:
            r[:, :, 0] = rhs_nodes[ch.int_first[pos][:, None] + np.arange(n)[None, :]]
        r[:, 0, 1] = 1.0
        r[:, n - 1, 2] = 1.0
        dd = dg.copy()
        for k in range(1, n):
            w = lo[:, k] / dd[:, k - 1]
            dd[:, k] -= w * up[:, k - 1]
            r[:, k] -= w[:, None] * r[:, k - 1]
        x = np.empty_like(r)
        x[:, n - 1] = r[:, n - 1] / dd[:, n - 1, None]
        for k in range(n - 2, -1, -1):
            x[:, k] = (r[:, k] - up[:, k, None] * x[:, k + 1]) / dd[:, k, None]
        x0s.append(x[:, :, 0])
        xas.append(x[:, :, 1])
        xbs.append(x[:, :, 2])
        l1_g = lo[:, 0]
        un_g = up[:, n - 1]
        a_a1 = c2[seg[:, 0]]  # row a, column of the first internal node
        a_bn = -c1[seg[:, n]]  # row b, column of the last internal node
        l1[pos] = l1_g
        un[pos] = un_g
        schur[pos, 0] = -a_a1 * x[:, 0, 1] * l1_g
        schur[pos, 1] = -a_a1 * x[:, 0, 2] * un_g
        schur[pos, 2] = -a_bn * x[:, n - 1, 1] * l1_g
        schur[pos, 3] = -a_bn * x[:, n - 1, 2] * un_g
        rhs_a[pos] = -a_a1 * x[:, 0, 0]
        rhs_b[pos] = -a_bn * x[:, n - 1, 0]
    return _ChainSolve(x0s, xas, xbs, l1, un, schur, rhs_a, rhs_b)


def _reduced_values(st: _State, jp: _JacParts, c12: FloatArray, cs: _ChainSolve) -> FloatArray:
    """Values of the junction-level Newton matrix in the order of ``topology.reduced``."""
    topo, ch = st.topo, st.topo.chains
    ns = topo.n_segments
    mf, mt = topo.inc_mask_from, topo.inc_mask_to
    s1 = ch.single_seg
    return np.concatenate(
        [
            np.full(int(mf[ns:].sum()), -1.0 / st.m_ref),
            jp.out_w[ns:][mt[ns:]],
            jp.fuel_in,
            jp.fuel_out,
            np.full(topo.fixed_nodes.size, 1.0 / st.p_ref**2),
            jp.b3[ns:].ravel(),
            c12[s1][ch.single_mask_from].ravel(),
            -c12[s1][ch.single_mask_to].ravel(),
            c12[ch.first_seg, 0][ch.mask_a],
            -c12[ch.first_seg + ch.n_int, 1][ch.mask_b],
            cs.schur[ch.mask_a][:, :2].ravel(),
            cs.schur[ch.mask_b][:, 2:].ravel(),
        ]
    )


def _reduced_matrix(st: _State, jp: _JacParts) -> csc_matrix:
    """The junction-level Newton matrix (segment flows and internal nodes eliminated)."""
    ns = st.topo.n_segments
    b3s = jp.b3[:ns]
    c12 = b3s[:, :2] / b3s[:, 2:3] / st.m_ref
    cs = _chain_elimination(st, c12, None)
    return _matrix(st.topo.reduced, _reduced_values(st, jp, c12, cs))


def _reduced_step(st: _State, res: FloatArray, jp: _JacParts, lu: Any = None) -> tuple[FloatArray, Any]:
    """Newton step by block elimination down to the junctions (exactly the full Newton step).

    1. Each segment row reads ``c1' dpi_from + c2' dpi_to + d dm = -r``, so ``dm = -(r + c1' dpi_from
       + c2' dpi_to) / d`` (``d < 0`` always, as friction grows with flow); substituting into the node
       balances leaves the node pressures and the station/valve flows.
    2. The internal nodes of pipes split into several segments form tridiagonal chains, eliminated by
       :func:`_chain_elimination`.
    3. The remaining junction-level system (size: junctions + stations + valves) is factorised
       with SuperLU; the eliminated unknowns follow by back substitution.

    Returns the step and the factorisation (``lu`` given: reuse it for the junction system).
    """
    topo = st.topo
    ch = topo.chains
    nn, ns, nj = topo.n_nodes, topo.n_segments, topo.n_junctions
    mf, mt = topo.inc_mask_from, topo.inc_mask_to
    b3s = jp.b3[:ns]
    d = b3s[:, 2]
    c12 = b3s[:, :2] / d[:, None] / st.m_ref
    r_seg = res[nn : nn + ns]
    q = r_seg / d / st.m_ref
    rhs_nodes = res[:nn].copy()
    rhs_nodes += np.bincount(topo.seg_from[mf[:ns]], weights=q[mf[:ns]], minlength=nn)
    rhs_nodes -= np.bincount(topo.seg_to[mt[:ns]], weights=q[mt[:ns]], minlength=nn)
    cs = _chain_elimination(st, c12, rhs_nodes)
    rhs_j = rhs_nodes[:nj].copy()
    a_j, b_j = topo.pipe_from[ch.pipes], topo.pipe_to[ch.pipes]
    rhs_j += np.bincount(a_j[ch.mask_a], weights=cs.rhs_a[ch.mask_a], minlength=nj)
    rhs_j += np.bincount(b_j[ch.mask_b], weights=cs.rhs_b[ch.mask_b], minlength=nj)
    rhs = np.concatenate([rhs_j, res[nn + ns :]])
    if lu is None:
        try:
            lu = _factorise(_matrix(topo.reduced, _reduced_values(st, jp, c12, cs)), st.opts)
        except RuntimeError as exc:
            raise _SingularError(str(exc)) from exc
    dy = lu.solve(-rhs)
    dpi = np.empty(nn)
    dpi[:nj] = dy[:nj]
    for gi, (n, pos) in enumerate(ch.groups):
        da = dpi[a_j[pos]] * cs.l1[pos]
        db = dpi[b_j[pos]] * cs.un[pos]
        z = -(cs.x0[gi] + cs.xa[gi] * da[:, None] + cs.xb[gi] * db[:, None])
        dpi[ch.int_first[pos][:, None] + np.arange(n)[None, :]] = z
    dm_seg = -(r_seg + b3s[:, 0] * dpi[topo.seg_from] + b3s[:, 1] * dpi[topo.seg_to]) / d
    return np.concatenate([dpi, dm_seg, dy[nj:]]), lu


class _SingularError(Exception):
    """The Newton matrix is singular."""


def _newton(st: _State, x0: FloatArray) -> tuple[FloatArray, int, float]:
    """Damped Newton-Raphson; returns the solution, iterations and final residual."""
    opts = st.opts
    x = x0.copy()
    res, jp = _evaluate(st, x, jac=True)
    norm = float(np.max(np.abs(res)))
    it = 0
    stalls = 0
    # squared residual norms before each of the successive steps so far with a pressure <= 0 in the
    # iterate or in the undamped Newton point
    collapsed_l2: list[float] = []
    while norm > opts.tol:
        if it >= opts.max_iter:
            _raise_if_negative_pressure(st, x)
            raise ConvergenceError(
                f"steady solver did not converge within max_iter={opts.max_iter}; {_lowest(st, x)}",
                iterations=it,
                residual=norm,
            )
        assert jp is not None
        try:
            dx, _lu = _reduced_step(st, res, jp)
        except _SingularError as exc:
            raise ConvergenceError(f"singular Jacobian ({exc})", iterations=it, residual=norm) from exc
        st.factorisations += 1
        if not np.all(np.isfinite(dx)):
            raise ConvergenceError("Newton step is not finite", iterations=it, residual=norm)
        it += 1
        l2 = float(np.dot(res, res))
        nn = st.topo.n_nodes
        x_full = x + dx  # the undamped Newton point
        if min(float(np.min(x_full[:nn])), float(np.min(x[:nn]))) <= 0.0:
            collapsed_l2.append(l2)
        else:
            collapsed_l2.clear()
        alpha = 1.0
        best: tuple[float, FloatArray, FloatArray, _JacParts | None] | None = None
        for _ in range(12):
            xt = x + alpha * dx
            rt, jt = _evaluate(st, xt, jac=True)
            lt = float(np.dot(rt, rt)) if np.all(np.isfinite(rt)) else math.inf
            if lt <= (1.0 - 1e-4 * alpha) * l2:
                best = (lt, xt, rt, jt)
                break
            if best is None or lt < best[0]:
                best = (lt, xt, rt, jt)
            alpha *= 0.5
        else:
            stalls += 1  # no sufficient decrease along the Newton direction
        if best is None or not math.isfinite(best[0]):
            _raise_if_negative_pressure(st, x)
            raise ConvergenceError("no finite Newton step found", iterations=it, residual=norm)
        if best[0] < l2 * (1.0 - 1e-4 * alpha):
            stalls = 0
        if stalls >= _MAX_STALLS:
            _raise_if_negative_pressure(st, x)
            raise ConvergenceError(
                f"steady solver stalled: no descent in {_MAX_STALLS} successive Newton steps; "
                f"{_lowest(st, x)}",
                iterations=it,
                residual=norm,
            )
        _, x, res, jp = best
        if len(collapsed_l2) >= _MAX_COLLAPSED and best[0] > 0.25 * collapsed_l2[-_MAX_COLLAPSED]:
            stuck = (
                f"; stopped after {it} iterations, the last {_MAX_COLLAPSED} steps having reached p <= 0 "
                f"without halving the residual ({norm:.3e})"
            )
            _raise_if_negative_pressure(st, x, stuck)
            _raise_if_negative_pressure(st, x_full, "; at the undamped Newton point" + stuck)
            raise ConvergenceError(  # only when the pressure was <= 0 in the previous iterate alone
                f"steady solver stuck: {_MAX_COLLAPSED} successive steps reached p <= 0 without halving the "
                f"residual; {_lowest(st, x)}",
                iterations=it,
                residual=norm,
            )
        if st.comp_a.size:  # the fuel factors of the accepted point
            _evaluate(st, x, jac=False)
        norm = float(np.max(np.abs(res))) if np.all(np.isfinite(res)) else math.inf
    return x, it, norm


def _where(st: _State, i: int) -> str:
    """Name of the pipe holding node ``i`` (internal node) or of junction ``i``."""
    q = int(st.topo.node_pipe[i])
    return f"pipe '{st.names['pipe'][q]}'" if q >= 0 else f"junction '{st.names['junction'][i]}'"


def _lowest(st: _State, x: FloatArray) -> str:
    """Where the pressure is lowest, as a hint for a demand that may be infeasible."""
    pi = x[: st.topo.n_nodes]
    i = int(np.argmin(pi))
    return (
        f"lowest pressure {math.sqrt(max(pi[i], 0.0)) / 1e6:.4g} MPa at {_where(st, i)} "
        "(if it keeps falling, the demanded flows may be infeasible)"
    )


def _raise_if_negative_pressure(st: _State, x: FloatArray, how: str = "") -> None:
    """InfeasibleError naming the pipe (or junction) where the pressure is <= 0.

    ``how`` is appended to the message, e.g. to say that ``x`` is a Newton point, not an iterate.
    """
    topo = st.topo
    pi = x[: topo.n_nodes]
    if np.min(pi) > 0.0:
        return
    i = int(np.argmin(pi))
    names = st.names
    q = int(topo.node_pipe[i])
    if q < 0:
        # a junction: name a pipe attached to it when there is one
        hit = np.flatnonzero((topo.pipe_from == i) | (topo.pipe_to == i))
        q = int(hit[0]) if hit.size else -1
    element = names["pipe"][q] if q >= 0 else names["junction"][i]
    raise InfeasibleError(
        f"pressure falls to zero or below in '{element}': the network cannot deliver the demanded flows "
        f"(p^2 = {pi[i]:.3e} Pa^2 at the lowest point{how})",
        element=element,
        constraint="pressure > 0",
        value=float(np.sign(pi[i]) * math.sqrt(abs(pi[i]))),
    )


def _lhv(topo: Topology, gas: GasModel) -> FloatArray:
    """Per station: its own LHV, else the gas model's (or its composition's), else the default."""
    gas_lhv = getattr(gas, "lhv_j_per_kg", None)
    if gas_lhv is None:
        gas_lhv = getattr(getattr(gas, "composition", None), "lhv_j_per_kg", None)
    default = float(gas_lhv) if isinstance(gas_lhv, int | float) and gas_lhv > 0 else DEFAULT_LHV_J_PER_KG
    return np.where(np.isnan(topo.c_lhv), default, topo.c_lhv)


def _isothermal_temperatures(topo: Topology, opts: SteadyOptions) -> FloatArray:
    """Each connected part at the mean temperature of its sources (ambient when unset)."""
    amb = opts.ambient_temperature_k
    nodes = np.concatenate([topo.fixed_nodes, topo.fs_node])
    temps = np.concatenate([topo.fixed_t_k, topo.fs_t_k])
    temps = np.where(np.isnan(temps), amb, temps)
    nparts = int(topo.part.max()) + 1 if topo.part.size else 0
    tot = np.bincount(topo.part[nodes], weights=temps, minlength=nparts)
    cnt = np.bincount(topo.part[nodes], minlength=nparts)
    t_part = np.where(cnt > 0, tot / np.maximum(cnt, 1), amb)
    return t_part[topo.part].astype(np.float64)


def _initial_state(st: _State) -> FloatArray:
    """Uniform pressure, then one linear solve with friction linearised at a typical velocity."""
    topo = st.topo
    x = np.zeros(topo.n_unknowns)
    x[: topo.n_nodes] = st.p_ref**2
    rho0 = st.gas.density(np.full(topo.n_segments, st.p_ref), st.t_seg)
    st.lin_coef = 0.015 * rho0 * 5.0 * topo.seg_area_m2  # f0 * m at 5 m/s (valves alike: st.v_lin)
    res, jp = _evaluate(st, x, jac=True)
    assert jp is not None
    try:
        x = x + _reduced_step(st, res, jp)[0]
        st.factorisations += 1
    except _SingularError as exc:
        raise ConvergenceError(
            f"singular Jacobian at the start ({exc})", iterations=0, residual=math.inf
        ) from exc
    st.lin_coef = None
    # keep the start in the physical range
    pi = x[: topo.n_nodes]
    x[: topo.n_nodes] = np.clip(pi, (0.05 * st.p_ref) ** 2, 4.0 * st.p_ref**2)
    return x


# ------------------------------------------------------------------------------------------------
# temperatures (thermal mode)
# ------------------------------------------------------------------------------------------------


def _compressor_factor(st: _State, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Discharge/suction temperature ratio and shaft power per compressor at ``x``."""
    topo, gas = st.topo, st.gas
    nn, ns = topo.n_nodes, topo.n_segments
    nc = topo.c_from.size
    if nc == 0:
        return np.zeros(0), np.zeros(0)
    p = np.sqrt(np.maximum(x[:nn], _P_MIN_PROPS**2))
    pin, pout = p[topo.c_from], p[topo.c_to]
    tin = st.t_node[topo.c_from]
    kappa = gas.isentropic_exponent(pin, tin)
    zin = gas.z(pin, tin)
    e = (kappa - 1.0) / kappa
    r = pout / pin
    poly = topo.c_polytropic
    e_eff = np.where(poly, e / topo.c_eff, e)
    factor = np.where(poly, r**e_eff, 1.0 + (r**e - 1.0) / topo.c_eff)
    mc = x[nn + ns : nn + ns + nc]
    m_comp = mc / (1.0 + st.comp_a)
    power = m_comp * zin * st.r_s * tin * (r**e_eff - 1.0) / (e_eff * topo.c_eff)
    return factor, power


def _march_temperatures(
    st: _State,
    x: FloatArray,
    storage: tuple[FloatArray, FloatArray] | None = None,
    linear_solve: Callable[[IntArray, IntArray, FloatArray, FloatArray], FloatArray] | None = None,
) -> FloatArray:
    """Node temperatures for the flows and pressures in ``x`` (one sparse linear solve).

    ``storage`` adds a per-node diagonal [kg/s] and right-hand side [kg K/s] to the node balances of
    enthalpy flow (divided by cp): the heat stored in the gas of a node's control volume, used by the
    transient solver (backward Euler); ``None`` for the steady state. ``linear_solve(rows, cols,
    values, rhs)`` replaces the sparse LU of the node system (the transient's banded solve).
    """
    topo, gas, opts = st.topo, st.gas, st.opts
    nn, ns, nc = topo.n_nodes, topo.n_segments, topo.c_from.size
    amb = opts.ambient_temperature_k
    p = np.sqrt(np.maximum(x[:nn], _P_MIN_PROPS**2))
    m = x[nn:]
    t_old = st.t_node
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    w_list: list[FloatArray] = []
    alpha_list: list[FloatArray] = []
    gamma_list: list[FloatArray] = []

    # segments
    ms = m[:ns]
    fwd = ms >= 0.0
    up = np.where(fwd, topo.seg_from, topo.seg_to)
    dn = np.where(fwd, topo.seg_to, topo.seg_from)
    pu, pd_ = p[up], p[dn]
    tm = st.t_seg
    pm = 0.5 * (pu + pd_)
    cp = gas.cp(pm, tm)
    mu_jt = gas.joule_thomson(pm, tm)
    am = np.maximum(np.abs(ms), 1e-12)
    bl = topo.seg_u_w_per_m2k * np.pi * topo.seg_diameter_m * topo.seg_length_m / (am * cp)
    alpha = np.exp(-bl)
    psi = np.where(bl > 1e-10, -np.expm1(-bl) / np.maximum(bl, 1e-300), 1.0)
    tg = np.where(np.isnan(topo.seg_ground_k), amb, topo.seg_ground_k)
    dh = topo.node_elevation_m[dn] - topo.node_elevation_m[up]
    gamma = tg * (1.0 - alpha) + (mu_jt * (pd_ - pu) - G * dh / cp) * psi
    rows.append(dn)
    cols.append(up)
    w_list.append(np.abs(ms))
    alpha_list.append(alpha)
    gamma_list.append(gamma)

    # compressors: inflow at the outlet with the discharge temperature (or the after-cooler)
    if nc:
        factor, _ = _compressor_factor(st, x)
        mc = m[ns : ns + nc]
        t_dis = factor * t_old[topo.c_from]
        cool = ~np.isnan(topo.c_aftercooler_k) & (t_dis > np.nan_to_num(topo.c_aftercooler_k, nan=np.inf))
        rows.append(topo.c_to)
        cols.append(topo.c_from)
        w_list.append(np.maximum(mc, 0.0) / (1.0 + st.comp_a))
        alpha_list.append(np.where(cool, 0.0, factor))
        gamma_list.append(np.where(cool, topo.c_aftercooler_k, 0.0))

    # regulators and open valves: isenthalpic throttling
    o = ns + nc
    thr_from = np.concatenate([topo.r_from, topo.v_from])
    thr_to = np.concatenate([topo.r_to, topo.v_to])
    if thr_from.size:
        mt = m[o:]
        mt = np.where(np.concatenate([np.ones(topo.r_from.size, bool), topo.v_open]), mt, 0.0)
        f2 = mt >= 0.0
        u2 = np.where(f2, thr_from, thr_to)
        d2 = np.where(f2, thr_to, thr_from)
        mu2 = gas.joule_thomson(p[u2], t_old[u2])
        rows.append(d2)
        cols.append(u2)
        w_list.append(np.abs(mt))
        alpha_list.append(np.ones(thr_from.size))
        gamma_list.append(mu2 * (p[d2] - p[u2]))

    r_all = np.concatenate(rows).astype(np.int64)
    c_all = np.concatenate(cols).astype(np.int64)
    w = np.concatenate(w_list)
    al = np.concatenate(alpha_list)
    ga = np.concatenate(gamma_list)

    # sources injecting gas
    src_nodes = np.concatenate([topo.fixed_nodes, topo.fs_node])
    src_t = np.concatenate([topo.fixed_t_k, topo.fs_t_k])
    src_t = np.where(np.isnan(src_t), amb, src_t)
    src_flow = np.concatenate([_pressure_source_flows(st, x), topo.fs_flow])
    src_w = np.maximum(src_flow, 0.0)

    wsum = np.asarray(
        np.bincount(r_all, weights=w, minlength=nn) + np.bincount(src_nodes, weights=src_w, minlength=nn),
        dtype=np.float64,
    )
    rhs = np.asarray(
        np.bincount(r_all, weights=w * ga, minlength=nn)
        + np.bincount(src_nodes, weights=src_w * src_t, minlength=nn),
        dtype=np.float64,
    )
    if storage is not None:
        wsum = np.asarray(wsum + storage[0], dtype=np.float64)
        rhs = np.asarray(rhs + storage[1], dtype=np.float64)
    stagnant = wsum <= 1e-9 * st.m_ref
    diag = np.where(stagnant, 1.0, wsum)
    rhs = np.where(stagnant, amb, rhs)
    keep = ~stagnant[r_all]
    a_vals = np.concatenate([diag, -(w * al)[keep]])
    a_rows = np.concatenate([np.arange(nn), r_all[keep]])
    a_cols = np.concatenate([np.arange(nn), c_all[keep]])
    if linear_solve is not None:
        t_new = linear_solve(a_rows, a_cols, a_vals, rhs)
    else:
        a = coo_matrix((a_vals, (a_rows, a_cols)), shape=(nn, nn)).tocsc()
        t_new = _factorise(a, opts).solve(rhs)
    if not np.all(np.isfinite(t_new)) or np.any(t_new <= 0.0):
        raise ConvergenceError(
            "temperature march produced non-physical temperatures "
            f"(min {np.nanmin(t_new):.4g} K, max {np.nanmax(t_new):.4g} K); a loop that recirculates gas "
            "through a compressor without heat exchange (u_w_per_m2k = 0) has no steady temperature",
            iterations=0,
            residual=math.inf,
        )
    return np.asarray(t_new, dtype=np.float64)


def _pressure_source_flows(st: _State, x: FloatArray) -> FloatArray:
    """Mass flow each pressure source supplies (negative = takes) [kg/s]."""
    topo = st.topo
    nn, ns, nc = topo.n_nodes, topo.n_segments, topo.c_from.size
    m = x[nn:]
    w = np.ones(topo.n_branches)
    if nc:
        w[ns : ns + nc] = 1.0 / (1.0 + st.comp_a)
    bal = (
        np.bincount(topo.br_to, weights=m * w, minlength=nn).astype(np.float64)
        - np.bincount(topo.br_from, weights=m, minlength=nn)
        + topo.injection_kg_per_s
    )
    # a junction may have at most one pressure source, so the imbalance is its flow
    return np.asarray(-bal[topo.fixed_nodes], dtype=np.float64)


def _segment_temperatures(topo: Topology, t_node: FloatArray) -> FloatArray:
    return 0.5 * (t_node[topo.seg_from] + t_node[topo.seg_to])


# ------------------------------------------------------------------------------------------------
# public entry point
# ------------------------------------------------------------------------------------------------


def _prepare(net: Network, gas: GasModel, opts: SteadyOptions) -> _State:
    """Topology, scales, temperatures and set points of one solve."""
    if opts.friction in ("nikuradse", "nikuradse_stanet"):  # the rough law has no value for eps = 0
        for pipe in net.pipes:
            if not pipe.roughness_m > 0.0:
                raise NetworkError(
                    f"friction {opts.friction!r} (fully rough law) needs roughness_m > 0",
                    element=pipe.name,
                    field="roughness_m",
                    value=pipe.roughness_m,
                )
    topo = topology_of(net, opts.max_segment_length_m)
    r_s = R / gas.molar_mass_kg_per_mol
    p_sets = [s.p_pa for s in net.pressure_sources] + [
        c.outlet_pressure_pa for c in net.compressors if c.outlet_pressure_pa is not None
    ]
    p_ref = float(max(p_sets))
    demand = float(np.sum(np.abs(topo.injection_kg_per_s)))
    flow_sets = float(np.sum(topo.c_set[topo.c_mode == MODE_FLOW])) if topo.c_from.size else 0.0
    m_ref = max(demand, flow_sets, 1.0)
    t_node = _isothermal_temperatures(topo, opts)
    c_set_pi = np.where(topo.c_mode == MODE_FLOW, 0.0, topo.c_set**2)  # p_set^2 or ratio^2
    st = _State(
        topo=topo,
        gas=_RangeGuard(gas),
        raw_gas=gas,
        opts=opts,
        r_s=r_s,
        p_ref=p_ref,
        m_ref=m_ref,
        t_node=t_node,
        t_seg=_segment_temperatures(topo, t_node),
        lhv=_lhv(topo, gas),
        fixed_pi=topo.fixed_p_pa**2,
        c_set_pi=c_set_pi,
        r_set_pi=topo.r_set_pa**2,
        names={"pipe": list(topo.pipe_names), "junction": list(topo.junction_names)},
    )
    # lossy valves: the start linearises k m|m| as k m0 m with m0 the flow at 5 m/s in the bore;
    # Newton keeps the slope of the law from vanishing below a tenth of that (see _evaluate)
    rho_v = st.gas.density(np.full(topo.v_from.size, p_ref), t_node[topo.v_from])
    st.v_lin = np.asarray(rho_v * 5.0 * topo.v_area_m2, dtype=np.float64)
    st.v_m_eps = 0.1 * st.v_lin
    st.v_ms = 1e-4 * m_ref
    return st


def solve_steady(net: Network, gas: GasModel, opts: SteadyOptions | None = None) -> SteadyResult:
    """Solve the steady state of a gas network.

    Parameters
    ----------
    net
        Validated network (:class:`pos2.network.Network`) [-].
    gas
        Gas property model (:class:`pos2.gas.model.GasModel`) [-].
    opts
        Solver settings; defaults to :class:`SteadyOptions()` [-].

    Returns
    -------
    SteadyResult
        Tidy tables, iterations, final residual and the options used.

    Raises
    ------
    ConvergenceError
        Newton or the hydraulics-temperature iteration did not converge (iterations, residual).
    InfeasibleError
        A pressure falls to zero or below (naming the pipe), or a station set point or limit cannot be
        met (naming the station and the constraint).
    NetworkError
        Invalid options.
    """
    opts = opts or SteadyOptions()
    if opts.blas_threads is None:
        return _solve(net, gas, opts)
    with _blas_limit(opts.blas_threads):
        return _solve(net, gas, opts)


_THREADPOOLS: list[ThreadpoolController] = []


def _blas_limit(n: int) -> Any:
    """Context manager limiting the BLAS thread pools (numpy's and scipy's OpenBLAS) to ``n``."""
    if not _THREADPOOLS:
        _THREADPOOLS.append(ThreadpoolController())
    return _THREADPOOLS[0].limit(limits=n, user_api="blas")


def _solve(net: Network, gas: GasModel, opts: SteadyOptions) -> SteadyResult:
    """:func:`solve_steady` with validated options."""
    t_start = time.perf_counter()
    st = _prepare(net, gas, opts)
    topo = st.topo
    x0 = _initial_state(st)
    try:
        x, iterations, residual = _newton(st, x0)
    except (InfeasibleError, ConvergenceError):
        if not opts.thermal:
            raise
        # the first solve is isothermal at the sources' temperature; gas entering far hotter or
        # colder than the ground can put that solve beyond Newton's reach although the real
        # (non-isothermal) state exists: start again at the ambient temperature, near which the gas
        # spends nearly all its way on a long line
        st.t_node = np.full(topo.n_nodes, opts.ambient_temperature_k)
        st.t_seg = _segment_temperatures(topo, st.t_node)
        x, iterations, residual = _newton(st, _initial_state(st))
    thermal_iter = 0
    omega = 1.0
    prev_step: FloatArray | None = None
    if opts.thermal:
        while True:
            thermal_iter += 1
            t_march = _march_temperatures(st, x)
            dt = float(np.max(np.abs(t_march - st.t_node)))
            # under-relax when the fixed point stalls (flows and temperatures can swap back and
            # forth in loops whose flow direction depends on the temperatures)
            step = t_march - st.t_node
            if prev_step is not None and float(np.dot(step, prev_step)) < 0.0:
                omega = max(0.5 * omega, 0.05)  # the update reversed: damp
            else:
                omega = min(1.0, 1.5 * omega)
            prev_step = step
            t_old, x_old = st.t_node, x
            while True:
                t_new = t_old + omega * step
                st.t_node = t_new
                st.t_seg = _segment_temperatures(topo, t_new)
                try:
                    x, it, residual = _newton(st, x_old)
                    break
                except (InfeasibleError, ConvergenceError):
                    # a full temperature update far from the fixed point (e.g. gas entering far
                    # colder or hotter than the ground, so the first march swings the compressor
                    # discharge temperatures) can throw Newton off a solution that exists: retry
                    # the hydraulics with a smaller step towards the marched temperatures
                    if omega <= _MIN_THERMAL_RELAX:
                        raise
                    omega = max(0.25 * omega, _MIN_THERMAL_RELAX)
            iterations += it
            if dt < opts.thermal_tol_k and it <= 1:
                break
            if thermal_iter >= opts.max_thermal_iter:
                raise ConvergenceError(
                    f"hydraulics-temperature iteration did not converge within max_thermal_iter="
                    f"{opts.max_thermal_iter} (last change {dt:.3e} K)",
                    iterations=thermal_iter,
                    residual=dt,
                )
    _raise_if_negative_pressure(st, x)
    _evaluate(st, x, jac=False)  # refresh z and fuel factors at the solution
    return _results(net, st, x, iterations, residual, thermal_iter, time.perf_counter() - t_start)


# ------------------------------------------------------------------------------------------------
# results and limit checks
# ------------------------------------------------------------------------------------------------


def _columns(table: dict[str, Any]) -> dict[str, Any]:
    """The columns of one result table (a DataFrame is made from them only when it is read)."""
    return table


def _results(
    net: Network, st: _State, x: FloatArray, iterations: int, residual: float, thermal_iter: int, dt_s: float
) -> SteadyResult:
    topo, gas = st.topo, st.raw_gas
    nn, ns, nc, nr = topo.n_nodes, topo.n_segments, topo.c_from.size, topo.r_from.size
    p = np.sqrt(x[:nn])
    m = x[nn:]
    t = st.t_node
    nj = topo.n_junctions

    nodes = _columns(
        {
            "name": topo.junction_names,
            "p_pa": p[:nj],
            "t_k": t[:nj],
            "elevation_m": topo.node_elevation_m[:nj],
        }
    )

    # segments table: each segment's start point, plus the end point of each pipe
    ms = m[:ns]
    last_seg = topo.pipe_first_seg + topo.pipe_nseg - 1
    pt_node = np.concatenate([topo.seg_from, topo.seg_to[last_seg]])
    pt_seg = np.concatenate([np.arange(ns), last_seg])
    pt_x = np.concatenate([topo.seg_x0_m, topo.seg_x0_m[last_seg] + topo.seg_length_m[last_seg]])
    order = np.lexsort((pt_x, topo.seg_pipe[pt_seg]))
    pt_node, pt_seg, pt_x = pt_node[order], pt_seg[order], pt_x[order]
    rho_pt = gas.density(p[pt_node], t[pt_node])
    v_pt = ms[pt_seg] / (rho_pt * topo.seg_area_m2[pt_seg])
    pipe_names = topo.pipe_names
    segments = _columns(
        {
            "pipe": pipe_names[topo.seg_pipe[pt_seg]] if ns else np.array([], dtype=object),
            "x_m": pt_x,
            "p_pa": p[pt_node],
            "t_k": t[pt_node],
            "rho_kg_per_m3": rho_pt,
            "v_m_per_s": v_pt,
        }
    )

    # pipes
    p1, p2 = p[topo.seg_from], p[topo.seg_to]
    pm = (2.0 / 3.0) * (p1 + p2 - p1 * p2 / (p1 + p2))
    rho_m = gas.density(pm, st.t_seg)
    pack = np.bincount(
        topo.seg_pipe, weights=rho_m * topo.seg_area_m2 * topo.seg_length_m, minlength=topo.n_pipes
    )
    first = topo.pipe_first_seg
    flow = ms[first] if ns else np.zeros(0)
    area = topo.seg_area_m2[first] if ns else np.zeros(0)
    pin, pout = p[topo.pipe_from], p[topo.pipe_to]
    tin, tout = t[topo.pipe_from], t[topo.pipe_to]
    rho_in = gas.density(pin, tin) if ns else np.zeros(0)
    rho_out = gas.density(pout, tout) if ns else np.zeros(0)
    length = np.bincount(topo.seg_pipe, weights=topo.seg_length_m, minlength=topo.n_pipes)
    rho_mean = pack / np.maximum(area * length, 1e-300)
    pipes = _columns(
        {
            "name": pipe_names,
            "from_junction": topo.junction_names[topo.pipe_from],
            "to_junction": topo.junction_names[topo.pipe_to],
            "flow_kg_per_s": flow,
            "v_in_m_per_s": flow / (rho_in * area) if ns else flow,
            "v_out_m_per_s": flow / (rho_out * area) if ns else flow,
            "v_mean_m_per_s": flow / (rho_mean * area) if ns else flow,
            "p_in_pa": pin,
            "p_out_pa": pout,
            "dp_pa": pin - pout,
            "t_in_k": tin,
            "t_out_k": tout,
            "linepack_kg": pack,
        }
    )

    # compressors
    mc = m[ns : ns + nc]
    factor, power = _compressor_factor(st, x)
    fuel = mc * st.comp_a / (1.0 + st.comp_a)
    cin, cout = p[topo.c_from], p[topo.c_to]
    t_dis = factor * t[topo.c_from] if nc else np.zeros(0)
    t_out = (
        np.where(np.isnan(topo.c_aftercooler_k), t_dis, np.fmin(t_dis, topo.c_aftercooler_k)) if nc else t_dis
    )
    compressors = _columns(
        {
            "name": [c.name for c in net.compressors],
            "flow_kg_per_s": mc,
            "p_in_pa": cin,
            "p_out_pa": cout,
            "ratio": cout / cin if nc else np.zeros(0),
            "t_in_k": t[topo.c_from],
            "t_out_k": t_out,
            "power_w": power,
            "fuel_kg_per_s": fuel,
            "driver_power_w": fuel * st.lhv,
        }
    )

    ps_flow = _pressure_source_flows(st, x)
    amb = st.opts.ambient_temperature_k
    sources = _columns(
        {
            "name": [s.name for s in net.pressure_sources] + [s.name for s in net.flow_sources],
            "kind": ["pressure"] * len(net.pressure_sources) + ["flow"] * len(net.flow_sources),
            "junction": [s.junction for s in net.pressure_sources] + [s.junction for s in net.flow_sources],
            "flow_kg_per_s": np.concatenate([ps_flow, topo.fs_flow]),
            "p_pa": np.concatenate([p[topo.fixed_nodes], p[topo.fs_node]]),
            "t_k": np.concatenate(
                [
                    np.where(np.isnan(topo.fixed_t_k), amb, topo.fixed_t_k),
                    np.where(np.isnan(topo.fs_t_k), amb, topo.fs_t_k),
                ]
            ),
        }
    )
    jidx = {j.name: i for i, j in enumerate(net.junctions)}
    sinks = _columns(
        {
            "name": [s.name for s in net.sinks],
            "junction": [s.junction for s in net.sinks],
            "flow_kg_per_s": [s.flow_kg_per_s for s in net.sinks],
            "p_pa": [float(p[jidx[s.junction]]) for s in net.sinks],
        }
    )
    o = ns + nc
    regulators = _columns(
        {
            "name": [r.name for r in net.regulators],
            "flow_kg_per_s": m[o : o + nr],
            "p_in_pa": p[topo.r_from],
            "p_out_pa": p[topo.r_to],
        }
    )
    o += nr
    valves = _columns(
        {
            "name": [v.name for v in net.valves],
            "open": [v.open for v in net.valves],
            "flow_kg_per_s": m[o:],
            "p_in_pa": p[topo.v_from],
            "p_out_pa": p[topo.v_to],
        }
    )
    if st.opts.check_limits:
        _check_stations(net, compressors, regulators)
    return SteadyResult(
        network=net.name,
        columns={
            "nodes": nodes,
            "pipes": pipes,
            "compressors": compressors,
            "sources": sources,
            "sinks": sinks,
            "regulators": regulators,
            "valves": valves,
            "segments": segments,
        },
        iterations=iterations,
        residual=residual,
        options=st.opts,
        thermal_iterations=thermal_iter,
        solve_time_s=dt_s,
        info={
            "n_nodes": nn,
            "n_segments": ns,
            "n_unknowns": topo.n_unknowns,
            "n_reduced": topo.reduced.n,
            "factorisations": st.factorisations,
        },
    )


_REL = 1e-9


@dataclass(frozen=True)
class _Row:
    flow_kg_per_s: float
    p_in_pa: float
    p_out_pa: float
    ratio: float = 1.0
    power_w: float = 0.0


def _check_stations(net: Network, comp: dict[str, Any], regs: dict[str, Any]) -> None:
    """InfeasibleError when a station cannot meet its set point within its limits."""
    cols = ("flow_kg_per_s", "ratio", "power_w", "p_in_pa", "p_out_pa")
    carr = {k: np.asarray(comp[k], dtype=np.float64) for k in cols}
    rarr = {k: np.asarray(regs[k], dtype=np.float64) for k in ("flow_kg_per_s", "p_in_pa", "p_out_pa")}
    for i, c in enumerate(net.compressors):
        row = _Row(**{k: float(v[i]) for k, v in carr.items()})
        if row.flow_kg_per_s < -1e-9:
            raise InfeasibleError(
                f"compressor station '{c.name}': gas would have to flow backwards "
                f"({row.flow_kg_per_s:.6g} kg/s); constraint 'flow direction'",
                element=c.name,
                constraint="flow direction",
                value=float(row.flow_kg_per_s),
            )
        if row.ratio < 1.0 - _REL:
            raise InfeasibleError(
                f"compressor station '{c.name}': suction pressure {row.p_in_pa:.6g} Pa is above the "
                f"discharge pressure {row.p_out_pa:.6g} Pa (ratio {row.ratio:.6g} < 1); "
                "constraint 'min ratio'",
                element=c.name,
                constraint="min ratio",
                value=float(row.ratio),
            )
        if row.ratio > c.max_ratio * (1.0 + _REL):
            raise InfeasibleError(
                f"compressor station '{c.name}': ratio {row.ratio:.6g} exceeds max_ratio {c.max_ratio:.6g}",
                element=c.name,
                constraint="max_ratio",
                value=float(row.ratio),
            )
        if row.power_w > c.max_power_w * (1.0 + _REL):
            raise InfeasibleError(
                f"compressor station '{c.name}': shaft power {row.power_w / 1e6:.6g} MW exceeds max_power_w "
                f"{c.max_power_w / 1e6:.6g} MW",
                element=c.name,
                constraint="max_power_w",
                value=float(row.power_w),
            )
        if row.p_out_pa > c.max_discharge_pa * (1.0 + _REL):
            raise InfeasibleError(
                f"compressor station '{c.name}': discharge pressure {row.p_out_pa:.6g} Pa exceeds "
                f"max_discharge_pa {c.max_discharge_pa:.6g} Pa",
                element=c.name,
                constraint="max_discharge_pa",
                value=float(row.p_out_pa),
            )
    for i, r in enumerate(net.regulators):
        row = _Row(**{k: float(v[i]) for k, v in rarr.items()})
        if row.p_in_pa < row.p_out_pa * (1.0 - _REL):
            raise InfeasibleError(
                f"regulator '{r.name}': inlet pressure {row.p_in_pa:.6g} Pa is below its outlet set point "
                f"{r.outlet_pressure_pa:.6g} Pa; constraint 'inlet pressure >= set point'",
                element=r.name,
                constraint="inlet pressure >= set point",
                value=float(row.p_in_pa),
            )
        if row.flow_kg_per_s < -1e-9:
            raise InfeasibleError(
                f"regulator '{r.name}': gas would flow backwards ({row.flow_kg_per_s:.6g} kg/s); "
                "constraint 'flow direction'",
                element=r.name,
                constraint="flow direction",
                value=float(row.flow_kg_per_s),
            )


def state_from_result(topo: Topology, res: SteadyResult) -> tuple[FloatArray, FloatArray]:
    """The solver's unknowns ``x = [p^2, m]`` and the node temperatures of a converged result.

    Parameters
    ----------
    topo
        The topology the result was solved on (same network and segment length) [-].
    res
        A result of :func:`solve_steady` [-].

    Returns
    -------
    tuple
        ``x`` [Pa^2 and kg/s] and the temperature of every node (junctions and internal nodes) [K].
    """
    x = np.zeros(topo.n_unknowns)
    ns, nc, nr = topo.n_segments, topo.c_from.size, topo.r_from.size
    last_seg = topo.pipe_first_seg + topo.pipe_nseg - 1
    pt_node = np.concatenate([topo.seg_from, topo.seg_to[last_seg]])
    pt_x = np.concatenate([topo.seg_x0_m, topo.seg_x0_m[last_seg] + topo.seg_length_m[last_seg]])
    pt_pipe = np.concatenate([topo.seg_pipe, topo.seg_pipe[last_seg]])
    pt_node = pt_node[np.lexsort((pt_x, pt_pipe))]
    p = np.zeros(topo.n_nodes)
    t = np.zeros(topo.n_nodes)
    p[: topo.n_junctions] = res.nodes.p_pa.to_numpy()
    t[: topo.n_junctions] = res.nodes.t_k.to_numpy()
    if ns:
        p[pt_node] = res.segments.p_pa.to_numpy()
        t[pt_node] = res.segments.t_k.to_numpy()
    x[: topo.n_nodes] = p * p
    o = topo.n_nodes
    x[o : o + ns] = res.pipes.flow_kg_per_s.to_numpy()[topo.seg_pipe]
    o += ns
    x[o : o + nc] = res.compressors.flow_kg_per_s.to_numpy()
    o += nc
    x[o : o + nr] = res.regulators.flow_kg_per_s.to_numpy()
    x[o + nr :] = res.valves.flow_kg_per_s.to_numpy()
    return x, t


def jacobian_at_solution(
    net: Network, gas: GasModel, opts: SteadyOptions, res: SteadyResult, *, reduced: bool = True
) -> csc_matrix:
    """The Newton matrix at a converged solution (for benchmarks and diagnostics).

    Parameters
    ----------
    net
        The network that was solved [-].
    gas
        The gas model used [-].
    opts
        The options used [-].
    res
        The result of :func:`solve_steady` for these inputs [-].
    reduced
        ``True``: the matrix each Newton step factorises (segment flows eliminated);
        ``False``: the full Jacobian in ``[p^2, m]`` [-].
    """
    st = _prepare(net, gas, opts)
    x, t = state_from_result(st.topo, res)
    if opts.thermal:
        st.t_node = t
        st.t_seg = _segment_temperatures(st.topo, t)
    _r, jp = _evaluate(st, x, jac=True)
    assert jp is not None
    if not reduced:
        return _full_jacobian(st, jp)
    return _reduced_matrix(st, jp)
