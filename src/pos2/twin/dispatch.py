"""Station dispatch: which compressor stations run, are bypassed or throttle, and at what set point.

A settled solve (:func:`settler`) repeats the steady solve of the chain until the dispatch no longer
changes: a station whose suction pressure reaches its set point is bypassed, a bypassed one whose
suction falls below it runs again, and a station whose span would rise above the maximum operating
pressure (MAOP) downhill throttles at a lower set point. The minimum-power dispatch
(:func:`min_power_dispatch`) runs the fewest stations from the head and trims the last one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pos2.errors import ConvergenceError, GasError, InfeasibleError, NetworkError
from pos2.gas.model import GasModel
from pos2.scenario import Scenario
from pos2.twin.gas import gas_for
from pos2.twin.network import Chain, ChainOptions, build_chain
from pos2.twin.results import collapse_error, delivery_pa, describe_element, limit_violations, station_rows
from pos2.twin.route import RouteGeometry, build_route
from pos2.units import celsius_to_k

if TYPE_CHECKING:
    from pos2.hydraulics import SteadyOptions, SteadyResult


MAX_BYPASS_ROUNDS = 40
"""Solves allowed while settling which stations run, are bypassed or throttle at part load [-]."""

MAOP_REL = 1e-6
"""Relative tolerance of the MAOP check along the line [-]."""

_BYPASS_REL = 1e-9
"""Relative tolerance of the bypass decision (suction vs set point) [-]."""

MIN_POWER_REL = 2e-3
"""Minimum-power dispatch: the delivery pressure is brought to within this fraction above its minimum."""


@dataclass(frozen=True)
class _Dispatch:
    """How the stations run in one solve: bypassed, throttling, and lowered set points [Pa]."""

    bypassed: frozenset[str]
    throttled: frozenset[str]
    set_points_pa: dict[str, float]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Dispatch):
            return NotImplemented
        return (
            self.bypassed == other.bypassed
            and self.throttled == other.throttled
            and self.set_points_pa == other.set_points_pa
        )

    def __hash__(self) -> int:
        return hash((self.bypassed, self.throttled, tuple(sorted(self.set_points_pa.items()))))

    def describe(self) -> str:
        """Short text for an error message."""
        parts = [f"bypassed {', '.join(sorted(self.bypassed)) or 'none'}"]
        if self.throttled:
            parts.append(f"throttling {', '.join(sorted(self.throttled))}")
        return " / ".join(parts)


Settled = tuple[Chain, "SteadyResult", _Dispatch, list[_Dispatch], int]
"""A settled solve: chain, steady result, dispatch, the dispatches tried, Newton iterations."""


def _solve_once(chain: Chain, gas: GasModel, sopts: SteadyOptions, q: float) -> SteadyResult:
    """One steady solve of a built chain, with the solver's errors in route terms."""
    from pos2.hydraulics import solve_steady

    try:
        return solve_steady(chain.network, gas, sopts)
    except NetworkError as e:  # a bug of the twin rather than of the user's data
        raise InfeasibleError(f"twin network rejected by the solver: {e}", element=e.element) from e
    except InfeasibleError as e:
        if e.constraint == "pressure > 0" and e.element in chain.pipe_start_m:
            raise collapse_error(chain, e, q) from e
        where = describe_element(chain, e.element)
        raise InfeasibleError(
            f"the line cannot carry {q:g} bcm/yr: {e} (at {where})",
            element=where,
            constraint=e.constraint,
            value=e.value,
        ) from e
    except ConvergenceError as e:
        raise ConvergenceError(
            f"the line at {q:g} bcm/yr: {str(e).rsplit(' (after ', 1)[0]} "
            "(a throughput near or beyond the capacity?)",
            iterations=e.iterations,
            residual=e.residual,
        ) from e
    except GasError as e:
        raise InfeasibleError(
            f"the line cannot carry {q:g} bcm/yr: the steady solve diverged (gas state outside the "
            f"property tables: {e})",
            element="line",
            constraint="solver divergence",
        ) from e


class _Settler:
    """Solve the line and settle which stations run, are bypassed or throttle (for a dispatch)."""

    def __init__(
        self,
        scenario: Scenario,
        q: float,
        options: ChainOptions | None,
        geo: RouteGeometry,
        gas: GasModel,
        sopts: SteadyOptions,
        maop_pa: dict[str, float],
    ) -> None:
        self.scenario, self.q, self.options, self.geo = scenario, q, options, geo
        self.gas, self.sopts, self.maop_pa = gas, sopts, maop_pa

    def __call__(self, forced_off: frozenset[str], set_points_pa: dict[str, float]) -> Settled:
        """Solve with ``forced_off`` stations never compressing and the given starting set points."""
        state = _Dispatch(forced_off, frozenset(), dict(set_points_pa))
        seen: list[_Dispatch] = []
        iterations = 0
        while True:
            chain = build_chain(
                self.scenario,
                self.q,
                self.options,
                self.geo,
                bypassed=state.bypassed,
                throttled=state.throttled,
                set_points_pa=state.set_points_pa,
            )
            res = _solve_once(chain, self.gas, self.sopts, self.q)
            iterations += int(res.iterations)
            seen.append(state)
            nxt = _next_dispatch(chain, res, state, self.maop_pa, forced_off)
            if nxt == state:
                return chain, res, state, seen, iterations
            if nxt in seen or len(seen) >= MAX_BYPASS_ROUNDS:
                rounds = "; ".join(d.describe() for d in [*seen, nxt])
                raise ConvergenceError(
                    f"the line at {self.q:g} bcm/yr: the set of running, bypassed and throttling compressor "
                    f"stations does not settle (successive solves: {rounds})",
                    iterations=len(seen),
                    residual=float(len(nxt.bypassed.symmetric_difference(state.bypassed))),
                )
            state = nxt


def settler(
    scenario: Scenario, q: float, options: ChainOptions | None = None, geometry: RouteGeometry | None = None
) -> _Settler:
    """The solver of the scenario's line at ``q`` bcm/yr, with the twin's own steady options.

    Call it with the stations that must not compress and starting set points [Pa] to get a settled
    solve (as :func:`pos2.twin.solve.solve_chain` does for each dispatch).

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    q
        Delivered throughput [bcm/yr at the scenario's reference conditions].
    options
        Variations that are not scenario keys [-]
    geometry
        The route geometry, if already built [-]
    """
    from pos2.hydraulics import SteadyOptions

    m = scenario.model
    mean_ground = float(np.mean([r.temperature_c(m.pipeline.season) for r in m.thermal.regions]))
    sopts = SteadyOptions(
        friction=m.pipeline.friction,
        thermal=m.pipeline.thermal,
        max_segment_length_m=m.pipeline.max_segment_km * 1000.0,
        ambient_temperature_k=celsius_to_k(mean_ground),
        # the twin checks the station limits itself (violations) and bypasses the stations whose
        # suction pressure is at or above their set point (part load)
        check_limits=False,
    )
    maop_pa = {
        m.route.upstream.name: m.route.upstream.max_pressure_mpa * 1e6,
        m.route.downstream.name: m.route.downstream.max_pressure_mpa * 1e6,
    }
    geo = geometry or build_route(m.route, scenario)
    return _Settler(scenario, q, options, geo, gas_for(m.gas.composition), sopts, maop_pa)


def _span_excess(chain: Chain, res: SteadyResult, maop_pa: dict[str, float]) -> dict[str, float]:
    """Per station: the largest pressure / MAOP in the span it feeds (to the next station) [-]."""
    seg = res.segments
    start = seg["pipe"].astype(str).map(chain.pipe_start_m).to_numpy(dtype=float)
    maop = seg["pipe"].astype(str).map(chain.pipe_section).map(maop_pa).to_numpy(dtype=float)
    util = seg["p_pa"].to_numpy(dtype=float) / maop
    xs = [s.chainage_m for s in chain.stations]
    out: dict[str, float] = {}
    for k, s in enumerate(chain.stations):
        hi = xs[k + 1] if k + 1 < len(xs) else math.inf
        inside = (start >= s.chainage_m - 1e-3) & (start < hi - 1e-3)
        if inside.any():
            out[s.name] = float(util[inside].max())
    return out


def _next_dispatch(
    chain: Chain,
    res: SteadyResult,
    state: _Dispatch,
    maop_pa: dict[str, float],
    forced_off: frozenset[str] = frozenset(),
) -> _Dispatch:
    """How the stations run in the next solve.

    * A running station whose suction pressure is at or above its outlet set point (ratio <= 1) is
      bypassed, or throttles if its set point has been lowered below the MAOP.
    * A bypassed or throttling station whose suction has fallen below its set point by more than
      :data:`_BYPASS_REL` runs again (the band between the rules keeps a station at the boundary from
      toggling).
    * Where the gas in the span a station feeds rises above the MAOP (downhill at low load), the
      station's set point is scaled down by the excess (set points only ever fall, so this settles).
    * A station in ``forced_off`` never compresses (minimum-power dispatch): bypassed, or throttling.
    """
    comp = station_rows(res, chain)
    sp = dict(state.set_points_pa)
    for name, u in _span_excess(chain, res, maop_pa).items():
        if u > 1.0 + MAOP_REL:
            site = next(s for s in chain.stations if s.name == name)
            sp[name] = sp.get(name, maop_pa[site.section]) / u
    bypassed: set[str] = set()
    throttled: set[str] = set()
    for s in chain.stations:
        p_in = float(comp[s.name]["p_in_pa"])
        maop = maop_pa[s.section]
        target = sp.get(s.name, maop)
        lowered = target < maop * (1.0 - _BYPASS_REL)
        if s.name in forced_off:
            idle = True
        elif s.name in state.bypassed or s.name in state.throttled:
            idle = p_in >= target * (1.0 - _BYPASS_REL)
        else:
            idle = float(comp[s.name]["ratio"]) <= 1.0 or p_in >= target
        if idle:
            (throttled if lowered else bypassed).add(s.name)
    return _Dispatch(frozenset(bypassed), frozenset(throttled), sp)


def _acceptable(chain: Chain, res: SteadyResult) -> float | None:
    """Delivery pressure [Pa] when the solve breaks no limit (:func:`limit_violations`), else ``None``."""
    return None if limit_violations(chain, res) else delivery_pa(chain, res)


def min_power_dispatch(
    settle: _Settler, best: Settled
) -> tuple[Chain, SteadyResult, _Dispatch, list[_Dispatch], int, dict[str, Any]]:
    """Minimum-power dispatch from the MAOP dispatch ``best``.

    The fewest stations counted from the head run (at their set points), the others never compress;
    the last running station's set point is lowered until the gas arrives at the minimum delivery
    pressure. Compressing early keeps the pressure high where the line is long, which costs less
    friction than compressing late, so this is the cheapest of the dispatches that keep each station
    at the MAOP or off; a bisection on the count and a regula falsi on the set point (each trial a full
    settled solve; tens of solves at most).

    Parameters
    ----------
    settle
        The line's solver (:func:`settler`) [-]
    best
        The settled solve of the MAOP dispatch [-]

    Returns
    -------
    tuple
        The chosen settled solve (chain, steady result, dispatch, dispatches tried, Newton
        iterations) and the dispatch information for the result's ``solver`` field [-]
    """
    chain, res = best[0], best[1]
    names = [s.name for s in chain.stations]
    info: dict[str, Any] = {"dispatch": "min_power", "running_stations": len(names)}
    if _acceptable(chain, res) is None:
        info["note"] = "the MAOP dispatch already breaks a limit: kept as it is"
        b_chain, b_res, b_state, b_seen, b_iter = best
        return b_chain, b_res, b_state, b_seen, b_iter, info
    trials: dict[int, Settled | None] = {len(names): best}
    solves = 0

    def trial(k: int, sp: dict[str, float] | None = None) -> tuple[Settled | None, float | None]:
        nonlocal solves
        solves += 1
        try:
            out = settle(frozenset(names[k:]), sp or {})
        except (InfeasibleError, ConvergenceError, GasError):
            return None, None
        return out, _acceptable(out[0], out[1])

    lo, hi = -1, len(names)  # lo: known not acceptable (or below 0), hi: acceptable
    while hi - lo > 1:
        mid = (lo + hi) // 2
        out, p_end = trial(mid)
        if p_end is None:
            lo = mid
        else:
            hi, trials[mid] = mid, out
    chosen = trials[hi]
    assert chosen is not None
    if hi >= 1:
        # trim the last running station: delivery rises with its set point
        last = chain.stations[hi - 1]
        maop = settle.maop_pa[last.section]
        p_min = chain.end_min_pressure_mpa * 1e6
        c_row = chosen[1].compressors.set_index("name")
        a = float(c_row["p_in_pa"].loc[last.name]) if last.name in c_row.index else maop
        b = float(chosen[2].set_points_pa.get(last.name, maop))
        fb = float(_acceptable(chosen[0], chosen[1]) or p_min) - p_min
        fa: float | None = None  # unknown at the suction pressure (the trial with one station fewer)
        for _ in range(12):
            if fb <= MIN_POWER_REL * p_min or b - a < 1e3:
                break
            x = 0.5 * (a + b) if fa is None else b - fb * (b - a) / (fb - fa)
            x = min(max(x, a + 0.05 * (b - a)), b - 0.05 * (b - a))
            out, p_end = trial(hi, {last.name: x})
            if p_end is not None and out is not None:
                b, fb, chosen = x, p_end - p_min, out
            else:  # below the minimum (a secant point) or no solution (bisect)
                a = x
                fa = delivery_pa(out[0], out[1]) - p_min if out is not None else None
    info["running_stations"] = hi
    info["min_power_solves"] = solves
    c_chain, c_res, c_state, c_seen, c_iter = chosen
    return c_chain, c_res, c_state, c_seen, c_iter, info


__all__ = [
    "MAOP_REL",
    "MAX_BYPASS_ROUNDS",
    "MIN_POWER_REL",
    "Settled",
    "min_power_dispatch",
    "settler",
]
