"""The report's "Transient and flexibility" section: linepack swing against load, survival time after
a station trip, a space-time map of the pressure, and the flexibility cost curve.

:func:`compute` runs as one of the report's twin analyses (a worker process under the report's time
budget, :mod:`pos2.report.twin_extras`); :func:`section_html` turns its result, or the reason there
is none, into the section. Nothing is estimated: a part that was not computed says so.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pos2.scenario import Scenario

__all__ = ["REPORT_BOUND_LOADS", "compute", "figures", "section_html"]

REPORT_BOUND_LOADS = (0.6, 0.8, 1.0)
"""Load factors of the report's linepack swing and flexibility cost curve (``pos2 transient
--flexibility`` has five): fewer runs, so that the section fits the report's time budget."""
_REPORT_BOUND_TOL = 0.05
"""Bisection tolerance of the report's intraday bound (``pos2 transient --flexibility``: 0.01)."""


def compute(scn: Scenario) -> dict[str, Any]:
    """The section's quantities: flexibility tables and the flexibility cost curve (plain objects
    that cross process boundaries)."""
    from pos2.economics.flexibility import flexibility_cost_curve
    from pos2.twin import run_twin
    from pos2.twin.transient import flexibility_bound, flexibility_tables

    tables = flexibility_tables(scn, loads=REPORT_BOUND_LOADS)
    bound = flexibility_bound(scn, loads=REPORT_BOUND_LOADS, tol=_REPORT_BOUND_TOL)
    curve = flexibility_cost_curve(scn, run_twin(scn).summary, bound)
    st = tables.space_time
    # hourly rows and 1 kPa resolution keep the page small (the full map: pos2 transient --out)
    t_h = np.asarray(st["time_h"].values, dtype=float)
    hourly = np.flatnonzero(np.isclose(t_h, np.round(t_h)))
    st = st.isel(time_h=hourly).round(3)
    return {
        "linepack_swing": tables.linepack_swing,
        "survival": tables.survival,
        "space_time": {
            "time_h": np.asarray(st["time_h"].values, dtype=float),
            "chainage_km": np.asarray(st["chainage_km"].values, dtype=float),
            "p_mpa": np.asarray(st.values, dtype=float),
            "event": tables.space_time_event,
        },
        "cost_curve": curve.table,
        "capacity_bcm_per_year": bound.capacity_bcm_per_year,
        "settings": {**tables.settings, "bound": bound.settings},
    }


def figures(data: dict[str, Any]) -> dict[str, go.Figure]:
    """The four figures of the section, by name."""
    sw = data["linepack_swing"]
    swing = go.Figure(
        go.Bar(
            x=sw["load_factor"],
            y=sw["linepack_swing_mcm"],
            text=[f"{100 * s:.1f} % of the day" for s in sw["swing_share_of_daily_delivery"]],
            name="linepack swing",
        )
    )
    swing.update_layout(
        title="Linepack swing over a day of the daily offtake profile, by load factor",
        xaxis_title="load factor",
        yaxis_title="million m3",
    )
    sv = data["survival"]
    horizon = float(sv["horizon_h"].max()) if len(sv) else 0.0
    beyond = sv["survival_time_h"].isna()
    surv = go.Figure(
        go.Bar(
            x=sv["event"],
            y=sv["survival_time_h"].fillna(horizon),
            marker_color=["#9aa" if b else "#c44" for b in beyond],
            text=[
                f"> {horizon:g} h" if b else f"{v:.1f} h"
                for b, v in zip(beyond, sv["survival_time_h"], strict=True)
            ],
        )
    )
    surv.update_layout(
        title="Survival time: hours until the delivery pressure falls below its minimum",
        yaxis_title="hours after the event",
    )
    stm = data["space_time"]
    heat = go.Figure(
        go.Heatmap(x=stm["chainage_km"], y=stm["time_h"], z=stm["p_mpa"], colorbar={"title": "MPa abs"})
    )
    heat.update_layout(
        title=f"Pressure along the route over time after {stm['event']}",
        xaxis_title="chainage [km]",
        yaxis_title="time [h]",
    )
    cc = data["cost_curve"]
    cost = make_subplots(specs=[[{"secondary_y": True}]])
    cost.add_trace(
        go.Scatter(
            x=cc["load_factor"], y=cc["tariff_usd_per_kcm"], name="tariff USD/kcm", mode="lines+markers"
        ),
        secondary_y=False,
    )
    cost.add_trace(
        go.Scatter(x=cc["load_factor"], y=100 * cc["intraday_swing_max"], name="intraday swing max, +-%"),
        secondary_y=True,
    )
    cost.add_trace(
        go.Scatter(x=cc["load_factor"], y=100 * cc["seasonal_swing_max"], name="seasonal swing max, +%"),
        secondary_y=True,
    )
    cost.update_layout(
        title="Flexibility cost curve: the tariff and the swing the line allows, by load factor"
    )
    cost.update_xaxes(title_text="load factor")
    cost.update_yaxes(title_text="USD per 1,000 m3", secondary_y=False)
    cost.update_yaxes(title_text="% of the mean rate", secondary_y=True)
    return {"linepack_swing": swing, "survival": surv, "space_time": heat, "cost_curve": cost}


def _na(text: str) -> str:
    return f"<p class='na'>{html.escape(text)}</p>"


def section_html(
    data: dict[str, Any] | None,
    why_missing: str,
    fig_html: Callable[[go.Figure], str],
    table_html: Callable[[pd.DataFrame], str],
) -> str:
    """The section's HTML body.

    Parameters
    ----------
    data
        The result of :func:`compute`, or ``None`` when it was not computed [-].
    why_missing
        Why there is no result (shown instead of the section) [-].
    fig_html, table_html
        The report's own figure and table writers [-].
    """
    if data is None:
        return _na(f"Transient and flexibility analysis not available: {why_missing}")
    figs = figures(data)
    s = data["settings"]
    intro = (
        "<p>How the line's gas in store (linepack) buffers a varying offtake, how long the delivery "
        "survives a compressor trip or a supply cut, and how much volume flexibility the line physically "
        f"allows at each load, with the tariff at that load. Implicit transient simulation "
        f"({s.get('dt_s', 0) / 60:g}-minute steps; stations limited by ratio, installed power and a "
        "low-suction trip; docs/transient.md). The steady capacity of the installed stations is "
        f"{data['capacity_bcm_per_year']:.1f} bcm/yr.</p>"
    )
    sw = data["linepack_swing"][
        [
            "load_factor",
            "throughput_bcm_per_year",
            "linepack_start_mcm",
            "linepack_swing_mcm",
            "swing_share_of_daily_delivery",
            "delivery_pressure_min_mpa",
            "delivery_pressure_ok",
        ]
    ]
    sv = data["survival"][["event", "chainage_km", "survival_time_h", "horizon_h"]]
    cc = data["cost_curve"][
        [
            "load_factor",
            "throughput_bcm_per_year",
            "seasonal_swing_max",
            "intraday_swing_max",
            "intraday_capped",
            "intraday_linepack_swing_mcm",
            "tariff_usd_per_kcm",
            "tariff_over_full_load",
        ]
    ]
    return "".join(
        [
            intro,
            "<h3>Linepack swing against load</h3>",
            fig_html(figs["linepack_swing"]),
            table_html(sw),
            "<h3>Survival time after a trip</h3>",
            fig_html(figs["survival"]),
            table_html(sv),
            "<p>Empty survival time: the delivery pressure stays above its minimum for the whole "
            "horizon.</p>",
            "<h3>Pressure along the route over time</h3>",
            fig_html(figs["space_time"]),
            "<h3>Flexibility cost curve</h3>",
            fig_html(figs["cost_curve"]),
            table_html(cc),
            "<p>Seasonal swing: steady estimate (peak-season rate up to the capacity). Intraday swing: "
            "largest half-amplitude of a daily cosine offtake profile delivered from linepack with the "
            "delivery pressure at or above its minimum (bisection to "
            f"{100 * s['bound']['tol']:g} %; capped at {100 * s['bound']['intraday_cap']:g} %).</p>",
        ]
    )
