"""Transient gas network solver: fully implicit finite volumes in time, sparse Newton per time step.

Formulation
-----------
The network, its discretisation (pipes cut into segments of at most ``max_segment_length_m``), the
unknowns ``x = [p^2 of every node, mass flow of every branch]`` and the branch equations are those of
:mod:`pos2.hydraulics.steady`; the transient adds storage and inertia and integrates in time with the
backward (implicit) Euler method, which is unconditionally stable, so the time step is chosen for
accuracy, not stability (Kiuchi 1994 [1]_ showed that a fully implicit scheme suits pipe networks with
time steps of minutes to hours; Osiadacz 1987 [2]_, ch. 4). For ``dt -> infinity`` the equations are
exactly the steady ones, so a steady solution is a fixed point of every time step.

* **Mass (continuity), per node.** The gas of segment ``s`` (length ``L``, area ``A``) has mass
  ``M_s = A L rho(p_m, T_s)`` with the steady solver's mean pressure
  ``p_m = 2/3 (p1 + p2 - p1 p2 / (p1 + p2))`` and ``rho = p / (Z R_s T)`` (GERG-2008 ``Z``); half of it
  is stored at each end node. Node ``i`` with storage ``S_i = sum_s M_s / 2``::

      (S_i^(n+1) - S_i^n) / dt = sum(inflows^(n+1)) - sum(outflows^(n+1)) + injections^(n+1)

  Summed over all nodes the flows cancel, so the linepack ``sum_s M_s`` changes by exactly the
  injections minus the offtakes and the fuel burnt, to the Newton tolerance: the scheme is
  conservative by construction, and at a steady state its linepack is the steady solver's.
* **Momentum, per segment**, the steady integrated equation (friction, elevation) plus the inertia
  of the gas, ``(L / A) dm/dt``, multiplied by ``p1 + p2`` like the rest of the ``p^2`` form; the
  convective term ``d(m v)/dx`` is neglected, as usual for transmission lines (Thorley & Tiley
  1987 [3]_; Osiadacz 1987 [2]_, ch. 4)::

      p1^2 - e^s p2^2 - f(Re) L_e Z_m R_s T_m m|m| / (D A^2) - (p1 + p2) (L / A) (m^(n+1) - m^n) / dt = 0

  With the inertia term the equations are hyperbolic: a pressure disturbance travels at the speed of
  sound ``c = sqrt(dp/drho)`` and a step in flow makes the Joukowsky pressure step ``c dm / A``
  (Wylie & Streeter 1993 [4]_, ch. 1), which the validation checks.
* **Energy (non-isothermal mode)**, per node control volume: for a gas volume ``V`` of mass ``M``,
  ``M dh/dt - V dp/dt = sum_in m (h_in - h) + Q``; with ``dh = cp dT - cp mu_JT dp`` this is
  ``M cp dT/dt - (V + M cp mu_JT) dp/dt = sum_in m cp (T_in - T) + Q``. The heat exchange with the
  ground, Joule-Thomson cooling and the work against gravity along a segment are integrated exactly
  (for the current flow) as in the steady march, which gives the temperature ``T_in`` at which the
  gas arrives; compressors heat (and after-coolers cool) the gas as in the steady solver. Each time
  step first solves this linear system for ``T^(n+1)`` with the flows and the pressure rate of the
  previous step (the temperature lags the hydraulics by one step: a first-order operator split), then
  the hydraulics at those temperatures, so mass stays conserved exactly. At steady flow it reduces to
  the steady march.
* **Stations.** Compressors follow a set-point schedule (outlet pressure, ratio or flow). A tripped
  station passes the gas through its bypass (ratio 1, no fuel). With ``station_limits`` an
  outlet-pressure station whose ratio would exceed its ``max_ratio`` runs at ``max_ratio``; one whose
  shaft power would exceed ``max_power_w`` runs at the ratio at which the power equals it (a fixed
  point in the ratio, solved by secant steps: less head); one whose suction rises above its set
  point is bypassed (ratio 1); one whose suction falls below ``min_suction_pa`` trips and stays off
  (latched). It returns to its set point when it can; each step is solved again until the modes
  settle.
* **Boundaries.** Pressure sources follow a pressure schedule or, during a supply cut, a fixed
  inflow; sinks and flow sources follow flow schedules; valves open and close (a closed valve carries
  no flow; a part of the network cut off by valves keeps its gas).

Newton's method per step solves the system after eliminating the segment flows (each appears in one
momentum row), which leaves a sparse nodal system in the node pressures and the station and valve
flows: solved with a banded LU (:mod:`pos2.hydraulics.banded`) when the network is line-shaped, with
SuperLU otherwise. Newton starts from the linear extrapolation of the last two steps. A step whose
Newton iteration fails is retried as two half steps (up to
``max_halvings`` times); when that too fails the solver raises :class:`ConvergenceError` with the time,
the iterations and the residual.

References
----------
.. [1] Kiuchi, T. (1994). An implicit method for transient gas flows in pipe networks. International
   Journal of Heat and Fluid Flow 15(5), 378-383. doi:10.1016/0142-727X(94)90051-5.
.. [2] Osiadacz, A. J. (1987). Simulation and Analysis of Gas Networks. E. & F. N. Spon (ch. 4,
   unsteady flow in pipes and networks).
.. [3] Thorley, A. R. D., Tiley, C. H. (1987). Unsteady and transient flow of compressible fluids in
   pipelines - a review of theoretical and some experimental studies. International Journal of Heat
   and Fluid Flow 8(1), 3-15.
.. [4] Wylie, E. B., Streeter, V. L. (1993). Fluid Transients in Systems. Prentice Hall (ch. 1 and 9:
   the Joukowsky relation and gas transients).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from pos2.errors import ConvergenceError, InfeasibleError, NetworkError
from pos2.gas.model import GasModel
from pos2.hydraulics import steady as _st
from pos2.hydraulics.banded import BandedSolver, SingularBandError
from pos2.hydraulics.schedules import Controls, network_at
from pos2.hydraulics.steady import SteadyOptions, SteadyResult, solve_steady, state_from_result
from pos2.hydraulics.topology import (
    MODE_FLOW,
    MODE_OUTLET,
    MODE_RATIO,
    FloatArray,
    Pattern,
    loop_closing_links,
    make_pattern,
)
from pos2.network.model import Network

if TYPE_CHECKING:  # pandas loads when a transient builds its tables (`pos2 solve` does not need it)
    import pandas as pd

__all__ = ["Controls", "TransientOptions", "TransientResult", "nodal_matrix_at_start", "simulate_transient"]

MODE_NAMES = {
    0: "set point",
    1: "max ratio",
    2: "bypass",
    3: "tripped",
    4: "max power",
    5: "low suction trip",
}
"""Station states in the results: holding its set point, at its ratio limit, bypassed, tripped (by
the schedule), at its shaft-power limit, tripped by its low-suction protection (latched)."""
_NORMAL, _CAPPED, _BYPASS, _TRIPPED, _POWER, _LOW_SUCTION = 0, 1, 2, 3, 4, 5
_OFF_STATES = (_BYPASS, _TRIPPED, _LOW_SUCTION)  # gas passes the bypass: ratio 1, no fuel
_REL = 1e-7  # relative margin of the station-limit switches (no chattering at the boundary)
_POWER_REL = 1e-6  # the power-limited ratio is iterated until it changes by less than this [-]


@dataclass(frozen=True)
class TransientOptions:
    """Settings of :func:`simulate_transient`.

    Parameters
    ----------
    steady
        Physics and discretisation shared with the steady solver (friction, thermal mode, segment
        length, ambient temperature); also used for the initial steady state [-].
    dt_s
        Time step [s].
    duration_s
        Simulated time [s].
    tol
        Newton tolerance per step on the largest scaled residual (node rows by the reference flow,
        momentum rows by the reference ``p^2``) [-].
    max_iter
        Newton iterations per step [-].
    max_halvings
        How often a failing step may be halved [-].
    inertia
        Keep the inertia term ``(L/A) dm/dt`` (``False``: the parabolic "slow transient" model) [-].
    station_limits
        Cap outlet-pressure stations at their ``max_ratio`` and at their ``max_power_w`` (the ratio
        falls until the shaft power equals it), bypass them when the suction exceeds the set point,
        and trip them when the suction falls below ``min_suction_pa`` [-].
    min_suction_pa
        Low-suction protection: a running station whose suction pressure falls below this trips (its
        gas passes the bypass) and stays off for the rest of the run; a number for every station or
        a mapping station name -> pressure; ``None``: no protection [Pa absolute].
    save_every_s
        Interval of the profile snapshots (all nodes) [s]; ``None`` = every step. Junction pressures,
        stations, sources, sinks and the mass balance are kept at every step.
    stop_junction
        Stop when the pressure at this junction falls below ``stop_below_pa`` [-].
    stop_below_pa
        Threshold of the stop [Pa absolute].
    junction_volume_m3
        Gas volume given to a node that touches no pipe (e.g. between a supply point and a station):
        the station piping. It keeps such a node's pressure defined when no gas flows through it (a
        supply cut in front of a station); counted in the linepack [m3].
    """

    steady: SteadyOptions = field(default_factory=SteadyOptions)
    dt_s: float = 600.0
    duration_s: float = 86_400.0
    tol: float = 1e-9
    max_iter: int = 30
    max_halvings: int = 6
    inertia: bool = True
    station_limits: bool = True
    save_every_s: float | None = None
    stop_junction: str | None = None
    stop_below_pa: float | None = None
    junction_volume_m3: float = 1.0
    min_suction_pa: float | dict[str, float] | None = None

    def __post_init__(self) -> None:
        def bad(fld: str, value: Any, why: str) -> NetworkError:
            return NetworkError(why, element="TransientOptions", field=fld, value=value)

        for name in ("dt_s", "duration_s", "tol", "junction_volume_m3"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and math.isfinite(v) and v > 0):
                raise bad(name, v, "must be a positive finite number")
        if self.save_every_s is not None and not (math.isfinite(self.save_every_s) and self.save_every_s > 0):
            raise bad("save_every_s", self.save_every_s, "must be a positive finite number or None")
        for name in ("max_iter",):
            if int(getattr(self, name)) < 1:
                raise bad(name, getattr(self, name), "must be >= 1")
        if int(self.max_halvings) < 0:
            raise bad("max_halvings", self.max_halvings, "must be >= 0")
        ms = self.min_suction_pa
        for name, v in ms.items() if isinstance(ms, dict) else [("", ms)] if ms is not None else []:
            if not (isinstance(v, int | float) and math.isfinite(v) and v > 0):
                raise bad(
                    f"min_suction_pa{'[' + name + ']' if name else ''}", v, "must be a positive pressure"
                )
        if (self.stop_junction is None) != (self.stop_below_pa is None):
            raise bad(
                "stop_below_pa", self.stop_below_pa, "give both stop_junction and stop_below_pa, or neither"
            )


@dataclass(frozen=True, eq=False)
class TransientResult:
    """A simulated transient: tidy tables over time plus the settings that produced it.

    Tables at every step (``time_s`` column; SI units, absolute pressure):

    * ``junctions``: time_s, then one column per junction with its pressure [Pa].
    * ``compressors``: time_s, name, flow_kg_per_s (entering), p_in_pa, p_out_pa, ratio, power_w,
      fuel_kg_per_s, t_out_k, mode (``set point``, ``max ratio``, ``bypass``, ``tripped``).
    * ``sources``: time_s, name, mode (``pressure``/``flow``), flow_kg_per_s, p_pa.
    * ``sinks``: time_s, name, flow_kg_per_s, p_pa.
    * ``balance``: time_s, dt_s, linepack_kg, inflow_kg_per_s, outflow_kg_per_s, fuel_kg_per_s,
      cumulative inflow_kg, outflow_kg, fuel_kg, error_kg (linepack change minus the integrated
      inflow - outflow - fuel), iterations (Newton, all rounds of the step).

    Profiles at ``profile_time_s`` (rows) and every discretisation point (columns, ``points`` table:
    pipe, x_m, node): ``p_pa``, ``t_k``, ``flow_kg_per_s`` (of the segment starting at the point; the
    last point of a pipe carries its last segment's flow).
    """

    network: str
    junctions: pd.DataFrame
    compressors: pd.DataFrame
    sources: pd.DataFrame
    sinks: pd.DataFrame
    balance: pd.DataFrame
    points: pd.DataFrame
    profile_time_s: FloatArray
    p_pa: FloatArray
    t_k: FloatArray
    flow_kg_per_s: FloatArray
    options: TransientOptions
    controls: Controls
    steps: int
    iterations: int
    max_residual: float
    solve_time_s: float
    stopped_at_s: float | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def time_s(self) -> FloatArray:
        """Times of the steps, from 0 [s]."""
        return np.asarray(self.balance["time_s"].to_numpy(), dtype=np.float64)

    @property
    def linepack_kg(self) -> FloatArray:
        """Gas mass in all pipes at every step [kg]."""
        return np.asarray(self.balance["linepack_kg"].to_numpy(), dtype=np.float64)

    @property
    def mass_balance_error_kg(self) -> float:
        """Largest |linepack change - integrated (inflow - outflow - fuel)| over the run [kg]."""
        return float(np.max(np.abs(self.balance["error_kg"].to_numpy())))

    def pressure(self, junction: str) -> FloatArray:
        """Pressure at a junction at every step [Pa]."""
        if junction not in self.junctions.columns:
            raise NetworkError(f"no junction of this name in network '{self.network}'", element=junction)
        return np.asarray(self.junctions[junction].to_numpy(), dtype=np.float64)

    def pressure_array(self) -> Any:
        """The profile pressures as an ``xarray.DataArray`` (time_s x point, with pipe and x_m) [Pa]."""
        import xarray as xr

        return xr.DataArray(
            self.p_pa,
            dims=("time_s", "point"),
            coords={
                "time_s": self.profile_time_s,
                "point": np.arange(len(self.points)),
                "pipe": ("point", self.points["pipe"].to_numpy()),
                "x_m": ("point", self.points["x_m"].to_numpy()),
            },
            name="p_pa",
        )


# ------------------------------------------------------------------------------------------------
# the simulation
# ------------------------------------------------------------------------------------------------


class _StepFailedError(Exception):
    """A time step did not converge (it may be retried with a smaller step)."""

    def __init__(self, message: str, iterations: int, residual: float, x: FloatArray | None = None) -> None:
        super().__init__(message)
        self.iterations = iterations
        self.residual = residual
        self.x = x  # the last Newton iterate


@dataclass
class _Accum:
    """Integrated flows since the start [kg]."""

    inflow_kg: float = 0.0
    outflow_kg: float = 0.0
    fuel_kg: float = 0.0
    iterations: int = 0
    max_residual: float = 0.0


class _Sim:
    """State and machinery of one transient run."""

    def __init__(
        self, net: Network, gas: GasModel, controls: Controls, opts: TransientOptions, initial: SteadyResult
    ) -> None:
        so = replace(opts.steady, check_limits=False)
        self.net, self.controls, self.opts, self.so = net, controls, opts, so
        self.st = _st._prepare(net, gas, so)
        topo = self.topo0 = self.st.topo
        nn, ns = topo.n_nodes, topo.n_segments
        nc, nb = topo.c_from.size, topo.n_branches
        self.nn, self.ns, self.nc, self.nb = nn, ns, nc, nb
        self.nj = topo.n_junctions
        x0, t0 = state_from_result(topo, initial)
        if so.thermal:
            self.st.t_node = t0
            self.st.t_seg = _st._segment_temperatures(topo, t0)
        self.x = x0
        self.seg_vol = topo.seg_area_m2 * topo.seg_length_m
        self.seg_l_over_a = topo.seg_length_m / topo.seg_area_m2
        self.node_vol = 0.5 * (
            np.bincount(topo.seg_from, weights=self.seg_vol, minlength=nn)
            + np.bincount(topo.seg_to, weights=self.seg_vol, minlength=nn)
        )
        self.lumped = np.flatnonzero(self.node_vol <= 0.0)  # nodes touching no pipe
        self.node_vol[self.lumped] = opts.junction_volume_m3
        # element -> index maps
        self.sink_names = [s.name for s in net.sinks]
        self.sink_node = np.array([self._jidx(s.junction) for s in net.sinks], dtype=np.int64)
        self.sink_base = np.array([s.flow_kg_per_s for s in net.sinks], dtype=np.float64)
        self.fs_names = [s.name for s in net.flow_sources]
        self.fs_base = np.array([s.flow_kg_per_s for s in net.flow_sources], dtype=np.float64)
        self.ps_names = [s.name for s in net.pressure_sources]
        self.ps_base = np.array([s.p_pa for s in net.pressure_sources], dtype=np.float64)
        self.comp_names = [c.name for c in net.compressors]
        self.c_user_mode = topo.c_mode.copy()
        self.c_base_set = topo.c_set.copy()
        self.c_max_ratio = np.array([c.max_ratio for c in net.compressors], dtype=np.float64)
        self.c_max_power = np.array([c.max_power_w for c in net.compressors], dtype=np.float64)
        self.c_power_ratio = np.ones(nc)  # ratio of a station held at its power limit
        self._pw_prev = (np.full(nc, np.nan), np.full(nc, np.nan))  # last (ratio, g) of its iteration
        ms = opts.min_suction_pa
        if isinstance(ms, dict):
            unknown = sorted(set(ms) - {c.name for c in net.compressors})
            if unknown:
                raise NetworkError("no compressor of this name", element=unknown[0], field="min_suction_pa")
            self.c_min_suction = np.array([ms.get(c.name, 0.0) for c in net.compressors], dtype=np.float64)
        else:
            self.c_min_suction = np.full(nc, 0.0 if ms is None else float(ms))
        self.c_fuel0 = topo.c_fuel.copy()
        self.c_state = np.zeros(nc, dtype=np.int64)
        self.valve_names = [v.name for v in net.valves]
        self.v_open0 = topo.v_open.copy()
        self._pattern = self._build_pattern()
        # a line-shaped network: banded LU of the nodal system and of the temperature march
        self._band = BandedSolver.build(self._pattern.rows, self._pattern.cols, self._pattern.n)
        self._node_band = BandedSolver.build(topo.br_from, topo.br_to, nn)
        self.acc = _Accum()
        self.last: dict[str, Any] = {}
        self.t = 0.0
        self.p_rate = np.zeros(nn)  # dp/dt of the last step (thermal storage term) [Pa/s]
        self.x_prev: FloatArray | None = None  # the state one step back (predictor) and its step
        self.dt_prev: float | None = None
        self._evaluated: tuple[FloatArray, FloatArray] | None = None
        self._apply_controls(0.0)
        _st._evaluate(self.st, self.x, jac=False)
        self.storage = self._storage(self.x)[0]

    def _jidx(self, junction: str) -> int:
        return int(np.flatnonzero(self.topo0.junction_names == junction)[0])

    # ---- controls -------------------------------------------------------------------------------
    def _apply_controls(self, t: float) -> None:
        """Set the boundary values, set points and element states of time ``t`` on the solver state."""
        c, topo0 = self.controls, self.topo0
        sink = np.array(
            [
                c.sink_flow_kg_per_s[n].at(t) if n in c.sink_flow_kg_per_s else b
                for n, b in zip(self.sink_names, self.sink_base, strict=True)
            ],
            dtype=np.float64,
        )
        fs = np.array(
            [
                c.flow_source_kg_per_s[n].at(t) if n in c.flow_source_kg_per_s else b
                for n, b in zip(self.fs_names, self.fs_base, strict=True)
            ],
            dtype=np.float64,
        )
        ps_p = np.array(
            [
                c.source_pressure_pa[n].at(t) if n in c.source_pressure_pa else b
                for n, b in zip(self.ps_names, self.ps_base, strict=True)
            ],
            dtype=np.float64,
        )
        ps_q = np.array(
            [
                c.source_flow_kg_per_s[n].at(t) if n in c.source_flow_kg_per_s else math.nan
                for n in self.ps_names
            ],
            dtype=np.float64,
        )
        inj = np.zeros(self.nn)
        np.add.at(inj, topo0.fs_node, fs)
        np.add.at(inj, self.sink_node, -sink)
        flow_mode = ~np.isnan(ps_q)
        np.add.at(inj, topo0.fixed_nodes[flow_mode], ps_q[flow_mode])
        self.inj = inj
        self.fs_flow = fs
        self.sink_flow = sink
        self.ps_flow_set = ps_q
        self.fixed_row = np.zeros(self.nn, dtype=bool)
        self.fixed_row[topo0.fixed_nodes[~flow_mode]] = True
        self.fixed_nodes = topo0.fixed_nodes[~flow_mode]
        self.fixed_pi = ps_p[~flow_mode] ** 2
        self.ps_p = ps_p
        # stations
        c_set = self.c_base_set.copy()
        for i, n in enumerate(self.comp_names):
            if n in c.compressor_set_point:
                c_set[i] = c.compressor_set_point[n].at(t)
        running = np.array(
            [
                not (n in c.compressor_running and not c.compressor_running[n].at(t) > 0.5)
                for n in self.comp_names
            ],
            dtype=bool,
        )
        self.c_set_user = c_set
        self.c_state = np.where(~running, _TRIPPED, np.where(self.c_state == _TRIPPED, _NORMAL, self.c_state))
        v_open = self.v_open0.copy()
        for i, n in enumerate(self.valve_names):
            if n in c.valve_open:
                v_open[i] = c.valve_open[n].at(t) > 0.5
        self.v_open = v_open
        self._set_modes()

    def _set_modes(self) -> None:
        """Station modes and set points on the solver's topology from ``c_state``."""
        mode = self.c_user_mode.copy()
        cset = self.c_set_user.copy()
        fuel = self.c_fuel0.copy()
        capped = self.c_state == _CAPPED
        power = self.c_state == _POWER
        off = np.isin(self.c_state, _OFF_STATES)
        mode[capped] = MODE_RATIO
        cset[capped] = self.c_max_ratio[capped]
        mode[power] = MODE_RATIO
        cset[power] = self.c_power_ratio[power]
        mode[off] = MODE_RATIO
        cset[off] = 1.0
        fuel[off] = False
        t0 = self.topo0
        # loops of loss-free links follow the valves' positions (a scheduled valve may open or close one)
        if not np.array_equal(self.v_open, t0.v_open):
            lossless = self.v_open & (t0.v_zeta == 0.0) & (t0.v_dp_pa == 0.0)
            redundant = loop_closing_links(t0.v_from, t0.v_to, lossless, t0.n_junctions)
        else:
            redundant = t0.v_redundant
        self.st.topo = replace(
            t0, c_mode=mode, c_set=cset, c_fuel=fuel, v_open=self.v_open, v_redundant=redundant
        )
        self.st.c_set_pi = np.where(mode == MODE_FLOW, 0.0, cset**2)  # MODE_FLOW keeps its set in c_set

    def _update_station_states(self, x: FloatArray) -> bool:
        """Switch stations at their limits; True when a state changed."""
        if not self.opts.station_limits or self.nc == 0:
            return False
        topo = self.topo0
        p = np.sqrt(np.maximum(x[: self.nn], 1.0))
        pin, pout = p[topo.c_from], p[topo.c_to]
        ratio = pout / pin
        pset = self.c_set_user
        new = self.c_state.copy()
        outlet = self.c_user_mode == MODE_OUTLET
        st = self.c_state
        new[outlet & (st == _NORMAL) & (ratio > self.c_max_ratio * (1 + _REL))] = _CAPPED
        new[outlet & (st == _NORMAL) & (ratio < 1 - _REL)] = _BYPASS
        new[outlet & (st == _CAPPED) & (pin * self.c_max_ratio > pset * (1 + _REL))] = _NORMAL
        new[outlet & (st == _BYPASS) & (pin < pset * (1 - _REL))] = _NORMAL
        # shaft-power limit: the ratio at which the station's power equals max_power_w at its flow
        limited = outlet & np.isfinite(self.c_max_power)
        ratio_changed = False
        if np.any(limited & np.isin(st, (_NORMAL, _CAPPED, _POWER))):
            power, r_limit = self._power_and_limit_ratio(x)
            running = (st == _NORMAL) | (st == _CAPPED)
            over = limited & running & (power > self.c_max_power * (1 + _REL)) & (new == st)
            held = limited & (st == _POWER)
            new[over] = _POWER
            # the ratio at the limit is a fixed point r = r_limit(r) (the flow answers the ratio):
            # secant steps on g(r) = r_limit(r) - r, from the plain update r_limit on the first round
            r_cur = self.c_power_ratio
            g = np.minimum(r_limit, self.c_max_ratio) - r_cur
            r_new = r_cur + g
            prev_r, prev_g = self._pw_prev
            sec = held & np.isfinite(prev_g) & (np.abs(g - prev_g) > 1e-15) & (r_cur != prev_r)
            with np.errstate(divide="ignore", invalid="ignore"):
                r_sec = r_cur - g * (r_cur - prev_r) / (g - prev_g)
            r_new = np.where(sec & np.isfinite(r_sec) & (r_sec > 1.0), r_sec, r_new)
            r_new = np.where(over, np.minimum(r_limit, self.c_max_ratio), r_new)
            self._pw_prev = (np.where(held, r_cur, np.nan), np.where(held, g, np.nan))
            moved = np.abs(g) > _POWER_REL * r_cur
            # at the power limit, once its ratio has settled: back to the set point when the
            # discharge rises above it (the set point needs less power), to the ratio limit when
            # that binds first
            settled = held & ~moved
            new[settled & (pout > pset * (1 + _REL))] = _NORMAL
            new[settled & (r_limit > self.c_max_ratio * (1 + _REL))] = _CAPPED
            upd = (over | held) & (new == _POWER)
            ratio_changed = bool(np.any(upd & moved))
            self.c_power_ratio = np.where(upd, r_new, self.c_power_ratio)
        # low-suction protection: trips, latched
        low = (pin < self.c_min_suction * (1 - _REL)) & ~np.isin(st, (_TRIPPED, _LOW_SUCTION))
        new[low] = _LOW_SUCTION
        changed = bool(np.any(new != st)) or ratio_changed
        self.c_state = new
        if changed:
            self._set_modes()
        return changed

    def _power_and_limit_ratio(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Shaft power of every station at ``x`` and the ratio at which it would equal
        ``max_power_w`` with the same flow and suction state (inverting the steady solver's power
        law ``P = m z R T (r^e - 1) / (e eta)``) [W], [-]."""
        st, topo = self.st, self.topo0
        p = np.sqrt(np.maximum(x[: self.nn], _st._P_MIN_PROPS**2))
        pin, tin = p[topo.c_from], st.t_node[topo.c_from]
        kappa = st.gas.isentropic_exponent(pin, tin)
        zin = st.gas.z(pin, tin)
        e = (kappa - 1.0) / kappa
        e_eff = np.where(topo.c_polytropic, e / topo.c_eff, e)
        mc = x[self.nn + self.ns : self.nn + self.ns + self.nc]
        m_comp = np.maximum(mc / (1.0 + st.comp_a), 1e-9)
        head = zin * st.r_s * tin / (e_eff * topo.c_eff)  # power per kg/s and unit of (r^e - 1)
        r = p[topo.c_to] / pin
        power = m_comp * head * (r**e_eff - 1.0)
        with np.errstate(over="ignore", invalid="ignore"):
            r_limit = (1.0 + self.c_max_power / (m_comp * head)) ** (1.0 / e_eff)
        return np.asarray(power, dtype=np.float64), np.asarray(
            np.nan_to_num(r_limit, nan=np.inf), dtype=np.float64
        )

    # ---- residual and Newton --------------------------------------------------------------------
    def _storage(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """Node storage [kg], segment masses, their derivatives by p1^2 and p2^2, and the derivative
        of the lumped nodes' storage by their own p^2 (after _evaluate)."""
        topo, st = self.st.topo, self.st
        p = np.sqrt(np.maximum(x[: self.nn], _st._P_MIN_PROPS**2))
        p1, p2 = p[topo.seg_from], p[topo.seg_to]
        psum = p1 + p2
        pm = (2.0 / 3.0) * (psum - p1 * p2 / psum)
        z = st.z_seg
        rt = st.r_s * st.t_seg
        # the gas model's density (as the steady linepack); its derivative from Z and dZ/dp
        m_seg = self.seg_vol * st.gas.density(pm, st.t_seg)
        drho = (1.0 - pm * st.gas.dz_dp(pm, st.t_seg) / z) / (z * rt)
        dpm1 = (2.0 / 3.0) * (1.0 - p2 * p2 / (psum * psum))
        dpm2 = (2.0 / 3.0) * (1.0 - p1 * p1 / (psum * psum))
        dm1 = self.seg_vol * drho * dpm1 / (2.0 * p1)
        dm2 = self.seg_vol * drho * dpm2 / (2.0 * p2)
        s_node = 0.5 * (
            np.bincount(topo.seg_from, weights=m_seg, minlength=self.nn)
            + np.bincount(topo.seg_to, weights=m_seg, minlength=self.nn)
        )
        d_lumped = np.zeros(self.nn)
        if self.lumped.size:
            k = self.lumped
            pk, tk = p[k], st.t_node[k]
            zk = st.gas.z(pk, tk)
            s_node[k] = self.node_vol[k] * st.gas.density(pk, tk)
            d_lumped[k] = (
                self.node_vol[k] * (1.0 - pk * st.gas.dz_dp(pk, tk) / zk) / (zk * st.r_s * tk) / (2.0 * pk)
            )
        return (
            np.asarray(s_node, dtype=np.float64),
            np.asarray(m_seg, dtype=np.float64),
            np.asarray(dm1, dtype=np.float64),
            np.asarray(dm2, dtype=np.float64),
            d_lumped,
        )

    def _balance(self, x: FloatArray) -> FloatArray:
        """Inflows - outflows + injections per node (flow-controlled sources included) [kg/s]."""
        topo = self.st.topo
        m = x[self.nn :]
        w = np.ones(self.nb)
        if self.nc:
            w[self.ns : self.ns + self.nc] = 1.0 / (1.0 + self.st.comp_a)
        return (
            np.bincount(topo.br_to, weights=m * w, minlength=self.nn)
            - np.bincount(topo.br_from, weights=m, minlength=self.nn)
            + self.inj
        )

    def _evaluate(self, x: FloatArray, dt: float, m_old: FloatArray, jac: bool) -> tuple[FloatArray, Any]:
        st, nn, ns = self.st, self.nn, self.ns
        res, jp = _st._evaluate(st, x, jac)
        pref2, mref = st.p_ref**2, st.m_ref
        s_node, _m_seg, dm1, dm2, d_lumped = self._storage(x)
        self._evaluated = (x, s_node)  # the solver's state was last evaluated at this very array
        bal = self._balance(x)
        rn = (bal - (s_node - self.storage) / dt) / mref
        rn[self.fixed_nodes] = (x[self.fixed_nodes] - self.fixed_pi) / pref2
        res[:nn] = rn
        topo = st.topo
        p = np.sqrt(np.maximum(x[:nn], _st._P_MIN_PROPS**2))
        p1, p2 = p[topo.seg_from], p[topo.seg_to]
        ms = x[nn : nn + ns]
        if self.opts.inertia:
            acc = self.seg_l_over_a * (ms - m_old) / dt
            res[nn : nn + ns] -= (p1 + p2) * acc / pref2
        if not jac:
            return res, None
        assert jp is not None
        b3 = jp.b3
        if self.opts.inertia:
            b3[:ns, 2] -= (p1 + p2) * self.seg_l_over_a / dt / pref2
            b3[:ns, 0] -= acc / (2.0 * p1) / pref2
            b3[:ns, 1] -= acc / (2.0 * p2) / pref2
        return res, (jp, dm1, dm2, d_lumped)

    def _build_pattern(self) -> Pattern:
        """Sparsity of the nodal system (segment flows eliminated): [dp^2 of nodes, other branch flows]."""
        topo, nn, ns = self.topo0, self.nn, self.ns
        sf, stt = topo.seg_from, topo.seg_to
        no = self.nb - ns
        col = nn + np.arange(no, dtype=np.int64)
        of, ot = topo.br_from[ns:], topo.br_to[ns:]
        fm = topo.fuel_mask
        cf, ct = topo.c_from[fm], topo.c_to[fm]
        rows = np.concatenate(
            [
                np.stack([sf, sf, stt, stt], axis=1).ravel(),
                np.arange(nn, dtype=np.int64),
                of,
                ot,
                ct,
                ct,
                np.repeat(col, 3),
            ]
        )
        cols = np.concatenate(
            [
                np.stack([sf, stt, sf, stt], axis=1).ravel(),
                np.arange(nn, dtype=np.int64),
                col,
                col,
                cf,
                ct,
                np.stack([of, ot, col], axis=1).ravel(),
            ]
        )
        return make_pattern(rows.astype(np.int64), cols.astype(np.int64), nn + no)

    def _nodal_values(self, parts: Any, dt: float) -> FloatArray:
        """Values of the nodal matrix (in the order of the pattern) at the evaluated point."""
        jp, dm1, dm2, d_lumped = parts
        topo, ns, st = self.st.topo, self.ns, self.st
        mref, pref2 = st.m_ref, st.p_ref**2
        b3 = jp.b3
        d = b3[:ns, 2]
        c1, c2 = b3[:ns, 0] / d, b3[:ns, 1] / d
        free = ~self.fixed_row
        ff, ft = free[topo.seg_from], free[topo.seg_to]
        g1 = -dm1 / (2.0 * dt * mref)
        g2 = -dm2 / (2.0 * dt * mref)
        wf, wt = -1.0 / mref, 1.0 / mref
        seg_vals = np.stack(
            [ff * (-wf * c1 + g1), ff * (-wf * c2 + g2), ft * (-wt * c1 + g1), ft * (-wt * c2 + g2)], axis=1
        ).ravel()
        diag = np.where(self.fixed_row, 1.0 / pref2, -d_lumped / (dt * mref))
        of, ot = topo.br_from[ns:], topo.br_to[ns:]
        fm = topo.fuel_mask
        fuel_free = free[topo.c_to[fm]]
        return np.concatenate(
            [
                seg_vals,
                diag,
                free[of] * (-1.0 / mref),
                free[ot] * jp.out_w[ns:],
                fuel_free * jp.fuel_in,
                fuel_free * jp.fuel_out,
                b3[ns:].ravel(),
            ]
        )

    def _newton_step(self, res: FloatArray, parts: Any, dt: float) -> FloatArray:
        """The Newton step of the full system, by eliminating the segment flows."""
        jp = parts[0]
        topo, nn, ns, st = self.st.topo, self.nn, self.ns, self.st
        mref = st.m_ref
        sf, stt = topo.seg_from, topo.seg_to
        b3 = jp.b3
        d = b3[:ns, 2]
        r_seg = res[nn : nn + ns]
        free = ~self.fixed_row
        ff, ft = free[sf], free[stt]
        wf, wt = -1.0 / mref, 1.0 / mref
        rhs_nodes = -res[:nn].copy()
        q = r_seg / d
        rhs_nodes += np.bincount(sf, weights=ff * wf * q, minlength=nn)
        rhs_nodes += np.bincount(stt, weights=ft * wt * q, minlength=nn)
        rhs = np.concatenate([rhs_nodes, -res[nn + ns :]])
        vals = self._nodal_values(parts, dt)
        try:
            if self._band is not None:
                y = self._band.solve(vals, rhs)
            else:
                y = _st._factorise(_st._matrix(self._pattern, vals), self.so).solve(rhs)
        except (RuntimeError, SingularBandError) as exc:
            raise _StepFailedError(f"singular Jacobian ({exc})", 0, math.inf) from exc
        dpi = y[:nn]
        dm_seg = -(r_seg + b3[:ns, 0] * dpi[sf] + b3[:ns, 1] * dpi[stt]) / d
        return np.concatenate([dpi, dm_seg, y[nn:]])

    def _solve_step(
        self, dt: float, x_start: FloatArray, guess: FloatArray | None = None
    ) -> tuple[FloatArray, int, float]:
        """Newton's method for one time step: from ``guess`` (a prediction) when given and, should
        that fail, from ``x_start`` (the previous state)."""
        m_old = x_start[self.nn : self.nn + self.ns].copy()
        if guess is not None:
            try:
                return self._newton(dt, m_old, guess, min_iter=0)
            except _StepFailedError as e:
                x, it, norm = self._newton(dt, m_old, x_start, min_iter=1)
                return x, it + e.iterations, norm
        return self._newton(dt, m_old, x_start, min_iter=1)

    def _newton(
        self, dt: float, m_old: FloatArray, x_start: FloatArray, min_iter: int
    ) -> tuple[FloatArray, int, float]:
        """Damped Newton iterations of one time step from ``x_start``."""
        x = x_start.copy()
        res, parts = self._evaluate(x, dt, m_old, jac=True)
        norm = float(np.max(np.abs(res)))
        it = 0
        while norm > self.opts.tol or it < min_iter:
            if it >= self.opts.max_iter:
                raise _StepFailedError("Newton did not converge", it, norm, x)
            dx = self._newton_step(res, parts, dt)
            it += 1
            if not np.all(np.isfinite(dx)):
                raise _StepFailedError("Newton step is not finite", it, norm)
            l2 = float(np.dot(res, res))
            alpha = 1.0
            collapsed = float(np.min((x + dx)[: self.nn])) <= 0.0
            for _ in range(10):
                xt = x + alpha * dx
                if float(np.min(xt[: self.nn])) > 0.0:
                    rt, _pt = self._evaluate(xt, dt, m_old, jac=False)  # the Jacobian only if needed
                    lt = float(np.dot(rt, rt))
                    if math.isfinite(lt) and lt <= (1.0 - 1e-4 * alpha) * l2:
                        break
                alpha *= 0.5
            else:
                if norm <= 10.0 * self.opts.tol:  # at the round-off floor: accept
                    break
                why = "pressure fell to zero" if collapsed else "no descent along the Newton direction"
                raise _StepFailedError(why, it, norm, x + dx)
            x, res = xt, rt
            norm = float(np.max(np.abs(res)))
            if norm <= self.opts.tol:
                break
            res, parts = self._evaluate(x, dt, m_old, jac=True)  # gas properties remembered: cheap
        if float(np.min(x[: self.nn])) <= 0.0:
            raise _StepFailedError("pressure fell to zero", it, norm)
        return x, it, norm

    def _thermal_update(self, dt: float) -> None:
        """Temperatures of the next step (energy balance with storage, flows of the current step)."""
        st, nn = self.st, self.nn
        p = np.sqrt(np.maximum(self.x[:nn], _st._P_MIN_PROPS**2))
        t_old = st.t_node
        cp = st.gas.cp(p, t_old)
        mu = st.gas.joule_thomson(p, t_old)
        mass = self.storage
        diag = mass / dt
        rhs = mass * t_old / dt + (self.node_vol / cp + mass * mu) * self.p_rate
        band = self._node_band
        solve = None if band is None else (lambda r, c, v, b: band.solve(v, b, band.positions(r, c)))
        t_new = _st._march_temperatures(st, self.x, storage=(diag, rhs), linear_solve=solve)
        st.t_node = t_new
        st.t_seg = _st._segment_temperatures(st.topo, t_new)

    def _predict(self, dt: float) -> FloatArray | None:
        """Start of Newton's method: the state extrapolated linearly from the last two steps (the
        converged answer does not depend on it, only the iterations do); ``None`` at the start."""
        if self.x_prev is None or self.dt_prev is None:
            return None
        guess = self.x + (self.x - self.x_prev) * (dt / self.dt_prev)
        if float(np.min(guess[: self.nn])) <= 0.0:
            return None
        return np.asarray(guess, dtype=np.float64)

    def step(self, dt: float) -> int:
        """Advance by ``dt``; returns the Newton iterations. Raises _StepFailedError (state unchanged)."""
        t_new = self.t + dt
        saved_t = (self.st.t_node, self.st.t_seg)
        saved_state = self.c_state.copy()
        saved_ratio = self.c_power_ratio.copy()
        self._pw_prev = (np.full(self.nc, np.nan), np.full(self.nc, np.nan))
        self._apply_controls(t_new)
        if self.so.thermal:
            self._thermal_update(dt)
        iters = 0
        norm = math.inf
        guess = self._predict(dt)
        try:
            for _ in range(2 * max(self.nc, 1) + 30):
                try:
                    x, it, norm = self._solve_step(dt, self.x, guess)
                except _StepFailedError as e:
                    # a station may have to leave its set point within this step (e.g. its suction
                    # collapses after a supply cut): switch by the last iterate and try again
                    if e.x is None or not self._update_station_states(e.x):
                        raise
                    iters += e.iterations
                    continue
                iters += it
                if not self._update_station_states(x):
                    break
                guess = x  # the modes changed: start from this step's last solution
            else:
                raise _StepFailedError("the station modes did not settle", iters, norm)
        except _StepFailedError:
            self.st.t_node, self.st.t_seg = saved_t
            self.c_state = saved_state
            self.c_power_ratio = saved_ratio
            self._apply_controls(self.t)
            raise
        # accept
        self.acc.max_residual = max(self.acc.max_residual, norm)
        if self._evaluated is not None and self._evaluated[0] is x:
            s_new = self._evaluated[1]  # fuel factors and storage of the solution are current
        else:
            _st._evaluate(self.st, x, jac=False)  # fuel factors at the solution
            s_new = self._storage(x)[0]
        bal = self._balance(x)
        src = (s_new - self.storage) / dt - bal  # what the pressure-controlled sources supply
        # flow sources and pressure sources held at an inflow enter through the injections
        ps_flow = np.where(np.isnan(self.ps_flow_set), 0.0, self.ps_flow_set)
        inflow = float(np.sum(src[self.fixed_nodes])) + float(self.fs_flow.sum()) + float(ps_flow.sum())
        outflow = float(self.sink_flow.sum())
        fuel = self._fuel(x)
        self.acc.inflow_kg += inflow * dt
        self.acc.outflow_kg += outflow * dt
        self.acc.fuel_kg += float(fuel.sum()) * dt
        self.acc.iterations += iters
        p_old = np.sqrt(np.maximum(self.x[: self.nn], 0.0))
        self.p_rate = (np.sqrt(np.maximum(x[: self.nn], 0.0)) - p_old) / dt
        self.x_prev, self.dt_prev = self.x, dt
        self.x, self.storage, self.t = x, s_new, t_new
        self.last = {"inflow": inflow, "outflow": outflow, "fuel": float(fuel.sum()), "src": src}
        return iters

    def _fuel(self, x: FloatArray) -> FloatArray:
        a = self.st.comp_a
        mc = x[self.nn + self.ns : self.nn + self.ns + self.nc]
        return np.asarray(mc * a / (1.0 + a), dtype=np.float64)

    def advance(self, dt: float, depth: int = 0) -> int:
        """Advance by ``dt``, halving the step where Newton fails."""
        try:
            return self.step(dt)
        except _StepFailedError as e:
            if depth >= self.opts.max_halvings:
                self._raise(e, dt)
            return self.advance(dt / 2.0, depth + 1) + self.advance(dt / 2.0, depth + 1)

    def _raise(self, e: _StepFailedError, dt: float) -> None:
        x = self.x
        pi = x[: self.nn]
        if "pressure fell" in str(e):
            i = int(np.argmin(pi))
            where = _st._where(self.st, i)
            raise InfeasibleError(
                f"transient at t = {self.t / 3600:.4g} h: the pressure falls to zero near {where}; "
                "the network cannot deliver the demanded flows",
                element=where,
                constraint="pressure > 0",
                value=0.0,
            )
        raise ConvergenceError(
            f"transient solver: time step at t = {self.t / 3600:.4g} h did not converge even at "
            f"dt = {dt:.4g} s ({e})",
            iterations=e.iterations,
            residual=e.residual,
        )


def simulate_transient(
    net: Network,
    gas: GasModel,
    controls: Controls | None = None,
    options: TransientOptions | None = None,
    initial: SteadyResult | None = None,
) -> TransientResult:
    """Simulate a gas network over time from a steady state.

    Parameters
    ----------
    net
        Validated network (:class:`pos2.network.Network`) [-].
    gas
        Gas property model [-].
    controls
        Schedules of boundary conditions and set points; default: all constant [-].
    options
        Solver settings; default :class:`TransientOptions()` [-].
    initial
        Steady state to start from, solved with ``options.steady`` on this network; default: the
        steady state of the network with the controls' values at ``t = 0`` [-].

    Returns
    -------
    TransientResult
        Tables over time, profiles, mass balance, iterations and the options used.

    Raises
    ------
    ConvergenceError
        A time step did not converge even after halving it ``max_halvings`` times.
    InfeasibleError
        The pressure falls to zero somewhere (the demand cannot be met).
    NetworkError
        Invalid options or controls that do not fit the network.
    """
    opts = options or TransientOptions()
    controls = controls or Controls()
    controls.check(net)
    if opts.stop_junction is not None and opts.stop_junction not in {j.name for j in net.junctions}:
        raise NetworkError("no junction of this name", element=opts.stop_junction, field="stop_junction")
    t_start = time.perf_counter()
    if initial is None:
        initial = solve_steady(network_at(net, controls, 0.0), gas, replace(opts.steady, check_limits=False))
    if opts.steady.blas_threads is None:
        return _run(net, gas, controls, opts, initial, t_start)
    with _st._blas_limit(opts.steady.blas_threads):
        return _run(net, gas, controls, opts, initial, t_start)


def _run(
    net: Network,
    gas: GasModel,
    controls: Controls,
    opts: TransientOptions,
    initial: SteadyResult,
    t_start: float,
) -> TransientResult:
    import pandas as pd

    sim = _Sim(net, gas, controls, opts, initial)
    topo = sim.topo0
    nn, ns, nj = sim.nn, sim.ns, sim.nj
    # discretisation points along pipes (as the steady segments table)
    last_seg = topo.pipe_first_seg + topo.pipe_nseg - 1
    pt_node = np.concatenate([topo.seg_from, topo.seg_to[last_seg]])
    pt_seg = np.concatenate([np.arange(ns), last_seg])
    pt_x = np.concatenate([topo.seg_x0_m, topo.seg_x0_m[last_seg] + topo.seg_length_m[last_seg]])
    order = np.lexsort((pt_x, topo.seg_pipe[pt_seg]))
    pt_node, pt_seg, pt_x = pt_node[order], pt_seg[order], pt_x[order]
    points = pd.DataFrame({"pipe": topo.pipe_names[topo.seg_pipe[pt_seg]], "x_m": pt_x, "node": pt_node})

    n_steps = math.ceil(opts.duration_s / opts.dt_s - 1e-9)
    save_every = opts.save_every_s or opts.dt_s
    rows_j: list[FloatArray] = []
    rows_c: list[FloatArray] = []  # per step: (7, n_compressors) flow, p_in, p_out, power, fuel, t_out, state
    rows_src: list[FloatArray] = []  # per step: (3, n_sources) mode (1 = flow), flow, p
    rows_snk: list[FloatArray] = []  # per step: (2, n_sinks) flow, p
    rows_bal: list[dict[str, Any]] = []
    prof_t: list[float] = []
    prof_p: list[FloatArray] = []
    prof_t_k: list[FloatArray] = []
    prof_m: list[FloatArray] = []
    linepack0 = float(np.sum(sim.storage))
    stop_idx = None if opts.stop_junction is None else sim._jidx(opts.stop_junction)
    stopped: float | None = None
    times: list[float] = []

    def record(dt: float, iters: int) -> None:
        x = sim.x
        p = np.sqrt(np.maximum(x[:nn], 0.0))
        t = sim.t
        times.append(t)
        rows_j.append(p[:nj].copy())
        if sim.nc:
            factor, power = _st._compressor_factor(sim.st, x)
            fuel = sim._fuel(x)
            mc = x[nn + ns : nn + ns + sim.nc]
            tin = sim.st.t_node[topo.c_from]
            t_dis = factor * tin
            t_out = np.where(np.isnan(topo.c_aftercooler_k), t_dis, np.fmin(t_dis, topo.c_aftercooler_k))
            t_out = np.where(np.isin(sim.c_state, _OFF_STATES), tin, t_out)
            rows_c.append(np.stack([mc, p[topo.c_from], p[topo.c_to], power, fuel, t_out, sim.c_state]))
        src = sim.last["src"] if sim.last else None
        fixed_flow = ~np.isnan(sim.ps_flow_set)
        if src is not None:
            q_ps = np.where(fixed_flow, sim.ps_flow_set, src[topo.fixed_nodes])
        else:
            q_ps = np.where(
                fixed_flow,
                sim.ps_flow_set,
                initial.sources["flow_kg_per_s"].to_numpy()[: sim.ps_flow_set.size],
            )
        rows_src.append(
            np.stack(
                [
                    np.concatenate([fixed_flow.astype(np.float64), np.ones(sim.fs_flow.size)]),
                    np.concatenate([q_ps, sim.fs_flow]),
                    np.concatenate([p[topo.fixed_nodes], p[topo.fs_node]]),
                ]
            )
        )
        rows_snk.append(np.stack([sim.sink_flow, p[sim.sink_node]]))
        lp = float(np.sum(sim.storage))
        a = sim.acc
        last = sim.last or {"inflow": math.nan, "outflow": math.nan, "fuel": math.nan}
        rows_bal.append(
            {
                "time_s": t,
                "dt_s": dt,
                "linepack_kg": lp,
                "inflow_kg_per_s": last["inflow"],
                "outflow_kg_per_s": last["outflow"],
                "fuel_kg_per_s": last["fuel"],
                "inflow_kg": a.inflow_kg,
                "outflow_kg": a.outflow_kg,
                "fuel_kg": a.fuel_kg,
                "error_kg": (lp - linepack0) - (a.inflow_kg - a.outflow_kg - a.fuel_kg),
                "iterations": iters,
            }
        )
        if not prof_t or t >= prof_t[-1] + save_every - 1e-6 or t >= opts.duration_s - 1e-6:
            prof_t.append(t)
            prof_p.append(p[pt_node])
            prof_t_k.append(sim.st.t_node[pt_node].copy())
            prof_m.append(x[nn + pt_seg].copy())

    sim.last = {}
    # initial row: the flows of the steady state
    _st._evaluate(sim.st, sim.x, jac=False)
    bal0 = sim._balance(sim.x)
    sim.last = {
        "inflow": float(np.sum(-bal0[sim.fixed_nodes])) + float(sim.fs_flow.sum()),
        "outflow": float(sim.sink_flow.sum()),
        "fuel": float(sim._fuel(sim.x).sum()),
        "src": -bal0,
    }
    record(0.0, 0)
    steps = 0
    for k in range(n_steps):
        dt = min(opts.dt_s, opts.duration_s - k * opts.dt_s)
        if dt <= 1e-9:
            break
        iters = sim.advance(dt)
        steps += 1
        record(dt, iters)
        if stop_idx is not None and opts.stop_below_pa is not None:
            p_stop = math.sqrt(max(sim.x[stop_idx], 0.0))
            if p_stop < opts.stop_below_pa:
                stopped = sim.t
                break
    t_all = np.array(times)
    junctions = pd.DataFrame(np.array(rows_j), columns=list(topo.junction_names))
    junctions.insert(0, "time_s", t_all)
    return TransientResult(
        network=net.name,
        junctions=junctions,
        compressors=_compressor_table(t_all, sim.comp_names, rows_c),
        sources=_source_table(t_all, [*sim.ps_names, *sim.fs_names], rows_src),
        sinks=_sink_table(t_all, sim.sink_names, rows_snk),
        balance=pd.DataFrame(rows_bal),
        points=points,
        profile_time_s=np.array(prof_t),
        p_pa=np.array(prof_p),
        t_k=np.array(prof_t_k),
        flow_kg_per_s=np.array(prof_m),
        options=opts,
        controls=controls,
        steps=steps,
        iterations=sim.acc.iterations,
        max_residual=sim.acc.max_residual,
        solve_time_s=time.perf_counter() - t_start,
        stopped_at_s=stopped,
        info={
            "n_nodes": nn,
            "n_segments": ns,
            "n_unknowns": topo.n_unknowns,
            "n_nodal_system": sim._pattern.n,
        },
    )


def _long(t_all: FloatArray, names: list[str], n: int) -> dict[str, Any]:
    """time_s and name columns of a long table with ``n = len(names)`` rows per time."""
    return {"time_s": np.repeat(t_all, n), "name": np.tile(np.array(names, dtype=object), t_all.size)}


def _compressor_table(t_all: FloatArray, names: list[str], rows: list[FloatArray]) -> pd.DataFrame:
    import pandas as pd

    n = len(names)
    a = np.stack(rows) if rows else np.zeros((0, 7, n))  # (steps, 7, n)

    def col(k: int) -> FloatArray:
        return np.asarray(a[:, k, :].ravel(), dtype=np.float64)

    mode_names = np.array([MODE_NAMES[k] for k in sorted(MODE_NAMES)], dtype=object)
    return pd.DataFrame(
        {
            **_long(t_all if rows else np.zeros(0), names, n),
            "flow_kg_per_s": col(0),
            "p_in_pa": col(1),
            "p_out_pa": col(2),
            "ratio": col(2) / col(1),
            "power_w": col(3),
            "fuel_kg_per_s": col(4),
            "t_out_k": col(5),
            "mode": mode_names[col(6).astype(np.int64)],
        }
    )


def _source_table(t_all: FloatArray, names: list[str], rows: list[FloatArray]) -> pd.DataFrame:
    import pandas as pd

    n = len(names)
    a = np.stack(rows) if n else np.zeros((t_all.size, 3, 0))
    return pd.DataFrame(
        {
            **_long(t_all, names, n),
            "mode": np.where(a[:, 0, :].ravel() > 0.5, "flow", "pressure").astype(object),
            "flow_kg_per_s": a[:, 1, :].ravel(),
            "p_pa": a[:, 2, :].ravel(),
        }
    )


def _sink_table(t_all: FloatArray, names: list[str], rows: list[FloatArray]) -> pd.DataFrame:
    import pandas as pd

    n = len(names)
    a = np.stack(rows) if n else np.zeros((t_all.size, 2, 0))
    return pd.DataFrame(
        {**_long(t_all, names, n), "flow_kg_per_s": a[:, 0, :].ravel(), "p_pa": a[:, 1, :].ravel()}
    )


def nodal_matrix_at_start(
    net: Network,
    gas: GasModel,
    options: TransientOptions,
    initial: SteadyResult,
    controls: Controls | None = None,
) -> Any:
    """The sparse matrix one Newton iteration of the first time step factorises (for benchmarks).

    Parameters
    ----------
    net
        The network [-].
    gas
        The gas model [-].
    options
        The transient options (time step, physics) [-].
    initial
        The steady start, solved with ``options.steady`` [-].
    controls
        Schedules; default none [-].
    """
    sim = _Sim(net, gas, controls or Controls(), options, initial)
    x = sim.x
    _res, parts = sim._evaluate(x, options.dt_s, x[sim.nn : sim.nn + sim.ns].copy(), jac=True)
    return _st._matrix(sim._pattern, sim._nodal_values(parts, options.dt_s))
