"""The HTML report of a sweep: deal/no-deal maps, partial dependence and sensitivity indices.

One self-contained page (plotly.js inline, no CDN), written next to the store as ``report.html``.

* **Deal maps**: share of points with a deal (the first boolean output, e.g. ``deal``) in bins of two
  swept parameters, for the pairs of parameters that matter most.
* **Partial dependence**: mean of each numeric output in bins of one swept parameter, averaging over
  all the others (Friedman 2001, *Ann. Statist.* 29(5), §8.2, estimated from the sample).
* **Sensitivity**: for ``method = "sobol"``, first-order and total Sobol' indices with SALib's
  :func:`SALib.analyze.sobol.analyze` (Saltelli et al. 2010); for ``lhs``, first-order indices with
  SALib's RBD-FAST (Tarantola et al. 2006, *Reliab. Eng. Syst. Saf.* 91(6)); for ``grid``, the exact
  first-order share of variance explained by each factor's levels (main-effect variance / total).
"""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from pos2.errors import OutputError
from pos2.sweep.store import STORE_FILE, SweepStore

LAYOUT: dict[str, Any] = {"template": "plotly_white", "margin": {"t": 60, "l": 70, "r": 30, "b": 60}}
MAX_MAPS = 3
MAX_OUTPUTS = 4
BINS = 12

_CSS = """
.note { color: #5b6774; font-size: 13px; }
"""
_FALLBACK_CSS = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1200px; color: #1d2733; }
section { margin: 16px 0; } table { border-collapse: collapse; font-size: 12.5px; }
th, td { border-bottom: 1px solid #eef0f3; padding: 3px 8px; text-align: left; }
"""


def _css() -> str:
    """The stylesheet of the main HTML report (``pos2.report``), so both pages look alike."""
    try:
        return (resources.files("pos2.report") / "assets" / "report.css").read_text(encoding="utf-8") + _CSS
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return _FALLBACK_CSS + _CSS


def _bins(values: pd.Series, levels_max: int = BINS) -> tuple[pd.Series, list[float]]:
    """Bin labels (bin centre) of ``values``: its own levels when few, else equal-width bins."""
    uniq = np.unique(values.to_numpy())
    if len(uniq) <= levels_max:
        return values.astype(float), [float(u) for u in uniq]
    edges = np.linspace(float(uniq[0]), float(uniq[-1]), levels_max + 1)
    centres = 0.5 * (edges[:-1] + edges[1:])
    idx = np.clip(np.searchsorted(edges, values.to_numpy(), side="right") - 1, 0, levels_max - 1)
    return pd.Series(centres[idx], index=values.index), [float(c) for c in centres]


def _main_effect_share(x: pd.Series, y: pd.Series) -> float:
    """Variance of the binned conditional mean of ``y`` given ``x`` over the variance of ``y`` [-]."""
    ok = y.notna()
    x, y = x[ok], y[ok]
    if len(y) < 2 or float(y.var(ddof=0)) == 0.0:
        return 0.0
    b, _ = _bins(x)
    means = y.groupby(b).transform("mean")
    return float(means.var(ddof=0) / y.var(ddof=0))


def sensitivity_table(
    df: pd.DataFrame, meta: dict[str, str], keys: list[str], output: str
) -> tuple[pd.DataFrame, str]:
    """Sensitivity indices of ``output`` to each swept key, and the method used.

    Parameters
    ----------
    df
        The stored points, ordered by ``point_id``.
    meta
        The store's meta table.
    keys
        Swept numeric keys.
    output
        Output column.
    """
    y = df[output].astype(float)
    method = meta.get("method", "grid")
    if method == "sobol":
        from SALib.analyze import sobol

        if y.isna().any() or len(df) != int(meta["n_points"]):
            return (
                pd.DataFrame(),
                "Sobol' indices need every point of the Saltelli sample (some failed or are missing)",
            )
        problem = {"num_vars": len(keys), "names": keys, "bounds": [[0.0, 1.0]] * len(keys)}
        if float(np.var(y.to_numpy())) == 0.0:
            return pd.DataFrame({"key": keys, "S1": 0.0, "ST": 0.0}), "output is constant"
        with np.errstate(divide="ignore", invalid="ignore"):  # bootstrap resamples may be constant
            res = sobol.analyze(problem, y.to_numpy(), calc_second_order=False, seed=0)
        tab = pd.DataFrame(
            {
                "key": keys,
                "S1": res["S1"],
                "S1_conf": res["S1_conf"],
                "ST": res["ST"],
                "ST_conf": res["ST_conf"],
            }
        )
        return tab, "Sobol' first-order (S1) and total (ST) indices, SALib (Saltelli 2010 estimator)"
    if method == "lhs":
        from SALib.analyze import rbd_fast

        ok = y.notna().to_numpy()
        if ok.sum() < 10 or float(np.var(y[ok])) == 0.0:
            return pd.DataFrame(), "too few successful points or constant output"
        x = df.loc[ok, keys].to_numpy(dtype=float)
        problem = {
            "num_vars": len(keys),
            "names": keys,
            "bounds": [[float(c.min()), float(c.max())] for c in x.T],
        }
        with np.errstate(divide="ignore", invalid="ignore"):  # bootstrap resamples may be constant
            res = rbd_fast.analyze(
                problem, x, y[ok].to_numpy(), M=min(10, max(1, int(ok.sum()) // 4)), seed=0
            )
        tab = pd.DataFrame({"key": keys, "S1": res["S1"], "S1_conf": res["S1_conf"]})
        return tab, "first-order indices, SALib RBD-FAST"
    s1 = [_main_effect_share(df[k].astype(float), y) for k in keys]
    return pd.DataFrame({"key": keys, "S1": s1}), "first-order share of variance of each factor's main effect"


def _deal_map(df: pd.DataFrame, deal: str, a: str, b: str) -> go.Figure:
    ba, ca = _bins(df[a].astype(float))
    bb, cb = _bins(df[b].astype(float))
    share = df[deal].astype(float).groupby([bb, ba]).mean().unstack()
    share = share.reindex(index=cb, columns=ca)
    fig = go.Figure(
        go.Heatmap(
            x=ca,
            y=cb,
            z=share.to_numpy(),
            zmin=0,
            zmax=1,
            colorscale="RdYlGn",
            colorbar={"title": "share with deal"},
            hovertemplate=f"{a}=%{{x:.4g}}<br>{b}=%{{y:.4g}}<br>deal share %{{z:.2f}}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"{deal}: share of points over {a} × {b}", xaxis_title=a, yaxis_title=b, height=460, **LAYOUT
    )
    return fig


def _pdp(df: pd.DataFrame, keys: list[str], output: str) -> go.Figure:
    fig = make_subplots(rows=1, cols=len(keys), shared_yaxes=True, subplot_titles=keys)
    y = df[output].astype(float)
    for j, k in enumerate(keys, start=1):
        b, centres = _bins(df[k].astype(float))
        g = y.groupby(b)
        mean = g.mean().reindex(centres)
        lo = g.quantile(0.1).reindex(centres)
        hi = g.quantile(0.9).reindex(centres)
        fig.add_trace(
            go.Scatter(x=centres, y=hi, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"),
            row=1,
            col=j,
        )
        fig.add_trace(
            go.Scatter(
                x=centres,
                y=lo,
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor="rgba(31,111,178,0.15)",
                name="P10–P90",
                showlegend=j == 1,
                hoverinfo="skip",
            ),
            row=1,
            col=j,
        )
        fig.add_trace(
            go.Scatter(
                x=centres,
                y=mean,
                mode="lines+markers",
                line={"color": "#1f6fb2"},
                name="mean",
                showlegend=j == 1,
            ),
            row=1,
            col=j,
        )
    fig.update_layout(title=f"Partial dependence of {output}", height=380, **LAYOUT)
    fig.update_yaxes(title_text=output, row=1, col=1)
    return fig


def _sens_fig(tab: pd.DataFrame, output: str, how: str) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=tab["key"],
            y=tab["S1"],
            name="first order",
            error_y={"type": "data", "array": tab["S1_conf"]} if "S1_conf" in tab else None,
        )
    )
    if "ST" in tab:
        fig.add_trace(
            go.Bar(
                x=tab["key"],
                y=tab["ST"],
                name="total",
                error_y={"type": "data", "array": tab["ST_conf"]} if "ST_conf" in tab else None,
            )
        )
    fig.update_layout(
        title=f"Sensitivity of {output}<br><sup>{html.escape(how)}</sup>",
        barmode="group",
        height=380,
        **LAYOUT,
    )
    fig.update_yaxes(title_text="index [-]")
    return fig


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, border=0, float_format=lambda v: f"{v:,.4g}", na_rep="")


def render_sweep_report(folder: Path, *, force: bool = False) -> Path:
    """Write ``folder/report.html`` from the sweep stored in ``folder``.

    Parameters
    ----------
    folder
        Output folder of a sweep (holding ``sweep.duckdb``).
    force
        Overwrite an existing ``report.html``.

    Raises
    ------
    OutputError
        No store in ``folder``, or the report exists and ``force`` is false.
    """
    page = folder / "report.html"
    if page.exists() and not force:
        raise OutputError(f"{page} exists; pass --force to overwrite it")
    from pos2.sweep.run import reconcile_status

    reconcile_status(folder)  # a killed run is marked interrupted in status.json as in the runs table
    store = SweepStore.open(folder, read_only=True)
    try:
        df = store.frame()
        meta = dict(store.meta)
        runs = store.runs()
        kinds = dict(store.output_kinds)
        keys = list(store.keys)
    finally:
        store.close()
    numeric_keys = [k for k in keys if pd.api.types.is_numeric_dtype(df[k]) and df[k].nunique() > 1]
    ok = df[df["status"] == "ok"]
    bool_outputs = [o for o, kind in kinds.items() if kind == "bool"]
    float_outputs = [o for o, kind in kinds.items() if kind == "float"][:MAX_OUTPUTS]
    n, nfail = len(df), int((df["status"] != "ok").sum())
    summary = pd.DataFrame(
        {
            "": ["sweep", "method", "points stored", "of", "failed", "swept keys", "fixed overrides"],
            "value": [
                meta.get("name", ""),
                meta.get("method", ""),
                f"{n:,}",
                f"{int(meta.get('n_points', n)):,}",
                f"{nfail:,}",
                ", ".join(keys),
                json.dumps(json.loads(meta.get("spec", "{}")).get("fixed", {})),  # to_html escapes
            ],
        }
    )
    sections: list[tuple[str, str, str]] = [
        ("sweep", "The sweep", _table(summary) + "<h3>Runs</h3>" + _table(runs)),
    ]
    figs: list[go.Figure] = []
    sens_tables: list[str] = []
    varying_bools = [o for o in bool_outputs if ok[o].astype(float).nunique() > 1][:2]
    importance: dict[str, dict[str, float]] = {}
    for out in [*varying_bools, *float_outputs]:
        if not numeric_keys or ok.empty:
            break
        d = df if meta.get("method") == "sobol" else ok
        tab, how = sensitivity_table(d, meta, numeric_keys, out)
        if tab.empty:
            sens_tables.append(f"<p class='note'>{html.escape(out)}: {html.escape(how)}</p>")
            continue
        importance[out] = dict(zip(tab["key"], tab["ST"] if "ST" in tab else tab["S1"], strict=True))
        figs.append(_sens_fig(tab, out, how))
        sens_tables.append(f"<h3>{html.escape(out)}</h3>" + _table(tab))
    body: list[str] = []
    if bool_outputs and not ok.empty:
        for o in bool_outputs:
            share = float(ok[o].astype(float).mean())
            body.append(
                f"<p>Share of successful points with <code>{html.escape(o)}</code> true: {share:.1%}</p>"
            )
    if varying_bools and len(numeric_keys) >= 2:
        body.append(
            "<p class='note'>Maps: share of successful points with the output true in each cell, averaged "
            "over the other swept parameters; pairs ordered by sensitivity.</p>"
        )
        for deal in varying_bools:
            imp = importance.get(deal, {})
            order = sorted(numeric_keys, key=lambda k: -imp.get(k, 0.0))
            pairs = [(order[i], order[j]) for i in range(len(order)) for j in range(i + 1, len(order))][
                :MAX_MAPS
            ]
            body.extend(
                _deal_map(ok, deal, a, b).to_html(full_html=False, include_plotlyjs=False) for a, b in pairs
            )
    if body:
        sections.append(("deal", "Where is there a deal?", "\n".join(body)))
    if numeric_keys and not ok.empty:
        pdp = [
            _pdp(ok, numeric_keys, o).to_html(full_html=False, include_plotlyjs=False)
            for o in [*varying_bools, *float_outputs]
        ]
        sections.append(("pdp", "Partial dependence", "\n".join(pdp)))
        sens = [f.to_html(full_html=False, include_plotlyjs=False) for f in figs] + sens_tables
        sections.append(("sensitivity", "Sensitivity indices", "\n".join(sens)))
    if nfail:
        errs = (
            df.loc[df["status"] != "ok", "error"].value_counts().head(10).rename_axis("error").reset_index()
        )
        sections.append(("failures", "Failures", _table(errs)))
    name = html.escape(meta.get("name", ""))
    nav = " · ".join(f"<a href='#{a}'>{html.escape(t)}</a>" for a, t, _ in sections)
    main = "".join(f"<section id='{a}'><h2>{html.escape(t)}</h2>{b}</section>" for a, t, b in sections)
    doc = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>pos2 sweep — {name}</title><style>{_css()}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>"
        f"<header><h1>Sweep: {name}</h1><p class='lead'>{n:,} points ({meta.get('method', '')} sampling) of "
        "the twin, the economics and the deal. Money in USD 2025; gas volumes at 20 °C and 101.325 kPa. "
        f"Every number below was read from {STORE_FILE}.</p><nav>{nav}</nav></header>"
        f"<main>{main}</main></body></html>"
    )
    try:
        page.write_text(doc, encoding="utf-8")
    except OSError as e:
        raise OutputError(f"cannot write {page}: {e.strerror}") from None
    return page
