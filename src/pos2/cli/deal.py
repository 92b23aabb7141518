"""``pos2 deal``: China's alternatives, Russia's reservation price, bargaining, delay and the hindcast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

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
    run_stages,
    write_table,
)
from pos2.scenario import DEFAULT_SCENARIO

if TYPE_CHECKING:
    from pos2.bargaining import DealResult


_BASIS = {
    "summit_game": "summit game",
    "summit_game_fast": "summit game, fast mode",
    "delay_lattice": "one-sided delay lattice",
}
"""``settings.p_agreement_source`` in words."""


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
    contract_map: Annotated[
        bool,
        typer.Option(
            "--map",
            help="Also value the contract map: China's and Gazprom's limits over take-or-pay x quantity "
            "for three equity shares and three formula families (81 contracts on valuation.detail_paths; "
            "a few seconds more). Adds 'contract_map' to --json and deal_contract_map to --out.",
        ),
    ] = False,
) -> None:
    """Zone of agreement, Nash and Rubinstein prices, agreement probability by year, Shapley shares, hindcast.

    Prices are USD (2025) per 1,000 m3 at the Chinese border. Levers (--set): bargaining.china_power,
    demand.growth_per_year, lng.price_usd_per_mmbtu and the Hormuz risk, three different things:

    * hormuz.closure_months: months shut in a year with a closure (12: that whole year, but such
      years still come only with the chances below);

    * hormuz.closure_probability: chance a closure starts in an open year (1: every year);

    * hormuz.closure_probability_when_closed: chance a closure carries on into the next year (1: shut
      for good).

    Each "closed 12 months" reading gives its own ceiling for China; `pos2 sources --keys` has the
    full list.
    """
    import pandas as pd

    from pos2.pipeline import default_pipeline

    with handle_errors(debug):
        check_out(out, force, fmt, f"deal_*.{fmt.value}")
        scn = get_scenario(scenario, set_)
        # the deal reads the economics' breakeven and contract price, which need no Monte Carlo
        run = run_stages(scn, "deal", paths=0, with_tornado=False, hindcast=True)
        res = run.deal.get()
        cmap = default_pipeline().contract_map(run).get() if contract_map else None
        if out is not None:
            folder = prepare_out(out)
            write_table(res.by_year, folder, "deal_by_year", fmt, force)
            write_table(res.hindcast_table(), folder, "deal_hindcast", fmt, force)
            write_table(res.nash_vs_beta, folder, "deal_nash_vs_beta", fmt, force)
            # the same probability as --json, the report and the dashboard (basis in settings)
            p = pd.DataFrame(
                {
                    "year": list(res.p_agreement_by_year),
                    "p_agreement_cumulative": list(res.p_agreement_by_year.values()),
                }
            )
            write_table(p, folder, "deal_p_agreement", fmt, force)
            if cmap is not None:
                write_table(pd.DataFrame(cmap["cells"]), folder, "deal_contract_map", fmt, force)
        if json_:
            doc = res.to_json()
            if cmap is not None:
                doc["contract_map"] = cmap
            print_json(doc)
            return
        if quiet:
            return
        t = Table(title=f"deal, scenario '{scn.name}' (USD 2025 per 1,000 m3 at the Chinese border)")
        t.add_column("quantity")
        t.add_column("value", justify="right")
        z = res.zopa_usd_per_kcm
        fl = res.valuation.summary["russia_min_price_by_principal_usd_per_kcm"]
        po = res.price_only
        rows = [
            ("China's highest acceptable price (contract valuation)", _fmt(res.china_max_usd_per_kcm)),
            (
                f"  risk-averse reading (weight {res.valuation.reference_risk_weight:g})",
                _fmt(res.valuation.risk_adjusted_china_max_usd_per_kcm),
            ),
            ("Gazprom's lowest price (taxes and its capital are costs)", _fmt(fl["gazprom"])),
            ("the Russian state's lowest price (taxes are revenue)", _fmt(fl["state"])),
            ("price-only: China's highest acceptable price", _fmt(po["china_max_price_usd_per_kcm"])),
            ("  of which cost saving", _fmt(res.china_cost_saving_usd_per_kcm)),
            ("  of which security value (Hormuz)", _fmt(res.china_security_value_usd_per_kcm)),
            *(
                (f"  case {name}", _fmt(case["max_price_usd_per_kcm"]))
                for name, case in res.china_cases.items()
            ),
            (f"price-only: Russia's reservation ({res.russia.view})", _fmt(res.russia.min_price_usd_per_kcm)),
            (f"  project breakeven ({res.russia.breakeven_source})", _fmt(res.russia.breakeven_usd_per_kcm)),
            ("  opportunity cost of the gas", _fmt(res.russia.opportunity_usd_per_kcm)),
            ("zone of agreement", "empty" if z is None else f"{z[0]:,.0f} - {z[1]:,.0f}"),
            ("Nash price", _fmt(res.nash_price_usd_per_kcm)),
            ("Rubinstein price (Russia proposes)", _fmt(res.rubinstein_price_usd_per_kcm)),
            (
                f"contract price ({res.settings['contract_price_basis']})",
                _fmt(res.contract_price_usd_per_kcm),
            ),
            *_agreement_rows(res),
            (
                "Shapley shares R / M / C",
                " / ".join(f"{res.shapley[p]:.2f}" for p in ("russia", "mongolia", "china")),
            ),
        ]
        for k, v in rows:
            t.add_row(k, v)
        out_console.print(t)
        _print_valuation(res)
        _print_hindcast(res)
        if cmap is not None:
            _print_map(cmap)


def _agreement_rows(res: DealResult) -> list[tuple[str, str]]:
    """The probability of a deal as the headline computes it, named by its basis, then the lattice."""
    basis = _BASIS.get(str(res.settings.get("p_agreement_source")), "see settings")
    p30 = res.p_agreement_by_year.get(2030)
    rows = [(f"P(deal by 2030), {basis}", "-" if p30 is None else f"{p30:.2f}")]
    s = res.summits
    if s is not None:
        last = max(res.p_agreement_by_year)
        sig = s["price_at_signature_usd_per_kcm"]
        rows += [
            (f"  by {last}", f"{res.p_agreement_by_year[last]:.2f}"),
            ("  expected delay to signature (years)", f"{s['expected_delay_years']:.1f}"),
            (
                "  price at signature P10 / P50 / P90",
                f"{sig['p10']:,.0f} / {sig['p50']:,.0f} / {sig['p90']:,.0f}",
            ),
        ]
    rows.append(("  delay lattice (special case): by the last round", f"{res.delay.p_agreement_total:.2f}"))
    return rows


def _print_hindcast(res: DealResult) -> None:
    """Per round: the price-only verdict, the summit game's probability (and without the round), why."""
    sc = res.summits["scores"] if res.summits else None
    title = (
        "hindcast: Russia's (R) and China's (C) limits and the verdict on price alone; p(deal), "
        "leave-one-out (LOO) and the reason: the bargaining over summits"
    )
    h = Table(title=title)
    for c in ("date", "R min", "C max", "price", "p(deal)", "LOO", "reason", "actual"):
        h.add_column(c, no_wrap=c != "reason", min_width=10 if c == "reason" else None)
    for r in res.hindcast:
        d = r.dynamics or {}
        p, loo = d.get("p_deal"), d.get("p_deal_leave_one_out")
        h.add_row(
            r.round.date.isoformat(),
            _fmt(r.russia_min_usd_per_kcm),
            _fmt(r.china_max_usd_per_kcm),
            r.model_verdict,
            "-" if p is None else f"{p:.2f}",
            "-" if loo is None else f"{loo:.2f}",
            d.get("binding_reason") or "-",
            r.round.actual_outcome,
        )
    out_console.print(h)
    if sc:
        verdict = "beats" if sc["brier"] < sc["brier_base_rate"] else "does not beat"
        out_console.print(
            f"scores over {sc['rounds']} rounds: Brier {sc['brier']:.3f} "
            f"(base rate {sc['brier_base_rate']:.3f}: the model {verdict} it), log-likelihood "
            f"{sc['log_likelihood']:.2f} (base rate {sc['log_likelihood_base_rate']:.2f}), "
            f"LOO Brier {sc['brier_leave_one_out']:.3f}"
        )


def _print_map(cmap: dict[str, Any]) -> None:
    """The contract map as one table per formula family: China's limit minus Gazprom's [USD/kcm]."""
    ax = cmap["axes"]
    for formula in ax["formula"]:
        t = Table(
            title=f"contract map, {formula}: China's highest minus Gazprom's lowest price [USD/kcm] "
            f"({cmap['paths']} paths; + = a zone exists)"
        )
        t.add_column("China's equity share / take-or-pay")
        for q in ax["acq_bcm"]:
            t.add_column(f"{q:g} bcm/yr", justify="right")
        for share in ax["china_share"]:
            for top in ax["take_or_pay"]:
                cells = {
                    c["acq_bcm"]: c["gap_usd_per_kcm"]
                    for c in cmap["cells"]
                    if c["formula"] == formula and c["china_share"] == share and c["take_or_pay"] == top
                }
                t.add_row(f"{share:.0%} / {top:.0%}", *(f"{cells[q]:+,.0f}" for q in ax["acq_bcm"]))
        out_console.print(t)


def _print_valuation(res: DealResult) -> None:
    """The gap waterfall, the lever effects and the efficient terms (when computed)."""
    from pos2.bargaining.engine import LEVER_LABELS

    val = res.valuation
    if val.gap_waterfall:
        w = Table(
            title="gap waterfall: from China's LNG parity to its highest price, and from Russia's "
            f"resource cost to Gazprom's lowest (USD/kcm; on {val.contract_terms.get('paths', '?')} paths, "
            f"the headline on {val.summary['paths']})"
        )
        w.add_column("step")
        w.add_column("USD/kcm", justify="right")
        for r in val.gap_waterfall:
            label = r["step"].replace("_", " ")
            w.add_row(
                label if r["kind"] == "total" else f"  {label}",
                f"{r['usd_per_kcm']:+,.1f}" if r["kind"] == "step" else _fmt(r["usd_per_kcm"]),
            )
        out_console.print(w)
    if val.lever_effects:
        lv = Table(title="lever effects against the scenario's contract")
        for c in ("lever", "China max [USD/kcm]", "Gazprom min [USD/kcm]", "joint surplus [USD bn]"):
            lv.add_column(c, justify="right")
        for e in val.lever_effects:
            lv.add_row(
                LEVER_LABELS.get(e["lever"], e["lever"].replace("_", " ")),
                f"{e['china_max_delta']:+,.1f}",
                f"{e['russia_min_delta']:+,.1f}",
                f"{e['joint_surplus_delta']:+,.2f}",
            )
        out_console.print(lv)
    if val.contract_terms:
        ct = val.contract_terms
        out_console.print(
            f"terms ({ct['basis']}, {ct['contracts_searched']} contracts, {ct['paths']} paths): "
            f"{ct['acq_bcm']:g} bcm/yr, take-or-pay {ct['take_or_pay']:.0%}, "
            f"flexibility {ct['flex_band']:.0%}, "
            f"China's share {ct['china_share']:.0%} ({'equity' if ct['equity'] else 'loan'}); China max "
            f"{_fmt(ct['china_max_price_usd_per_kcm'])}, "
            f"Gazprom min {_fmt(ct['gazprom_min_price_usd_per_kcm'])}, "
            f"state min {_fmt(ct['state_min_price_usd_per_kcm'])} USD/kcm"
        )
