"""The deal figures build from a result."""

from __future__ import annotations

import plotly.graph_objects as go

from pos2.bargaining import figures, negotiate
from pos2.scenario import load_scenario


def test_figures_build() -> None:
    res = negotiate(load_scenario("pos2"))
    for fn in (
        figures.zopa_figure,
        figures.nash_vs_beta_figure,
        figures.agreement_probability_figure,
        figures.china_value_figure,
        figures.hindcast_table_figure,
    ):
        fig = fn(res)
        assert isinstance(fig, go.Figure)
        assert fig.data
    table = figures.hindcast_table_figure(res).data[0]
    assert len(table.cells.values[0]) == len(res.hindcast)
