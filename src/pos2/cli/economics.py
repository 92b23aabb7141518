"""``pos2 economics``: capex, tariff, breakeven, netback and the parties' NPVs under price uncertainty."""

from __future__ import annotations

from typing import Annotated

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
    check_scheduler,
    get_scenario,
    handle_errors,
    out_console,
    prepare_out,
    print_json,
    run_stages,
    write_table,
)
from pos2.scenario import DEFAULT_SCENARIO

PathsOpt = Annotated[
    int | None,
    typer.Option(
        "--paths",
        min=0,
        help="Monte Carlo price paths (default montecarlo.paths; 0 = deterministic only).",
    ),
]
SeedOpt = Annotated[int | None, typer.Option("--seed", min=0, help="Random seed (default montecarlo.seed).")]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Dask scheduler: omitted = local threads, 'sync', or the address of a running "
        "distributed scheduler (tcp://host:8786).",
    ),
]
StationsOpt = Annotated[
    str | None,
    typer.Option(
        "--station-tradeoff",
        help="Also run the twin at these Russian station counts (e.g. '12,15,18') and cost each.",
    ),
]


def _fmt(v: object, spec: str = ",.1f") -> str:
    return "-" if not isinstance(v, int | float) else format(v, spec)


@app.command()
def economics(
    scenario: ScenarioOpt = DEFAULT_SCENARIO,
    set_: SetOpt = None,
    paths: PathsOpt = None,
    seed: SeedOpt = None,
    scheduler: SchedulerOpt = None,
    station_tradeoff: StationsOpt = None,
    out: OutOpt = None,
    fmt: FormatOpt = Format.csv,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Capex, levelised tariff, breakeven price, netback and each party's NPV (P10/P50/P90) and IRR.

    Money is real USD of 2025; prices per 1,000 m3 at 20 degC. Levers: contract.slope,
    contract.constant_usd_per_mmbtu, contract.take_or_pay, contract.flex_band,
    contract.acq_bcm_per_year, finance.china_share, transit.fee_usd_per_kcm_100km,
    pipeline.throughput_bcm_per_year (see `pos2 sources --keys` for all keys).
    """
    with handle_errors(debug):
        from pos2.economics import check_inputs
        from pos2.economics.stations import station_tradeoff as run_station_tradeoff

        counts: list[int] = []
        if station_tradeoff:  # a usage error (exit 2), found before any work
            try:
                counts = [int(x) for x in station_tradeoff.split(",") if x.strip()]
                if not counts or min(counts) < 1:
                    raise ValueError
            except ValueError:
                raise typer.BadParameter(
                    f"expects comma-separated station counts of at least 1, got {station_tradeoff!r}",
                    param_hint="--station-tradeoff",
                ) from None
        check_out(out, force, fmt, f"economics_*.{fmt.value}")
        from pos2.economics.montecarlo import LOCAL_SCHEDULERS

        check_scheduler(scheduler, LOCAL_SCHEDULERS)
        scn = get_scenario(scenario, set_)
        n_paths = scn.model.montecarlo.paths if paths is None else paths
        check_inputs(scn, paths=n_paths)  # before the twin runs
        res = run_stages(scn, "economics", paths=n_paths, seed=seed, scheduler=scheduler).economics.get()
        trade = run_station_tradeoff(scn, counts) if counts else None
        if out is not None:
            folder = prepare_out(out)
            for name, df in res.tables.items():
                write_table(df, folder, f"economics_{name}", fmt, force)
            if trade is not None:
                write_table(trade, folder, "economics_station_tradeoff", fmt, force)
        if json_:
            obj = res.to_json()
            if trade is not None:
                obj["station_tradeoff"] = trade.to_dict(orient="records")
            print_json(obj)
            return
        if quiet:
            return
        s = res.summary
        t = Table(title=f"economics, scenario '{scn.name}' (real {res.currency} {res.price_year})")
        t.add_column("quantity")
        t.add_column("russia", justify="right")
        t.add_column("mongolia", justify="right")
        t.add_column("total", justify="right")
        c, tf = s["capex_usd_bn"], s["tariff_usd_per_kcm"]
        t.add_row("capex [USD bn]", *(_fmt(c[k]) for k in ("russia", "mongolia", "total")))
        t.add_row("tariff [USD/1,000 m3]", *(_fmt(tf[k]) for k in ("russia", "mongolia", "total")))
        out_console.print(t)
        out_console.print(
            f"breakeven price {_fmt(s['breakeven_price_usd_per_kcm'])} USD/1,000 m3 "
            f"({_fmt(s['breakeven_price_usd_per_mmbtu'], '.2f')} USD/MMBtu); wellhead netback "
            f"{_fmt(s['netback_usd_per_kcm'])} USD/1,000 m3 at the {s['deck']} deck"
        )
        title = (
            f"NPV [USD bn] over {res.paths:,} paths (seed {res.seed}); P10 = low case"
            if res.paths
            else f"NPV [USD bn], deterministic on the '{s['deck']}' deck (--paths 0)"
        )
        p = Table(title=title)
        for col in ("party", "P10", "P50", "P90", "P(loss)", "IRR P50", f"NPV {s['deck']} deck"):
            p.add_column(col, justify="right")
        for party, v in s["parties"].items():
            q = v["npv_usd_bn"]
            irr = v["irr"]
            p.add_row(
                party,
                _fmt(q["p10"]),
                _fmt(q["p50"]),
                _fmt(q["p90"]),
                _fmt(v["prob_loss"], ".0%"),
                "-" if irr is None or irr != irr else f"{irr:.1%}",
                _fmt(v["npv_deterministic_usd_bn"]),
            )
        out_console.print(p)
        if "tornado" in res.tables:
            tor = Table(title="tornado: Russia's NPV [USD bn] at the low and high value of each input")
            for col in ("input", "low", "high", "NPV at low", "NPV at high"):
                tor.add_column(col, justify="right")
            for _, r in res.tables["tornado"].iterrows():
                tor.add_row(
                    str(r["key"]),
                    _fmt(r["low"], ".4g"),
                    _fmt(r["high"], ".4g"),
                    _fmt(r["russia_npv_low_usd_bn"]),
                    _fmt(r["russia_npv_high_usd_bn"]),
                )
            out_console.print(tor)
        if trade is not None:
            out_console.print(trade.to_string(index=False))
