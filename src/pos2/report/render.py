"""``render_report``: run twin, economics and deal and write one self-contained HTML report plus CSVs.

The HTML embeds every figure and inlines plotly.js once (from the installed plotly package), so
it opens offline and loads nothing from a CDN. Each section says plainly when a stage gave no
result, and why.
"""

from __future__ import annotations

import dataclasses
import html
import json
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import plotly
import plotly.graph_objects as go
import plotly.io as pio

from pos2.bargaining import DealResult
from pos2.errors import OutputError, Pos2Error
from pos2.pipeline import Pipeline, PipelineResult, ProgressFn, StageOutcome
from pos2.report import deal_figures, exports, summits_section, transient_section
from pos2.report import figures as figs
from pos2.report.display import display_units, number_text
from pos2.report.extract import PARTIES, clean_json, deal_numbers, dig, economics_numbers, profile_table
from pos2.report.omissions import DEFAULT_BUDGET_S, Omission, omissions, omissions_json
from pos2.report.summary import (
    Answer,
    capacity_answer,
    closing_answer,
    tariff_answer,
    why_answer,
    zopa_answer,
)
from pos2.report.twin_extras import TASKS, ExtrasJob, TwinExtras
from pos2.report.whatif import explore_levers
from pos2.scenario import DEFAULT_SCENARIO, Scenario, load_scenario
from pos2.tables import Format, check_format, write_table
from pos2.twin import figures as twin_figures

REPORT_FILE = "report.html"
SUMMARY_FILE = "summary.json"
TABLE_FORMATS = tuple(f.value for f in Format)
FORMATS = (*TABLE_FORMATS, "xlsx", "pdf")
"""``--format`` of the report: a table format, ``xlsx`` (one workbook) or ``pdf`` (plus CSV tables)."""
TABLE_FILES = (
    "stations.csv",
    "sections.csv",
    "profile.csv",
    "design.csv",
    "part_loads.csv",
    "capacity_stations.csv",
    "capacity_pressure.csv",
    "costs.csv",
    "capex.csv",
    "decks.csv",
    "cash_flows.csv",
    "npv.csv",
    "npv_paths.csv",
    "tornado.csv",
    "agreement.csv",
    "hindcast.csv",
    "china_by_year.csv",
    "nash_vs_beta.csv",
    "whatif.csv",
    "sources.csv",
)
"""Tables :func:`render_report` may write (named for CSV; other formats change the suffix)."""


def _table_format(fmt: str) -> str:
    """The format of the separate table files (``xlsx`` writes none; ``pdf`` writes CSV)."""
    return "csv" if fmt == "pdf" else fmt


def output_files(fmt: str = "csv") -> list[str]:
    """Every file :func:`render_report` may write into the output folder for format ``fmt``."""
    if fmt == "xlsx":
        return [REPORT_FILE, SUMMARY_FILE, exports.XLSX_FILE]
    tf = _table_format(fmt)
    extra = [exports.PDF_FILE] if fmt == "pdf" else []
    return [REPORT_FILE, SUMMARY_FILE, *extra, *(n.removesuffix(".csv") + f".{tf}" for n in TABLE_FILES)]


STEPS = 7
"""Progress steps reported by :func:`render_report`."""


def plotly_js() -> str:
    """The plotly.js bundled with the installed plotly package."""
    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


def _esc(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def _table(df: pd.DataFrame, floatfmt: str = "{:,.2f}") -> str:
    if df.empty:
        return "<p class='na'>No rows.</p>"

    def cell(v: Any) -> str:
        if isinstance(v, float):
            if pd.isna(v):
                return ""
            text = floatfmt.format(v)
            return number_text(v, 6) if "e" in text else text  # never scientific notation
        return _esc(v)

    head = "".join(f"<th>{_esc(c)}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in df.itertuples(index=False)
    )
    return f"<div class='tablewrap'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def _figure_html(fig: go.Figure, div_id: str) -> str:
    # money and volumes as 1,234 (never 1.2e9 or 1.2G) on every axis
    fig.update_xaxes(exponentformat="none", separatethousands=True)
    fig.update_yaxes(exponentformat="none", separatethousands=True)
    return str(
        pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=False,
            div_id=div_id,
            config={"displaylogo": False, "responsive": True},
        )
    )


def _na(text: str) -> str:
    return f"<p class='na'>{_esc(text)}</p>"


@dataclasses.dataclass
class _Doc:
    sections: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)
    answers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    n_fig: int = 0

    def fig(self, fig: go.Figure) -> str:
        self.n_fig += 1
        return _figure_html(fig, f"fig{self.n_fig}")

    def add(self, anchor: str, title: str, body: str) -> None:
        self.sections.append((anchor, title, body))


def check_outputs(out_dir: Path, force: bool, fmt: str = "csv") -> None:
    """Refuse (``OutputError``) when a report file exists in ``out_dir`` and ``force`` is false."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"--out {out_dir} exists and is not a folder")
    if fmt not in FORMATS:
        raise OutputError(f"unknown table format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "pdf":
        exports.check_pdf_support()
    elif fmt in TABLE_FORMATS:
        check_format(Format(fmt))
    if force:
        return
    existing = [n for n in output_files(fmt) if (out_dir / n).exists()]
    if existing:
        raise OutputError(
            f"{out_dir / existing[0]} exists ({len(existing)} report file(s) in {out_dir}); "
            "pass --force to overwrite them"
        )


def _classify(name: str, groups: Mapping[str, Sequence[str]]) -> str:
    low = name.lower()
    for group, words in groups.items():
        if any(w in low for w in words):
            return group
    return "other"


def _stage_error(outcome_error: str | None) -> str:
    return _na(f"Not available: {outcome_error}")


def render_report(
    scenario: Scenario | str = DEFAULT_SCENARIO,
    out_dir: Path | str = Path("out"),
    force: bool = False,
    progress: ProgressFn | None = None,
    *,
    paths: int | None = None,
    seed: int | None = None,
    whatif_budget_s: float | None = None,
    extras_budget_s: float | None = None,
    fmt: str = "csv",
    analyses: bool = True,
    budget_s: float | None = DEFAULT_BUDGET_S,
) -> Path:
    """Run all stages on ``scenario`` and write ``report.html`` and the tables (CSV) into ``out_dir``.

    Parameters
    ----------
    scenario
        A loaded scenario, or the name/path of one [-].
    out_dir
        Output folder, created if missing [-].
    force
        Overwrite report files already in ``out_dir`` [-].
    progress
        Called with a description of each step as it starts [-].
    paths
        Monte Carlo price paths of the economics (``None``: the scenario's ``montecarlo.paths``) [-].
    seed
        Random seed (``None``: the scenario's) [-].
    whatif_budget_s
        Time allowed for the one-lever-at-a-time re-runs (default: a third of ``budget_s``) [s].
    fmt
        Table format: ``csv``, ``parquet`` or ``json``; ``xlsx`` (all tables in one workbook) or
        ``pdf`` (``report.pdf`` printed by headless chromium, plus CSV tables) [-].
    analyses
        Run the twin's slower analyses (station design, implied pressure, capacity curves, part
        loads); without them the report says they were not run [-].
    extras_budget_s
        Time from the start by which the twin's analyses (design, capacity curves...) must be done
        (default: ``budget_s``) [s].
    budget_s
        The report's time budget (``None`` or 0: no limit). Work cut by it is listed, with how to get
        it, in ``report.html`` and ``summary.json`` (``omitted``) [s].

    Returns
    -------
    Path
        The written ``report.html``.

    Raises
    ------
    OutputError
        When a report file exists and ``force`` is false (checked before any work).
    """
    t_start = time.perf_counter()
    limit = budget_s if budget_s else None  # 0 or None: no limit
    if whatif_budget_s is None:
        whatif_budget_s = float("inf") if limit is None else limit / 3.0
    if extras_budget_s is None:
        extras_budget_s = float("inf") if limit is None else limit
    out = Path(out_dir)
    check_outputs(out, force, fmt)
    scn = load_scenario(scenario) if isinstance(scenario, str) else scenario
    say = progress or (lambda _m: None)
    pipe = Pipeline()
    # the twin's slower analyses run in a worker process while the economics and the deal run here
    job = ExtrasJob(scn) if analyses else None

    try:
        chain = pipe.run(scn, paths=paths, seed=seed, progress=say)
        say("contract map: both limits over 81 contracts")
        cmap = pipe.contract_map(chain) if chain.deal.ok else None
        say("what would close the deal: re-running economics and deal with levers moved")
        if chain.deal.ok:
            whatif, skipped = explore_levers(scn, pipeline=pipe, seed=seed, budget_s=whatif_budget_s)
            whatif_note = None
        else:
            whatif, skipped, whatif_note = None, [], f"the deal stage gave no result ({chain.deal.error})"
        say("twin analyses: station design, implied pressure, capacity, part loads")
        extras = job.collect(t_start + extras_budget_s) if job is not None else None
    finally:
        if job is not None:
            job.close()  # no worker outlives the report (errors, Ctrl-C)
    if not analyses:
        extras = TwinExtras(errors=dict.fromkeys(TASKS, "not run (--no-analyses)"))
    missing = omissions(skipped_moves=skipped, extras=extras, analyses=analyses, budget_s=limit)
    say("figures")
    doc = _build(chain, whatif, len(skipped), whatif_note, extras, cmap)
    doc.sections.insert(1, ("omitted", "Not in this report", _omitted_html(missing)))
    say("writing report and tables")
    try:
        out.mkdir(parents=True, exist_ok=True)
        tf = _table_format(fmt)
        frames = _tables(chain, whatif, extras)
        if fmt == "xlsx":
            about = {"scenario": chain.scenario.name, "overrides": dict(chain.scenario.overrides)}
            exports.write_workbook({n.removesuffix(".csv"): df for n, df in frames.items()},
                                   out / exports.XLSX_FILE, about)  # fmt: skip
            tables = [exports.XLSX_FILE]
        else:
            tables = sorted(n.removesuffix(".csv") + f".{tf}" for n in frames)
            for name, df in frames.items():
                write_table(df, out, name.removesuffix(".csv"), Format(tf), force=True)
        path = out / REPORT_FILE
        elapsed = time.perf_counter() - t_start
        path.write_text(_page(chain, doc, tables, elapsed), encoding="utf-8")
        summary = _summary_json(chain, doc, tables, elapsed)
        summary["budget_s"] = limit
        d = deal_numbers(chain.deal.result) or {}
        for k in ("china_max_price_usd_per_kcm", "russia_min_price_usd_per_kcm"):
            summary[k] = d.get(k)
        summary["omitted"] = omissions_json(missing)
        (out / SUMMARY_FILE).write_text(json.dumps(summary, indent=2, allow_nan=False), encoding="utf-8")
    except OSError as e:
        raise OutputError(f"cannot write the report into {out}: {e.strerror}") from None
    if fmt == "pdf":
        say("printing report.pdf with headless chromium")
        exports.print_pdf(path, out / exports.PDF_FILE)
    return path


def _omitted_html(missing: Sequence[Omission]) -> str:
    """The report's list of what it left out (a line saying nothing was, when so)."""
    if not missing:
        return "<p>Nothing: every analysis of this report finished.</p>"
    items = "".join(f"<li><b>{_esc(o.item)}</b>: {_esc(o.why)} — {_esc(o.how)}.</li>" for o in missing)
    return (
        f"<p class='na'>{len(missing)} piece(s) of work are missing from this report (the sections "
        f"concerned say so too):</p><ul class='omitted'>{items}</ul>"
    )


def _summary_json(chain: PipelineResult, doc: _Doc, tables: list[str], elapsed_s: float) -> dict[str, Any]:
    """Headline numbers of the run (``summary.json``; ``pos2 report --json`` prints it)."""
    e = economics_numbers(chain.economics.result) or {}
    d = deal_numbers(chain.deal.result) or {}
    t = chain.twin.data or {}
    return clean_json(  # type: ignore[no-any-return]
        {
            "scenario": chain.scenario.name,
            "overrides": dict(chain.scenario.overrides),
            "report": REPORT_FILE,
            "tables": tables,
            "seconds": elapsed_s,
            "stages": {
                o.name: {"ok": o.ok, "error": o.error, "seconds": o.seconds} for o in chain.outcomes()
            },
            "throughput_bcm_per_year": t.get("throughput_bcm_per_year"),
            "stations": len(t.get("stations") or []) if t else None,
            "total_power_mw": t.get("total_power_mw"),
            "fuel_share": t.get("fuel_share"),
            "tariff_usd_per_kcm": e.get("tariff_usd_per_kcm"),
            "capex_usd_bn": e.get("capex_usd_bn"),
            "breakeven_price_usd_per_kcm": e.get("breakeven_price_usd_per_kcm"),
            "npv_p50_usd_bn": {p: dig(e, "parties", p, "npv_usd_bn", "p50") for p in PARTIES} if e else None,
            "npv_basis": e.get("npv_basis"),
            "contract_price_usd_per_kcm": e.get("contract_price_usd_per_kcm"),
            "contract_price_basis": e.get("contract_price_basis"),
            "adjustments": list(chain.adjustments),
            "zopa_usd_per_kcm": d.get("zopa_usd_per_kcm"),
            "nash_price_usd_per_kcm": d.get("nash_price_usd_per_kcm"),
            "china_signs_now": dig(chain.deal.data, "delay", "china_signs_now"),
            "p_agreement_by_year": d.get("p_agreement_by_year"),
            "answers": dict(doc.answers),
        }
    )


def _twin_figure(name: str, *args: Any) -> tuple[go.Figure | None, str | None]:
    """A figure of :mod:`pos2.twin.figures` or the reason there is none."""
    fn = getattr(twin_figures, name)
    try:
        return fn(*args), None
    except Pos2Error as e:
        return None, f"{type(e).__name__}: {e}"


def _twin_sections(doc: _Doc, chain: PipelineResult, extras: TwinExtras | None) -> None:
    twin = chain.twin
    twin_na = _stage_error(twin.error) if not twin.ok else ""
    result = twin.result

    body = twin_na
    if result is not None:
        fig, why = _twin_figure("route_map", result.geometry, result.stations)
        body = doc.fig(fig) if fig is not None else _na(f"Not available: {why}")
    doc.add("map", "Route map", body)

    body = twin_na
    if result is not None:
        fig, why = _twin_figure("profile_figure", result)
        if fig is not None:
            body = doc.fig(fig)
        else:
            prof = profile_table(result)
            thr = chain.scenario.get("pipeline.throughput_bcm_per_year")
            body = (
                doc.fig(
                    figs.profile_figure(prof, f"Pressure and elevation along the route at {thr:g} bcm/yr")
                )
                if prof is not None
                else _na(f"Not available: {why}")
            )
    doc.add("profiles", "Profiles along the route", body)

    cap = ""
    if extras is not None:
        design = extras.table("design")
        if design is not None:
            cap += "<h3>Stations needed for the design throughput (evenly spaced)</h3>" + _table(design)
        else:
            cap += _na(f"Station design not available: {extras.why_missing('design')}")
        imp = extras.get("implied")
        if imp:
            cap += (
                f"<p>The {imp['stations']} stations of the <b>{_esc(imp['section'])}</b> section carry "
                f"{imp['throughput_bcm_per_year']:g} bcm/yr with a maximum operating pressure of at least "
                f"<b>{imp['max_pressure_mpa']:.2f} MPa</b> (absolute; wall {imp['wall_thickness_mm']:.1f} mm "
                f"at constant hoop stress); on flat ground {imp['flat_terrain_max_pressure_mpa']:.2f} MPa "
                "would do: the difference is the climb onto the Mongolian plateau.</p>"
            )
        else:
            cap += _na(f"Implied pressure not available: {extras.why_missing('implied')}")
        c = extras.get("capacity")
        if c:
            cap += (
                f"<p>With the stations as built the whole line carries at most "
                f"<b>{c['capacity_bcm_per_year']:.1f} bcm/yr</b>; above that {_esc(c['binding'])}.</p>"
            )
        else:
            cap += _na(f"Capacity not available: {extras.why_missing('capacity')}")
        st, pr = extras.table("by_stations"), extras.table("by_pressure")
        if st is not None and pr is not None:
            fig, why = _twin_figure(
                "capacity_figure", st, pr, float(chain.scenario.get("pipeline.throughput_bcm_per_year"))
            )
            cap += doc.fig(fig) if fig is not None else _na(f"Capacity curves not available: {why}")
        else:
            cap += _na(
                "Capacity curves not available: "
                f"{extras.why_missing('by_stations' if st is None else 'by_pressure')}"
            )
        pl = extras.table("part_loads")
        if pl is not None:
            fig, why = _twin_figure("fuel_power_figure", pl)
            cap += doc.fig(fig) if fig is not None else _na(f"Fuel and power figure not available: {why}")
            cap += "<h3>Part loads (stations as built)</h3>" + _table(pl)
        else:
            cap += _na(f"Part loads not available: {extras.why_missing('part_loads')}")
    broken = chain.twin_violations()
    if broken:
        cap += _na("The operating point breaks these limits: " + "; ".join(broken) + ".")
    if twin.ok and twin.data:
        st_df = pd.DataFrame(twin.data.get("stations") or [])
        sec = pd.DataFrame(twin.data.get("sections") or [])
        if "terrain_km" in sec:
            sec = sec.drop(columns=["terrain_km"])
        cap += "<h3>Compressor stations at the operating point (pressures absolute)</h3>" + _table(st_df)
        cap += "<h3>Sections</h3>" + _table(sec)
        if twin.data.get("calibration"):
            cap += "<h3>Calibration</h3>" + _table(pd.DataFrame(twin.data["calibration"]))
    doc.add("capacity", "Capacity, stations, fuel and power", cap or twin_na)


def _economics_sections(doc: _Doc, chain: PipelineResult) -> None:
    econ = chain.economics
    e = economics_numbers(econ.result)
    if e is None:
        doc.add("costs", "Costs and tariff", _stage_error(econ.error))
        doc.add("npv", "NPV per party", _stage_error(econ.error))
        return
    tables = getattr(econ.result, "tables", {}) or {}
    body = _table(_costs_table(e))
    body += (
        "<p>Breakeven border price (Russia NPV = 0): "
        f"<b>{_fmt(e.get('breakeven_price_usd_per_kcm'))}</b> USD per 1,000 m³; wellhead netback: "
        f"<b>{_fmt(e.get('netback_usd_per_kcm'))}</b> USD per 1,000 m³. Money in "
        f"{_esc(dig(econ.data, 'currency'))} of {_esc(dig(econ.data, 'price_year'))}.</p>"
    )
    capex = tables.get("capex")
    if isinstance(capex, pd.DataFrame) and not capex.empty:
        body += "<h3>Capital cost by item</h3>" + _table(capex, floatfmt="{:,.4g}")
    tornado = dig(econ.data, "tornado")
    if tornado:
        body += doc.fig(figs.tornado_figure(pd.DataFrame(tornado), _base_npv(tables.get("decks"))))
    doc.add("costs", "Costs and tariff", body)

    npv = ""
    paths = tables.get("paths")
    cols = {p: f"{p}_npv_usd_bn" for p in PARTIES}
    if isinstance(paths, pd.DataFrame) and set(cols.values()) <= set(paths.columns):
        samples = pd.DataFrame({p: paths[c] for p, c in cols.items()})
        npv += doc.fig(figs.npv_distribution_figure(samples))
    npv += doc.fig(figs.npv_figure(e)) + _table(_npv_table(e))
    decks = tables.get("decks")
    if isinstance(decks, pd.DataFrame) and not decks.empty:
        npv += "<h3>Named price decks (deterministic)</h3>" + _table(decks)
    npv += (
        f"<p class='small'>Basis of the P10/P50/P90: {_esc(e.get('npv_basis'))} (the dashboard's NPVs are "
        "a 200-path sample of the same model and differ from these by sampling error; the named decks "
        "below are deterministic).</p>"
    )
    doc.add("npv", "NPV per party", npv)


def _base_npv(decks: Any) -> float | None:
    """Russia's deterministic NPV on the base deck (the tornado's base) [bn USD], if known."""
    if not isinstance(decks, pd.DataFrame) or not {"deck", "party", "npv_usd_bn"} <= set(decks.columns):
        return None
    hit = decks[(decks["deck"] == "base") & (decks["party"] == "russia")]["npv_usd_bn"]
    return float(hit.iloc[0]) if len(hit) else None


def _valuation_html(doc: _Doc, res: DealResult, cmap: StageOutcome[dict[str, Any]] | None = None) -> str:
    """The contract valuation: the two Russian principals, the gap waterfall, the levers and the terms."""
    val, po = res.valuation, res.price_only
    fl = val.summary["russia_min_price_by_principal_usd_per_kcm"]
    dist = val.summary["china_value_distribution_usd_per_kcm"]
    zone = (
        "empty"
        if res.zopa_usd_per_kcm is None
        else f"{res.zopa_usd_per_kcm[0]:,.0f}–{res.zopa_usd_per_kcm[1]:,.0f}"
    )
    po_zone = po["zopa_usd_per_kcm"]
    rows = [
        ("China's highest acceptable price (expectation)", res.china_max_usd_per_kcm),
        (
            f"China's highest price, risk-averse reading (mean-CVaR weight {val.reference_risk_weight:g})",
            val.risk_adjusted_china_max_usd_per_kcm,
        ),
        (
            "Gazprom's lowest price (export duty, mineral tax and its cost of capital are costs)",
            fl["gazprom"],
        ),
        ("The Russian state's lowest price (the taxes are its revenue)", fl["state"]),
        ("Zone of agreement with Gazprom (headline)", zone),
        (
            "Price-only zone (issue 6 model: supply LP against the breakeven)",
            "empty" if not po_zone else f"{po_zone[0]:,.0f}–{po_zone[1]:,.0f}",
        ),
        (
            "China's value of the contract per 1,000 m3 at its limit, P10 / P50 / P90 / CVaR10",
            f"{dist['p10']:,.0f} / {dist['p50']:,.0f} / {dist['p90']:,.0f} / {dist['cvar10']:,.0f}",
        ),
    ]
    out = (
        "<h3>The contract valuation</h3><p class='small'>Prices are mean contract prices over "
        f"{val.summary['paths']:,} price, demand and Hormuz paths and the delivery years, USD 2025 per "
        "1,000 m3 at the border (docs/deal.md). The zone with the state is what a full tax "
        "waiver would open; the price-only zone is what the old model said, for comparison.</p>"
        + _table(pd.DataFrame([{"quantity": k, "value": v} for k, v in rows]))
    )
    if val.gap_waterfall:
        paths = val.contract_terms.get("paths")
        out += (
            f"<h3>Gap waterfall</h3><p class='small'>Each element switched on in turn, on {paths} common "
            "paths (levels differ from the headline by sampling; the steps are accurate).</p>"
            + doc.fig(deal_figures.gap_waterfall_figure(val.gap_waterfall))
            + _table(pd.DataFrame(val.gap_waterfall).rename(columns={"usd_per_kcm": "USD/kcm"}))
        )
    if val.lever_effects:
        out += "<h3>Levers: change of each side's limit and of the joint surplus</h3>" + _table(
            pd.DataFrame(val.lever_effects).rename(
                columns={
                    "china_max_delta": "China max [USD/kcm]",
                    "russia_min_delta": "Gazprom min [USD/kcm]",
                    "joint_surplus_delta": "joint surplus [USD bn]",
                }
            )
        )
    if val.contract_terms:
        ct = val.contract_terms
        out += f"<h3>Efficient terms ({_esc(ct['basis'])})</h3>" + _table(
            pd.DataFrame([{"term": k, "value": v} for k, v in ct.items() if k != "basis"])
        )
    if cmap is not None:
        out += "<h3>Contract map</h3>"
        if cmap.result is None:
            out += _na(f"Contract map not available: {cmap.error}")
        else:
            out += (
                "<p class='small'>China's highest minus Gazprom's lowest price for 81 contracts: take-or-pay "
                "x annual quantity, China's equity share of the construction cost and the price-formula "
                "family (the flexibility band and make-up of the scenario kept); blue cells have a zone of "
                f"agreement with Gazprom. Basis: {_esc(cmap.result['basis'])}; "
                f"{cmap.result['paths']} paths (as the efficient-terms search). Same numbers as "
                "<code>pos2 deal --map</code>.</p>"
                + doc.fig(
                    deal_figures.contract_map_figure(
                        cmap.result, val.contract_terms, po.get("zopa_usd_per_kcm") or []
                    )
                )
            )
    return out


def _deal_sections(
    doc: _Doc, chain: PipelineResult, cmap: StageOutcome[dict[str, Any]] | None = None
) -> None:
    deal = chain.deal
    d = deal_numbers(deal.result)
    if d is None:
        for anchor, title in (
            ("zopa", "Zone of agreement and Nash price"),
            ("agreement", "Probability of agreement by year"),
            ("hindcast", "The summits: hindcast"),
        ):
            doc.add(anchor, title, _stage_error(deal.error))
        return
    body = doc.fig(figs.zopa_figure(d)) + _valuation_html(doc, deal.get(), cmap)
    by_year = pd.DataFrame(dig(deal.data, "china", "by_year") or [])
    if {"year", "max_price_usd_per_kcm", "russia_min_price_usd_per_kcm"} <= set(by_year.columns):
        res = deal.get()
        b = chain.scenario.model.bargaining
        body += doc.fig(figs.zopa_over_time_figure(by_year))
        body += (
            "<p class='small'>Basis: this chart is the price-only model (China's least-cost supply LP "
            "against Russia's breakeven): each year's own value to China and Russia's breakeven "
            f"({res.russia.min_price_usd_per_kcm:,.0f} USD/kcm in {b.first_round_year}) drifting at "
            f"{100 * b.russia_reservation_drift:+.1f} %/yr. The headline zone above is the contract "
            f"valuation's (China {res.china_max_usd_per_kcm:,.0f}, Gazprom "
            f"{res.russia_min_usd_per_kcm:,.0f} USD/kcm, mean contract prices over paths and delivery "
            "years), so the two differ by construction.</p>"
        )
    if {"cost_saving_usd_per_kcm", "security_value_usd_per_kcm"} <= set(by_year.columns):
        body += doc.fig(figs.china_value_figure(by_year))
    nvb = pd.DataFrame(dig(deal.data, "nash_vs_beta") or [])
    if not nvb.empty:
        body += doc.fig(figs.nash_vs_beta_figure(nvb, float(chain.scenario.get("bargaining.china_power"))))
    extra = {
        "Rubinstein price [USD/kcm]": dig(deal.data, "rubinstein_price_usd_per_kcm"),
        "Rubinstein limit price [USD/kcm]": dig(deal.data, "rubinstein_limit_price_usd_per_kcm"),
        "contract price [USD/kcm] ("
        + str(dig(deal.data, "settings", "contract_price_basis") or "the economics' contract price")
        + ")": dig(deal.data, "contract_price_usd_per_kcm"),
        "Russia's reservation view": dig(deal.data, "russia", "view"),
        "Russia: breakeven [USD/kcm]": dig(deal.data, "russia", "breakeven_usd_per_kcm"),
        "Russia: opportunity value of the gas [USD/kcm]": dig(deal.data, "russia", "opportunity_usd_per_kcm"),
        "China: cost saving [USD/kcm]": dig(deal.data, "china", "cost_saving_usd_per_kcm"),
        "China: security value [USD/kcm]": dig(deal.data, "china", "security_value_usd_per_kcm"),
        "Shapley transit value for Mongolia [USD/kcm]": dig(deal.data, "shapley_transit_usd_per_kcm"),
    }
    body += "<h3>Prices and reservation values</h3>" + _table(
        pd.DataFrame([{"quantity": k, "value": v} for k, v in extra.items() if v is not None])
    )
    sh = d.get("shapley") or {}
    if sh:
        body += "<h3>Shapley value: shares of the surplus</h3>" + _table(
            pd.DataFrame([{"party": k, "share": v} for k, v in sh.items()])
        )
    doc.add("zopa", "Zone of agreement and Nash price", body)

    pa = d.get("p_agreement_by_year") or {}
    body = (
        doc.fig(figs.agreement_figure(pa, dig(deal.data, "summits", "p_agreement_band_by_year")))
        if pa
        else _na("Not available: the deal gives no probabilities.")
    )
    delay = dig(deal.data, "delay") or {}
    if delay:
        body += "<h3>Delay model</h3>" + _table(
            pd.DataFrame([{"quantity": k, "value": v} for k, v in delay.items()])
        )
    doc.add("agreement", "Probability of agreement by year", body)

    hc = pd.DataFrame(dig(deal.data, "hindcast") or [])
    if hc.empty:
        body = _na("Not available: the deal stage gives no hindcast.")
    elif summits_section.has_summits(deal.data):
        body = summits_section.hindcast_html(deal.data or {})
    else:
        hct = _hindcast_table(hc)
        n_match = int((hct["model_verdict"] == hct["actual_outcome"]).sum()) if "model_verdict" in hct else 0
        body = (
            f"<p>The model's verdict matches what happened in {n_match} of {len(hct)} rounds.</p>"
            + _table(hct)
        )
    doc.add("hindcast", "The summits: hindcast", body)


def _build(
    chain: PipelineResult,
    whatif: pd.DataFrame | None,
    skipped: int,
    whatif_note: str | None,
    extras: TwinExtras | None,
    cmap: StageOutcome[dict[str, Any]] | None = None,
) -> _Doc:
    doc = _Doc()
    answers: list[Answer] = [
        capacity_answer(chain, extras),
        tariff_answer(chain),
        zopa_answer(chain),
        why_answer(chain),
        closing_answer(whatif, skipped, whatif_note, chain.deal.result),
    ]
    doc.answers = [(a.question, a.answer) for a in answers]
    doc.add(
        "summary",
        "Executive summary",
        "".join(
            f"<div class='qa{'' if a.ok else ' na'}'><h3>{_esc(a.question)}</h3><p>{_esc(a.answer)}</p></div>"
            for a in answers
        ),
    )
    _twin_sections(doc, chain, extras)
    doc.add(
        "transient",
        "Transient and flexibility",
        transient_section.section_html(
            extras.get("transient") if extras is not None else None,
            extras.why_missing("transient") if extras is not None else "not run",
            doc.fig,
            _table,
        ),
    )
    _economics_sections(doc, chain)
    _deal_sections(doc, chain, cmap)

    if whatif is not None and not whatif.empty:
        body = doc.fig(figs.whatif_figure(whatif)) + _table(
            whatif[
                [
                    "label",
                    "value_text",
                    "why",
                    "gap_usd_per_kcm",
                    "nash_price_usd_per_kcm",
                    "waiting_premium_usd_per_kcm",
                    "china_signs_now",
                    "p_agreement_year",
                    "p_agreement",
                    "error",
                ]
            ].rename(
                columns={
                    "value_text": "value",
                    "gap_usd_per_kcm": "gap [USD/kcm]",
                    "nash_price_usd_per_kcm": "Nash price [USD/kcm]",
                    "waiting_premium_usd_per_kcm": "China's gain from waiting [USD/kcm]",
                    "p_agreement_year": "by year",
                    "p_agreement": "P(agreement)",
                }
            )
        )
        body += (
            "<p class='small'>Each row moves one lever from the scenario and re-runs the economics and "
            "the deal (deterministic economics, no hindcast). The gap is China's highest minus Russia's "
            "lowest acceptable price (>= 0: a zone of agreement); China's gain from waiting is its value of "
            "waiting for a better offer minus its value of signing now (> 0: it waits; the one-sided delay "
            "lattice, a special case). P(agreement) is the summit game's fast mode: today's game re-solved "
            "at the row's levers with this scenario's hindcast held (docs/deal_dynamics.md), so the "
            "baseline row gives the headline's probability.</p>"
        )
    else:
        body = _na(f"Not available: {whatif_note or 'no what-if runs'}.")
    doc.add("whatif", "What would close the deal", body)

    src = _sources_table(chain.scenario)
    n_a = int(src["assumption"].sum()) if not src.empty else 0
    doc.add(
        "sources",
        "Assumptions and sources",
        f"<p>{len(src)} values, of which {n_a} are assumptions (no source gives them; the note says why). "
        "Confidence: H primary/official, M one reputable source, L weak, INF derived by us, A assumption.</p>"
        + _table(src, floatfmt="{:,.6g}"),
    )
    return doc


def _fmt(x: Any, digits: int = 0) -> str:
    return "n/a" if x is None else f"{float(x):,.{digits}f}"


def _costs_table(e: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for part in ("russia", "mongolia", "total"):
        rows.append(
            {
                "section": part,
                "capex [bn USD]": dig(e, "capex_usd_bn", part),
                "tariff [USD per 1,000 m3]": dig(e, "tariff_usd_per_kcm", part),
            }
        )
    return pd.DataFrame(rows)


def _npv_table(e: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for p in PARTIES:
        q = e["parties"][p]["npv_usd_bn"]
        rows.append(
            {
                "party": p,
                "NPV P10 [bn USD]": q.get("p10"),
                "NPV P50 [bn USD]": q.get("p50"),
                "NPV P90 [bn USD]": q.get("p90"),
                "IRR [-]": e["parties"][p].get("irr"),
            }
        )
    return pd.DataFrame(rows)


def _plain(v: Any) -> Any:
    """A list or mapping cell as short text (numbers to one decimal)."""
    if isinstance(v, float):
        return f"{v:,.1f}"
    if isinstance(v, list | tuple):
        return "; ".join(str(_plain(x)) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k.replace('_', ' ')} {_plain(x)}" for k, x in v.items() if x is not None)
    return v


def _hindcast_table(hc: pd.DataFrame) -> pd.DataFrame:
    df = hc.copy()
    for c in df.columns:
        if df[c].map(lambda v: isinstance(v, list | tuple | dict)).any():
            df[c] = df[c].map(lambda v: _plain(v) if isinstance(v, list | tuple | dict) else v)
    return df


def _sources_table(scn: Scenario) -> pd.DataFrame:
    rows = [
        {
            "key": s.key,
            "value": s.value if not isinstance(s.value, list | dict) else str(s.value),
            "unit": s.unit,
            "confidence": s.confidence,
            "assumption": s.assumption,
            "source": s.source,
            "note": s.note,
        }
        for s in scn.sources
    ]
    return pd.DataFrame(rows, columns=["key", "value", "unit", "confidence", "assumption", "source", "note"])


def _tables(
    chain: PipelineResult, whatif: pd.DataFrame | None, extras: TwinExtras | None
) -> dict[str, pd.DataFrame]:
    t: dict[str, pd.DataFrame] = {"sources.csv": _sources_table(chain.scenario)}
    if chain.twin.ok and chain.twin.data:
        stations = getattr(chain.twin.result, "stations", None)
        if not isinstance(stations, pd.DataFrame):
            stations = pd.DataFrame(chain.twin.data.get("stations") or [])
        t["stations.csv"] = stations
        sec = pd.DataFrame(chain.twin.data.get("sections") or [])
        t["sections.csv"] = sec.drop(columns=["terrain_km"]) if "terrain_km" in sec else sec
        prof = getattr(chain.twin.result, "profile", None)
        if isinstance(prof, pd.DataFrame):
            t["profile.csv"] = prof
    if extras is not None:
        for name, file in (
            ("design", "design.csv"),
            ("part_loads", "part_loads.csv"),
            ("by_stations", "capacity_stations.csv"),
            ("by_pressure", "capacity_pressure.csv"),
        ):
            df = extras.table(name)
            if df is not None:
                t[file] = df
    e = economics_numbers(chain.economics.result)
    if e is not None:
        t["costs.csv"] = _costs_table(e)
        t["npv.csv"] = _npv_table(e)
        tables = getattr(chain.economics.result, "tables", {}) or {}
        for name, file in (
            ("capex", "capex.csv"),
            ("decks", "decks.csv"),
            ("cash_flows", "cash_flows.csv"),
            ("paths", "npv_paths.csv"),
            ("tornado", "tornado.csv"),
        ):
            if isinstance(tables.get(name), pd.DataFrame):
                t[file] = tables[name]
    d = deal_numbers(chain.deal.result)
    if d is not None:
        pa = d.get("p_agreement_by_year") or {}
        t["agreement.csv"] = pd.DataFrame(
            {"year": [int(y) for y in pa], "p_agreement_cumulative": list(pa.values())}
        )
        hc = pd.DataFrame(dig(chain.deal.data, "hindcast") or [])
        if not hc.empty:
            t["hindcast.csv"] = _hindcast_table(hc)
        by_year = getattr(chain.deal.result, "by_year", None)
        if isinstance(by_year, pd.DataFrame):
            t["china_by_year.csv"] = by_year
        nvb = getattr(chain.deal.result, "nash_vs_beta", None)
        if isinstance(nvb, pd.DataFrame):
            t["nash_vs_beta.csv"] = nvb
    if whatif is not None:
        t["whatif.csv"] = whatif
    unknown = set(t) - set(TABLE_FILES)
    assert not unknown, unknown
    return t


def _page(chain: PipelineResult, doc: _Doc, tables: list[str], elapsed_s: float) -> str:
    css = (resources.files("pos2.report") / "assets" / "report.css").read_text(encoding="utf-8")
    scn = chain.scenario
    overrides = ", ".join(f"{k} = {v}" for k, v in scn.overrides) or "none"
    stages = "".join(
        f"<tr><td>{o.name}</td><td>{'ok' if o.ok else _esc(o.error)}</td><td>{o.seconds:.2f}</td></tr>"
        for o in chain.outcomes()
    )
    nav = " · ".join(f"<a href='#{a}'>{_esc(t)}</a>" for a, t, _ in doc.sections)
    body = display_units(
        "".join(f"<section id='{a}'><h2>{_esc(t)}</h2>{b}</section>" for a, t, b in doc.sections)
    )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    run = (
        f"<section id='run'><h2>This run</h2><p>Scenario <b>{_esc(scn.name)}</b> ({_esc(scn.origin)}); "
        f"overrides: {_esc(overrides)}. Written {when} in {elapsed_s:.1f} s. Tables: "
        f"{_esc(', '.join(tables))}.</p><table><thead><tr><th>stage</th><th>status</th><th>seconds</th></tr>"
        f"</thead><tbody>{stages}</tbody></table></section>"
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>pos2 report — {_esc(scn.name)}</title><style>{css}</style>"
        f"<script>{plotly_js()}</script></head><body>"
        f"<header><h1>Power of Siberia 2: the line and the deal</h1>"
        f"<p class='lead'>pos2 report for scenario <b>{_esc(scn.name)}</b>. Money in USD; gas volumes at "
        "20 °C and 101.325 kPa; pressures absolute. Every number below was computed in this run.</p>"
        f"<nav>{nav}</nav></header><main>{body}{run}</main></body></html>"
    )
