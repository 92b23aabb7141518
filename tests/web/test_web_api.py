"""The dashboard's JSON API over real HTTP: validation, errors as 4xx with a message, no file access."""

from __future__ import annotations

import httpx
import pytest

from pos2.scenario import load_scenario, schema_table
from pos2.web.service import LEVER_KEYS


def test_health_and_openapi(server_url: str) -> None:
    r = httpx.get(f"{server_url}/api/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    spec = httpx.get(f"{server_url}/openapi.json").json()
    for path in ("/api/twin", "/api/economics", "/api/deal", "/api/dashboard", "/api/levers", "/api/schema"):
        assert path in spec["paths"], path


def test_levers_carry_schema_ranges_and_scenario_values(server_url: str) -> None:
    levers = httpx.get(f"{server_url}/api/levers").json()
    assert [lv["key"] for lv in levers] == list(LEVER_KEYS)
    rows = {r.key: r for r in schema_table()}
    scn = load_scenario("pos2")
    for lv in levers:
        assert lv["schema_min"] == rows[lv["key"]].ge
        assert lv["schema_max"] == rows[lv["key"]].le
        assert lv["value"] == pytest.approx(float(scn.get(lv["key"])))
        assert lv["min"] <= lv["value"] <= lv["max"]


@pytest.mark.parametrize(
    ("key", "value"),
    [("contract.slope", 0.9), ("contract.take_or_pay", 1.5), ("bargaining.china_power", -0.1)],
)
def test_out_of_range_lever_is_a_422_naming_the_key(server_url: str, key: str, value: float) -> None:
    r = httpx.post(f"{server_url}/api/dashboard", json={key: value}, timeout=30)
    assert r.status_code == 422
    body = r.json()
    assert key in body["message"]
    assert str(value) in body["message"]


def test_unknown_field_and_unknown_scenario_are_rejected(server_url: str) -> None:
    r = httpx.post(f"{server_url}/api/deal", json={"contract.slop": 0.1}, timeout=30)
    assert r.status_code == 422
    assert "contract.slop" in r.json()["message"]
    r = httpx.post(f"{server_url}/api/twin", json={"scenario": "../../etc/passwd"}, timeout=30)
    assert r.status_code == 422


@pytest.mark.parametrize("name", ["../app.py", "..%2Fapp.py", "index.html.bak", "%2Fetc%2Fpasswd"])
def test_static_serves_only_its_own_assets(server_url: str, name: str) -> None:
    r = httpx.get(f"{server_url}/static/{name}")
    assert r.status_code == 404


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_no_pages_that_load_cdn_scripts(server_url: str, path: str) -> None:
    assert httpx.get(f"{server_url}{path}").status_code == 404


def test_plotly_is_served_locally(server_url: str) -> None:
    r = httpx.get(f"{server_url}/static/plotly.min.js")
    assert r.status_code == 200
    assert len(r.content) > 1_000_000
    page = httpx.get(server_url).text
    assert "cdn" not in page.lower()
    assert 'src="/static/plotly.min.js"' in page


def test_twin_get_with_query_lever(server_url: str) -> None:
    r = httpx.get(f"{server_url}/api/twin", params={"pipeline.throughput_bcm_per_year": 40}, timeout=60)
    assert r.status_code == 200, r.text
    body = r.json()
    # the contract quantity (50) follows a lower throughput
    assert body["overrides"] == {"pipeline.throughput_bcm_per_year": 40.0, "contract.acq_bcm_per_year": 40.0}
    assert body["result"]["throughput_bcm_per_year"] == pytest.approx(40.0, rel=1e-6)
    prof = body["profile"]
    assert len(prof["chainage_km"]) == len(prof["pressure_mpa"]) > 100
    assert max(prof["pressure_mpa"]) <= body["result"]["max_pressure_mpa"] + 1e-9


def test_dashboard_moves_with_china_power(server_url: str) -> None:
    lo = httpx.post(f"{server_url}/api/dashboard", json={"bargaining.china_power": 0.2}, timeout=60).json()
    hi = httpx.post(f"{server_url}/api/dashboard", json={"bargaining.china_power": 0.9}, timeout=60).json()
    assert lo["stages"]["deal"]["ok"], lo["stages"]
    assert hi["stages"]["deal"]["ok"], hi["stages"]
    # beta does not move the reservation prices, only the split
    for k in ("china_max_price_usd_per_kcm", "russia_min_price_usd_per_kcm"):
        assert hi["deal"][k] == pytest.approx(lo["deal"][k])
    if lo["deal"]["zopa_usd_per_kcm"] is not None:
        # more bargaining power for the buyer -> a lower Nash price inside the zone
        assert hi["deal"]["nash_price_usd_per_kcm"] < lo["deal"]["nash_price_usd_per_kcm"]
    else:
        assert lo["deal"]["nash_price_usd_per_kcm"] is None


def test_booleans_are_not_numbers(server_url: str) -> None:
    # lax parsing once read true as 1.0 (a take-or-pay of 100 %): refused like on the command line
    for body in ({"contract.take_or_pay": True}, {"paths": True}):
        r = httpx.post(f"{server_url}/api/economics", json=body, timeout=30)
        assert r.status_code == 422, r.text
        assert "must be a number" in r.text


def test_china_taking_no_gas_is_an_answer_not_a_500(server_url: str) -> None:
    # a price far above China's alternatives with full flexibility: China takes nothing, and the
    # volume-weighted mean price once divided by zero
    body = {"contract.flex_band": 1.0, "contract.slope": 0.3, "paths": 50}
    r = httpx.post(f"{server_url}/api/economics", json=body, timeout=60)
    assert r.status_code == 200, r.text
    # a 100 % band leaves no firm quantity, so take-or-pay binds nothing: China takes and pays nothing
    assert r.json()["result"]["parties"]["china"]["npv_usd_bn"]["p50"] == pytest.approx(0.0)


def test_twin_answer_states_reference_conditions_and_feasibility(server_url: str) -> None:
    r = httpx.post(f"{server_url}/api/twin", json={"pipeline.throughput_bcm_per_year": 40}, timeout=60)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["feasible"] is True
    assert d["gas"]["reference_temperature_c"] == 20.0
    assert d["gas"]["reference_pressure_kpa"] == 101.325
    assert d["solver"]["iterations"] > 0


def test_deal_detail_gives_the_waterfall_levers_and_map_on_the_dashboards_headline(server_url: str) -> None:
    body = {"scenario": "pos2"}
    detail = httpx.post(f"{server_url}/api/deal/detail", json=body, timeout=300)
    assert detail.status_code == 200, detail.text[:500]
    d = detail.json()
    assert d["gap_waterfall"][0]["step"] == "china_lng_parity"
    assert len(d["lever_effects"]) >= 10
    assert len(d["contract_map"]["cells"]) == 81
    assert d["contract_terms"]["contracts_searched"] > 0
    # one headline: the interactive deal (no details) and the detailed run give the same limits
    dash = httpx.post(f"{server_url}/api/dashboard", json=body, timeout=300).json()["deal"]
    assert d["china_max_price_usd_per_kcm"] == pytest.approx(dash["china_max_price_usd_per_kcm"], abs=1e-9)
    assert d["russia_min_price_by_principal_usd_per_kcm"] == pytest.approx(
        dash["russia_min_price_by_principal_usd_per_kcm"], abs=1e-9
    )
    bad = httpx.post(f"{server_url}/api/deal/detail", json={**body, "contract.take_or_pay": 1.5}, timeout=60)
    assert bad.status_code == 422
    assert "contract.take_or_pay" in bad.json()["message"]
