"""``pos2 transient``: the line over time after events (trips, supply cuts, demand steps, profiles)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from pos2.cli import app
from pos2.cli.common import (
    DebugOpt,
    ForceOpt,
    Format,
    JsonOpt,
    OutOpt,
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

EventOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--event",
        "-e",
        help="An event (repeatable): trip:<station>@<t>[-<t>], supply_cut:<pct>%@<t>[-<t>], "
        "demand_step:<+-pct>%@<t>, ramp:<+-pct>%@<t1>-<t2>, profile:daily[:<pct>%], "
        "setpoint:<station>=<MPa abs>@<t>; times in h, min or s (e.g. trip:russia_cs3@2h).",
    ),
]
HoursOpt = Annotated[float, typer.Option("--hours", help="Simulated time [h].")]
FlexOpt = Annotated[
    bool,
    typer.Option(
        "--flexibility",
        help="Instead of a run: the flexibility bound (seasonal and intraday swing per load factor) "
        "with the tariff at each load (docs/transient.md).",
    ),
]


@app.command()
def transient(
    scenario: ScenarioOpt = DEFAULT_SCENARIO,
    set_: SetOpt = None,
    event: EventOpt = None,
    hours: HoursOpt = 24.0,
    flexibility: FlexOpt = False,
    json_: JsonOpt = False,
    out: OutOpt = None,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """The line over time from its steady state: pressures, flows, linepack, survival time."""
    with handle_errors(debug):
        from pos2.twin.transient import parse_events, simulate_route

        if not (math.isfinite(hours) and 0.0 < hours <= 744.0):
            raise ScenarioError(
                "must be a positive number of hours, at most 744 (31 days)", field="--hours", value=hours
            )
        check_out(out, force, Format.csv, "transient_*.csv", "transient_*.html", "transient_summary.json")
        events = parse_events(event or [])
        scn = get_scenario(scenario, list(set_ or []))
        if flexibility:
            if events:
                raise ScenarioError("--flexibility takes no events", field="--event", value=list(event or []))
            _flexibility(scn, json_)
            return
        rt = simulate_route(scn, events, hours)
        obj = rt.to_json()
        if out is not None:
            _write_outputs(prepare_out(out), rt, obj, force)
        for w in rt.warnings:
            err_console.print(f"[yellow]warning[/]: {escape(w)}", highlight=False, soft_wrap=True)
        if json_:
            print_json(obj)
            return
        _print_summary(rt, obj)


def _write_outputs(out: Path, rt: Any, obj: dict[str, Any], force: bool) -> None:
    from pos2.twin import figures
    from pos2.twin.transient_figures import delivery_figure, space_time_figure

    write_table(rt.delivery, out, "transient_delivery", Format.csv, force)
    write_table(rt.stations, out, "transient_stations", Format.csv, force)
    write_table(rt.space_time_table(), out, "transient_profile", Format.csv, force)
    write_table(rt.result.balance, out, "transient_balance", Format.csv, force)
    path = guard_write(out / "transient_summary.json", force)
    path.write_text(json.dumps(obj, indent=2, default=float), encoding="utf-8")
    figures.write_figure(space_time_figure(rt), guard_write(out / "transient_pressure_map.html", force))
    figures.write_figure(delivery_figure(rt), guard_write(out / "transient_delivery.html", force))


def _print_summary(rt: Any, obj: dict[str, Any]) -> None:
    d, lp = obj["delivery_pressure_mpa"], obj["linepack_mcm"]
    ev = ", ".join(e["text"] for e in obj["events"]) or "no events (steady hold)"
    out_console.print(
        f"[bold]{obj['scenario']}[/]: {obj['throughput_bcm_per_year']:g} bcm/yr, "
        f"{obj['simulated_hours']:g} of {obj['hours']:g} h simulated, time step {obj['dt_s'] / 60:g} min; "
        f"events: {escape(ev)}"
    )
    t = Table(title="delivery and linepack")
    for c in ("quantity", "start", "end", "min", "max"):
        t.add_column(c)
    t.add_row("delivery pressure MPa abs", *(f"{d[k]:.3f}" for k in ("start", "end", "min", "max")))
    t.add_row("linepack million m3", *(f"{lp[k]:,.1f}" for k in ("start", "end", "min", "max")))
    out_console.print(t)
    surv = obj["survival_time_h"]
    if surv is None:
        out_console.print(
            f"delivery pressure stays at or above its minimum {obj['min_delivery_pressure_mpa']:g} MPa abs "
            "for the whole run"
        )
    else:
        out_console.print(
            f"[red]survival time {surv:.1f} h[/]: the delivery pressure falls below "
            f"{obj['min_delivery_pressure_mpa']:g} MPa abs {surv:.1f} h after "
            f"{obj['survival_clock_start_h']:g} h"
        )
    for name, modes in obj["stations_off_set_point"].items():
        out_console.print(f"  {name}: {', '.join(modes)}")
    for name, r in obj["max_station_power_over_installed"].items():
        out_console.print(f"  [yellow]{name}: shaft power up to {r:.2f} x installed[/]")
    s = obj["solver"]
    out_console.print(
        f"[dim]linepack swing {lp['swing']:,.2f} million m3; mass balance error "
        f"{obj['mass_balance_error_rel']:.1e} of a day's delivery; {s['steps']} steps, "
        f"{s['newton_iterations']} Newton iterations, {s['seconds']:.1f} s[/]"
    )


def _flexibility(scn: Any, json_: bool) -> None:
    from pos2.economics.flexibility import flexibility_cost_curve
    from pos2.twin import run_twin

    curve = flexibility_cost_curve(scn, run_twin(scn).summary)
    obj = curve.to_json()
    if json_:
        print_json(obj)
        return
    out_console.print(
        f"[bold]{obj['scenario']}[/]: flexibility bound; design {obj['design_throughput_bcm_per_year']:g} "
        f"bcm/yr, steady capacity {obj['capacity_bcm_per_year']:.1f} bcm/yr"
    )
    t = Table(title="per load factor")
    for c in (
        "load",
        "bcm/yr",
        "seasonal swing max",
        "intraday swing max",
        "linepack swing Mm3",
        "tariff USD/kcm",
    ):
        t.add_column(c)
    for r in obj["loads"]:
        capped = ">= " if r["intraday_capped"] else ""
        t.add_row(
            f"{r['load_factor']:.2f}",
            f"{r['throughput_bcm_per_year']:.1f}",
            f"+{100 * r['seasonal_swing_max']:.1f} %",
            f"{capped}+-{100 * r['intraday_swing_max']:.1f} %",
            f"{r['intraday_linepack_swing_mcm']:.2f}",
            f"{r['tariff_usd_per_kcm']:.1f}",
        )
    out_console.print(t)
