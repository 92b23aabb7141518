"""Figures of a route transient: space-time pressure map, delivery pressure and linepack over time."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = ["delivery_figure", "space_time_figure"]


def space_time_figure(rt: Any) -> go.Figure:
    """Heat map of the pressure along the route (x: chainage) over time (y) [MPa abs].

    Parameters
    ----------
    rt
        A :class:`pos2.twin.transient.RouteTransient` [-]
    """
    da = rt.space_time()
    fig = go.Figure(
        go.Heatmap(
            x=da["chainage_km"].to_numpy(),
            y=da["time_h"].to_numpy(),
            z=da.to_numpy(),
            colorscale="Viridis",
            colorbar={"title": "MPa abs"},
            hovertemplate="km %{x:.0f}<br>%{y:.2f} h<br>%{z:.3f} MPa<extra></extra>",
        )
    )
    for _, s in rt.station_sites.iterrows():
        fig.add_vline(x=float(s["chainage_km"]), line_width=0.5, line_color="white", opacity=0.5)
    events = ", ".join(e.text for e in rt.events) or "no events"
    fig.update_layout(
        title=f"{rt.scenario}: pressure along the route over time ({events})",
        xaxis_title="chainage [km] (thin lines: compressor stations)",
        yaxis_title="time [h]",
        template="plotly_white",
    )
    return fig


def delivery_figure(rt: Any) -> go.Figure:
    """Delivery pressure (with its minimum) and linepack over time.

    Parameters
    ----------
    rt
        A :class:`pos2.twin.transient.RouteTransient` [-]
    """
    d = rt.delivery
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    fig.add_trace(go.Scatter(x=d["time_h"], y=d["delivery_pressure_mpa"], name="delivery pressure"), 1, 1)
    fig.add_hline(
        y=rt.min_delivery_pressure_mpa,
        line_dash="dash",
        line_color="red",
        annotation_text="minimum",
        row=1,
        col=1,
    )
    fig.add_trace(go.Scatter(x=d["time_h"], y=d["linepack_mcm"], name="linepack"), 2, 1)
    fig.update_yaxes(title_text="MPa abs", row=1, col=1)
    fig.update_yaxes(title_text="million m3 (ref. conditions)", row=2, col=1)
    fig.update_xaxes(title_text="time [h]", row=2, col=1)
    title = f"{rt.scenario}: delivery pressure and linepack"
    if rt.survival_time_h is not None:
        title += f" - survival time {rt.survival_time_h:.1f} h"
    fig.update_layout(title=title, template="plotly_white")
    return fig
