"""Figures of the twin (plotly). Each function returns a :class:`plotly.graph_objects.Figure`, so the
report can embed it; :func:`write_figure` writes a self-contained HTML file (plotly.js inlined, no CDN).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pos2.twin.borders import border_lines
from pos2.twin.results import TwinResult
from pos2.twin.route import RouteGeometry

_COLORS = {"pressure": "#1f77b4", "elevation": "#8c6d31", "station": "#d62728", "temperature": "#2ca02c"}


def profile_figure(result: TwinResult) -> go.Figure:
    """Pressure, temperature and ground elevation along the route, with the compressor stations.

    Parameters
    ----------
    result
        A twin run (:func:`pos2.twin.run_twin`) [-]
    """
    prof = result.profile
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.65, 0.35],
        vertical_spacing=0.05,
        specs=[[{"secondary_y": True}], [{"secondary_y": True}]],
    )
    fig.add_trace(
        go.Scatter(
            x=prof["chainage_km"],
            y=prof["p_mpa"],
            name="pressure [MPa abs]",
            line={"color": _COLORS["pressure"]},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=prof["chainage_km"],
            y=prof["elevation_m"],
            name="ground elevation [m]",
            fill="tozeroy",
            line={"color": _COLORS["elevation"], "width": 1},
            opacity=0.4,
        ),
        row=1,
        col=1,
        secondary_y=True,
    )
    st = result.stations
    if len(st):
        fig.add_trace(
            go.Scatter(
                x=list(st["chainage_km"]) + list(st["chainage_km"]),
                y=list(st["suction_pressure_mpa"]) + list(st["discharge_pressure_mpa"]),
                mode="markers",
                marker={"symbol": "triangle-up", "size": 9, "color": _COLORS["station"]},
                name="compressor stations",
                text=[f"{n} (suction)" for n in st["name"]] + [f"{n} (discharge)" for n in st["name"]],
                hovertemplate="%{text}<br>%{x:.0f} km, %{y:.2f} MPa<extra></extra>",
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        go.Scatter(
            x=prof["chainage_km"],
            y=prof["t_c"],
            name="gas temperature [°C]",
            line={"color": _COLORS["temperature"]},
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=prof["chainage_km"],
            y=prof["v_m_per_s"],
            name="velocity [m/s]",
            line={"color": "#9467bd", "dash": "dot"},
        ),
        row=2,
        col=1,
        secondary_y=True,
    )
    for sec in result.geometry.sections[1:]:
        fig.add_vline(x=sec.start_m / 1000.0, line={"dash": "dash", "color": "grey"})
    s = result.summary
    fig.update_layout(
        title=(
            f"{s.scenario}: {s.throughput_bcm_per_year:g} bcm/yr (20 °C) - {len(st)} stations, "
            f"{s.total_power_mw:.0f} MW shaft, fuel {s.fuel_share:.1%}"
        ),
        legend={"orientation": "h", "y": -0.12},
        height=650,
    )
    fig.update_xaxes(title_text="chainage [km]", row=2, col=1)
    fig.update_yaxes(title_text="pressure [MPa abs]", row=1, col=1)
    fig.update_yaxes(title_text="elevation [m]", row=1, col=1, secondary_y=True)
    fig.update_yaxes(title_text="temperature [°C]", row=2, col=1)
    fig.update_yaxes(title_text="velocity [m/s]", row=2, col=1, secondary_y=True)
    return fig


def capacity_figure(by_stations: pd.DataFrame, by_pressure: pd.DataFrame, target_bcm: float) -> go.Figure:
    """Capacity of a section against its number of stations and against its maximum pressure.

    Parameters
    ----------
    by_stations
        :func:`pos2.twin.analysis.capacity_curve_stations` table [-]
    by_pressure
        :func:`pos2.twin.analysis.capacity_curve_pressure` table [-]
    target_bcm
        Target throughput drawn as a line [bcm/yr].
    """
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("vs number of stations", "vs maximum operating pressure")
    )
    fig.add_trace(
        go.Scatter(
            x=by_stations["stations"],
            y=by_stations["capacity_bcm_per_year"],
            mode="lines+markers",
            name="capacity vs stations",
            text=by_stations["binding"],
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=by_pressure["max_pressure_mpa"],
            y=by_pressure["capacity_bcm_per_year"],
            mode="lines+markers",
            name="capacity vs MAOP",
            text=by_pressure["binding"],
        ),
        row=1,
        col=2,
    )
    for col in (1, 2):
        fig.add_hline(y=target_bcm, line={"dash": "dash", "color": "grey"}, row=1, col=col)
    sec = str(by_stations["section"].iloc[0]) if len(by_stations) else ""
    fig.update_layout(title=f"Capacity of section '{sec}' (solved alone)", height=450, showlegend=False)
    fig.update_xaxes(title_text="stations [-]", row=1, col=1)
    fig.update_xaxes(title_text="maximum operating pressure [MPa abs]", row=1, col=2)
    fig.update_yaxes(title_text="capacity [bcm/yr at 20 °C]", row=1, col=1)
    return fig


def fuel_power_figure(part_loads: pd.DataFrame) -> go.Figure:
    """Fuel gas and compressor power against throughput (stations as built).

    Parameters
    ----------
    part_loads
        :func:`pos2.twin.analysis.part_loads` table [-]
    """
    ok = part_loads[part_loads["feasible"].astype(bool)] if "feasible" in part_loads else part_loads
    # two panels, not two y axes: fuel is nearly proportional to power, so on twin axes the two
    # lines would lie on top of each other
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    fig.add_trace(
        go.Scatter(
            x=part_loads["throughput_bcm_per_year"],
            y=part_loads.get("total_power_mw"),
            mode="lines+markers",
            name="shaft power [MW]",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=part_loads["throughput_bcm_per_year"],
            y=part_loads.get("fuel_bcm_per_year"),
            mode="lines+markers",
            name="fuel gas [bcm/yr]",
            line={"color": "#d62728"},
        ),
        row=2,
        col=1,
    )
    fig.update_layout(
        title=f"Fuel and power vs throughput ({len(ok)} of {len(part_loads)} points within all limits)",
        height=500,
        legend={"orientation": "h", "y": -0.2},
    )
    fig.update_xaxes(title_text="throughput [bcm/yr at 20 °C]", row=2, col=1)
    fig.update_yaxes(title_text="shaft power [MW]", row=1, col=1)
    fig.update_yaxes(title_text="fuel gas [bcm/yr]", row=2, col=1)
    return fig


def route_map(geometry: RouteGeometry, stations: pd.DataFrame | None = None) -> go.Figure:
    """The route on a lon/lat map with country borders (Natural Earth, shipped; works offline).

    Parameters
    ----------
    geometry
        Route geometry (:func:`pos2.twin.route.build_route`) [-]
    stations
        Optional station table with ``name`` and ``chainage_km`` [-]
    """
    fig = go.Figure()
    for name, (lons, lats) in border_lines().items():
        fig.add_trace(
            go.Scatter(
                x=lons,
                y=lats,
                mode="lines",
                line={"color": "#999999", "width": 1},
                name=name,
                hoverinfo="name",
                showlegend=False,
            )
        )
    pts = geometry.points
    fig.add_trace(
        go.Scatter(
            x=[p.lon_deg for p in pts],
            y=[p.lat_deg for p in pts],
            mode="lines+markers",
            line={"color": "#1f77b4", "width": 3},
            marker={"size": 6},
            name="route (waypoints)",
            text=[
                f"{p.name} ({p.section}, {p.chainage_m / 1000:.0f} km, {p.elevation_m:.0f} m, {p.confidence})"
                for p in pts
            ],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    if stations is not None and len(stations):
        lat, lon = geometry.lat_lon_deg(stations["chainage_km"].to_numpy() * 1000.0)
        fig.add_trace(
            go.Scatter(
                x=lon,
                y=lat,
                mode="markers+text",
                marker={"symbol": "triangle-up", "size": 10, "color": _COLORS["station"]},
                name="compressor stations",
                text=list(stations["name"]),
                # labels alternate sides so that neighbouring stations do not write over each other
                textposition=["middle right" if i % 2 else "middle left" for i in range(len(stations))],
                textfont={"size": 9, "color": _COLORS["station"]},
                hovertemplate="%{text}<extra></extra>",
            )
        )
    crossings = [p for p in pts if p.kind == "border"]
    if crossings:
        fig.add_trace(
            go.Scatter(
                x=[p.lon_deg for p in crossings],
                y=[p.lat_deg for p in crossings],
                mode="markers+text",
                marker={"symbol": "x", "size": 11, "color": "#111111"},
                name="border crossings",
                text=[f"{p.name}, km {p.chainage_m / 1000:,.0f}" for p in crossings],
                # the last crossing is at the map's east edge: its label goes to the left
                textposition=["bottom right"] * (len(crossings) - 1) + ["bottom left"],
                textfont={"size": 11},
                hovertemplate="%{text}<extra></extra>",
            )
        )
    route_lon = [p.lon_deg for p in pts]
    route_lat = [p.lat_deg for p in pts]
    mid_lat = 0.5 * (min(route_lat) + max(route_lat))
    # equal scale: one degree of latitude is 1/cos(latitude) times as long as one of longitude
    ratio = 1.0 / math.cos(math.radians(mid_lat))
    fig.update_xaxes(
        # room on the right for the border-crossing labels
        range=[min(route_lon) - 6, max(route_lon) + 16],
        title_text="longitude [°E]",
        constrain="domain",
    )
    fig.update_yaxes(
        range=[min(route_lat) - 2, max(route_lat) + 2],
        title_text=f"latitude [°N] (equal distance scale at {mid_lat:.0f}°N)",
        scaleanchor="x",
        scaleratio=ratio,
        constrain="domain",
    )
    fig.update_layout(
        title="Route (waypoints in flow order; borders: Natural Earth 1:110m, public domain)",
        height=600,
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def length_effect_figure(table: pd.DataFrame) -> go.Figure:
    """Stations and power needed against the (disputed) Russian section length.

    Parameters
    ----------
    table
        :func:`pos2.twin.analysis.russian_length_effect` table [-]
    """
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(x=table["russia_length_km"].astype(str), y=table["stations_needed"], name="stations needed")
    )
    fig.add_trace(
        go.Scatter(
            x=table["russia_length_km"].astype(str),
            y=table["total_power_mw"],
            mode="lines+markers",
            name="total shaft power [MW]",
        ),
        secondary_y=True,
    )
    fig.update_layout(title="Effect of the Russian section length", height=400)
    fig.update_xaxes(title_text="Russian section length [km]")
    return fig


def write_figure(fig: go.Figure, path: Path) -> Path:
    """Write a self-contained HTML file (plotly.js inlined: works offline, no CDN).

    Parameters
    ----------
    fig
        The figure [-]
    path
        HTML file to write [-]
    """
    fig.write_html(str(path), include_plotlyjs=True, full_html=True)
    return path
