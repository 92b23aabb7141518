"""Route geometry: great-circle chainage, scaling to published lengths, elevation, segmentation,
station placement, and the errors for bad route data."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from pos2.errors import ScenarioError
from pos2.scenario import load_scenario
from pos2.twin.route import EARTH_RADIUS_M, build_route, haversine_m


def test_haversine_one_degree_on_the_equator() -> None:
    # an arc of 1 degree on a sphere is R * pi / 180
    assert haversine_m(0.0, 0.0, 0.0, 1.0) == pytest.approx(EARTH_RADIUS_M * math.pi / 180, rel=1e-12)


def test_haversine_quarter_meridian_and_symmetry() -> None:
    assert haversine_m(0.0, 10.0, 90.0, 10.0) == pytest.approx(EARTH_RADIUS_M * math.pi / 2, rel=1e-12)
    a = haversine_m(52.32, 104.25, 50.39, 106.10)
    assert a == pytest.approx(haversine_m(50.39, 106.10, 52.32, 104.25), rel=1e-15)


def test_irkutsk_naushki_distance_matches_the_fact_sheet() -> None:
    # pos2_facts.md §1d: Naushki lies 252 km SE of Irkutsk (straight line, wiki mirror)
    d_km = haversine_m(52.32, 104.25, 50.39, 106.10) / 1000
    assert d_km == pytest.approx(252.0, rel=0.02)


@pytest.fixture(scope="module")
def pos2_route():  # type: ignore[no-untyped-def]
    scn = load_scenario("pos2")
    return build_route(scn.model.route, scn)


def test_sections_end_at_the_published_lengths(pos2_route) -> None:  # type: ignore[no-untyped-def]
    russia, mongolia = pos2_route.sections
    assert russia.name == "russia"
    assert mongolia.name == "mongolia"
    assert russia.length_m == pytest.approx(2_700_000.0, rel=1e-12)
    assert mongolia.length_m == pytest.approx(962_900.0, rel=1e-12)
    naushki = next(p for p in pos2_route.points if p.name.startswith("Naushki"))
    assert naushki.chainage_m == pytest.approx(2_700_000.0, rel=1e-12)
    assert pos2_route.length_m == pytest.approx(3_662_900.0, rel=1e-12)
    # scaling: a real line is longer than the great circle, but not absurdly
    assert 1.0 < russia.detour < 1.5
    assert 1.0 < mongolia.detour < 1.5


def test_chainage_is_scaled_great_circle_within_each_section(pos2_route) -> None:  # type: ignore[no-untyped-def]
    pts = pos2_route.points
    for a, b in itertools.pairwise(pts):
        sec = pos2_route.section(b.section)
        gc = haversine_m(a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg)
        assert b.chainage_m - a.chainage_m == pytest.approx(gc * sec.detour, rel=1e-9)


def test_elevation_is_linear_between_waypoints(pos2_route) -> None:  # type: ignore[no-untyped-def]
    a, b = pos2_route.points[13], pos2_route.points[14]  # Darkhan -> crest
    mid = 0.5 * (a.chainage_m + b.chainage_m)
    assert float(pos2_route.elevation_m(mid)) == pytest.approx(0.5 * (a.elevation_m + b.elevation_m))
    assert float(pos2_route.elevation_m(a.chainage_m)) == pytest.approx(a.elevation_m)


def test_mongolian_climb_is_in_the_profile(pos2_route) -> None:  # type: ignore[no-untyped-def]
    mon = pos2_route.section("mongolia")
    x = np.linspace(mon.start_m, mon.end_m, 500)
    z = pos2_route.elevation_m(x)
    assert z.max() - z[0] > 800.0  # Selenga valley ~600 m to crests ~1,500 m (facts §1d)


def test_segments_are_short_and_cover_the_route(pos2_route) -> None:  # type: ignore[no-untyped-def]
    seg = pos2_route.segments(10_000.0)
    assert seg["length_m"].max() <= 10_000.0 + 1e-6
    assert seg["length_m"].sum() == pytest.approx(pos2_route.length_m, rel=1e-12)
    # contiguous, and every waypoint is a segment boundary
    assert np.allclose(seg["start_m"].to_numpy()[1:], seg["end_m"].to_numpy()[:-1])
    edges = set(np.round(seg["start_m"], 3)) | {round(pos2_route.length_m, 3)}
    for p in pos2_route.points:
        assert round(p.chainage_m, 3) in edges


def test_even_station_placement(pos2_route) -> None:  # type: ignore[no-untyped-def]
    sites = pos2_route.place_stations("mongolia", 5)
    km = [(s.chainage_m - 2_700_000.0) / 1000 for s in sites]
    assert km == pytest.approx([0.0, 192.58, 385.16, 577.74, 770.32])
    assert sites[0].near.startswith("Naushki")


def test_station_outside_the_route_is_an_error(pos2_route) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError, match="outside section 'mongolia'"):
        pos2_route.place_stations("mongolia", 2, [0.0, 1000.0])


def test_station_outside_the_route_named_in_the_scenario() -> None:
    from pos2.twin.network import stations_of

    scn = load_scenario(
        "pos2",
        {"route.downstream.station_count": 2, "route.downstream.station_chainages_km": [10.0, 990.0]},
    )
    geo = build_route(scn.model.route, scn)
    with pytest.raises(ScenarioError) as e:
        stations_of(scn, geo)
    assert e.value.field == "route.downstream.station_chainages_km"
    assert e.value.value == pytest.approx(990.0)


def _user_file(tmp_path: Path, text: str) -> str:
    p = tmp_path / "scn.toml"
    p.write_text('base = "pos2"\n' + text, encoding="utf-8")
    return str(p)


def test_length_far_from_published_warns_with_file_line_field_value(tmp_path: Path) -> None:
    path = _user_file(tmp_path, "[route.upstream]\nlength_km = 3100.0\n")
    scn = load_scenario(path)
    geo = build_route(scn.model.route, scn)
    assert len(geo.warnings) == 1
    w = geo.warnings[0]
    assert f"{path}:3" in w
    assert "route.upstream.length_km" in w
    assert "3100" in w


def test_published_length_gives_no_warning() -> None:
    scn = load_scenario("pos2", {"route.upstream.length_km": 2594.0})
    assert build_route(scn.model.route, scn).warnings == ()


def test_section_shorter_than_great_circle_is_an_error(tmp_path: Path) -> None:
    path = _user_file(tmp_path, "[route.downstream]\nlength_km = 500.0\n")
    scn = load_scenario(path)
    with pytest.raises(ScenarioError) as e:
        build_route(scn.model.route, scn)
    assert e.value.path == path
    assert e.value.line == 3
    assert e.value.field == "route.downstream.length_km"
    assert e.value.value == 500.0
    assert "great circle" in str(e.value)


def test_section_far_longer_than_great_circle_is_an_error() -> None:
    scn = load_scenario("pos2", {"route.downstream.length_km": 3000.0})
    with pytest.raises(ScenarioError, match="max_detour"):
        build_route(scn.model.route, scn)


def _waypoints_text(scn_name: str = "pos2") -> str:
    from importlib import resources

    text = (resources.files("pos2.scenario") / "data" / scn_name / "10_twin.toml").read_text("utf-8")
    start = text.index("[[route.waypoints]]")
    end = text.index("# --- Compressor stations")
    return text[start:end]


def test_duplicated_waypoint_is_an_error_naming_the_file(tmp_path: Path) -> None:
    wps = _waypoints_text()
    blocks = wps.split("[[route.waypoints]]")[1:]
    dup = "[[route.waypoints]]" + blocks[3]
    path = _user_file(tmp_path, wps.replace(blocks[4], blocks[4] + dup, 1))
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    assert e.value.path == path
    assert e.value.field == "route.waypoints"
    assert "duplicated waypoint" in str(e.value)
    assert "Krasnoyarsk" in str(e.value)


def test_waypoint_missing_a_field_names_file_line_and_field(tmp_path: Path) -> None:
    wps = _waypoints_text().replace("lat_deg = 56.25\n", "", 1)  # Achinsk loses its latitude
    path = _user_file(tmp_path, wps)
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    assert e.value.path == path
    assert e.value.field == "route.waypoints[2].lat_deg"
    assert e.value.line is not None
    assert "missing" in str(e.value)


def test_waypoint_without_source_is_rejected(tmp_path: Path) -> None:
    wps = _waypoints_text()
    first = wps.index('source = "pos2_facts.md §1d 1 ')
    end = wps.index("\n", first)
    path = _user_file(tmp_path, wps[:first] + wps[end + 1 :])
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    assert e.value.field == "route.waypoints[2].source"


def test_consecutive_waypoints_at_the_same_place_are_an_error() -> None:
    scn = load_scenario("pos2")
    wps = [w.model_dump() for w in scn.model.route.waypoints]
    wps[3] = {**wps[2], "name": "Achinsk again"}
    bad = scn.with_overrides({"route.waypoints": wps})
    with pytest.raises(ScenarioError, match="same place"):
        build_route(bad.model.route, bad)


def test_unknown_unit_is_an_error_with_file_line_field(tmp_path: Path) -> None:
    path = _user_file(
        tmp_path,
        '[route.upstream.length_km]\nvalue = 1678.0\nunit = "bananas"\nsource = "a map"\nconfidence = "L"\n',
    )
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    assert e.value.path == path
    assert e.value.line == 2
    assert e.value.field == "route.upstream.length_km"
    assert "'bananas'" in str(e.value)


def test_a_length_in_miles_is_converted_and_passes_the_twin_checks(tmp_path: Path) -> None:
    from pos2.twin.checks import check_scenario

    path = _user_file(
        tmp_path,
        '[route.upstream.length_km]\nvalue = 1000.0\nunit = "mi"\nsource = "a map"\nconfidence = "L"\n',
    )
    scn = load_scenario(path)
    check_scenario(scn)
    assert scn.model.route.upstream.length_km == pytest.approx(1609.344)


def test_waypoint_region_must_exist(tmp_path: Path) -> None:
    from pos2.twin.checks import check_scenario

    wps = _waypoints_text().replace('region = "gobi"', 'region = "atacama"', 1)
    path = _user_file(tmp_path, wps)
    scn = load_scenario(path)
    with pytest.raises(ScenarioError) as e:
        check_scenario(scn)
    assert e.value.field is not None
    assert e.value.field.endswith(".region")
    assert e.value.value == "atacama"


def test_pos1_route_has_published_segment_lengths() -> None:
    scn = load_scenario("pos1")
    geo = build_route(scn.model.route, scn)
    assert [s.name for s in geo.sections] == ["kovykta_chayanda", "chayanda_blagoveshchensk"]
    assert geo.length_m == pytest.approx((803.5 + 2156.1) * 1000, rel=1e-12)
    assert geo.warnings == ()
