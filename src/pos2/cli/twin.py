"""``pos2 twin``: the pipeline twin at one throughput, with analyses, figures and (pos1) calibration."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from pos2.cli import app
from pos2.cli.common import (
    DebugOpt,
    ForceOpt,
    Format,
    FormatOpt,
    JsonOpt,
    OutOpt,
    QuietOpt,
    ScenarioOpt,
    SetOpt,
    check_out,
    err_console,
    get_scenario,
    guard_write,
    handle_errors,
    out_console,
    prepare_out,
    print_json,
    write_table,
)
from pos2.errors import ScenarioError
from pos2.scenario import DEFAULT_SCENARIO

if TYPE_CHECKING:
    import pandas as pd

    from pos2.scenario import Scenario

ThroughputOpt = Annotated[
    float | None,
    typer.Option(
        "--throughput",
        "-t",
        help="Throughput in bcm/yr at 20 degC, 101.325 kPa "
        "(shortcut for --set pipeline.throughput_bcm_per_year).",
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict", help="Exit with an error when a station limit or the delivery minimum is broken."
    ),
]
AnalysesOpt = Annotated[
    bool,
    typer.Option(
        "--analyses/--no-analyses",
        help="Also run station design, implied pressure, capacity curves, part loads and the Russian-"
        "length comparison (default: only with --out).",
        show_default=False,
    ),
]
CalibrateOpt = Annotated[
    bool, typer.Option("--calibrate", help="Run the PoS1 calibration (automatic for the pos1 scenario).")
]


def _analyses(scn: Scenario) -> dict[str, Any]:
    """The twin's standard analyses (:mod:`pos2.twin.standard`, the same as the report's)."""
    from pos2.twin.standard import ANALYSES

    out = {name: fn(scn) for name, fn in ANALYSES.items()}
    cap = out["capacity"]
    out["capacity"] = {"capacity_bcm_per_year": cap.throughput_bcm_per_year, "binding": cap.binding_text()}
    out["capacity_stations"] = out.pop("by_stations")
    out["capacity_pressure"] = out.pop("by_pressure")
    return out


def _implied_json(ip: Any) -> dict[str, Any]:
    return {
        "section": ip.section,
        "stations": ip.stations,
        "throughput_bcm_per_year": ip.throughput_bcm_per_year,
        "max_pressure_mpa": ip.max_pressure_mpa,
        "wall_thickness_mm": ip.wall_thickness_mm,
        "flat_terrain_max_pressure_mpa": ip.flat_terrain_max_pressure_mpa,
        "binding_below": None if ip.binding_below is None else ip.binding_below.message(),
    }


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()}
        for r in df.to_dict(orient="records")
    ]


@app.command()
def twin(
    scenario: ScenarioOpt = DEFAULT_SCENARIO,
    set_: SetOpt = None,
    throughput: ThroughputOpt = None,
    out: OutOpt = None,
    fmt: FormatOpt = Format.csv,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    debug: DebugOpt = False,
    strict: StrictOpt = False,
    analyses: AnalysesOpt = None,  # type: ignore[assignment]
    calibrate: CalibrateOpt = False,
) -> None:
    """Steady-state twin of the line: pressures, stations, power, fuel, linepack (and analyses)."""
    with handle_errors(debug):
        from pos2.twin import calibrate_pos1, run_twin
        from pos2.twin.gas import reference_info
        from pos2.twin.results import raise_if_infeasible

        t0 = time.perf_counter()
        check_out(out, force, fmt, f"twin_*.{fmt.value}", "twin_*.html", "twin_summary.json")
        sets = list(set_ or [])
        if throughput is not None:
            if any(x.split("=", 1)[0].strip() == "pipeline.throughput_bcm_per_year" for x in sets):
                raise ScenarioError(
                    "given twice: --throughput and --set pipeline.throughput_bcm_per_year; give one",
                    field="pipeline.throughput_bcm_per_year",
                    value=throughput,
                )
            sets.append(f"pipeline.throughput_bcm_per_year={throughput}")
        scn = get_scenario(scenario, sets)
        res = run_twin(scn, check=False)
        if strict:
            raise_if_infeasible(res)
        do_analyses = analyses if analyses is not None else out is not None
        extra = _analyses(scn) if do_analyses else {}
        cal = calibrate_pos1(scn) if (calibrate or scn.model.name == "pos1") else None
        summary = res.summary
        if cal is not None:
            from dataclasses import replace

            summary = replace(summary, calibration=cal.rows)
        elapsed = time.perf_counter() - t0
        if out is not None:
            _write_outputs(prepare_out(out), res, extra, cal, fmt, force, summary.to_json())
        for w in res.warnings:
            err_console.print(f"[yellow]warning[/]: {escape(w)}", highlight=False, soft_wrap=True)
        for v in res.violations:
            msg = escape(v.message())
            err_console.print(f"[yellow]limit broken[/]: {msg}", highlight=False, soft_wrap=True)
        if json_:
            obj = summary.to_json()
            obj["feasible"] = res.feasible
            obj["violations"] = [v.message() for v in res.violations]
            obj["warnings"] = list(res.warnings)
            obj["solver"] = res.solver
            obj["gas"] = reference_info(scn, summary.throughput_bcm_per_year)
            if extra:
                obj["capacity"] = extra["capacity"]
                obj["design"] = _records(extra["design"])
                obj["implied_pressure"] = _implied_json(extra["implied"])
                obj["russian_length_effect"] = _records(extra["length_effect"])
                obj["part_loads"] = _records(extra["part_loads"])
            print_json(obj)
            return
        if quiet:
            return
        _print_summary(res, extra, cal, elapsed, reference_info(scn, summary.throughput_bcm_per_year))


def _write_outputs(
    out: Path,
    res: Any,
    extra: dict[str, Any],
    cal: Any,
    fmt: Format,
    force: bool,
    summary_json: dict[str, Any],
) -> None:
    import json

    from pos2.twin import figures

    write_table(res.profile, out, "twin_profile", fmt, force)
    write_table(res.stations, out, "twin_stations", fmt, force)
    write_table(res.route, out, "twin_route", fmt, force)
    path = guard_write(out / "twin_summary.json", force)
    path.write_text(json.dumps(summary_json, indent=2, default=float), encoding="utf-8")
    figs = {
        "twin_profile": figures.profile_figure(res),
        "twin_route_map": figures.route_map(res.geometry, res.stations),
    }
    if extra:
        write_table(extra["design"], out, "twin_design", fmt, force)
        write_table(extra["part_loads"], out, "twin_part_loads", fmt, force)
        write_table(extra["length_effect"], out, "twin_length_effect", fmt, force)
        import pandas as pd

        curves = pd.concat([extra["capacity_stations"], extra["capacity_pressure"]], ignore_index=True)
        write_table(curves, out, "twin_capacity", fmt, force)
        target = res.summary.throughput_bcm_per_year
        figs["twin_capacity"] = figures.capacity_figure(
            extra["capacity_stations"], extra["capacity_pressure"], target
        )
        figs["twin_fuel_power"] = figures.fuel_power_figure(extra["part_loads"])
        figs["twin_length_effect"] = figures.length_effect_figure(extra["length_effect"])
    if cal is not None:
        write_table(cal.table(), out, "twin_calibration", fmt, force)
        write_table(cal.runs, out, "twin_calibration_runs", fmt, force)
    for stem, fig in figs.items():
        figures.write_figure(fig, guard_write(out / f"{stem}.html", force))


def _verdict(res: Any) -> str:
    """One phrase: station limits kept or broken, and whether warnings need reading."""
    if not res.feasible:
        return "[red]limits broken[/]"
    if res.warnings:
        return "[yellow]station limits kept; read the warnings[/]"
    return "[green]within all limits[/]"


def _print_summary(res: Any, extra: dict[str, Any], cal: Any, elapsed: float, ref: dict[str, Any]) -> None:
    s = res.summary
    out_console.print(
        f"[bold]{s.scenario}[/]: {s.throughput_bcm_per_year:g} bcm/yr "
        f"({ref['reference_temperature_c']:g} degC, "
        f"{ref['reference_pressure_kpa']:g} kPa; = {ref['throughput_kg_per_s']:,.0f} kg/s, "
        f"{ref['throughput_bcm_per_year_iso_15c']:.2f} bcm/yr at 15 degC) delivered"
        f" - {_verdict(res)}"
    )
    t = Table(title="sections")
    for c in ("name", "length km", "OD mm", "wall mm", "roughness um", "MAOP MPa abs"):
        t.add_column(c)
    for sec in s.sections:
        t.add_row(
            sec.name,
            f"{sec.length_km:,.1f}",
            f"{sec.outer_diameter_mm:g}",
            f"{sec.wall_thickness_mm:g}",
            f"{sec.roughness_um:g}",
            f"{sec.max_pressure_mpa:g}",
        )
    out_console.print(t)
    st = Table(title="compressor stations")
    for c in (
        "name",
        "near",
        "km",
        "suction MPa",
        "discharge MPa",
        "ratio",
        "power MW",
        "installed MW",
        "state",
    ):
        st.add_column(c)
    for _, r in res.stations.iterrows():
        st.add_row(
            str(r["name"]),
            str(r["near"]),
            f"{r['chainage_km']:,.0f}",
            f"{r['suction_pressure_mpa']:.2f}",
            f"{r['discharge_pressure_mpa']:.2f}",
            f"{r['ratio']:.3f}",
            f"{r['power_mw']:.1f}",
            f"{r['installed_mw']:.0f}",
            str(r.get("mode", "running" if r["running"] else "bypassed")),
        )
    out_console.print(st)
    out_console.print(
        f"total shaft power {s.total_power_mw:,.0f} MW; fuel {s.fuel_share:.2%} of the gas entering "
        f"({s.fuel_bcm_per_year:.2f} bcm/yr); linepack {s.linepack_mcm:,.0f} million m3 (20 degC); "
        f"pressure {s.min_pressure_mpa:.2f}-{s.max_pressure_mpa:.2f} MPa abs; delivery "
        f"{s.delivery_pressure_mpa:.2f} MPa abs"
    )
    if extra:
        cap = extra["capacity"]
        out_console.print(
            f"capacity with these stations: {cap['capacity_bcm_per_year']:.1f} bcm/yr "
            f"(binding: {cap['binding']})"
        )
        ip = extra["implied"]
        out_console.print(
            f"implied MAOP of '{ip.section}' with its {ip.stations} stations at "
            f"{ip.throughput_bcm_per_year:g} bcm/yr: {ip.max_pressure_mpa:.2f} MPa abs "
            f"(flat terrain: {ip.flat_terrain_max_pressure_mpa:.2f} MPa abs)"
        )
        _print_table(
            extra["design"],
            "stations needed for the throughput (evenly spaced, ratio limit)",
            {
                "section": "section",
                "stations": "stations",
                "spacing_km": "spacing km",
                "max_ratio": "max ratio",
                "total_power_mw": "power MW",
                "units_per_station": "units at busiest",
            },
        )
        _print_table(
            extra["length_effect"],
            "effect of the Russian section length",
            {
                "russia_length_km": "length km",
                "stations_needed": "stations",
                "total_power_mw": "total power MW",
                "fuel_share": "fuel share",
                "linepack_mcm": "linepack mcm",
            },
        )
    if cal is not None:
        ct = Table(title="PoS1 calibration")
        for c in ("quantity", "model", "published", "note"):
            ct.add_column(c, overflow="fold")
        for r in cal.rows:
            ct.add_row(str(r["quantity"]), str(r["model"]), str(r["published"]), str(r["note"]))
        out_console.print(ct)
    out_console.print(
        f"[dim]{res.solver.get('segments')} segments, {res.solver.get('iterations')} iterations, "
        f"{elapsed:.1f} s[/]"
    )


def _print_table(df: pd.DataFrame, title: str, cols: dict[str, str]) -> None:
    t = Table(title=title)
    for label in cols.values():
        t.add_column(label)
    for _, r in df.iterrows():
        cells = []
        for c in cols:
            v = r[c]
            if isinstance(v, float):
                cells.append(f"{v:.4f}" if abs(v) < 1 else f"{v:,.2f}" if abs(v) < 10 else f"{v:,.0f}")
            else:
                cells.append(str(v))
        t.add_row(*cells)
    out_console.print(t)
