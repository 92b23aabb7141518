"""Figures: plotly objects with the expected traces; HTML self-contained; borders shipped."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from pos2.scenario import load_scenario
from pos2.twin import figures, run_twin
from pos2.twin.borders import _parse_wkb, border_lines, load_borders


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return run_twin(load_scenario("pos2"))


def test_profile_figure_has_pressure_elevation_and_stations(result) -> None:  # type: ignore[no-untyped-def]
    fig = figures.profile_figure(result)
    assert isinstance(fig, go.Figure)
    names = [t.name for t in fig.data]
    assert "pressure [MPa abs]" in names
    assert "ground elevation [m]" in names
    st = next(t for t in fig.data if t.name == "compressor stations")
    assert len(st.x) == 2 * len(result.stations)


def test_route_map_uses_the_shipped_borders(result) -> None:  # type: ignore[no-untyped-def]
    fig = figures.route_map(result.geometry, result.stations)
    names = {t.name for t in fig.data}
    assert {"Russia", "Mongolia", "China"} <= names
    route = next(t for t in fig.data if t.name == "route (waypoints)")
    assert len(route.x) == len(result.geometry.points)


def test_borders_file_is_small_and_public_domain() -> None:
    doc = load_borders()
    assert "public domain" in doc["source"]
    assert {f["properties"]["name"] for f in doc["features"]} >= {"Russia", "Mongolia", "China"}
    mn_lon, mn_lat = border_lines()["Mongolia"]
    lons = [x for x in mn_lon if x is not None]
    lats = [y for y in mn_lat if y is not None]
    # Mongolia spans roughly 87-120 E, 41.5-52 N
    assert 86 < min(lons) < 89
    assert 118 < max(lons) < 121
    assert 41 < min(lats) < 42.5
    assert 51.5 < max(lats) < 52.5


def test_wkb_parser_reads_a_polygon() -> None:
    import struct

    ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    wkb = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
    wkb += b"".join(struct.pack("<dd", *p) for p in ring)
    assert _parse_wkb(wkb) == [[[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]]


def test_analysis_figures_and_html(tmp_path: Path) -> None:
    curve = pd.DataFrame(
        {
            "section": "mongolia",
            "stations": [4, 5, 6],
            "max_pressure_mpa": 11.9,
            "capacity_bcm_per_year": [44.0, 50.0, 55.9],
            "binding": "mongolia_cs2: ratio",
        }
    )
    pressure = pd.DataFrame(
        {
            "section": "mongolia",
            "stations": 5,
            "max_pressure_mpa": [9.8, 11.9],
            "capacity_bcm_per_year": [41.0, 50.0],
            "binding": "mongolia_cs2: ratio",
        }
    )
    loads = pd.DataFrame(
        {
            "throughput_bcm_per_year": [25.0, 50.0],
            "total_power_mw": [136.0, 1184.0],
            "fuel_bcm_per_year": [0.35, 3.08],
            "feasible": [True, True],
        }
    )
    length = pd.DataFrame(
        {
            "russia_length_km": [2594.0, 2700.0],
            "stations_needed": [13, 13],
            "total_power_mw": [1127.0, 1184.0],
        }
    )
    for fig in (
        figures.capacity_figure(curve, pressure, 50.0),
        figures.fuel_power_figure(loads),
        figures.length_effect_figure(length),
    ):
        assert isinstance(fig, go.Figure)
        assert len(fig.data) >= 2
    path = figures.write_figure(figures.fuel_power_figure(loads), tmp_path / "f.html")
    html = path.read_text("utf-8")
    assert "Plotly" in html
    assert '<script src="http' not in html
