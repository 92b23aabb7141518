"""``pos2 report``: twin, economics and deal on one scenario -> ``report.html`` plus CSV tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from pos2.cli import app
from pos2.cli.common import (
    EXIT_ERROR,
    DebugOpt,
    ForceOpt,
    Format,
    FormatOpt,
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
    fmt: FormatOpt = Format.csv,
    json_: JsonOpt = False,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Run twin, economics and deal and write one self-contained report.html (plus tables).

    Writes into --out (default ./out): report.html (opens offline: figures embedded, plotly.js
    inlined), summary.json (the headline numbers; --json prints it) and the tables (--format).
    """
    from pos2.report.render import STEPS, SUMMARY_FILE, check_outputs, render_report

    with handle_errors(debug):
        out_dir = out if out is not None else Path("out")
        check_outputs(out_dir, force, fmt.value)
        check_writable(out_dir)
        scn = get_scenario(scenario, set_)
        if quiet:
            path = render_report(
                scn, out_dir, force, None, paths=paths, seed=seed, fmt=fmt.value, analyses=analyses
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
                    scn, out_dir, force, step, paths=paths, seed=seed, fmt=fmt.value, analyses=analyses
                )
                bar.update(task, completed=STEPS, description="done")
        summary = json.loads((path.parent / SUMMARY_FILE).read_text(encoding="utf-8"))
        if json_:
            print_json(summary)
        elif not quiet:
            _print_answers(summary)
        if not quiet:
            err_console.print(f"report: {path}")
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
