"""``pos2 solve``: steady-state hydraulics of a user's network file (TOML, or a pandapipes JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
    check_out,
    handle_errors,
    out_console,
    prepare_out,
    print_json,
    write_table,
)


def _modes(specs: list[str] | None) -> dict[str, Any]:
    """``--mode ID=SPEC`` options as the ``modes`` of the GasLib reader."""
    keys = {"ratio": "ratio", "outlet_bar": "outlet_pressure_bar", "flow_kg_per_s": "flow_kg_per_s"}
    out: dict[str, Any] = {}
    for spec in specs or []:
        ident, sep, what = spec.partition("=")
        if not sep or not ident:
            raise typer.BadParameter(f"{spec!r}: write ID=SPEC", param_hint="--mode")
        if what in ("open", "closed", "bypass"):
            out[ident] = what
            continue
        key, sep, num = what.partition(":")
        try:
            value = float(num)
        except ValueError:
            value = float("nan")
        if not sep or key not in keys or not value > 0:
            raise typer.BadParameter(
                f"{spec!r}: SPEC is open, closed, bypass, ratio:R, outlet_bar:P or flow_kg_per_s:M",
                param_hint="--mode",
            )
        out[ident] = {keys[key]: value}
    return out


def _load(
    path: Path, scenario: Path | None, gas_name: str | None, modes: dict[str, Any] | None = None
) -> tuple[Any, Any, str, str | None, float | None, tuple[str, ...]]:
    """Network, gas model, gas label, the friction law the file names and the import's assumptions."""
    from pos2.gas import default_gas
    from pos2.network.formats import gas_from_spec, load_network_file
    from pos2.network.io import NetworkFileError

    if modes and path.suffix.lower() not in (".net", ".xml"):
        raise typer.BadParameter("--mode applies to GasLib networks (.net)", param_hint="--mode")
    f = load_network_file(path, scenario, modes=modes or None)
    gas, label = f.gas, f.gas_label
    if gas_name is not None:
        try:
            gas, label = gas_from_spec({"preset": gas_name}, "--gas")
        except Exception as exc:
            raise typer.BadParameter(str(exc), param_hint="--gas") from None
    if gas is None:
        gas, label = default_gas(), "GERG-2008 table, West Siberian pipeline gas"
    if f.friction is not None:
        from pos2.hydraulics.correlations import CORRELATIONS

        if f.friction not in CORRELATIONS:
            raise NetworkFileError(
                f"unknown friction law in [solver] (known: {', '.join(CORRELATIONS)})",
                path=str(path),
                line=None,
                field="friction",
                value=f.friction,
            )
    return f.network, gas, label, f.friction, f.fixed_friction_factor, f.notes


@app.command()
def solve(
    network: Annotated[
        Path,
        typer.Argument(
            help="Network file: pos2 TOML (docs/network_format.md), pandapipes JSON or GasLib XML (.net)."
        ),
    ],
    friction: Annotated[
        str | None,
        typer.Option(
            help="Friction law: colebrook, colebrook_dvgw, nikuradse, nikuradse_stanet, hofer, "
            "weymouth, panhandle_a, panhandle_b, fixed. Default: the file's [solver] friction, "
            "else colebrook."
        ),
    ] = None,
    nomination: Annotated[
        Path | None,
        typer.Option(
            help="GasLib scenario file (.scn) with the nominated flows, for a GasLib network "
            "(named so as not to clash with the shared --scenario of the other commands)."
        ),
    ] = None,
    mode: Annotated[
        list[str] | None,
        typer.Option(
            help="GasLib element mode, repeatable: ID=closed, ID=open, ID=bypass, ID=ratio:1.3, "
            "ID=outlet_bar:70, ID=flow_kg_per_s:120 (compressor stations), ID=outlet_bar:40 (control valves)."
        ),
    ] = None,
    gas: Annotated[
        str | None,
        typer.Option(
            help="Gas preset (west_siberian, pure_methane; GERG-2008 table) instead of the file's gas. "
            "Default: the file's gas ([gas] table, pandapipes fluid, GasLib sources), else west_siberian."
        ),
    ] = None,
    thermal: Annotated[
        bool,
        typer.Option(
            "--thermal", help="Non-isothermal: heat exchange with the ground, Joule-Thomson cooling."
        ),
    ] = False,
    segment_km: Annotated[
        float, typer.Option(min=0.001, max=1000.0, help="Longest internal pipe segment, in km.")
    ] = 10.0,
    out: OutOpt = None,
    fmt: FormatOpt = Format.csv,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Solve the steady state of a gas network file and print pressures, flows and compressor duty."""
    with handle_errors(debug):
        from pos2.hydraulics import SteadyOptions, solve_steady
        from pos2.hydraulics.correlations import CORRELATIONS

        if friction is not None and friction not in CORRELATIONS:
            raise typer.BadParameter(
                f"{friction!r} is not one of {', '.join(CORRELATIONS)}", param_hint="--friction"
            )
        if not segment_km > 0:
            raise typer.BadParameter(f"{segment_km} must be positive", param_hint="--segment-km")
        tables = ("nodes", "pipes", "compressors", "regulators", "valves", "sources", "sinks")
        check_out(out, force, fmt, *(f"{name}.{fmt.value}" for name in tables))
        net, gas_model, gas_label, file_friction, fixed_f, notes = _load(
            network, nomination, gas, _modes(mode)
        )
        friction = friction or file_friction or "colebrook"
        opts = SteadyOptions(
            friction=friction,
            thermal=thermal,
            max_segment_length_m=segment_km * 1e3,
            fixed_friction_factor=fixed_f,
        )
        res = solve_steady(net, gas_model, opts)
        if out is not None:
            folder = prepare_out(out)
            for name in tables:
                table = getattr(res, name)
                if len(table):
                    write_table(table, folder, name, fmt, force)
        if json_:
            print_json(
                {
                    "network": str(network),
                    "gas": gas_label,
                    "friction": friction,
                    "thermal": thermal,
                    "iterations": res.iterations,
                    "residual": res.residual,
                    "linepack_t": res.linepack_kg / 1e3,
                    "total_power_mw": res.total_power_w / 1e6,
                    "total_fuel_kg_per_s": res.total_fuel_kg_per_s,
                    "nodes": [
                        {
                            "name": r["name"],
                            "p_mpa": float(r["p_pa"]) / 1e6,
                            "t_c": float(r["t_k"]) - 273.15,
                            "elevation_m": float(r["elevation_m"]),
                        }
                        for r in res.records("nodes")
                    ],
                    "compressors": [
                        {
                            "name": r["name"],
                            "ratio": float(r["ratio"]),
                            "power_mw": float(r["power_w"]) / 1e6,
                            "fuel_kg_per_s": float(r["fuel_kg_per_s"]),
                        }
                        for r in res.records("compressors")
                    ],
                    **_flows_json(res, net),
                    "notes": list(notes),
                }
            )
            return
        if quiet:
            return
        out_console.print(res.summary(), highlight=False)
        for note in notes:
            out_console.print(f"  note: {note}", highlight=False)
        table = Table(title="junctions (absolute pressure)")
        for col in ("name", "p MPa", "T degC", "elevation m"):
            table.add_column(col)
        for r in res.records("nodes"):
            table.add_row(
                str(r["name"]),
                f"{float(r['p_pa']) / 1e6:.4f}",
                f"{float(r['t_k']) - 273.15:.2f}",
                f"{float(r['elevation_m']):.0f}",
            )
        out_console.print(table)
        out_console.print(_flow_table(res, net))


_BRANCH_TABLES = ("pipes", "compressors", "regulators", "valves")


def _ends(net: Any, kind: str) -> dict[str, tuple[str, str]]:
    """``name -> (from_junction, to_junction)`` of the stations or valves of ``kind`` (plural)."""
    return {r.name: (r.from_junction, r.to_junction) for r in getattr(net, kind)}


def _flows_json(res: Any, net: Any) -> dict[str, list[dict[str, Any]]]:
    """Flows of every branch and source in the JSON output (mass flow in kg/s, positive from -> to)."""
    out: dict[str, list[dict[str, Any]]] = {"pipes": [], "regulators": [], "valves": [], "sources": []}
    for r in res.records("pipes"):
        out["pipes"].append(
            {
                "name": r["name"],
                "from_junction": r["from_junction"],
                "to_junction": r["to_junction"],
                "flow_kg_per_s": float(r["flow_kg_per_s"]),
                "v_mean_m_per_s": float(r["v_mean_m_per_s"]),
                "dp_bar": float(r["dp_pa"]) / 1e5,
            }
        )
    for kind in ("regulators", "valves"):
        ends = _ends(net, kind)
        for r in res.records(kind):
            out[kind].append(
                {
                    "name": r["name"],
                    "from_junction": ends[r["name"]][0],
                    "to_junction": ends[r["name"]][1],
                    "flow_kg_per_s": float(r["flow_kg_per_s"]),
                    "dp_bar": (float(r["p_in_pa"]) - float(r["p_out_pa"])) / 1e5,
                }
            )
    for r in res.records("sources"):
        out["sources"].append(
            {
                "name": r["name"],
                "kind": r["kind"],
                "junction": r["junction"],
                "flow_kg_per_s": float(r["flow_kg_per_s"]),
            }
        )
    return out


def _flow_table(res: Any, net: Any) -> Table:
    """Rich table of the mass flow through every pipe, station, regulator and valve and of the sources."""
    table = Table(title="flows (kg/s, positive from -> to; sources: supplied)")
    for col in ("kind", "name", "from -> to", "flow kg/s", "dp bar"):
        table.add_column(col)
    for r in res.records("pipes"):
        table.add_row(
            "pipe",
            str(r["name"]),
            f"{r['from_junction']} -> {r['to_junction']}",
            f"{float(r['flow_kg_per_s']):.4f}",
            f"{float(r['dp_pa']) / 1e5:.4f}",
        )
    for kind in ("compressors", "regulators", "valves"):
        ends = _ends(net, kind)
        for r in res.records(kind):
            a, b = ends[r["name"]]
            table.add_row(
                kind[:-1],
                str(r["name"]),
                f"{a} -> {b}",
                f"{float(r['flow_kg_per_s']):.4f}",
                f"{(float(r['p_in_pa']) - float(r['p_out_pa'])) / 1e5:.4f}",
            )
    for r in res.records("sources"):
        table.add_row(
            f"{r['kind']} source", str(r["name"]), str(r["junction"]), f"{float(r['flow_kg_per_s']):.4f}", ""
        )
    return table
