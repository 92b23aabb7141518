"""``pos2 deal``: China's alternatives, Russia's reservation price, bargaining, delay and the hindcast."""

from __future__ import annotations

import pandas as pd
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
    run_stages,
    write_table,
)
from pos2.scenario import DEFAULT_SCENARIO


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:,.0f}"


@app.command()
def deal(
    scenario: ScenarioOpt = DEFAULT_SCENARIO,
    set_: SetOpt = None,
    out: OutOpt = None,
    fmt: FormatOpt = Format.csv,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Zone of agreement, Nash and Rubinstein prices, agreement probability by year, Shapley shares, hindcast.

    Prices are USD (2025) per 1,000 m3 at the Chinese border. Levers: hormuz.closure_months,
    hormuz.closure_probability, bargaining.china_power, demand.growth_per_year, lng.price_usd_per_mmbtu.
    """
    with handle_errors(debug):
        check_out(out, force, fmt, f"deal_*.{fmt.value}")
        scn = get_scenario(scenario, set_)
        # the deal reads the economics' breakeven and contract price, which need no Monte Carlo
        res = run_stages(scn, "deal", paths=0, with_tornado=False, hindcast=True).deal.get()
        if out is not None:
            folder = prepare_out(out)
            write_table(res.by_year, folder, "deal_by_year", fmt, force)
            write_table(res.hindcast_table(), folder, "deal_hindcast", fmt, force)
            write_table(res.nash_vs_beta, folder, "deal_nash_vs_beta", fmt, force)
            p = pd.DataFrame(
                {
                    "year": list(res.delay.p_agreement_by_year),
                    "p_agreement_cumulative": list(res.delay.p_agreement_by_year.values()),
                }
            )
            write_table(p, folder, "deal_p_agreement", fmt, force)
        if json_:
            print_json(res.to_json())
            return
        if quiet:
            return
        t = Table(title=f"deal, scenario '{scn.name}' (USD 2025 per 1,000 m3 at the Chinese border)")
        t.add_column("quantity")
        t.add_column("value", justify="right")
        z = res.zopa_usd_per_kcm
        rows = [
            ("China's highest acceptable price", _fmt(res.china_max_usd_per_kcm)),
            ("  of which cost saving", _fmt(res.china_cost_saving_usd_per_kcm)),
            ("  of which security value (Hormuz)", _fmt(res.china_security_value_usd_per_kcm)),
            *(
                (f"  case {name}", _fmt(case["max_price_usd_per_kcm"]))
                for name, case in res.china_cases.items()
            ),
            (f"Russia's reservation price ({res.russia.view})", _fmt(res.russia.min_price_usd_per_kcm)),
            (f"  project breakeven ({res.russia.breakeven_source})", _fmt(res.russia.breakeven_usd_per_kcm)),
            ("  opportunity cost of the gas", _fmt(res.russia.opportunity_usd_per_kcm)),
            ("zone of agreement", "empty" if z is None else f"{z[0]:,.0f} - {z[1]:,.0f}"),
            ("Nash price", _fmt(res.nash_price_usd_per_kcm)),
            ("Rubinstein price (Russia proposes)", _fmt(res.rubinstein_price_usd_per_kcm)),
            (
                f"contract price ({res.settings['contract_price_basis']})",
                _fmt(res.contract_price_usd_per_kcm),
            ),
            ("P(agreement) by the last round", f"{res.delay.p_agreement_total:.2f}"),
            (
                "Shapley shares R / M / C",
                " / ".join(f"{res.shapley[p]:.2f}" for p in ("russia", "mongolia", "china")),
            ),
        ]
        for k, v in rows:
            t.add_row(k, v)
        out_console.print(t)
        h = Table(title="hindcast")
        for c in ("date", "Russia min", "China max", "Nash", "model", "actual"):
            h.add_column(c)
        for r in res.hindcast:
            h.add_row(
                r.round.date.isoformat(),
                _fmt(r.russia_min_usd_per_kcm),
                _fmt(r.china_max_usd_per_kcm),
                _fmt(r.nash_price_usd_per_kcm),
                r.model_verdict,
                r.round.actual_outcome,
            )
        out_console.print(h)
