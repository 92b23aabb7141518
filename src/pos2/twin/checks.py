"""Checks of a twin scenario across its sections, which the section models cannot do alone.

Regions of the waypoints, wall thickness against the maximum operating pressure (MAOP), head and
delivery pressures against the MAOP, and the units written in the files. Each refusal is a
:class:`~pos2.errors.ScenarioError` naming the file, line, field and value.
"""

from __future__ import annotations

from pos2.errors import ScenarioError
from pos2.scenario import Scenario
from pos2.scenario.sections_twin import STEEL_SMYS_MPA

MAX_HOOP_UTILISATION = 0.80
"""Largest accepted hoop stress / SMYS at MAOP [-] (assumption: a usual onshore design factor, above
the ~0.66 at which Gazprom lines run (eng §1b), so that only a wall clearly too thin is refused)."""


TWIN_SECTIONS = ("pipeline", "gas", "route", "stations", "thermal")
"""Top-level scenario sections owned by the twin."""


def source_location(scenario: Scenario, key: str) -> tuple[str | None, int | None]:
    """Where a scenario key was written: its file and line, else the scenario's origin and ``None``.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    key
        Dotted scenario key, e.g. ``route.upstream.wall_thickness_mm`` [-]
    """
    for s in scenario.sources:
        if s.key == key:
            return s.path, s.line
    return scenario.origin, None


def check_scenario(scenario: Scenario) -> None:
    """Checks across sections that the section models cannot do alone.

    Parameters
    ----------
    scenario
        A loaded scenario [-]

    Raises
    ------
    ScenarioError
        A waypoint's region missing from ``thermal.regions``; a wall too thin for the MAOP.
    """
    m = scenario.model
    check_units(scenario)
    regions = {r.name for r in m.thermal.regions}
    for i, w in enumerate(m.route.waypoints):
        if w.region not in regions:
            path, line = source_location(scenario, "thermal.regions")
            raise ScenarioError(
                f"waypoint '{w.name}': region not defined in thermal.regions ({', '.join(sorted(regions))})",
                path=path,
                line=line,
                field=f"route.waypoints[{i}].region",
                value=w.region,
            )
    for which in ("upstream", "downstream"):
        spec = getattr(m.route, which)
        util = spec.hoop_stress_mpa / STEEL_SMYS_MPA[spec.steel_grade]
        if util > MAX_HOOP_UTILISATION:
            path, line = source_location(scenario, f"route.{which}.wall_thickness_mm")
            raise ScenarioError(
                f"hoop stress {spec.hoop_stress_mpa:.0f} MPa at {spec.max_pressure_mpa} MPa is "
                f"{util:.0%} of the {spec.steel_grade} yield strength (limit {MAX_HOOP_UTILISATION:.0%})",
                path=path,
                line=line,
                field=f"route.{which}.wall_thickness_mm",
                value=spec.wall_thickness_mm,
            )
    # pressures that contradict the line's own maximum operating pressure: refused here rather than
    # reported later as a friction collapse or a broken delivery limit
    first, last = m.route.upstream, m.route.downstream
    for key, value, limit, what in (
        ("pipeline.head_pressure_mpa", m.pipeline.head_pressure_mpa, first, "the gas entering the line"),
        ("pipeline.min_delivery_pressure_mpa", m.pipeline.min_delivery_pressure_mpa, last, "the delivery"),
    ):
        if value > limit.max_pressure_mpa:
            path, line = source_location(scenario, key)
            raise ScenarioError(
                f"{what} at {value:g} MPa would be above the {limit.name} section's maximum operating "
                f"pressure route.{'upstream' if limit is first else 'downstream'}.max_pressure_mpa = "
                f"{limit.max_pressure_mpa:g} MPa (absolute)",
                path=path,
                line=line,
                field=key,
                value=value,
            )


def check_units(scenario: Scenario) -> None:
    """Every twin value written with a ``unit`` is in the schema's unit (the loader converts the others).

    Parameters
    ----------
    scenario
        A loaded scenario [-]

    Raises
    ------
    ScenarioError
        Naming file, line, field and the unknown unit.
    """
    from pos2.scenario.declared_units import same_unit
    from pos2.scenario.schema import schema_table

    units = {r.key: r.unit for r in schema_table()}
    for sv in scenario.sources:
        if not sv.unit or not sv.key.startswith(TWIN_SECTIONS) or sv.key not in units:
            continue
        expected = units[sv.key]
        if expected and not same_unit(sv.unit, expected):
            raise ScenarioError(
                f"unit '{sv.unit}' is not the unit of this field ('{expected}'); convert the value",
                path=sv.path,
                line=sv.line,
                field=sv.key,
                value=sv.value,
            )


__all__ = [
    "MAX_HOOP_UTILISATION",
    "TWIN_SECTIONS",
    "check_scenario",
    "check_units",
    "source_location",
]
