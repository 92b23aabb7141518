"""The dashboard does not show normal-looking numbers for points the line cannot carry, keeps its
levers in the URL and compares two scenarios side by side (issue 15, items 4 and 9). Real headless
chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pos2.report import exports
from pos2.web.service import LEVER_KEYS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = list(exports.CHROMIUM_ARGS)  # the one launch list (report PDF, tools, tests)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make system-deps)"),
]
SLOW_MS = 600_000  # a new throughput re-runs twin, economics and deal; a loaded machine is slow
THR = "pipeline.throughput_bcm_per_year"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser: Any, url: str) -> Any:
    pg = browser.new_page(viewport={"width": 1400, "height": 1000})
    pg.goto(url)
    pg.wait_for_selector("body[data-updates='1']", timeout=SLOW_MS)
    return pg


def _updates(pg: Any) -> int:
    return int(pg.evaluate("document.body.dataset.updates || '0'"))


def _type(pg: Any, key: str, value: str) -> None:
    before = _updates(pg)
    box = pg.locator(f"#{key.replace('.', '-')}-number")
    box.fill(value)
    box.press("Enter")
    pg.wait_for_function(f"Number(document.body.dataset.updates || 0) > {before}", timeout=SLOW_MS)


def _capacity(server_url: str) -> float:
    r = httpx.get(f"{server_url}/api/capacity", timeout=300)
    assert r.status_code == 200
    return float(r.json()["capacity_bcm_per_year"])


def test_throughput_slider_stops_at_the_line_capacity(browser: Any, server_url: str) -> None:
    cap = _capacity(server_url)
    pg = _open(browser, server_url)
    pg.wait_for_selector("#capacity-note:has-text('capacity as built')", timeout=SLOW_MS)
    rng = pg.locator(f"#{THR.replace('.', '-')}-range")
    step = float(rng.get_attribute("step"))
    assert float(rng.get_attribute("max")) == pytest.approx(math.floor(cap / step + 1e-9) * step)
    assert f"{cap:.1f} bcm/yr" in pg.locator("#capacity-note").inner_text()
    # the explicit way past it, which says so
    pg.locator("#beyond-capacity").check()
    lever = next(lv for lv in httpx.get(f"{server_url}/api/levers").json() if lv["key"] == THR)
    assert float(rng.get_attribute("max")) == pytest.approx(lever["max"])
    assert "flagged infeasible" in pg.locator("#capacity-note").inner_text()
    assert "beyond=1" in pg.url
    pg.close()


def test_points_the_line_cannot_carry_are_flagged_on_every_card(browser: Any, server_url: str) -> None:
    cap = _capacity(server_url)
    pg = _open(browser, server_url)
    cards = pg.locator("#results .card")
    n = cards.count()
    assert n == 7  # zone, Nash, China/Russia, Russia's floor by principal, agreement, NPV, stations
    assert all(cards.nth(i).get_attribute("data-state") == "ok" for i in range(n))
    # past capacity but solvable: limits broken, numbers shown, every card flagged
    over = f"{cap + 5:g}"
    _type(pg, THR, over)
    assert pg.locator("#beyond-capacity").is_checked()  # typing past the top is going past it, said so
    banner = pg.locator("#feasibility").inner_text()
    assert re.search(r"Infeasible: \d+ limit\(s\) broken", banner), banner
    for i in range(n):
        assert cards.nth(i).get_attribute("data-state") == "infeasible"
        assert cards.nth(i).locator(".flag").inner_text() == "infeasible operating point"
    assert f"{THR}={over}" in pg.url
    # far past it: no result; every card says so, the solver's message appears once, not per chart
    _type(pg, THR, "120")
    for i in range(n):
        assert cards.nth(i).get_attribute("data-state") == "noresult"
        assert "no result" in cards.nth(i).locator(".flag").inner_text()
    assert "No result at 120.0 bcm/yr" in pg.locator("#feasibility").inner_text()
    text = pg.locator("body").inner_text()
    assert text.count("friction loss too large") == 1, text
    pg.close()


def test_lever_states_are_in_the_url_and_restored_from_it(browser: Any, server_url: str) -> None:
    pg = _open(browser, server_url)
    _type(pg, "hormuz.closure_months", "6")
    _type(pg, "contract.slope", "0.12")
    url = pg.url
    assert "hormuz.closure_months=6" in url
    assert "contract.slope=0.12" in url
    shown = pg.locator("#reservation").inner_text()
    pg.close()
    # a fresh page on the shared address shows the same levers and the same answer
    pg = _open(browser, url)
    assert pg.locator("#hormuz-closure_months-number").input_value() == "6"
    assert pg.locator("#contract-slope-number").input_value() == "0.12"
    assert pg.locator("#contract-slope-range").input_value() == "0.12"
    assert pg.locator("#reservation").inner_text() == shown
    api = httpx.post(
        f"{server_url}/api/dashboard",
        json={"hormuz.closure_months": 6, "contract.slope": 0.12},
        timeout=600,
    ).json()
    deal = api["deal"]
    assert shown == f"{deal['china_max_price_usd_per_kcm']:.0f} / {deal['russia_min_price_usd_per_kcm']:.0f}"
    # unknown or bad values in the address are ignored, not sent
    pg.close()
    pg = _open(browser, f"{server_url}/?contract.slope=abc&no.such.key=3")
    assert pg.locator("#message").is_hidden()
    pg.close()


COMPARE_CHARTS = ("zopa", "npv", "agreement", "profile")


def _both_scenarios_drawn(pg: Any) -> None:
    """Each comparison chart draws A and B and names both in its legend; B's levers move B's numbers."""
    for chart in COMPARE_CHARTS:
        sel = f"#chart-compare-{chart}"
        legend = pg.evaluate(f"[...document.querySelectorAll('{sel} .legendtext')].map((e) => e.textContent)")
        assert any(t.startswith("A (pinned)") for t in legend), (chart, legend)
        assert any(t.startswith("B (current)") for t in legend), (chart, legend)
        drawn = pg.locator(f"{sel} g.trace").count()  # SVG groups Plotly drew, one per trace
        assert drawn >= 2, (chart, drawn)
    bars = pg.locator("#chart-compare-npv g.trace.bars g.point")
    assert bars.count() == 6  # three parties, A and B
    npv = pg.evaluate("document.getElementById('chart-compare-npv').data.map((t) => [t.name, t.y])")
    assert [name for name, _ in npv] == ["A (pinned)", "B (current)"]
    assert npv[0][1] != npv[1][1]  # China's share of the cost moved B's NPVs, not A's
    widths = pg.evaluate(
        "[...document.querySelectorAll('#compare-charts .chart')].map((e) => e.getBoundingClientRect().width)"
    )
    assert min(widths) > 200  # visible, two to a row


def test_two_scenarios_side_by_side(browser: Any, server_url: str) -> None:
    pg = _open(browser, server_url)
    assert pg.locator("#compare").is_hidden()
    pg.locator("#pin").click()
    pg.wait_for_selector("#compare:not([hidden])")
    _type(pg, "finance.china_share", "0.5")
    rows = pg.locator("#compare tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    lever_rows = [t for t in texts if t.startswith("China's share of construction cost")]
    assert len(lever_rows) == 1
    assert "0.5" in lever_rows[0]
    assert pg.locator("#compare tr.result").count() >= 6
    _both_scenarios_drawn(pg)
    assert "A=" in pg.url
    url = pg.url
    pg.close()
    # the comparison is shareable too
    pg = _open(browser, url)
    pg.wait_for_selector("#compare:not([hidden])", timeout=SLOW_MS)
    again = [pg.locator("#compare tbody tr").nth(i).inner_text() for i in range(len(texts))]
    assert again == texts
    pg.locator("#unpin").click()
    assert pg.locator("#compare").is_hidden()
    assert "A=" not in pg.url
    pg.close()


def test_every_lever_has_a_visible_meaning(browser: Any, server_url: str) -> None:
    pg = _open(browser, server_url)
    hints = pg.locator("#lever-form .lever > .hint")
    assert hints.count() == len(LEVER_KEYS)
    months = pg.locator("label[for='hormuz-closure_months-range']").inner_text()
    assert "months shut in a closure year" in months
    text = pg.locator("#lever-form").inner_text()
    assert "not 'closed for sure'" in text
    assert "°C" in text  # units written one way
    assert not re.search(r"\bdegC\b|\bm3\b", text)
    pg.close()
