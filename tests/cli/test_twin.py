"""``pos2 twin`` driven as a user would: summary, --json contract, pos1 calibration, --out, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

POS2 = Path(sys.executable).parent / "pos2"
TWIN_KEYS = (
    "scenario",
    "throughput_bcm_per_year",
    "sections",
    "stations",
    "total_power_mw",
    "fuel_share",
    "linepack_mcm",
    "min_pressure_mpa",
    "max_pressure_mpa",
    "delivery_pressure_mpa",
)


def run_pos2(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"}
    return subprocess.run(
        [str(POS2), *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


def test_default_prints_the_summary() -> None:
    p = run_pos2("twin")
    assert p.returncode == 0, p.stderr
    assert "pos2: 50 bcm/yr" in p.stdout
    assert "within all limits" in p.stdout
    assert "mongolia_cs5" in p.stdout
    assert "total shaft power" in p.stdout


def test_json_is_one_object_with_the_contract_keys() -> None:
    p = run_pos2("twin", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    for k in TWIN_KEYS:
        assert k in d
    assert [s["name"] for s in d["sections"]] == ["russia", "mongolia"]
    assert {s["section"] for s in d["stations"]} == {"russia", "mongolia"}
    assert d["feasible"] is True
    assert d["violations"] == []
    assert "calibration" not in d


def test_pos1_json_has_the_calibration() -> None:
    p = run_pos2("twin", "--scenario", "pos1", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["scenario"] == "pos1"
    assert len(d["calibration"]) >= 10
    for row in d["calibration"]:
        assert set(row) >= {"quantity", "model", "published", "source"}
    assert [s["name"] for s in d["sections"]] == ["kovykta_chayanda", "chayanda_blagoveshchensk"]


def test_throughput_shortcut_and_strict_limits() -> None:
    # at 52 bcm/yr stations exceed their ratio: a warning by default, an error with --strict
    p = run_pos2("twin", "--throughput", "52", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["throughput_bcm_per_year"] == 52.0
    assert d["feasible"] is False
    assert d["violations"][0].startswith("russia_cs2: pressure ratio above the maximum")
    assert "limit broken: russia_cs2: pressure ratio" in p.stderr
    p = run_pos2("twin", "--throughput", "52", "--strict")
    assert p.returncode == 1
    assert "InfeasibleError" in p.stderr
    assert "cannot carry 52 bcm/yr: russia_cs2: pressure ratio above the maximum" in p.stderr


def test_a_throughput_the_line_cannot_carry_is_an_error() -> None:
    p = run_pos2("twin", "--throughput", "90")
    assert p.returncode == 1
    assert "cannot carry 90 bcm/yr" in p.stderr
    assert "Traceback" not in p.stderr


def test_an_infeasible_throughput_says_where_what_and_what_to_do() -> None:
    p = run_pos2("twin", "--throughput", "80")
    assert p.returncode == 1
    err = " ".join(p.stderr.split())  # the console may wrap
    assert err.startswith("InfeasibleError: the line cannot carry 80 bcm/yr")
    # where: the route stretch between two stations, with chainages in km
    assert "in the russia section, between compressor station russia_cs" in err
    assert " at km " in err
    # what failed, and what to do
    assert "pressure would fall to zero before the gas reaches the next compressor station" in err
    assert "fewer bcm/yr" in err
    assert "more compressor stations" in err
    assert "higher maximum operating pressure" in err
    # the solver's iterations and residual stay available
    assert "Newton iterations, residual" in err
    # no internal pipe ids, no squared pressures
    assert "Pa^2" not in err
    assert "'p0" not in err
    assert "pipe p0" not in err
    assert "Traceback" not in err


def test_bypassed_stations_are_reported_at_part_load() -> None:
    p = run_pos2("twin", "--throughput", "5", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    off = [s for s in d["stations"] if not s["running"]]
    assert off
    assert all(s["power_mw"] == 0.0 for s in off)
    assert d["solver"]["bypass_rounds"] >= 2


def test_russian_length_is_a_parameter_with_a_warning_off_the_published_values() -> None:
    p = run_pos2("twin", "--json", "--set", "route.upstream.length_km=2600")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["sections"][0]["length_km"] == 2600.0
    p = run_pos2("twin", "--quiet", "--set", "route.upstream.length_km=3000")
    assert p.returncode == 0
    assert "route.upstream.length_km" in p.stderr
    assert "3000" in p.stderr
    assert "published" in p.stderr


def test_bad_set_value_names_the_field() -> None:
    p = run_pos2("twin", "--set", "route.downstream.max_pressure_mpa=-3")
    assert p.returncode == 2
    assert "route.downstream.max_pressure_mpa" in p.stderr


def test_out_writes_tables_and_self_contained_figures(tmp_path: Path) -> None:
    out = tmp_path / "o"
    # the analyses (capacity curves...) take ~20 s of CPU: their figures are tested in-process
    p = run_pos2("twin", "--out", str(out), "--quiet", "--no-analyses")
    assert p.returncode == 0, p.stderr
    for name in ("twin_profile.csv", "twin_stations.csv", "twin_route.csv", "twin_summary.json"):
        assert (out / name).is_file(), name
    assert json.loads((out / "twin_summary.json").read_text("utf-8"))["scenario"] == "pos2"
    for name in ("twin_profile", "twin_route_map"):
        html = (out / f"{name}.html").read_text("utf-8")
        assert "Plotly" in html
        assert '<script src="http' not in html  # plotly.js inlined: works offline
    # refuses to overwrite without --force
    p = run_pos2("twin", "--out", str(out), "--quiet", "--no-analyses")
    assert p.returncode == 3


@pytest.mark.parametrize("bad", ["nope", "missing.toml"])
def test_unknown_scenario_is_an_input_error(bad: str) -> None:
    p = run_pos2("twin", "--scenario", bad)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
