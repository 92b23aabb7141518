"""Figures of the deal stage for the report and the dashboard (plotly ``Figure`` objects).

Prices are USD (2025) per 1,000 m3 at the Chinese border.
"""

from __future__ import annotations

import plotly.graph_objects as go

from pos2.bargaining.deal import DealResult

_PRICE = "price [USD per 1,000 m3]"


def zopa_figure(result: DealResult) -> go.Figure:
    """Zone of agreement over time: each negotiation round's [Russia min, China max], and the scenario's
    China value and Russia reservation price by delivery year."""
    fig = go.Figure()
    hc = result.hindcast
    dates = [h.round.date.isoformat() for h in hc]
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=[h.china_max_usd_per_kcm for h in hc],
            mode="markers+lines",
            name="China's highest acceptable price (round)",
            line={"color": "#c0392b"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=[h.russia_min_usd_per_kcm for h in hc],
            mode="markers+lines",
            name="Russia's reservation price (round)",
            line={"color": "#2c3e50"},
            fill="tonexty",
            fillcolor="rgba(39, 174, 96, 0.15)",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=[h.nash_price_usd_per_kcm for h in hc],
            mode="markers",
            name="Nash price (round)",
            marker={"symbol": "diamond", "size": 9, "color": "#27ae60"},
        )
    )
    by = result.by_year.dropna(subset=["max_price_usd_per_kcm"])
    fig.add_trace(
        go.Scatter(
            x=[f"{y}-07-01" for y in by["year"]],
            y=by["max_price_usd_per_kcm"],
            mode="lines",
            name="China's value of PoS2 by delivery year (scenario)",
            line={"dash": "dot", "color": "#e67e22"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[f"{y}-07-01" for y in by["year"]],
            y=by["russia_min_price_usd_per_kcm"],
            mode="lines",
            name="Russia's reservation price, drifting (scenario)",
            line={"dash": "dot", "color": "#7f8c8d"},
        )
    )
    fig.update_layout(
        title="Zone of possible agreement over time (shaded: rounds)",
        xaxis_title="date",
        yaxis_title=_PRICE,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def nash_vs_beta_figure(result: DealResult) -> go.Figure:
    """Generalized Nash price against China's bargaining power beta, with the scenario's beta marked."""
    df = result.nash_vs_beta
    fig = go.Figure(
        go.Scatter(
            x=df["china_power"], y=df["nash_price_usd_per_kcm"], mode="lines+markers", name="Nash price"
        )
    )
    beta = result.settings.get("china_power")
    if isinstance(beta, float) and result.nash_price_usd_per_kcm is not None:
        fig.add_trace(
            go.Scatter(
                x=[beta],
                y=[result.nash_price_usd_per_kcm],
                mode="markers",
                marker={"size": 14, "symbol": "star"},
                name=f"scenario (beta = {beta:.2f})",
            )
        )
    fig.add_hline(
        y=result.contract_price_usd_per_kcm, line_dash="dash", annotation_text="contract formula at the deck"
    )
    fig.update_layout(
        title="Nash price vs China's bargaining power", xaxis_title="beta [-]", yaxis_title=_PRICE
    )
    return fig


def agreement_probability_figure(result: DealResult) -> go.Figure:
    """Cumulative probability of agreement by the end of each year (delay model)."""
    p = result.delay.p_agreement_by_year
    fig = go.Figure(go.Bar(x=list(p), y=list(p.values()), name="P(agreement by year)"))
    fig.update_layout(
        title="Probability of agreement by year (China signs or waits at each summit)",
        xaxis_title="year",
        yaxis_title="cumulative probability [-]",
        yaxis_range=[0, 1],
    )
    return fig


def china_value_figure(result: DealResult) -> go.Figure:
    """China's highest acceptable price by delivery year: cost saving and security value stacked."""
    by = result.by_year.dropna(subset=["max_price_usd_per_kcm"])
    fig = go.Figure()
    fig.add_trace(go.Bar(x=by["year"], y=by["cost_saving_usd_per_kcm"], name="cost saving (strait open)"))
    fig.add_trace(go.Bar(x=by["year"], y=by["security_value_usd_per_kcm"], name="security value (Hormuz)"))
    fig.update_layout(
        barmode="relative", title="China's value of PoS2 gas by year", xaxis_title="year", yaxis_title=_PRICE
    )
    return fig


def hindcast_table_figure(result: DealResult) -> go.Figure:
    """The hindcast as a table: market state, model's zone and Nash price, verdict and what happened."""
    df = result.hindcast_table()

    def f(v: object) -> str:
        return "-" if v is None or v != v else (f"{v:,.0f}" if isinstance(v, float) else str(v))

    cols = [
        ("date", "date"),
        ("brent_usd_per_bbl", "Brent"),
        ("lng_usd_per_mmbtu", "LNG"),
        ("hormuz_status", "Hormuz"),
        ("pos1_price_usd_per_kcm", "PoS1 price"),
        ("russia_min_price_usd_per_kcm", "Russia min"),
        ("china_max_price_usd_per_kcm", "China max"),
        ("nash_price_usd_per_kcm", "Nash"),
        ("model_verdict", "model"),
        ("actual_outcome", "actual"),
        ("sources", "sources"),
    ]
    colors = ["#eafaf1" if m else "#fdecea" for m in df["match"]] if not df.empty else []
    fig = go.Figure(
        go.Table(
            header={"values": [c[1] for c in cols]},
            cells={
                "values": [[f(v) for v in df[c[0]]] for c in cols] if not df.empty else [[] for _ in cols],
                "fill_color": [colors] * len(cols),
            },
            columnwidth=[10, 6, 6, 6, 7, 7, 7, 6, 7, 7, 40],
        )
    )
    fig.update_layout(title="Hindcast: the model's verdict per round vs what happened (red: mismatch)")
    return fig
