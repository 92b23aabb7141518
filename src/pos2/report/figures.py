"""Figures of the report built from the stages' published results (plotly, embedded offline).

The twin's own figures (:mod:`pos2.twin.figures`: profile, capacity, fuel and power, route map)
are used as they are; the functions here draw what the report needs from the economics' and the
deal's ``--json`` objects (NPVs per party, tornado, zone of agreement, Nash price vs beta,
agreement probability, what-if runs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pos2.report.display import compact_number

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
    """Histograms of NPV samples per party [bn USD]; ``samples`` has one column per party.

    One panel per party with its own NPV axis: the parties' spreads differ by an order of magnitude
    (Mongolia's transit income hardly varies), so on one shared axis the narrow ones vanish.
    """
    parties = list(samples.columns)
    titles = []
    for party in parties:
        q = samples[party].quantile([0.1, 0.5, 0.9])
        p10, p50, p90 = (float(v) for v in q)
        titles.append(f"{str(party).capitalize()}: P10 {p10:,.1f} · P50 {p50:,.1f} · P90 {p90:,.1f} bn USD")
    fig = make_subplots(rows=len(parties), cols=1, subplot_titles=titles, vertical_spacing=0.12)
    for k, party in enumerate(parties, start=1):
        fig.add_histogram(
            x=samples[party],
            name=str(party).capitalize(),
            marker_color=PARTY_COLOURS.get(str(party)),
            nbinsx=50,
            row=k,
            col=1,
        )
        fig.update_xaxes(title_text="NPV [bn USD]", tickformat=",.1f", row=k, col=1)
        fig.update_yaxes(title_text="price paths", row=k, col=1)
    fig.update_layout(
        title={"text": "NPV distribution per party (Monte Carlo; each panel has its own NPV axis)"},
        **{**LAYOUT, "height": 260 * len(parties) + 100, "margin": {"t": 100, "l": 70, "r": 30, "b": 60}},
        showlegend=False,
    )
    return fig


def zopa_figure(deal: Mapping[str, Any]) -> go.Figure:
    """Reservation prices, the zone of agreement and the Nash price [USD per 1,000 m³]."""
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
        textposition=["middle right", "middle left"],
        marker={"size": 16, "color": [PARTY_COLOURS["russia"], PARTY_COLOURS["china"]]},
        showlegend=False,
    )
    if zopa:
        fig.add_vrect(x0=zopa[0], x1=zopa[1], fillcolor="rgba(46,160,67,0.18)", line_width=0)
    if nash is not None:
        fig.add_vline(x=nash, line_dash="dash", line_color="#2ea043", annotation_text=f"Nash {nash:.0f}")
    fig.update_xaxes(title_text="price at the border [USD per 1,000 m³ (20 °C)]")
    fig.update_layout(height=300, margin={"l": 170})
    fig.update_yaxes(range=[-0.5, 1.5])
    return fig


def agreement_figure(
    p_by_year: Mapping[str, float], band_by_year: Mapping[str, Sequence[float]] | None = None
) -> go.Figure:
    """Cumulative probability of agreement by the end of each year [-].

    ``band_by_year`` (year -> [low, high]) is drawn as a shaded band behind the line: the spread of the
    probability over the private types of the summit game (``summits.p_agreement_band_by_year``).
    """
    years = sorted(p_by_year, key=lambda y: int(y))
    fig = _fig("Probability that the deal is signed by the end of each year")
    bands = band_by_year or {}
    band = [y for y in years if y in bands]
    if band:
        x = [int(y) for y in band]
        fig.add_scatter(
            x=x,
            y=[bands[y][1] for y in band],
            mode="lines",
            line={"width": 0},
            showlegend=False,
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=x,
            y=[bands[y][0] for y in band],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(31,111,178,0.18)",
            name="band over the types",
        )
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
    """Gap and China's gain from waiting per lever setting [USD per 1,000 m³]."""
    labels = [f"{r.label} = {r.value_text}" for r in rows.itertuples()]
    fig = _fig("What closes the deal? Each lever moved alone")
    fig.add_bar(
        y=labels,
        x=rows["gap_usd_per_kcm"],
        orientation="h",
        name="gap: China's highest - Russia's lowest (> 0: zone exists)",
        marker_color="#2ea043",
    )
    fig.add_bar(
        y=labels,
        x=rows["waiting_premium_usd_per_kcm"],
        orientation="h",
        name="China's gain from waiting (> 0: China waits)",
        marker_color="#b3261e",
    )
    fig.add_vline(x=0, line_color="#333")
    fig.update_xaxes(title_text="USD per 1,000 m³")
    fig.update_layout(
        barmode="group",
        height=max(350, 40 * len(rows) + 140),
        margin={"l": 330},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def zopa_over_time_figure(by_year: pd.DataFrame) -> go.Figure:
    """China's highest and Russia's lowest acceptable price by year [USD per 1,000 m³].

    Parameters
    ----------
    by_year
        The deal's ``china.by_year`` records: ``year``, ``max_price_usd_per_kcm``,
        ``russia_min_price_usd_per_kcm`` [-].
    """
    df = by_year.dropna(subset=["max_price_usd_per_kcm"])
    fig = _fig("Zone of agreement over time (between the two lines when China's is above)")
    fig.add_scatter(
        x=df["year"], y=df["max_price_usd_per_kcm"], name="China: highest acceptable", line_color="#1f6fb2"
    )
    fig.add_scatter(
        x=df["year"],
        y=df["russia_min_price_usd_per_kcm"],
        name="Russia: lowest acceptable",
        line_color="#b3261e",
        fill="tonexty",
        fillcolor="rgba(46,160,67,0.15)",
    )
    fig.update_yaxes(title_text="price [USD per 1,000 m³]")
    fig.update_xaxes(title_text="year of first gas")
    return fig


def china_value_figure(by_year: pd.DataFrame) -> go.Figure:
    """China's value of PoS2 gas by year: cost saving and security value [USD per 1,000 m³]."""
    df = by_year.dropna(subset=["cost_saving_usd_per_kcm"])
    fig = _fig("China's value of Power of Siberia 2 gas: cost saving + security (Hormuz) value")
    fig.add_bar(x=df["year"], y=df["cost_saving_usd_per_kcm"], name="cost saving vs alternatives")
    fig.add_bar(x=df["year"], y=df["security_value_usd_per_kcm"], name="security value")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="USD per 1,000 m³")
    return fig


def nash_vs_beta_figure(table: pd.DataFrame, beta: float) -> go.Figure:
    """Nash bargaining price against China's bargaining power beta [USD per 1,000 m³]."""
    fig = _fig("Nash bargaining price vs China's bargaining power β")
    fig.add_scatter(x=table["china_power"], y=table["nash_price_usd_per_kcm"], mode="lines+markers")
    fig.add_vline(x=beta, line_dash="dot", annotation_text=f"scenario β = {beta:g}")
    fig.update_xaxes(title_text="β (0: Russia takes all, 1: China takes all)")
    fig.update_yaxes(title_text="price [USD per 1,000 m³]")
    return fig


def tornado_figure(rows: pd.DataFrame, base_npv_usd_bn: float | None = None) -> go.Figure:
    """Russia's NPV swing for each input moved low/high (the economics' tornado) [bn USD].

    The bars start at Russia's base NPV (a vertical line), so the low and the high side of each
    input both show; without a base value they start at zero and the title says so.

    Parameters
    ----------
    rows
        The economics' tornado table [-].
    base_npv_usd_bn
        Russia's NPV with every input at its base value (the deterministic base deck) [bn USD].
    """
    df = rows.sort_values("russia_swing_usd_bn")
    base = 0.0 if base_npv_usd_bn is None else float(base_npv_usd_bn)
    title = (
        f"Tornado: Russia's NPV with each input at its low and high value (bars from the base NPV "
        f"{base:,.1f} bn USD)"
        if base_npv_usd_bn is not None
        else "Tornado: Russia's NPV with each input at its low and high value (bars from zero)"
    )
    fig = _fig(title)
    labels = [
        f"{k} ({compact_number(lo)} / {compact_number(hi)})"
        for k, lo, hi in zip(df["key"], df["low"], df["high"], strict=True)
    ]
    for side, colour in (("low", "#1f6fb2"), ("high", "#e8a33d")):
        npv = df[f"russia_npv_{side}_usd_bn"].astype(float)
        fig.add_bar(
            y=labels,
            x=npv - base,
            base=base,
            orientation="h",
            name=f"input {side}",
            marker_color=colour,
            customdata=npv,
            hovertemplate="%{y}: NPV %{customdata:,.2f} bn USD<extra>input " + side + "</extra>",
        )
    fig.add_vline(x=base, line_color="#333", line_width=2, annotation_text=f"base {base:,.1f}")
    fig.update_layout(
        barmode="overlay",
        height=max(350, 30 * len(df) + 120),
        margin={"l": 360},
        legend={"orientation": "h", "y": -0.15},
    )
    fig.update_xaxes(title_text="Russia NPV [bn USD]", tickformat=",.1f")
    return fig
