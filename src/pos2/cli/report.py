"""``pos2 report``: twin, economics and deal on one scenario -> ``report.html`` plus CSV tables."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from pos2.cli import app
from pos2.cli.common import (
    EXIT_ERROR,
    DebugOpt,
    ForceOpt,
    JsonOpt,
    OutOpt,
    QuietOpt,
    ScenarioOpt,
    SetOpt,
    check_writable,
    err_console,
    get_scenario,
    handle_errors,
    out_console,
    print_json,
)
from pos2.scenario import DEFAULT_SCENARIO


class ReportFormat(StrEnum):
    """``pos2 report --format``: the table formats, one Excel workbook, or a PDF of the report."""

    csv = "csv"
    parquet = "parquet"
    json = "json"
    xlsx = "xlsx"
    pdf = "pdf"


@app.command()
def report(
    scenario: ScenarioOpt = DEFAULT_SCENARIO,
    set_: SetOpt = None,
    out: OutOpt = None,
    paths: int | None = typer.Option(
        None, "--paths", min=0, help="Monte Carlo price paths (default: the scenario's montecarlo.paths)."
    ),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Random seed (default: the scenario's)."),
    analyses: bool = typer.Option(
        True,
        "--analyses/--no-analyses",
        help="Run the twin's station design, implied pressure, capacity curves and part loads.",
    ),
    budget: float = typer.Option(
        45.0,
        "--budget",
        min=0,
        metavar="SECONDS",
        help="Time budget: what-if re-runs and twin analyses not done by then are left out and listed "
        "(terminal, report, summary.json 'omitted'). 0: no limit.",
    ),
    fmt: ReportFormat = typer.Option(
        ReportFormat.csv,
        "--format",
        help="Tables as csv, parquet or json files; xlsx: all tables in one report.xlsx; "
        "pdf: report.pdf printed by headless chromium (plus CSV tables).",
    ),
    json_: JsonOpt = False,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Run twin, economics and deal and write one self-contained report.html (plus tables).

    Writes into --out (default ./out): report.html (opens offline: figures embedded, plotly.js
    inlined), summary.json (the headline numbers; --json prints it) and the tables (--format).
    Work not finished within --budget seconds is left out and listed on the terminal, at the top of
    the report and in summary.json ("omitted"), with how to get it.
    """
    from pos2.report.render import STEPS, SUMMARY_FILE, check_outputs, render_report

    with handle_errors(debug):
        out_dir = out if out is not None else Path("out")
        check_outputs(out_dir, force, fmt.value)
        check_writable(out_dir)
        scn = get_scenario(scenario, set_)
        if quiet:
            path = render_report(
                scn,
                out_dir,
                force,
                None,
                paths=paths,
                seed=seed,
                fmt=fmt.value,
                analyses=analyses,
                budget_s=budget,
            )
        else:
            columns = (
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=err_console, transient=False) as bar:
                task = bar.add_task("starting", total=STEPS)
                started = [False]

                def step(msg: str) -> None:
                    if started[0]:
                        bar.advance(task)
                    started[0] = True
                    bar.update(task, description=msg)

                path = render_report(
                    scn,
                    out_dir,
                    force,
                    step,
                    paths=paths,
                    seed=seed,
                    fmt=fmt.value,
                    analyses=analyses,
                    budget_s=budget,
                )
                bar.update(task, completed=STEPS, description="done")
        summary = json.loads((path.parent / SUMMARY_FILE).read_text(encoding="utf-8"))
        if json_:
            print_json(summary)
        elif not quiet:
            _print_answers(summary)
        if not quiet:
            err_console.print(f"report: {path}")
        listed = summary.get("omitted") or []
        # work the time budget cut is printed even with --quiet (the report has gaps the user did not
        # ask for); what the user switched off (--no-analyses) only without --quiet
        omitted = [o for o in listed if "--budget" in o["how"]]
        chosen = [o for o in listed if "--budget" not in o["how"]]
        if chosen and not quiet:
            err_console.print(
                f"note: {len(chosen)} piece(s) of work not run as asked ({chosen[0]['why']}); "
                "listed in the report and summary.json",
                highlight=False,
            )
        for o in omitted:
            err_console.print(f"[yellow]omitted[/]: {o['item']}: {o['why']}", highlight=False)
        if omitted:
            hows = "; ".join(dict.fromkeys(o["how"] for o in omitted))
            err_console.print(
                f"[yellow]warning[/]: {len(omitted)} piece(s) of work are not in the report "
                f"(listed in it and in summary.json); to get them: {hows}",
                highlight=False,
            )
        failed = {k: v.get("error") for k, v in (summary.get("stages") or {}).items() if not v.get("ok")}
        for name, why in failed.items():  # printed even with --quiet: the report has gaps
            err_console.print(f"[yellow]warning[/]: the {name} stage gave no result: {why}", highlight=False)
        if failed and len(failed) == len(summary.get("stages") or {}):
            err_console.print(
                "[bold red]failed[/]: no stage produced a result; the report only says why", highlight=False
            )
            raise typer.Exit(EXIT_ERROR)


def _print_answers(summary: dict[str, Any]) -> None:
    """The executive summary's questions and answers on the terminal (the report has the rest)."""
    for question, answer in (summary.get("answers") or {}).items():
        out_console.print(f"[bold]{question}[/]")
        out_console.print(f"  {answer}", highlight=False)
