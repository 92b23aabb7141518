"""``render_report``: run twin, economics and deal and write one self-contained HTML report plus CSVs.

The HTML embeds every figure and inlines plotly.js once (from the installed plotly package), so
it opens offline and loads nothing from a CDN. Each section says plainly when a stage gave no
result, and why.
"""

from __future__ import annotations

import dataclasses
import html
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

from pos2.errors import OutputError
from pos2.report import figures as figs
from pos2.report.extract import PARTIES, deal_numbers, dig, economics_numbers, profile_table
from pos2.report.stages import DEFAULT_PATHS, INTERACTIVE_PATHS, Chain, ProgressFn, TwinCache, run_chain
from pos2.report.summary import (
    Answer,
    capacity_answer,
    closing_answer,
    tariff_answer,
    why_answer,
    zopa_answer,
)
from pos2.report.whatif import explore_levers
from pos2.scenario import DEFAULT_SCENARIO, Scenario, load_scenario

REPORT_FILE = "report.html"
TABLE_FILES = (
    "stations.csv",
    "sections.csv",
    "profile.csv",
    "costs.csv",
    "npv.csv",
    "agreement.csv",
    "hindcast.csv",
    "whatif.csv",
    "sources.csv",
)
"""Everything :func:`render_report` may write into the output folder."""

STEPS = 6
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
            return "" if pd.isna(v) else floatfmt.format(v)
        return _esc(v)

    head = "".join(f"<th>{_esc(c)}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in df.itertuples(index=False)
    )
    return f"<div class='tablewrap'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def _figure_html(fig: go.Figure, div_id: str) -> str:
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
    n_fig: int = 0

    def fig(self, fig: go.Figure) -> str:
        self.n_fig += 1
        return _figure_html(fig, f"fig{self.n_fig}")

    def add(self, anchor: str, title: str, body: str) -> None:
        self.sections.append((anchor, title, body))


def check_outputs(out_dir: Path, force: bool) -> None:
    """Refuse (``OutputError``) when a report file exists in ``out_dir`` and ``force`` is false."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"--out {out_dir} exists and is not a folder")
    if force:
        return
    existing = [n for n in (REPORT_FILE, *TABLE_FILES) if (out_dir / n).exists()]
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
    paths: int = DEFAULT_PATHS,
    seed: int = 0,
    whatif_budget_s: float = 20.0,
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
        Monte Carlo price paths of the economics [-].
    seed
        Random seed [-].
    whatif_budget_s
        Time allowed for the one-lever-at-a-time re-runs [s].

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
    out = Path(out_dir)
    check_outputs(out, force)
    scn = load_scenario(scenario) if isinstance(scenario, str) else scenario
    say = progress or (lambda _m: None)
    cache = TwinCache()

    chain = run_chain(scn, paths=paths, seed=seed, progress=say, twin_cache=cache)
    say("what would close the gap: re-running economics and deal with levers moved")
    if chain.deal.ok:
        whatif, skipped = explore_levers(
            scn, twin_cache=cache, paths=min(paths, INTERACTIVE_PATHS), seed=seed, budget_s=whatif_budget_s
        )
        whatif_note = None
    else:
        whatif, skipped, whatif_note = None, [], f"the deal stage gave no result ({chain.deal.error})"
    say("figures")
    doc = _build(chain, whatif, len(skipped), whatif_note)
    say("writing report and tables")
    try:
        out.mkdir(parents=True, exist_ok=True)
        tables = _tables(chain, whatif)
        for name, df in tables.items():
            df.to_csv(out / name, index=False)
        path = out / REPORT_FILE
        elapsed = time.perf_counter() - t_start
        path.write_text(_page(chain, doc, sorted(tables), elapsed), encoding="utf-8")
    except OSError as e:
        raise OutputError(f"cannot write the report into {out}: {e.strerror}") from None
    return path


def _build(chain: Chain, whatif: pd.DataFrame | None, skipped: int, whatif_note: str | None) -> _Doc:
    doc = _Doc()
    twin, econ, deal = chain.twin, chain.economics, chain.deal
    answers: list[Answer] = [
        capacity_answer(chain),
        tariff_answer(chain),
        zopa_answer(chain),
        why_answer(chain),
        closing_answer(whatif, skipped, whatif_note),
    ]
    doc.add(
        "summary",
        "Executive summary",
        "".join(
            f"<div class='qa{'' if a.ok else ' na'}'><h3>{_esc(a.question)}</h3><p>{_esc(a.answer)}</p></div>"
            for a in answers
        ),
    )

    # twin figures, grouped
    twin_figs: dict[str, list[go.Figure]] = {}
    twin_problems: list[str] = []
    if twin.ok:
        found, twin_problems = figs.stage_figures("pos2.twin.figures", [twin.result, twin_figs_summary(twin)])
        groups = {"map": ("map", "route"), "profile": ("profile",), "capacity": ("capacity", "fuel", "power")}
        for name, f in found:
            twin_figs.setdefault(_classify(name, groups), []).append(f)
    prof = profile_table(twin.result) if twin.ok else None
    twin_na = _stage_error(twin.error) if not twin.ok else ""

    body = (
        "".join(doc.fig(f) for f in twin_figs.get("map", []))
        or twin_na
        or _na("Not available: the twin provides no route map figure in this build.")
    )
    doc.add("map", "Route map", body)

    body = "".join(doc.fig(f) for f in twin_figs.get("profile", []))
    if not body and prof is not None:
        thr = chain.scenario.get("pipeline.throughput_bcm_per_year")
        body = doc.fig(figs.profile_figure(prof, f"Pressure and elevation along the route at {thr:g} bcm/yr"))
    doc.add(
        "profiles", "Profiles along the route", body or twin_na or _na("Not available: no profile table.")
    )

    cap = "".join(doc.fig(f) for f in twin_figs.get("capacity", []) + twin_figs.get("other", []))
    if twin.ok and twin.data:
        st = pd.DataFrame(twin.data.get("stations") or [])
        sec = pd.DataFrame(twin.data.get("sections") or [])
        if "terrain_km" in sec:
            sec = sec.drop(columns=["terrain_km"])
        cap += "<h3>Compressor stations at the operating point (pressures absolute)</h3>" + _table(st)
        cap += "<h3>Sections</h3>" + _table(sec)
        if twin.data.get("calibration"):
            cap += "<h3>Calibration</h3>" + _table(pd.DataFrame(twin.data["calibration"]))
    for p in twin_problems:
        cap += _na(p)
    doc.add("capacity", "Capacity, stations, fuel and power", cap or twin_na)

    e = economics_numbers(econ.data)
    if e is not None:
        body = _table(_costs_table(e))
        body += (
            "<p>Breakeven border price (Russia NPV = 0): "
            f"<b>{_fmt(e.get('breakeven_price_usd_per_kcm'))}</b> USD per 1,000 m³; wellhead netback: "
            f"<b>{_fmt(e.get('netback_usd_per_kcm'))}</b> USD per 1,000 m³.</p>"
        )
        efigs, eprob = figs.stage_figures("pos2.economics.figures", [econ.result])
        body += "".join(doc.fig(f) for _, f in efigs) + "".join(
            _na(p) for p in eprob if "not available" not in p
        )
        doc.add("costs", "Costs and tariff", body)
        npv = doc.fig(figs.npv_figure(e)) + _table(_npv_table(e))
        samples = getattr(econ.result, "npv_samples", None)
        if isinstance(samples, pd.DataFrame) and not samples.empty:
            npv = doc.fig(figs.npv_distribution_figure(samples)) + npv
        npv += f"<p class='small'>{_esc(e.get('paths'))} price paths, seed {_esc(e.get('seed'))}.</p>"
        doc.add("npv", "NPV per party", npv)
    else:
        doc.add("costs", "Costs and tariff", _stage_error(econ.error))
        doc.add("npv", "NPV per party", _stage_error(econ.error))

    d = deal_numbers(deal.data)
    if d is not None:
        dfigs, dprob = figs.stage_figures("pos2.bargaining.figures", [deal.result])
        groups = {"agreement": ("agreement", "probab"), "hindcast": ("hindcast",)}
        by: dict[str, list[go.Figure]] = {}
        for name, f in dfigs:
            by.setdefault(_classify(name, groups), []).append(f)
        body = doc.fig(figs.zopa_figure(d)) + "".join(doc.fig(f) for f in by.get("other", []))
        body += "".join(_na(p) for p in dprob if "not available" not in p)
        sh = d.get("shapley") or {}
        if sh:
            body += "<h3>Shapley value: shares of the surplus</h3>" + _table(
                pd.DataFrame([{"party": k, "share": v} for k, v in sh.items()])
            )
        doc.add("zopa", "Zone of agreement and Nash price", body)
        pa = d.get("p_agreement_by_year") or {}
        body = doc.fig(figs.agreement_figure(pa)) if pa else _na("The deal stage gives no probabilities.")
        body += "".join(doc.fig(f) for f in by.get("agreement", []))
        doc.add("agreement", "Probability of agreement by year", body)
        hc = pd.DataFrame(dig(deal.data, "hindcast") or [])
        body = "".join(doc.fig(f) for f in by.get("hindcast", []))
        body += _table(_hindcast_table(hc)) if not hc.empty else _na("The deal stage gives no hindcast.")
        doc.add("hindcast", "The summits: hindcast", body)
    else:
        for anchor, title in (
            ("zopa", "Zone of agreement and Nash price"),
            ("agreement", "Probability of agreement by year"),
            ("hindcast", "The summits: hindcast"),
        ):
            doc.add(anchor, title, _stage_error(deal.error))

    if whatif is not None and not whatif.empty:
        body = doc.fig(figs.whatif_figure(whatif)) + _table(
            whatif[
                [
                    "label",
                    "value_text",
                    "why",
                    "gap_usd_per_kcm",
                    "nash_price_usd_per_kcm",
                    "p_agreement_last_year",
                    "error",
                ]
            ]
        )
        body += (
            "<p class='small'>Each row moves one lever from the scenario and re-runs the economics and "
            "the deal (same seed and number of price paths as the baseline row).</p>"
        )
    else:
        body = _na(f"Not available: {whatif_note or 'no what-if runs'}.")
    doc.add("whatif", "What would close the gap", body)

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


def twin_figs_summary(twin: Any) -> Any:
    """The twin's summary object (offered to figure functions that take a summary)."""
    return getattr(twin.result, "summary", twin.result)


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


def _hindcast_table(hc: pd.DataFrame) -> pd.DataFrame:
    df = hc.copy()
    for c in df.columns:
        if df[c].map(lambda v: isinstance(v, list | tuple)).any():
            df[c] = df[c].map(lambda v: "; ".join(map(str, v)) if isinstance(v, list | tuple) else v)
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


def _tables(chain: Chain, whatif: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    t: dict[str, pd.DataFrame] = {"sources.csv": _sources_table(chain.scenario)}
    if chain.twin.ok and chain.twin.data:
        t["stations.csv"] = pd.DataFrame(chain.twin.data.get("stations") or [])
        sec = pd.DataFrame(chain.twin.data.get("sections") or [])
        t["sections.csv"] = sec.drop(columns=["terrain_km"]) if "terrain_km" in sec else sec
        prof = profile_table(chain.twin.result)
        if prof is not None:
            t["profile.csv"] = prof
    e = economics_numbers(chain.economics.data)
    if e is not None:
        t["costs.csv"] = _costs_table(e)
        t["npv.csv"] = _npv_table(e)
    d = deal_numbers(chain.deal.data)
    if d is not None:
        pa = d.get("p_agreement_by_year") or {}
        t["agreement.csv"] = pd.DataFrame(
            {"year": [int(y) for y in pa], "p_agreement_cumulative": list(pa.values())}
        )
        hc = pd.DataFrame(dig(chain.deal.data, "hindcast") or [])
        if not hc.empty:
            t["hindcast.csv"] = _hindcast_table(hc)
    if whatif is not None:
        t["whatif.csv"] = whatif
    assert set(t) <= set(TABLE_FILES)
    return t


def _page(chain: Chain, doc: _Doc, tables: list[str], elapsed_s: float) -> str:
    css = (resources.files("pos2.report") / "assets" / "report.css").read_text(encoding="utf-8")
    scn = chain.scenario
    overrides = ", ".join(f"{k} = {v}" for k, v in scn.overrides) or "none"
    stages = "".join(
        f"<tr><td>{o.name}</td><td>{'ok' if o.ok else _esc(o.error)}</td><td>{o.seconds:.2f}</td></tr>"
        for o in chain.outcomes()
    )
    nav = " · ".join(f"<a href='#{a}'>{_esc(t)}</a>" for a, t, _ in doc.sections)
    body = "".join(f"<section id='{a}'><h2>{_esc(t)}</h2>{b}</section>" for a, t, b in doc.sections)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    run = (
        f"<section id='run'><h2>This run</h2><p>Scenario <b>{_esc(scn.name)}</b> ({_esc(scn.origin)}); "
        f"overrides: {_esc(overrides)}. Written {when} in {elapsed_s:.1f} s. Tables (CSV): "
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
