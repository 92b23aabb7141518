"""The dashboard in a real headless browser (Debian's chromium driven by Playwright; no downloads)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos2.report import exports

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = list(exports.CHROMIUM_ARGS)  # the one launch list (report PDF, tools, tests)
ARTIFACTS = Path(os.environ.get("POS2_TEST_ARTIFACTS", Path(tempfile.gettempdir()) / "pos2-web-artifacts"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make system-deps)"),
]


@pytest.fixture(scope="module")
def page(server_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        external: list[str] = []
        pg.on(
            "request",
            lambda req: external.append(req.url) if not req.url.startswith(server_url) else None,
        )
        pg.goto(server_url)
        pg.wait_for_selector("body[data-updates='1']", timeout=60_000)
        yield pg
        assert external == [], f"the page fetched external resources: {external}"
        context.close()
        browser.close()


def _updates(pg: Any) -> int:
    return int(pg.evaluate("document.body.dataset.updates || '0'"))


def _move(pg: Any, key: str, keys: str, server_updates: int) -> None:
    slider = pg.locator(f"#{key.replace('.', '-')}-range")
    slider.focus()
    slider.press(keys)
    pg.wait_for_function(f"Number(document.body.dataset.updates || 0) > {server_updates}", timeout=30_000)


def test_page_loads_with_all_levers(page: Any) -> None:
    from pos2.web.service import LEVER_KEYS

    for key in LEVER_KEYS:
        assert page.locator(f"#{key.replace('.', '-')}-range").count() == 1, key
    assert page.locator("#message").is_hidden()


def test_out_of_range_value_shows_a_message(page: Any) -> None:
    box = page.locator("#contract-slope-number")
    box.fill("0.9")
    box.press("Enter")
    page.wait_for_selector("#message:not([hidden])", timeout=30_000)
    msg = page.locator("#message").inner_text()
    assert "contract.slope" in msg
    assert "0.3" in msg  # the allowed maximum is named
    # back in range: the message goes away
    before = _updates(page)
    box.fill("0.11")
    box.press("Enter")
    page.wait_for_function(f"Number(document.body.dataset.updates || 0) > {before}", timeout=30_000)
    assert page.locator("#message").is_hidden()


def test_a_rejected_value_marks_results_stale_and_does_not_block_other_levers(page: Any) -> None:
    # the page once sent the rejected value again with every later move, so nothing updated any more
    box = page.locator("#hormuz-closure_months-number")
    box.fill("100000")
    box.press("Enter")
    page.wait_for_selector("#message:not([hidden])", timeout=30_000)
    assert "last accepted values" in page.locator("#message").inner_text()
    assert page.evaluate("document.body.classList.contains('stale')")
    before = _updates(page)
    _move(page, "bargaining.china_power", "ArrowRight", before)
    assert not page.evaluate("document.body.classList.contains('stale')")
    assert page.locator("#message").is_hidden()


def test_moving_levers_updates_numbers_and_charts(page: Any) -> None:
    nash_before = page.locator("#nash").inner_text()
    npv_before = page.locator("#npv").inner_text()
    npv_trace_before = page.evaluate("JSON.stringify(document.getElementById('chart-npv').data[0].y)")
    profile_js = (
        "JSON.stringify((document.getElementById('chart-profile').data[0] || {y: []}).y.slice(0, 50))"
    )
    profile_before = page.evaluate(profile_js)
    assert profile_before != "[]", "no pressure profile on the page"

    # China pays for the whole line: the parties' NPVs move and a zone of agreement opens
    _move(page, "finance.china_share", "End", _updates(page))
    assert page.locator("#npv").inner_text() != npv_before
    npv_trace_after = page.evaluate("JSON.stringify(document.getElementById('chart-npv').data[0].y)")
    assert npv_trace_after != npv_trace_before
    nash_zone = page.locator("#nash").inner_text()
    assert nash_zone != nash_before  # no zone (no Nash price) before

    # China's bargaining power to its maximum: the Nash price moves
    _move(page, "bargaining.china_power", "End", _updates(page))
    assert page.locator("#nash").inner_text() != nash_zone

    # lower throughput (50 -> 45 bcm/yr): the pressure profile changes
    slider = page.locator("#pipeline-throughput_bcm_per_year-range")
    before = _updates(page)
    for _ in range(5):
        slider.press("ArrowLeft")
    page.wait_for_function(f"Number(document.body.dataset.updates || 0) > {before}", timeout=30_000)
    page.wait_for_function(f"{profile_js} !== {profile_before!r} && {profile_js} !== '[]'", timeout=30_000)
    assert page.locator("#pipeline-throughput_bcm_per_year-number").input_value() == "45"
    assert page.locator("#message").is_hidden(), page.locator("#message").inner_text()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000


def test_scenario_switch_reloads_levers_and_results(page: Any) -> None:
    before = _updates(page)
    page.select_option("#scenario", "pos1")
    page.wait_for_function(f"Number(document.body.dataset.updates || 0) > {before}", timeout=60_000)
    title = page.evaluate("document.getElementById('chart-profile').layout.title.text")
    assert "38" in title  # Power of Siberia 1's contract volume, bcm/yr
    before = _updates(page)
    page.select_option("#scenario", "pos2")
    page.wait_for_function(f"Number(document.body.dataset.updates || 0) > {before}", timeout=60_000)
    assert page.locator("#pipeline-throughput_bcm_per_year-number").input_value() == "50"


def test_a_throughput_the_line_cannot_carry_is_explained(page: Any) -> None:
    box = page.locator("#pipeline-throughput_bcm_per_year-number")
    before = _updates(page)
    box.fill("150")
    box.press("Enter")
    page.wait_for_function(f"Number(document.body.dataset.updates || 0) > {before}", timeout=60_000)
    msg = page.locator("#message")
    assert msg.is_visible()
    assert "twin" in msg.inner_text()
    assert "150" in msg.inner_text()  # the twin's own message names the throughput
    assert page.locator("#nash").inner_text() == "–"  # no number without a result
    before = _updates(page)
    box.fill("50")
    box.press("Enter")
    page.wait_for_function(f"Number(document.body.dataset.updates || 0) > {before}", timeout=60_000)
    assert page.locator("#message").is_hidden()


def test_principals_card_and_the_deal_details_on_demand(page: Any) -> None:
    page.click("#reset")
    page.wait_for_function("document.getElementById('principals').textContent.includes('/')", timeout=60_000)
    gazprom, state = (float(x) for x in page.locator("#principals").inner_text().split("/"))
    assert state < gazprom  # the state counts the taxes as revenue
    page.click("#detail-btn")
    page.wait_for_function("Number(document.body.dataset.details || 0) > 0", timeout=300_000)
    assert page.evaluate("document.getElementById('chart-waterfall').data.length") == 2
    assert page.evaluate("document.getElementById('chart-levers').data[0].y.length") >= 10
    assert page.evaluate("document.getElementById('chart-map').data.length") == 9
    assert "details for the levers" in page.locator("#detail-status").inner_text()


def test_flexibility_panel_draws_the_cost_curve_and_the_pressure_map(page: Any, seen: list[Any]) -> None:
    """The button asks /api/transient/flexibility at the accepted levers and draws its two charts
    (the slow simulations are replaced by a stand-in: tests/web/test_transient_api.py)."""
    before = int(page.evaluate("document.body.dataset.flexibility || '0'"))
    page.locator("#flex-run").click()
    page.wait_for_function(f"Number(document.body.dataset.flexibility || 0) > {before}", timeout=60_000)
    assert seen, "the endpoint was not called"
    assert "computed in" in page.locator("#flex-status").inner_text()
    assert page.evaluate("document.getElementById('chart-flex').data.length") == 3
    assert page.evaluate("document.getElementById('chart-spacetime').data[0].type") == "heatmap"
