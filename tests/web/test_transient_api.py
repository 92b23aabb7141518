"""``/api/transient/flexibility``: the report section's quantities as strict JSON, levers applied.

The simulations behind it are tested in tests/unit/twin and tests/unit/report; here the endpoint's
plumbing is checked with a stand-in for the (slow) computation that records the scenario it got."""

from __future__ import annotations

import httpx

from pos2.scenario import Scenario


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
