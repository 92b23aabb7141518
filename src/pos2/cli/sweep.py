"""``pos2 sweep SPEC.toml``: evaluate many scenarios on Dask and store one row per point in DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from pos2.cli import app
from pos2.cli.common import (
    EXIT_ERROR,
    DebugOpt,
    ForceOpt,
    Format,
    JsonOpt,
    OutOpt,
    QuietOpt,
    SetOpt,
    check_scheduler,
    check_writable,
    err_console,
    get_scenario,
    guard_write,
    handle_errors,
    print_json,
    write_table,
)
from pos2.errors import OutputError, ScenarioError
from pos2.tables import check_format

if TYPE_CHECKING:
    from pos2.sweep.run import SweepSummary
    from pos2.sweep.spec import SweepSpec

STORE_FILE = "sweep.duckdb"
"""The store's file name (:data:`pos2.sweep.store.STORE_FILE`; a test keeps the two equal)."""


def _with_sets(spec: SweepSpec, sets: list[str] | None) -> SweepSpec:
    if not sets:
        return spec
    from pos2.scenario import parse_set

    extra = dict(parse_set(s) for s in sets)
    for k in extra:
        if k in spec.keys:
            raise ScenarioError("key is swept by the spec; it cannot also be --set", path="--set", field=k)
    return spec.with_changes(fixed={**spec.fixed, **extra})


def _print_summary(s: SweepSummary) -> None:
    t = Table(title=f"sweep '{s.name}'", show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    t.add_row("points", f"{s.points_stored:,} stored of {s.points_total:,}")
    t.add_row("this run", f"{s.points_run:,} evaluated, {s.points_skipped:,} already stored")
    t.add_row(
        "failures",
        f"{s.failures:,}" + (f" (+{s.points_lost:,} lost, retry with --resume)" if s.points_lost else ""),
    )
    t.add_row("wall time", f"{s.wall_s:.2f} s")
    t.add_row("rate", f"{s.points_per_s:,.0f} points/s")
    t.add_row("executor", s.executor)
    t.add_row("store", s.store)
    err_console.print(t)


@app.command()
def sweep(
    spec_path: Annotated[
        Path | None,
        typer.Argument(metavar="SPEC.toml", help="Sweep specification (see docs/sweep.md)."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue the sweep stored in --out, evaluating only missing points."),
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address of an existing Dask scheduler (tcp://host:port)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=0, help="Local worker processes (default: CPU count; 0: in-process)."
        ),
    ] = None,
    out: OutOpt = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Run a spec larger than the confirmation size.")
    ] = False,
    report: Annotated[
        bool,
        typer.Option(
            "--report", help="Render report.html from the results (runs the sweep first if needed)."
        ),
    ] = False,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario", "-s", help="Embedded scenario name or TOML path; overrides the spec's `scenario`."
        ),
    ] = None,
    set_: SetOpt = None,
    fmt: Annotated[
        Format | None,
        typer.Option("--format", help="Also export the stored results as results.csv|parquet|json in --out."),
    ] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Run a scenario sweep: grid, Latin hypercube or Sobol' samples of any --set keys.

    Results go to OUT/sweep.duckdb (one row per point: inputs, outputs, status, error message).
    """
    import contextlib
    import faulthandler
    import signal
    import sys

    from pos2.sweep.run import run_sweep
    from pos2.sweep.spec import load_spec
    from pos2.sweep.store import SweepStore

    # a sweep that seems stuck can be asked where it is: `kill -USR1 PID` prints every thread's stack
    # on stderr and the sweep goes on (docs/sweeps.md)
    with contextlib.suppress(AttributeError, ValueError, OSError):  # stderr without a file (in-process)
        faulthandler.register(signal.SIGUSR1, file=sys.stderr.fileno(), all_threads=True)
    with handle_errors(debug):
        if spec_path is None:
            if not (report and out is not None):
                raise ScenarioError("give a SPEC.toml (or --report with --out DIR to render stored results)")
            from pos2.sweep.report import render_sweep_report

            only = render_sweep_report(out, force=force)
            if json_:
                print_json({"report": str(only)})
            elif not quiet:
                err_console.print(f"report: {only}")
            return
        if resume and force:
            raise ScenarioError(
                "--resume and --force contradict each other: --force starts the sweep afresh and deletes "
                "the stored results, --resume continues them; give one"
            )
        if fmt is not None:
            check_format(fmt)
        check_scheduler(scheduler)
        spec = _with_sets(load_spec(spec_path), set_)
        if scenario is not None:
            get_scenario(scenario)  # a bad name or file fails here, before any work
            spec = spec.with_changes(scenario=scenario)
        folder = out if out is not None else Path("out") / "sweep" / spec.name
        check_writable(folder)
        if fmt is not None:
            guard_write(folder / f"results.{fmt.value}", force)
        if report and not force and (folder / "report.html").exists():
            raise OutputError(
                f"{folder / 'report.html'} exists; pass --force to overwrite it (or re-render the stored "
                f"results without running: pos2 sweep --report --out {folder} --force)"
            )
        summary: SweepSummary | None = None
        stored_complete = False
        if report and not resume and not force and (folder / STORE_FILE).exists():
            store = SweepStore.open(folder, spec, read_only=True)
            stored_complete = store.count() == spec.n_points()
            store.close()
        if not stored_complete:
            summary = run_sweep(
                spec,
                folder,
                resume=resume,
                force=force,
                confirm=yes,
                workers=workers,
                scheduler=scheduler,
                progress=not quiet and not json_,
            )
        if fmt is not None:
            store = SweepStore.open(folder, spec, read_only=True)
            try:
                write_table(store.frame(), folder, "results", fmt, force)
            finally:
                store.close()
        page: Path | None = None
        if report:
            from pos2.sweep.report import render_sweep_report

            page = render_sweep_report(folder, force=True)  # refused above unless --force
        if json_:
            doc = (
                summary.to_json()
                if summary is not None
                else {"name": spec.name, "store": str(folder / STORE_FILE)}
            )
            if page is not None:
                doc["report"] = str(page)
            print_json(doc)
        elif not quiet:
            if summary is not None:
                _print_summary(summary)
            if page is not None:
                err_console.print(f"report: {page}")
        if summary is not None and summary.points_run > 0 and summary.failures == summary.points_run:
            store = SweepStore.open(folder, spec, read_only=True)
            try:
                errors = store.frame()["error"].dropna().astype(str)
            finally:
                store.close()
            top = errors.value_counts()
            why = f"; most often ({int(top.iloc[0]):,}x): {top.index[0]}" if len(top) else ""
            err_console.print(
                f"[bold red]failed[/]: every one of the {summary.points_run:,} points evaluated failed{why}",
                highlight=False,
            )
            raise typer.Exit(EXIT_ERROR)
        if summary is not None and summary.state == "incomplete":
            err_console.print(
                f"[bold red]incomplete[/]: {summary.points_lost:,} points were lost "
                f"({'; '.join(summary.lost_messages[:2])}); run again with --resume",
                highlight=False,
            )
            raise typer.Exit(EXIT_ERROR)
