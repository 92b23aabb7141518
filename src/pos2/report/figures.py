"""Figures of the report built from the stages' published results (plotly, embedded offline).

The twin and the deal also ship their own figures (:mod:`pos2.twin.figures`,
:mod:`pos2.bargaining.figures`); :func:`stage_figures` collects those, and the functions here draw
what the report needs from the ``--json`` objects (NPVs per party, zone of agreement, agreement
probability, what-if gaps, pressure profile).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from pos2.errors import Pos2Error

PARTY_COLOURS = {"russia": "#b3261e", "china": "#1f6fb2", "mongolia": "#8a6d3b"}
LAYOUT = {"template": "plotly_white", "margin": {"t": 50, "l": 70, "r": 30, "b": 60}, "height": 420}


def _fig(title: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title={"text": title}, **LAYOUT)
    return fig


def npv_figure(economics: Mapping[str, Any]) -> go.Figure:
    """NPV per party as P50 bars with P10-P90 whiskers [bn USD].

    Parameters
    ----------
    economics
        :func:`pos2.report.extract.economics_numbers` of a run [-].
    """
    parties = list(PARTY_COLOURS)
    q = {p: economics["parties"][p]["npv_usd_bn"] for p in parties}
    p50 = [q[p]["p50"] for p in parties]
    fig = _fig("NPV per party: P50 with P10-P90 range")
    fig.add_bar(
        x=[p.capitalize() for p in parties],
        y=p50,
        marker_color=[PARTY_COLOURS[p] for p in parties],
        error_y={
            "type": "data",
            "symmetric": False,
            "array": [q[p]["p90"] - q[p]["p50"] for p in parties],
            "arrayminus": [q[p]["p50"] - q[p]["p10"] for p in parties],
        },
        hovertemplate="%{x}: P50 %{y:.1f} bn USD<extra></extra>",
    )
    fig.add_hline(y=0, line_color="#888", line_width=1)
    fig.update_yaxes(title_text="NPV [bn USD]")
    return fig


def npv_distribution_figure(samples: pd.DataFrame) -> go.Figure:
    """Histograms of NPV samples per party [bn USD]; ``samples`` has one column per party."""
    fig = _fig("NPV distribution per party (Monte Carlo)")
    for party in samples.columns:
        fig.add_histogram(
            x=samples[party],
            name=str(party).capitalize(),
            opacity=0.6,
            marker_color=PARTY_COLOURS.get(str(party)),
            nbinsx=60,
        )
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title_text="NPV [bn USD]")
    fig.update_yaxes(title_text="price paths")
    return fig


def zopa_figure(deal: Mapping[str, Any]) -> go.Figure:
    """Reservation prices, the zone of agreement and the Nash price [USD per 1,000 m3]."""
    lo = deal.get("russia_min_price_usd_per_kcm")
    hi = deal.get("china_max_price_usd_per_kcm")
    zopa = deal.get("zopa_usd_per_kcm")
    nash = deal.get("nash_price_usd_per_kcm")
    title = "Zone of agreement and Nash price" if zopa else "No zone of agreement: the prices do not overlap"
    fig = _fig(title)
    fig.add_scatter(
        x=[lo, hi],
        y=["Russia: lowest acceptable", "China: highest acceptable"],
        mode="markers+text",
        text=[f"{lo:.0f}" if lo is not None else "", f"{hi:.0f}" if hi is not None else ""],
        textposition="top center",
        marker={"size": 16, "color": [PARTY_COLOURS["russia"], PARTY_COLOURS["china"]]},
        showlegend=False,
    )
    if zopa:
        fig.add_vrect(x0=zopa[0], x1=zopa[1], fillcolor="rgba(46,160,67,0.18)", line_width=0)
    if nash is not None:
        fig.add_vline(x=nash, line_dash="dash", line_color="#2ea043", annotation_text=f"Nash {nash:.0f}")
    fig.update_xaxes(title_text="price at the border [USD per 1,000 m3 (20 degC)]")
    fig.update_layout(height=300)
    return fig


def agreement_figure(p_by_year: Mapping[str, float]) -> go.Figure:
    """Cumulative probability of agreement by the end of each year [-]."""
    years = sorted(p_by_year, key=lambda y: int(y))
    fig = _fig("Probability that the deal is signed by the end of each year")
    fig.add_scatter(
        x=[int(y) for y in years], y=[p_by_year[y] for y in years], mode="lines+markers", name="P(agreement)"
    )
    fig.update_yaxes(title_text="cumulative probability", range=[0, 1])
    fig.update_xaxes(title_text="year")
    return fig


def profile_figure(profile: pd.DataFrame, title: str) -> go.Figure:
    """Pressure (absolute) and elevation along the route from a profile table."""
    fig = _fig(title)
    fig.add_scatter(x=profile["chainage_km"], y=profile["pressure_mpa"], name="pressure [MPa abs]")
    if "elevation_m" in profile:
        fig.add_scatter(
            x=profile["chainage_km"],
            y=profile["elevation_m"],
            name="elevation [m]",
            yaxis="y2",
            line={"color": "#8a6d3b", "width": 1},
        )
        fig.update_layout(yaxis2={"title": "elevation [m]", "overlaying": "y", "side": "right"})
    fig.update_xaxes(title_text="chainage [km]")
    fig.update_yaxes(title_text="pressure [MPa, absolute]")
    return fig


def whatif_figure(rows: pd.DataFrame) -> go.Figure:
    """Price gap (China's highest minus Russia's lowest) per lever setting [USD per 1,000 m3]."""
    fig = _fig("What closes the gap? China's highest minus Russia's lowest acceptable price")
    labels = [f"{r.label} = {r.value_text}" for r in rows.itertuples()]
    colours = ["#2ea043" if (g is not None and g >= 0) else "#b3261e" for g in rows["gap_usd_per_kcm"]]
    fig.add_bar(x=rows["gap_usd_per_kcm"], y=labels, orientation="h", marker_color=colours)
    fig.add_vline(x=0, line_color="#333")
    fig.update_xaxes(title_text="gap [USD per 1,000 m3]; > 0: a zone of agreement exists")
    fig.update_layout(height=max(300, 28 * len(rows) + 120), margin={"l": 330})
    return fig


FigureList = list[tuple[str, go.Figure]]


def _call_figure(fn: Callable[..., Any], offered: Sequence[Any]) -> Any:
    """Call ``fn`` with the first offered object its first parameter accepts."""
    params = list(inspect.signature(fn).parameters.values())
    required = [p for p in params if p.default is inspect.Parameter.empty and p.kind <= p.KEYWORD_ONLY]
    if len(required) > 1:
        return None
    last: Exception | None = None
    for obj in offered:
        try:
            return fn(obj) if required else fn()
        except (AttributeError, KeyError, TypeError) as e:
            last = e
    if last is not None:
        raise last
    return None


def stage_figures(module: str, offered: Sequence[Any]) -> tuple[FigureList, list[str]]:
    """The public ``*_figure`` functions of a stage's figures module applied to its results.

    Returns the figures (name, figure) and the problems met (one line each).
    """
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name and module.startswith(e.name):
            return [], [f"{module} is not available in this build"]
        raise
    figures: FigureList = []
    problems: list[str] = []
    names = getattr(mod, "__all__", None) or [n for n in dir(mod) if n.endswith("_figure")]
    for name in names:
        fn = getattr(mod, name, None)
        if not callable(fn) or name.startswith("_") or not name.endswith("figure"):
            continue
        try:
            fig = _call_figure(fn, offered)
        except Pos2Error as e:
            problems.append(f"{name}: {type(e).__name__}: {e}")
            continue
        if isinstance(fig, go.Figure):
            figures.append((name, fig))
    return figures, problems
