"""``pos2 transient`` driven as a user would: --json keys, events, --out and its refusal, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

POS2 = Path(sys.executable).parent / "pos2"
KEYS = (
    "scenario",
    "throughput_bcm_per_year",
    "hours",
    "simulated_hours",
    "dt_s",
    "events",
    "min_delivery_pressure_mpa",
    "delivery_pressure_mpa",
    "survival_time_h",
    "survival_clock_start_h",
    "linepack_mcm",
    "mass_balance_error_rel",
    "stations_off_set_point",
    "max_station_power_over_installed",
    "series",
    "warnings",
    "solver",
)


def run_pos2(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"}
    return subprocess.run(
        [str(POS2), *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


def test_json_has_the_keys_and_the_trip_survival() -> None:
    p = run_pos2("transient", "--event", "trip:mongolia_cs2@1h", "--hours", "30", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    for k in KEYS:
        assert k in d
    assert d["events"][0]["kind"] == "trip"
    assert d["events"][0]["station"] == "mongolia_cs2"
    assert 2.0 < d["survival_time_h"] < 29.0
    assert d["mass_balance_error_rel"] < 1e-6
    assert d["stations_off_set_point"]["mongolia_cs2"] == ["tripped"]
    assert len(d["series"]["time_h"]) == len(d["series"]["delivery_pressure_mpa"]) == 181


def test_out_writes_tables_and_figures_and_refuses_to_overwrite(tmp_path: Path) -> None:
    args = (
        "transient",
        "--set",
        "pipeline.throughput_bcm_per_year=45",
        "-e",
        "profile:daily",
        "--hours",
        "6",
    )
    p = run_pos2(*args, "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr
    names = {f.name for f in tmp_path.iterdir()}
    assert {"transient_delivery.csv", "transient_profile.csv", "transient_pressure_map.html"} <= names
    html = (tmp_path / "transient_pressure_map.html").read_text(encoding="utf-8")
    assert "Plotly" in html
    assert '<script src="http' not in html  # plotly.js inlined: works offline
    assert json.loads((tmp_path / "transient_summary.json").read_text())["throughput_bcm_per_year"] == 45.0
    p = run_pos2(*args, "--out", str(tmp_path))
    assert p.returncode == 3
    assert "--force" in p.stderr
    assert run_pos2(*args, "--out", str(tmp_path), "--force").returncode == 0


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("trip:KS-3@2h", "no station 'KS-3'"),
        ("ramp:+5%@2h", "a ramp needs a time range"),
        ("flood:10%@1h", "unknown event kind 'flood'"),
        ("supply_cut:50%", "missing '<what>@<time>'"),
    ],
)
def test_bad_event_names_the_option_and_value(value: str, says: str) -> None:
    p = run_pos2("transient", "--event", value, "--hours", "24")
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert "ScenarioError: field '--event'" in p.stderr
    assert repr(value) in p.stderr
    assert says in p.stderr


def test_flexibility_refuses_events() -> None:
    p = run_pos2("transient", "--flexibility", "--event", "trip:russia_cs3@2h", "--json")
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert "--flexibility takes no events" in p.stderr
