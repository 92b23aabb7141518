"""The report's "Transient and flexibility" section: four figures and three tables from the real
transient results, and a visible note when the analysis was not computed."""

from __future__ import annotations

import numpy as np
import pytest

from pos2.economics.flexibility import flexibility_cost_curve
from pos2.report import render, transient_section
from pos2.report.twin_extras import TASKS, TwinExtras
from pos2.scenario import load_scenario
from pos2.twin import run_twin
from pos2.twin.transient import flexibility_bound, flexibility_tables


@pytest.fixture(scope="module")
def data() -> dict:  # type: ignore[type-arg]
    """The section's data from short real runs (10 km cells, 30-minute steps, one trip, two loads)."""
    scn = load_scenario("pos2")
    tables = flexibility_tables(scn, loads=(0.8, 1.0), stations=["mongolia_cs5"], horizon_h=6.0, dt_s=1800.0)
    bound = flexibility_bound(scn, loads=(0.8, 1.0), dt_s=1800.0, tol=0.1)
    curve = flexibility_cost_curve(scn, run_twin(scn).summary, bound)
    st = tables.space_time
    return {
        "linepack_swing": tables.linepack_swing,
        "survival": tables.survival,
        "space_time": {
            "time_h": st["time_h"].values,
            "chainage_km": st["chainage_km"].values,
            "p_mpa": st.values,
            "event": tables.space_time_event,
        },
        "cost_curve": curve.table,
        "capacity_bcm_per_year": bound.capacity_bcm_per_year,
        "settings": {**tables.settings, "bound": bound.settings},
    }


def test_section_has_the_four_figures_and_three_tables(data: dict) -> None:  # type: ignore[type-arg]
    doc = render._Doc()
    body = transient_section.section_html(data, "", doc.fig, render._table)
    assert doc.n_fig == 4
    assert body.count("<table") == 3
    for title in ("Linepack swing against load", "Survival time after a trip", "Flexibility cost curve"):
        assert title in body
    figs = transient_section.figures(data)
    assert isinstance(figs["space_time"].data[0].z, np.ndarray)
    assert figs["space_time"].data[0].z.shape == (
        len(data["space_time"]["time_h"]),
        len(data["space_time"]["chainage_km"]),
    )
    # the cost curve: the tariff per load factor falls as the load rises (the same capital over more gas)
    cc = data["cost_curve"].sort_values("load_factor")
    assert cc["tariff_usd_per_kcm"].is_monotonic_decreasing
    assert cc["tariff_over_full_load"].iloc[-1] == pytest.approx(1.0)
    assert (cc["intraday_swing_max"] > 0).all()
    # the survival of the last station's trip is finite and shown with its value
    sv = data["survival"]
    assert sv["survival_time_h"].notna().iloc[0]
    assert f"{sv['survival_time_h'].iloc[0]:.1f} h" in list(figs["survival"].data[0].text)


def test_missing_analysis_is_said_not_hidden() -> None:
    doc = render._Doc()
    body = transient_section.section_html(
        None, "not computed within the report's time budget", doc.fig, render._table
    )
    assert doc.n_fig == 0
    assert "not available: not computed within the report&#x27;s time budget" in body
    assert "transient" in TASKS  # the report runs it with its other twin analyses


def test_report_build_adds_the_section_or_its_reason() -> None:
    extras = TwinExtras(errors={"transient": "not run (--no-analyses)"})
    html = transient_section.section_html(
        extras.get("transient"), extras.why_missing("transient"), str, render._table
    )
    assert "not run (--no-analyses)" in html
