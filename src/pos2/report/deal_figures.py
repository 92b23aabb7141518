"""Figures of the contract valuation (issue 13): the gap waterfall and the contract map.

Both are drawn from the deal's published JSON objects (``gap_waterfall``, ``contract_map``), so the
report and the dashboard show the same numbers as ``pos2 deal --json`` / ``pos2 deal --map --json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pos2.report.figures import LAYOUT

_LABELS = {
    "china_lng_parity": "China: LNG parity",
    "take_or_pay_resale": "take-or-pay & resale",
    "demand_risk": "demand risk",
    "risk_aversion": "risk aversion",
    "dependence_cost": "dependence cost",
    "china_max_price": "China's highest price",
    "russia_resource_cost": "Russia: resource cost",
    "export_duty": "export duty",
    "mineral_tax": "mineral tax",
    "cost_of_capital": "cost of capital",
    "hold_up": "hold-up",
    "gazprom_min_price": "Gazprom's lowest price",
}


def gap_waterfall_figure(steps: Sequence[Mapping[str, Any]]) -> go.Figure:
    """China's limit built up from LNG parity and Gazprom's from the resource cost [USD/kcm].

    Two waterfalls side by side: ``kind == "total"`` entries are levels (absolute bars), the others
    the change each element adds when switched on in turn.
    """
    fig = go.Figure()
    split = next((i for i, s in enumerate(steps) if s["step"] == "russia_resource_cost"), len(steps))
    for part, colour in ((steps[:split], "#1f6fb2"), (steps[split:], "#b3261e")):
        if not part:
            continue
        fig.add_trace(
            go.Waterfall(
                x=[_LABELS.get(s["step"], s["step"].replace("_", " ")) for s in part],
                y=[s["usd_per_kcm"] for s in part],
                measure=["absolute" if s["kind"] == "total" else "relative" for s in part],
                text=[
                    f"{s['usd_per_kcm']:+,.1f}" if s["kind"] == "step" else f"{s['usd_per_kcm']:,.0f}"
                    for s in part
                ],
                textposition="outside",
                totals={"marker": {"color": colour}},
                increasing={"marker": {"color": "#c98b2b"}},
                decreasing={"marker": {"color": "#3b8a4a"}},
                connector={"line": {"color": "#999", "width": 1}},
                showlegend=False,
                hovertemplate="%{x}: %{y:,.1f} USD/kcm<extra></extra>",
            )
        )
    fig.update_layout(
        title={
            "text": "Gap waterfall: what moves China's ceiling and Gazprom's floor (USD 2025 per 1,000 m³)"
        },
        **{**LAYOUT, "height": 460, "margin": {"t": 60, "l": 70, "r": 30, "b": 130}},
    )
    fig.update_yaxes(title_text="USD per 1,000 m³", tickformat=",.0f")
    return fig


def contract_map_figure(
    cmap: Mapping[str, Any],
    terms: Mapping[str, Any] | None = None,
    price_only_zone: Sequence[float] | None = None,
) -> go.Figure:
    """China's highest minus Gazprom's lowest price over take-or-pay x quantity [USD/kcm].

    One panel per formula family (rows) and China's equity share (columns); a positive cell has a
    zone of agreement with Gazprom. Cells show the gap; the hover adds both limits and the joint surplus.
    The map's contract with the largest joint surplus among those with a zone is ringed; ``terms`` (the
    efficient terms of the deal's search) and ``price_only_zone`` are written under the title.
    """
    ax = cmap["axes"]
    formulas, shares = list(ax["formula"]), list(ax["china_share"])
    tops, qs = list(ax["take_or_pay"]), list(ax["acq_bcm"])
    cells = list(cmap["cells"])
    gaps = np.array([c["gap_usd_per_kcm"] for c in cells], dtype=float)
    lim = float(np.nanmax(np.abs(gaps))) if np.isfinite(gaps).any() else 1.0
    fig = make_subplots(
        rows=len(formulas),
        cols=len(shares),
        shared_xaxes=True,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        vertical_spacing=0.07,
        column_titles=[f"China's equity share {s:.0%}" for s in shares],
        row_titles=formulas,
    )
    for i, formula in enumerate(formulas):
        for j, share in enumerate(shares):
            z = np.full((len(tops), len(qs)), np.nan)
            hover = [["" for _ in qs] for _ in tops]
            for c in cells:
                if c["formula"] != formula or c["china_share"] != share:
                    continue
                a, b = tops.index(c["take_or_pay"]), qs.index(c["acq_bcm"])
                z[a, b] = c["gap_usd_per_kcm"]
                hover[a][b] = (
                    f"China max {c['china_max_usd_per_kcm']:,.0f}, Gazprom min "
                    f"{c['gazprom_min_usd_per_kcm']:,.0f} USD/kcm; joint surplus "
                    f"{c['joint_surplus_usd_bn']:,.1f} USD bn"
                )
            fig.add_trace(
                go.Heatmap(
                    x=[f"{q:g}" for q in qs],
                    y=[f"{t:.0%}" for t in tops],
                    z=z,
                    zmin=-lim,
                    zmax=lim,
                    zmid=0.0,
                    colorscale="RdBu",
                    customdata=hover,
                    text=[[f"{v:+,.0f}" if np.isfinite(v) else "" for v in row] for row in z],
                    texttemplate="%{text}",
                    hovertemplate="take-or-pay %{y}, %{x} bcm/yr: gap %{z:+,.1f} USD/kcm"
                    "<br>%{customdata}<extra></extra>",
                    showscale=(i == 0 and j == len(shares) - 1),
                    colorbar={
                        "title": {"text": "China max −<br>Gazprom min<br>[USD/kcm]"},
                        "tickformat": ",.0f",
                    },
                ),
                row=i + 1,
                col=j + 1,
            )
    feasible = [c for c in cells if c["feasible_with_gazprom"]]
    if feasible:
        best = max(feasible, key=lambda c: c["joint_surplus_usd_bn"])
        i, j = formulas.index(best["formula"]) + 1, shares.index(best["china_share"]) + 1
        fig.add_trace(
            go.Scatter(
                x=[f"{best['acq_bcm']:g}"],
                y=[f"{best['take_or_pay']:.0%}"],
                mode="markers",
                marker={"symbol": "circle-open", "size": 34, "color": "black", "line": {"width": 3}},
                name="largest joint surplus with a zone",
                hovertemplate=f"largest joint surplus with a zone: {best['joint_surplus_usd_bn']:,.1f} USD bn"
                "<extra></extra>",
                showlegend=False,
            ),
            row=i,
            col=j,
        )
    notes = []
    if terms:
        zone = (
            f"zone {terms['gazprom_min_price_usd_per_kcm']:,.0f}–{terms['china_max_price_usd_per_kcm']:,.0f}"
            if terms.get("feasible")
            else "no zone"
        )
        notes.append(
            f"efficient terms of the search: take-or-pay {terms['take_or_pay']:.0%}, flexibility "
            f"{terms['flex_band']:.0%}, equity {terms['china_share']:.0%}, "
            f"{terms['acq_bcm']:g} bcm/yr ({zone})"
        )
    if price_only_zone:
        notes.append(f"price-only zone {price_only_zone[0]:,.0f}–{price_only_zone[1]:,.0f} USD/kcm")
    elif price_only_zone is not None:
        notes.append("price-only zone: none")
    fig.update_layout(
        title={
            "text": "Contract map: China's highest minus Gazprom's lowest price (blue: a zone exists)"
            + "".join(
                f"<br><sup>{line}</sup>"
                for line in (
                    f"{cmap['paths']} paths, flexibility {cmap['flex_band']:.0%}, make-up "
                    f"{cmap['make_up_years']} years; ringed: largest joint surplus with a zone",
                    *(["; ".join(notes)] if notes else []),
                )
            ),
            "y": 0.975,
            "yanchor": "top",
        },
        **{**LAYOUT, "height": 260 * len(formulas) + 130, "margin": {"t": 125, "l": 80, "r": 110, "b": 60}},
    )
    for j in range(len(shares)):
        fig.update_xaxes(title_text="ACQ [bcm/yr]", row=len(formulas), col=j + 1)
    for i in range(len(formulas)):
        fig.update_yaxes(title_text="take-or-pay", row=i + 1, col=1)
    return fig
