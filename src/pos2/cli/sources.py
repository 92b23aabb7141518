"""``pos2 sources``: every scenario value with its source and confidence; ``--keys`` lists the schema."""

from __future__ import annotations

import dataclasses
import math

import typer
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
    get_scenario,
    handle_errors,
    out_console,
    prepare_out,
    print_json,
    write_table,
)
from pos2.errors import ScenarioError
from pos2.scenario import DEFAULT_SCENARIO


@app.command()
def sources(
    scenario: ScenarioOpt = DEFAULT_SCENARIO,
    set_: SetOpt = None,
    keys: bool = typer.Option(False, "--keys", help="List the schema (settable keys) instead."),
    assumptions: bool = typer.Option(False, "--assumptions", help="Only the assumptions."),
    out: OutOpt = None,
    fmt: FormatOpt = Format.csv,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """List all scenario values with their sources, confidence and assumption flags."""
    import pandas as pd

    from pos2.scenario import schema_table

    with handle_errors(debug):
        check_out(out, force, fmt, f"{'schema' if keys else 'sources'}.{fmt.value}")
        if keys:
            if set_ or scenario != DEFAULT_SCENARIO or assumptions:
                raise ScenarioError(
                    "--keys lists the schema, the same for every scenario: it takes no --scenario, --set "
                    "or --assumptions"
                )
            df = pd.DataFrame([dataclasses.asdict(r) for r in schema_table()])
        else:
            scn = get_scenario(scenario, set_)
            rows = [dataclasses.asdict(s) for s in scn.sources]
            df = pd.DataFrame(rows)
            if assumptions and not df.empty:
                df = df[df["assumption"]]
        if out is not None:
            write_table(df, prepare_out(out), "schema" if keys else "sources", fmt, force)
        if json_:
            records = df.to_dict(orient="records")
            for rec in records:  # a line number is whole (pandas holds the column as float beside NaN)
                if isinstance(rec.get("line"), float):
                    rec["line"] = None if math.isnan(rec["line"]) else int(rec["line"])
            print_json(records)
            return
        if quiet:
            return
        table = Table(title="schema" if keys else f"sources of scenario '{scenario}'")
        cols = (
            ["key", "unit", "required", "ge", "le", "description"]
            if keys
            else ["key", "value", "unit", "confidence", "assumption", "source"]
        )
        for c in cols:
            table.add_column(c, overflow="fold")
        for _, r in df.iterrows():
            table.add_row(*[str(r[c]) for c in cols])
        out_console.print(table)
