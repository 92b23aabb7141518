"""The report as an analyst reads it, in a real headless browser (issue 15, items 6 and 7).

Tables grow with the page (no nested scroll boxes, no clipped notes); the tornado starts at the base
NPV; each party's NPV histogram has its own axis; fuel and power do not lie on top of each other; the
route map labels stations and border crossings at equal scale; units are written one way and money
never in scientific notation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos2.report import exports
from pos2.report.render import render_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = list(exports.CHROMIUM_ARGS)  # the one launch list (report PDF, tools, tests)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make system-deps)"),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    # no what-if re-runs (not looked at here); the twin's analyses are waited for (no budget)
    return render_report("pos2", out, paths=100, whatif_budget_s=0.0, budget_s=None)


@pytest.fixture(scope="module")
def page(report: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1366, "height": 900})
        pg.goto(report.resolve().as_uri())
        pg.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 5")
        yield pg
        browser.close()


def _figure(pg: Any, title_start: str) -> dict[str, Any]:
    fig = pg.evaluate(
        """(t) => { for (const gd of document.querySelectorAll('.js-plotly-plot')) {
             const title = (gd.layout.title && gd.layout.title.text) || '';
             const arr = (a) => (a === undefined || a === null || typeof a === 'string' ? a : Array.from(a));
             if (title.startsWith(t)) return {data: gd._fullData.map(d => ({name: d.name, x: arr(d.x),
               y: arr(d.y), base: d.base, mode: d.mode, text: arr(d.text), xaxis: d.xaxis, yaxis: d.yaxis,
               type: d.type})),
               layout: JSON.parse(JSON.stringify(gd._fullLayout,
                 (k, v) => (k.startsWith('_') ? undefined : v)))};
           } return null; }""",
        title_start,
    )
    assert fig is not None, f"no figure titled {title_start!r}"
    return fig  # type: ignore[no-any-return]


def test_no_nested_scroll_boxes_and_no_clipped_cells(page: Any) -> None:
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('main *')].filter(el => {
             const s = getComputedStyle(el);
             return ['auto', 'scroll'].includes(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
           }).map(el => el.className || el.tagName)"""
    )
    assert boxes == []
    for anchor in ("costs", "sources"):  # the capex and the sources tables fit the page's width
        wide = page.evaluate(
            """(a) => [...document.querySelectorAll(`#${a} table`)].map(t =>
                 [t.scrollWidth, t.closest('section').clientWidth])""",
            anchor,
        )
        assert wide, anchor
        for table_w, section_w in wide:
            assert table_w <= section_w, (anchor, table_w, section_w)
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('main td, .na, .small')]
             .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent.slice(0, 60))"""
    )
    assert clipped == []


def test_tornado_starts_at_the_base_npv_with_both_sides_visible(page: Any, report: Path) -> None:
    import pandas as pd

    decks = pd.read_csv(report.parent / "decks.csv")
    base = float(decks[(decks["deck"] == "base") & (decks["party"] == "russia")]["npv_usd_bn"].iloc[0])
    fig = _figure(page, "Tornado")
    bars = [d for d in fig["data"] if d["type"] == "bar"]
    assert [b["name"] for b in bars] == ["input low", "input high"]
    tornado = pd.read_csv(report.parent / "tornado.csv")
    for b in bars:
        assert b["base"] == pytest.approx(base)
    low, high = (dict(zip(b["y"], b["x"], strict=True)) for b in bars)
    # the brent price: low below the base, high above it; both drawn from the base line
    key = next(k for k in low if k.startswith("prices.decks.base.brent"))
    assert low[key] < 0 < high[key]
    row = tornado[tornado["key"] == "prices.decks.base.brent_usd_per_bbl"].iloc[0]
    assert base + low[key] == pytest.approx(row["russia_npv_low_usd_bn"])
    shapes = fig["layout"]["shapes"]
    assert any(s["x0"] == pytest.approx(base) and s["x1"] == pytest.approx(base) for s in shapes)


def test_each_party_has_its_own_visible_npv_histogram(page: Any) -> None:
    fig = _figure(page, "NPV distribution per party")
    hists = {d["name"]: d for d in fig["data"] if d["type"] == "histogram"}
    assert set(hists) == {"Russia", "China", "Mongolia"}
    assert len({d["xaxis"] for d in hists.values()}) == 3  # one axis each
    m = hists["Mongolia"]
    axis = fig["layout"]["xaxis" + m["xaxis"][1:]]
    lo, hi = axis["range"]
    spread = max(m["x"]) - min(m["x"])
    assert lo <= min(m["x"])
    assert hi >= max(m["x"])
    assert (hi - lo) < 5 * spread + 1e-9  # the panel is zoomed on Mongolia's own spread


def test_fuel_and_power_lines_do_not_lie_on_top_of_each_other(page: Any) -> None:
    fig = _figure(page, "Fuel and power vs throughput")
    power, fuel = fig["data"]
    y1 = fig["layout"]["yaxis" + power["yaxis"][1:]]["domain"]
    y2 = fig["layout"]["yaxis" + fuel["yaxis"][1:]]["domain"]
    assert max(y1[0], y2[0]) >= min(y1[1], y2[1])  # separate panels


def test_route_map_labels_stations_and_border_crossings_at_equal_scale(page: Any) -> None:
    fig = _figure(page, "Route")
    names = {d["name"]: d for d in fig["data"]}
    assert "text" in names["compressor stations"]["mode"]
    crossings = names["border crossings"]
    assert "text" in crossings["mode"]
    assert any("RU border" in t for t in crossings["text"])
    assert any("CN border" in t for t in crossings["text"])
    route = names["route (waypoints)"]
    mid = 0.5 * (min(route["y"]) + max(route["y"]))
    y = fig["layout"]["yaxis"]
    assert y["scaleanchor"] == "x"
    assert y["scaleratio"] == pytest.approx(1 / math.cos(math.radians(mid)))
    # drawn: the labels are on the page
    text = page.locator("#map").inner_text()
    assert "Naushki" in text


def test_units_one_way_and_no_scientific_notation(page: Any, report: Path) -> None:
    body = page.locator("main").inner_text()
    assert "°C" in body
    assert "m³" in body
    for ascii_unit in (r"\bdegC\b", r"\bm3\b", r"\bdeg [EN]\b"):
        assert not re.search(ascii_unit, body), ascii_unit
    assert not re.search(r"\d[.,]?\d*e[+-]\d", body)  # tables and text
    ticks = page.evaluate(
        "() => [...document.querySelectorAll('.xtick text, .ytick text')].map(t => t.textContent)"
    )
    assert ticks
    assert not [t for t in ticks if re.search(r"e[+-]?\d|\d[kMGTB]$", t)]
    # the capex table shows whole dollars with separators
    assert re.search(r"\d{1,3}(,\d{3}){3}", page.locator("#costs").inner_text())
