"""``/api/transient/flexibility``: the report section's quantities as strict JSON, levers applied.

The simulations behind it are tested in tests/unit/twin and tests/unit/report; here the endpoint's
plumbing is checked with a stand-in for the (slow) computation that records the scenario it got."""

from __future__ import annotations

import math
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from pos2.scenario import Scenario
from pos2.web import transient_api


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[Scenario]:
    got: list[Scenario] = []

    def fake_compute(scn: Scenario) -> dict[str, Any]:
        got.append(scn)
        return {
            "linepack_swing": pd.DataFrame({"load_factor": [0.8, 1.0], "linepack_swing_mcm": [3.5, 4.2]}),
            "survival": pd.DataFrame(
                {"event": ["trip:a@1h", "trip:b@1h"], "survival_time_h": [5.0, math.nan]}
            ),
            "space_time": {
                "event": "trip:a@1h",
                "time_h": np.array([0.0, 1.0]),
                "chainage_km": np.array([0.0, 10.0, 20.0]),
                "p_mpa": np.array([[9.0, 8.0, 7.0], [9.0, 7.9, 6.8]]),
            },
            "cost_curve": pd.DataFrame({"load_factor": [0.8, 1.0], "tariff_usd_per_kcm": [60.0, 50.0]}),
            "capacity_bcm_per_year": 50.0,
            "settings": {"dt_s": 900.0},
        }

    monkeypatch.setattr(transient_api, "compute", fake_compute)
    return got


def test_flexibility_endpoint_answers_strict_json_with_the_levers(
    seen: list[Scenario], server_url: str
) -> None:
    url = f"{server_url}/api/transient/flexibility"
    r = httpx.get(url, params={"pipeline.throughput_bcm_per_year": 45}, timeout=60)
    assert r.status_code == 200, r.text
    body = r.json()
    assert seen[-1].get("pipeline.throughput_bcm_per_year") == 45
    assert body["overrides"]["pipeline.throughput_bcm_per_year"] == 45
    assert body["survival"][1]["survival_time_h"] is None  # NaN (beyond the horizon) -> null
    assert body["space_time"]["p_mpa"][1] == [9.0, 7.9, 6.8]
    assert [row["tariff_usd_per_kcm"] for row in body["cost_curve"]] == [60.0, 50.0]
    assert "/api/transient/flexibility" in httpx.get(f"{server_url}/openapi.json").json()["paths"]


def test_flexibility_endpoint_rejects_a_bad_lever(seen: list[Scenario], server_url: str) -> None:
    r = httpx.get(f"{server_url}/api/transient/flexibility", params={"contract.slope": 0.9}, timeout=60)
    assert r.status_code == 422
    assert "contract.slope" in r.json()["message"]
    assert seen == []  # nothing was computed
