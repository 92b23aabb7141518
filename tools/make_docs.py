"""``make docs``: regenerate every generated piece of documentation from the current code.

1. ``docs/scenario_format.md`` from the scenario schema (:mod:`pos2.report.docs`);
2. a full ``pos2 report`` of the default scenario with no time budget; its ``summary.json`` gives the
   README's headline numbers and executive-summary answers (between the ``pos2:headline`` and
   ``pos2:answers`` marker comments);
3. ``docs/img``: the report's top (``report.png``) and its twin figures (``twin_*.png``) as drawn by
   headless chromium, the Russian-length figure, and the dashboard (``dashboard.png``,
   ``tools/dashboard_screenshot.py``).

    .venv/bin/python tools/make_docs.py            # or: make docs

Needs Debian's chromium (``make system-deps``) and the development install (Playwright).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from pos2.report import docs, exports
from pos2.report.render import SUMMARY_FILE, plotly_js, render_report

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"
ARGS = list(exports.CHROMIUM_ARGS)  # the one launch list (report PDF, tools, tests)
REPORT_FIGURES = {  # report figure title prefix -> image
    "Route": "twin_route_map.png",
    "pos2:": "twin_profile.png",
    "Capacity of section": "twin_capacity.png",
    "Fuel and power": "twin_fuel_power.png",
}


def _report_images(report: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(report.resolve().as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 5")
        page.locator("header").screenshot(path=str(IMG / "report_header.png"))
        page.screenshot(path=str(IMG / "report.png"), clip={"x": 0, "y": 0, "width": 1200, "height": 900})
        (IMG / "report_header.png").unlink()
        for i in range(page.locator(".js-plotly-plot").count()):
            div = page.locator(".js-plotly-plot").nth(i)
            title = div.evaluate("gd => (gd.layout.title && gd.layout.title.text) || ''")
            for prefix, name in REPORT_FIGURES.items():
                if title.startswith(prefix):
                    div.screenshot(path=str(IMG / name))
                    print(f"wrote docs/img/{name}")
        browser.close()


def _length_effect_image(tmp: Path) -> None:
    import plotly.io as pio

    from pos2.scenario import load_scenario
    from pos2.twin import analysis, figures

    fig = figures.length_effect_figure(analysis.russian_length_effect(load_scenario("pos2")))
    html = tmp / "length.html"
    html.write_text(
        "<html><head><meta charset='utf-8'><script>"
        + plotly_js()
        + "</script></head><body>"
        + pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id="f")
        + "</body></html>",
        encoding="utf-8",
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 700})
        page.goto(html.as_uri())
        page.wait_for_selector("#f .main-svg")
        page.locator("#f").screenshot(path=str(IMG / "twin_length_effect.png"))
        browser.close()
    print("wrote docs/img/twin_length_effect.png")


def main() -> int:
    docs.main([str(ROOT / docs.SCENARIO_FORMAT_PATH)])
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pos2-docs-") as t:
        tmp = Path(t)
        report = render_report("pos2", tmp / "out", budget_s=None, progress=lambda m: print(f"report: {m}"))
        summary = json.loads((report.parent / SUMMARY_FILE).read_text(encoding="utf-8"))
        if summary.get("omitted"):
            print(f"error: the docs run left work out: {summary['omitted']}", file=sys.stderr)
            return 1
        readme = ROOT / docs.README_PATH
        readme.write_text(docs.update_readme(readme.read_text(encoding="utf-8"), summary), encoding="utf-8")
        print("wrote README.md (headline numbers and answers)")
        _report_images(report)
        _length_effect_image(tmp)
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "dashboard_screenshot.py"), str(IMG / "dashboard.png")],
        check=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
