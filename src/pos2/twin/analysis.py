"""Analyses on the twin: run, profile, capacity, station design, implied pressure, part loads.

All functions take a :class:`~pos2.scenario.Scenario` and return new typed results; variants are
made with :meth:`Scenario.with_overrides`, so every variant is validated like user input.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pos2.errors import ConvergenceError, GasError, InfeasibleError, ScenarioError
from pos2.scenario import Scenario
from pos2.twin.network import ChainOptions
from pos2.twin.results import TwinResult, Violation, raise_if_infeasible
from pos2.twin.solve import solve_chain

_WHICH = ("upstream", "downstream")


def run_twin(
    scenario: Scenario,
    throughput_bcm_per_year: float | None = None,
    *,
    check: bool = False,
    options: ChainOptions | None = None,
) -> TwinResult:
    """The twin at one throughput: profiles, stations, summary.

    Parameters
    ----------
    scenario
        A loaded scenario (:func:`pos2.scenario.load_scenario`) [-]
    throughput_bcm_per_year
        Delivered throughput [bcm/yr at 20 degC, 101.325 kPa]; default from the scenario.
    check
        Raise :class:`InfeasibleError` when a station or the delivery breaks a limit (default: list
        the broken limits in ``result.violations``, like ``pos2 twin`` without ``--strict``) [-]
    options
        Variations that are not scenario keys (flat terrain, one section only) [-]

    Raises
    ------
    InfeasibleError
        The line cannot carry the throughput (the pressure collapses: the message names the stretch
        of pipe), or, with ``check``, a station limit is broken (the message names the station and
        the limit).
    """
    res = solve_chain(scenario, throughput_bcm_per_year, options)
    return raise_if_infeasible(res) if check else res


def profile(scenario: Scenario, throughput_bcm_per_year: float | None = None) -> pd.DataFrame:
    """Pressure, temperature, density, velocity and elevation along the route (see TwinResult.profile).

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    throughput_bcm_per_year
        Delivered throughput; default from the scenario [bcm/yr]
    """
    return run_twin(scenario, throughput_bcm_per_year, check=False).profile


@dataclass(frozen=True)
class Trial:
    """Outcome of one feasibility trial."""

    feasible: bool
    binding: Violation | None
    result: TwinResult | None

    @property
    def below_limits(self) -> bool:
        """Feasible, or failing only because a station's suction exceeds its discharge set point: at
        low flow the station would run in bypass, which limits nothing (counts as feasible for
        capacity searches)."""
        return self.feasible or (self.binding is not None and self.binding.constraint == "min ratio")


def _binding_from_error(e: InfeasibleError | ConvergenceError | GasError) -> Violation:
    if isinstance(e, InfeasibleError):
        return Violation(e.element or "line", e.constraint or str(e), math.nan, math.nan, "")
    if isinstance(e, GasError):
        return Violation("gas model", f"state outside the property tables ({e})", math.nan, math.nan, "")
    return Violation("steady solver", f"did not converge ({e})", math.nan, math.nan, "")


def _trial(
    scenario: Scenario,
    throughput_bcm_per_year: float,
    options: ChainOptions | None,
    keep: Callable[[Violation], bool] | None = None,
) -> Trial:
    try:
        res = solve_chain(scenario, throughput_bcm_per_year, options)
    except (InfeasibleError, ConvergenceError, GasError) as e:
        return Trial(False, _binding_from_error(e), None)
    viol = [v for v in res.violations if keep is None or keep(v)]
    return Trial(not viol, viol[0] if viol else None, res)


def _is_power(v: Violation) -> bool:
    return v.constraint.startswith("shaft power")


def _not_power(v: Violation) -> bool:
    """Designs size the units afterwards: the installed power does not limit them."""
    return not _is_power(v)


def _upstream_filter(scenario: Scenario) -> Callable[[Violation], bool]:
    """Violations the upstream section is responsible for in a whole-line run."""
    m = scenario.model
    up = m.route.upstream.name
    down_first = f"{m.route.downstream.name}_cs1"
    if m.route.downstream.station_names:
        down_first = m.route.downstream.station_names[0]
    has_down_station = m.route.downstream.station_count > 0

    def keep(v: Violation) -> bool:
        if _is_power(v):
            return False
        if v.element.startswith(f"{up}_cs") or v.element in m.route.upstream.station_names:
            return True
        if has_down_station:
            return v.element == down_first and "ratio" in v.constraint
        return v.element.startswith("delivery")

    return keep


@dataclass(frozen=True)
class CapacityResult:
    """Largest feasible throughput and what limits it."""

    throughput_bcm_per_year: float
    binding: Violation | None
    """The limit broken just above the capacity (``None`` when the search bound was reached)."""
    evaluations: int
    result: TwinResult | None
    """The twin at the capacity."""

    def binding_text(self) -> str:
        """The binding constraint in words."""
        if self.binding is None:
            return "search upper bound reached"
        return f"{self.binding.element}: {self.binding.constraint}"


def capacity(
    scenario: Scenario,
    *,
    options: ChainOptions | None = None,
    lo_bcm_per_year: float | None = None,
    hi_bcm_per_year: float | None = None,
    tol_bcm_per_year: float = 0.1,
) -> CapacityResult:
    """Largest throughput the scenario's stations, MAOP and minimum delivery pressure allow.

    Bisection on the throughput; a trial is feasible when the steady solve succeeds and no station
    exceeds its maximum ratio or installed power and the delivery pressure stays above its minimum.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    options
        Variations (e.g. one section only) [-]
    lo_bcm_per_year, hi_bcm_per_year
        Search interval [bcm/yr]; default 0.5 and 1.3 times the scenario's throughput, widened
        (down to 0.5 bcm/yr, up to 200 bcm/yr) when the capacity lies outside.
    tol_bcm_per_year
        Width of the final interval [bcm/yr].

    Raises
    ------
    InfeasibleError
        When even ``lo_bcm_per_year`` is infeasible (naming the binding constraint).
    """
    q0 = scenario.model.pipeline.throughput_bcm_per_year
    lo_q = lo_bcm_per_year if lo_bcm_per_year is not None else 0.5 * q0
    hi_q = hi_bcm_per_year if hi_bcm_per_year is not None else 1.3 * q0
    n = 1
    t_lo = _trial(scenario, lo_q, options)
    while not t_lo.below_limits and lo_bcm_per_year is None and lo_q > 0.5:
        hi_q, lo_q = lo_q, max(0.5, 0.5 * lo_q)
        t_lo = _trial(scenario, lo_q, options)
        n += 1
    if not t_lo.below_limits:
        b = t_lo.binding
        what = ""
        if b is not None:
            what = b.message() if math.isfinite(b.value) else f"{b.element}: {b.constraint}"
        raise InfeasibleError(
            f"even {lo_q:g} bcm/yr is infeasible: {what}",
            element=b.element if b else None,
            constraint=b.constraint if b else None,
        )
    t_hi = _trial(scenario, hi_q, options)
    n += 1
    while t_hi.below_limits and hi_bcm_per_year is None and hi_q < 200.0:
        lo_q, t_lo, hi_q = hi_q, t_hi, min(200.0, 2.0 * hi_q)
        t_hi = _trial(scenario, hi_q, options)
        n += 1
    if t_hi.below_limits:
        return CapacityResult(hi_q, None, n, t_hi.result)
    lo, hi, best, binding = lo_q, hi_q, t_lo, t_hi.binding
    while hi - lo > tol_bcm_per_year:
        mid = 0.5 * (lo + hi)
        t = _trial(scenario, mid, options)
        n += 1
        if t.below_limits:
            lo, best = mid, t
        else:
            hi, binding = mid, t.binding
    return CapacityResult(lo, binding, n, best.result)


@dataclass(frozen=True)
class SectionDesign:
    """Stations needed on one section for a target throughput."""

    section: str
    stations: int
    spacing_km: float
    max_ratio: float
    total_power_mw: float
    max_station_power_mw: float
    units_per_station: int
    """Units of the scenario's size needed at the busiest station (running, excluding standby)."""
    fuel_share: float
    feasible: bool
    binding: Violation | None
    result: TwinResult | None

    @property
    def below_limits(self) -> bool:
        """Feasible, or failing only because a station's suction exceeds its discharge set point: at
        low flow the station would run in bypass, which limits nothing (counts as feasible for
        capacity searches)."""
        return self.feasible or (self.binding is not None and self.binding.constraint == "min ratio")

    def row(self) -> dict[str, Any]:
        """As a table row."""
        return {
            "section": self.section,
            "stations": self.stations,
            "spacing_km": self.spacing_km,
            "max_ratio": self.max_ratio,
            "total_power_mw": self.total_power_mw,
            "max_station_power_mw": self.max_station_power_mw,
            "units_per_station": self.units_per_station,
            "fuel_share": self.fuel_share,
            "feasible": self.feasible,
            "binding": None if self.binding is None else f"{self.binding.element}: {self.binding.constraint}",
        }


def _section_options(scenario: Scenario, which: str, base: ChainOptions | None) -> ChainOptions:
    spec = getattr(scenario.model.route, which)
    b = base or ChainOptions()
    return ChainOptions(flat_terrain=b.flat_terrain, section=spec.name)


def design_section(
    scenario: Scenario,
    which: str,
    throughput_bcm_per_year: float | None = None,
    *,
    max_stations: int = 60,
    options: ChainOptions | None = None,
) -> SectionDesign:
    """Fewest evenly spaced stations that let one section carry a throughput.

    Criteria: every station of the section within the maximum ratio, and the pressure at the end of
    the section high enough for what follows. The upstream section is solved within the whole line
    (so it carries the downstream fuel gas), its end pressure must let the next section's head
    station reach its MAOP within the maximum ratio. A downstream section is solved alone, from a
    suction of MAOP / max ratio at its head station, its end pressure must reach the minimum
    delivery pressure. The installed power does not limit a design: ``units_per_station`` says how
    many units of the scenario's size the busiest station needs.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    which
        ``"upstream"`` or ``"downstream"`` [-]
    throughput_bcm_per_year
        Target [bcm/yr]; default from the scenario.
    max_stations
        Upper bound of the search [-].
    options
        Variations (flat terrain) [-]
    """
    if which not in _WHICH:
        raise ScenarioError("section must be 'upstream' or 'downstream'", field="section", value=which)
    spec = getattr(scenario.model.route, which)
    q = throughput_bcm_per_year or scenario.model.pipeline.throughput_bcm_per_year
    key = f"route.{which}.station_count"
    cache: dict[int, Trial] = {}
    if which == "upstream":
        # the whole line, counting only what the upstream section is responsible for: its stations
        # and the suction of the next section's head station (it carries the downstream fuel too)
        base = options or ChainOptions()
        opts: ChainOptions | None = ChainOptions(flat_terrain=base.flat_terrain)
        keep: Callable[[Violation], bool] | None = _upstream_filter(scenario)
    else:
        opts = _section_options(scenario, which, options)
        keep = _not_power

    def trial(n: int) -> Trial:
        if n not in cache:
            scn = scenario.with_overrides(
                {key: n, f"route.{which}.station_chainages_km": [], f"route.{which}.station_names": []}
            )
            cache[n] = _trial(scn, q, opts, keep)
        return cache[n]

    # search from the current count: usually one or two solves (feasibility grows with the count)
    n0 = min(max(1, spec.station_count), max_stations)
    if trial(n0).feasible:
        n = n0
        while n > 1 and trial(n - 1).feasible:
            n -= 1
    else:
        lo, hi = n0, min(n0 + 1, max_stations)
        while not trial(hi).feasible:
            if hi == max_stations:
                t = trial(max_stations)
                nan = math.nan
                return SectionDesign(
                    spec.name, max_stations, nan, nan, nan, nan, 0, nan, False, t.binding, t.result
                )
            lo, hi = hi, min(2 * hi, max_stations)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if trial(mid).feasible:
                hi = mid
            else:
                lo = mid
        n = hi
    t = trial(n)
    assert t.result is not None
    st = t.result.stations
    st = st[st["section"] == spec.name]
    unit = scenario.model.stations.unit_power_mw
    pmax = float(st["power_mw"].max()) if len(st) else 0.0
    return SectionDesign(
        section=spec.name,
        stations=n,
        spacing_km=spec.length_km / n,
        max_ratio=float(st["ratio"].max()) if len(st) else math.nan,
        total_power_mw=float(st["power_mw"].sum()),
        max_station_power_mw=pmax,
        units_per_station=math.ceil(pmax / unit - 1e-9) if pmax > 0 else 0,
        fuel_share=float(st["fuel_kg_per_s"].sum()) / float(st["flow_kg_per_s"].iloc[0]) if len(st) else 0.0,
        feasible=True,
        binding=None,
        result=t.result,
    )


def design_stations(
    scenario: Scenario, throughput_bcm_per_year: float | None = None, *, options: ChainOptions | None = None
) -> pd.DataFrame:
    """Stations needed on every section for a target throughput (default 50 bcm/yr for pos2).

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    throughput_bcm_per_year
        Target; default from the scenario [bcm/yr]
    options
        Variations (flat terrain) [-]

    Returns
    -------
    pandas.DataFrame
        One row per section (see :meth:`SectionDesign.row`).
    """
    return pd.DataFrame(
        [design_section(scenario, w, throughput_bcm_per_year, options=options).row() for w in _WHICH]
    )


@dataclass(frozen=True)
class ImpliedPressure:
    """The lowest MAOP with which a section's stations carry a throughput."""

    section: str
    stations: int
    throughput_bcm_per_year: float
    max_pressure_mpa: float
    wall_thickness_mm: float
    flat_terrain_max_pressure_mpa: float
    result: TwinResult | None
    binding_below: Violation | None = None
    evaluations: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def _maop_trial(
    scenario: Scenario, which: str, maop_mpa: float, throughput_bcm_per_year: float, flat: bool
) -> tuple[Trial, float]:
    """Trial at a section MAOP [MPa abs] and throughput [bcm/yr]; returns it and the wall [mm]."""
    spec = getattr(scenario.model.route, which)
    # keep Gazprom's ~constant hoop stress: the wall grows with the pressure (eng §1b)
    wall_mm = spec.wall_thickness_mm * maop_mpa / spec.max_pressure_mpa
    scn = scenario.with_overrides(
        {f"route.{which}.max_pressure_mpa": maop_mpa, f"route.{which}.wall_thickness_mm": wall_mm}
    )
    opts = ChainOptions(flat_terrain=flat, section=spec.name)
    return _trial(scn, throughput_bcm_per_year, opts), wall_mm


def implied_pressure(
    scenario: Scenario,
    which: str = "downstream",
    throughput_bcm_per_year: float | None = None,
    *,
    lo_mpa: float | None = None,
    hi_mpa: float | None = None,
    tol_mpa: float = 0.01,
) -> ImpliedPressure:
    """Lowest maximum operating pressure with which a section's published stations carry a throughput.

    Answers: "which operating pressure do Soyuz Vostok's 5 stations over 962.9 km imply at 50 bcm/yr,
    given the climb from the Selenga valley to the Mongolian plateau?" The section is solved alone;
    the wall thickness scales with the pressure at constant hoop stress; the same search on a flat
    profile isolates the effect of the terrain.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    which
        ``"upstream"`` or ``"downstream"`` [-].
    throughput_bcm_per_year
        Target [bcm/yr]; default from the scenario.
    lo_mpa, hi_mpa
        Search interval [MPa absolute]; default 0.75 and 1.25 times the section's MAOP (at most
        20 MPa).
    tol_mpa
        Final interval width [MPa].
    """
    if which not in _WHICH:
        raise ScenarioError("section must be 'upstream' or 'downstream'", field="section", value=which)
    spec = getattr(scenario.model.route, which)
    q = throughput_bcm_per_year or scenario.model.pipeline.throughput_bcm_per_year
    found: dict[bool, tuple[float, Trial | None, Violation | None, float]] = {}
    evals = 0
    lo_mpa = lo_mpa if lo_mpa is not None else 0.75 * spec.max_pressure_mpa
    hi_mpa = hi_mpa if hi_mpa is not None else min(20.0, 1.25 * spec.max_pressure_mpa)
    for flat in (False, True):
        t_hi, wall_hi = _maop_trial(scenario, which, hi_mpa, q, flat)
        evals += 1
        if not t_hi.feasible:
            found[flat] = (math.nan, None, t_hi.binding, wall_hi)
            continue
        lo, hi, best, wall, bind = lo_mpa, hi_mpa, t_hi, wall_hi, None
        while hi - lo > tol_mpa:
            mid = 0.5 * (lo + hi)
            t, w = _maop_trial(scenario, which, mid, q, flat)
            evals += 1
            if t.feasible:
                hi, best, wall = mid, t, w
            else:
                lo, bind = mid, t.binding
        found[flat] = (hi, best, bind, wall)
    p, best_found, bind, wall = found[False]
    return ImpliedPressure(
        section=spec.name,
        stations=spec.station_count,
        throughput_bcm_per_year=q,
        max_pressure_mpa=p,
        wall_thickness_mm=wall,
        flat_terrain_max_pressure_mpa=found[True][0],
        result=best_found.result if best_found else None,
        binding_below=bind,
        evaluations=evals,
    )


def part_loads(
    scenario: Scenario, fractions: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
) -> pd.DataFrame:
    """Fuel, power and linepack at part loads of the scenario's throughput, stations as built.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    fractions
        Fractions of the scenario's throughput [-]

    Returns
    -------
    pandas.DataFrame
        ``throughput_bcm_per_year``, ``total_power_mw``, ``fuel_share``, ``fuel_bcm_per_year``,
        ``linepack_mcm``, ``min_pressure_mpa``, ``delivery_pressure_mpa``, ``feasible``.
    """
    q0 = scenario.model.pipeline.throughput_bcm_per_year
    rows = []
    for f in fractions:
        t = _trial(scenario, q0 * f, None)
        if t.result is None:
            rows.append({"throughput_bcm_per_year": q0 * f, "feasible": False})
            continue
        s = t.result.summary
        rows.append(
            {
                "throughput_bcm_per_year": q0 * f,
                "total_power_mw": s.total_power_mw,
                "fuel_share": s.fuel_share,
                "fuel_bcm_per_year": s.fuel_bcm_per_year,
                "linepack_mcm": s.linepack_mcm,
                "min_pressure_mpa": s.min_pressure_mpa,
                "delivery_pressure_mpa": s.delivery_pressure_mpa,
                "feasible": t.feasible,
            }
        )
    return pd.DataFrame(rows)


def russian_length_effect(scenario: Scenario, lengths_km: tuple[float, ...] | None = None) -> pd.DataFrame:
    """Effect of the disputed Russian length on stations, power, fuel and linepack at the design rate.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    lengths_km
        Lengths of the upstream section [km]; default its published lengths.
    """
    spec = scenario.model.route.upstream
    lengths = lengths_km or tuple(spec.published_lengths_km) or (spec.length_km,)
    rows = []
    for length in lengths:
        scn = scenario.with_overrides({"route.upstream.length_km": float(length)})
        d = design_section(scn, "upstream")
        full = None
        if d.feasible:
            full = _trial(
                scn.with_overrides({"route.upstream.station_count": d.stations}),
                scn.model.pipeline.throughput_bcm_per_year,
                None,
            ).result
        rows.append(
            {
                "russia_length_km": float(length),
                "stations_needed": d.stations,
                "spacing_km": d.spacing_km,
                "russia_power_mw": d.total_power_mw,
                "total_power_mw": full.summary.total_power_mw if full else math.nan,
                "fuel_share": full.summary.fuel_share if full else math.nan,
                "fuel_bcm_per_year": full.summary.fuel_bcm_per_year if full else math.nan,
                "linepack_mcm": full.summary.linepack_mcm if full else math.nan,
            }
        )
    return pd.DataFrame(rows)


def capacity_curve_stations(
    scenario: Scenario, which: str = "downstream", counts: tuple[int, ...] = (3, 4, 5, 6, 7, 8)
) -> pd.DataFrame:
    """Capacity of one section (solved alone) against its number of evenly spaced stations.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    which
        ``"upstream"`` or ``"downstream"`` [-]
    counts
        Station counts to evaluate [-]
    """
    spec = getattr(scenario.model.route, which)
    rows = []
    for n in counts:
        scn = scenario.with_overrides(
            {
                f"route.{which}.station_count": n,
                f"route.{which}.station_chainages_km": [],
                f"route.{which}.station_names": [],
            }
        )
        c = capacity(scn, options=ChainOptions(section=spec.name), tol_bcm_per_year=0.5)
        rows.append(
            {
                "section": spec.name,
                "stations": n,
                "max_pressure_mpa": spec.max_pressure_mpa,
                "capacity_bcm_per_year": c.throughput_bcm_per_year,
                "binding": c.binding_text(),
            }
        )
    return pd.DataFrame(rows)


def capacity_curve_pressure(
    scenario: Scenario,
    which: str = "downstream",
    pressures_mpa: tuple[float, ...] = (8.0, 9.8, 11.0, 11.8, 13.0, 14.0),
) -> pd.DataFrame:
    """Capacity of one section (solved alone) against its MAOP, wall scaled at constant hoop stress.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    which
        ``"upstream"`` or ``"downstream"`` [-]
    pressures_mpa
        Maximum operating pressures to evaluate [MPa absolute]
    """
    spec = getattr(scenario.model.route, which)
    rows = []
    for p in pressures_mpa:
        wall = spec.wall_thickness_mm * p / spec.max_pressure_mpa
        scn = scenario.with_overrides(
            {f"route.{which}.max_pressure_mpa": p, f"route.{which}.wall_thickness_mm": wall}
        )
        c = capacity(scn, options=ChainOptions(section=spec.name), tol_bcm_per_year=0.5)
        rows.append(
            {
                "section": spec.name,
                "stations": spec.station_count,
                "max_pressure_mpa": p,
                "capacity_bcm_per_year": c.throughput_bcm_per_year,
                "binding": c.binding_text(),
            }
        )
    return pd.DataFrame(rows)
