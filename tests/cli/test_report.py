"""``pos2 report`` as a user runs it (``make demo``): one self-contained HTML file plus CSV tables."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pos2.report.render import REPORT_FILE

POS2 = Path(sys.executable).parent / "pos2"
SECTIONS = ("summary", "map", "profiles", "capacity", "transient", "costs", "npv", "zopa", "agreement",
            "hindcast", "whatif", "sources")  # fmt: skip
STAGE_SECTIONS = {
    "twin": ("map", "profiles", "capacity"),
    "economics": ("costs", "npv"),
    "deal": ("zopa", "agreement", "hindcast"),
}


def run_pos2(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"}
    return subprocess.run(
        [str(POS2), *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str], float]:
    out = tmp_path_factory.mktemp("demo") / "out"
    t0 = time.perf_counter()
    r = run_pos2("report", "--out", str(out), "--force")
    return out, r, time.perf_counter() - t0


def _section(html: str, anchor: str) -> str:
    m = re.search(rf"<section id='{anchor}'>(.*?)</section>", html, re.S)
    assert m, f"section {anchor} missing"
    return m.group(1)


def test_demo_writes_the_report(
    demo: tuple[Path, subprocess.CompletedProcess[str], float],
) -> None:
    out, r, seconds = demo
    assert r.returncode == 0, r.stderr
    assert (out / REPORT_FILE).is_file()
    assert (out / "sources.csv").is_file()
    assert seconds > 0  # its wall time is a benchmark (BENCHMARKS.md, "make demo"), not a test
    assert "report:" in r.stderr  # progress and the path go to stderr
    # the executive summary's answers go to stdout, so `make demo` shows them on the terminal
    assert "Why has no deal been signed?" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_report_is_self_contained(demo: tuple[Path, subprocess.CompletedProcess[str], float]) -> None:
    html = (demo[0] / REPORT_FILE).read_text(encoding="utf-8")
    # plotly.js inlined exactly once, nothing loaded from elsewhere
    assert len(re.findall(r"\* plotly\.js v\d", html)) == 1
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    # the plotly.js bundle itself names its CDN (for optional features); nothing outside it may
    page = html.replace(_inlined_plotly(), "")
    assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:)?//", page)
    for host in ("cdn.plot.ly", "cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert host not in page


def _inlined_plotly() -> str:
    from pos2.report.render import plotly_js

    return plotly_js()


def test_report_has_every_section(demo: tuple[Path, subprocess.CompletedProcess[str], float]) -> None:
    html = (demo[0] / REPORT_FILE).read_text(encoding="utf-8")
    for anchor in SECTIONS:
        _section(html, anchor)
    summary = _section(html, "summary")
    for q in ("compressor stations", "tariff", "zone of agreement", "no deal", "close the gap"):
        assert q in summary


@pytest.mark.parametrize("stage", ["twin", "economics", "deal"])
def test_every_stage_section_has_content(
    stage: str, demo: tuple[Path, subprocess.CompletedProcess[str], float]
) -> None:
    html = (demo[0] / REPORT_FILE).read_text(encoding="utf-8")
    for anchor in STAGE_SECTIONS[stage]:
        body = _section(html, anchor)
        assert "Not available" not in body, body[:500]
        assert "plotly-graph-div" in body or "<table>" in body


def test_sources_csv_lists_every_scenario_value(
    demo: tuple[Path, subprocess.CompletedProcess[str], float],
) -> None:
    import pandas as pd

    from pos2.scenario import load_scenario

    df = pd.read_csv(demo[0] / "sources.csv")
    assert set(df["key"]) == {s.key for s in load_scenario().sources}
    assert set(df["confidence"].dropna()) <= {"H", "M", "L", "INF", "A"}
    assert df.loc[df["assumption"], "note"].notna().all()


def test_report_refuses_to_overwrite_without_force(
    demo: tuple[Path, subprocess.CompletedProcess[str], float],
) -> None:
    report = demo[0] / REPORT_FILE
    before = report.stat().st_mtime_ns
    r = run_pos2("report", "--out", str(demo[0]))
    assert r.returncode == 3
    assert "--force" in r.stderr
    assert "report:" not in r.stderr  # refused: no report written
    assert report.stat().st_mtime_ns == before


def test_report_with_set_records_the_override(tmp_path: Path) -> None:
    r = run_pos2(
        "report", "--out", str(tmp_path), "--set", "bargaining.china_power=0.5",
        "--set", "finance.china_share=1.0",
        "--quiet", "--no-analyses",
        "--paths", "0", "--json", "--format", "json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    # --quiet prints nothing but the work the time budget cut (never silent; none on an idle machine)
    cut = [o for o in summary["omitted"] if "--budget" in o["how"]]
    assert (r.stderr == "") == (not cut), r.stderr
    assert summary["overrides"] == {"bargaining.china_power": 0.5, "finance.china_share": 1.0}
    assert summary["nash_price_usd_per_kcm"] is not None
    assert "sources.json" in summary["tables"]
    assert json.loads((tmp_path / "sources.json").read_text())[0]["key"]
    html = (tmp_path / REPORT_FILE).read_text(encoding="utf-8")
    assert "bargaining.china_power = 0.5" in _section(html, "run")
    assert "not run (--no-analyses)" in _section(html, "capacity")


@pytest.mark.browser
@pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium (make system-deps)"
)
def test_report_renders_offline_in_a_browser(
    demo: tuple[Path, subprocess.CompletedProcess[str], float],
) -> None:
    from playwright.sync_api import sync_playwright

    report = demo[0] / REPORT_FILE
    html = report.read_text(encoding="utf-8")
    n_figures = len(re.findall(r"class=\"plotly-graph-div\"", html))
    assert n_figures >= 10
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"]  # fmt: skip
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n_figures}", timeout=60_000
        )
        browser.close()
    assert errors == []
    assert all(u.startswith(("file:", "data:", "blob:")) for u in requests), requests


def test_summary_numbers_are_the_runs_numbers(
    demo: tuple[Path, subprocess.CompletedProcess[str], float],
) -> None:
    out = demo[0]
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    html = (out / REPORT_FILE).read_text(encoding="utf-8")
    summary = _section(html, "summary")
    if s["tariff_usd_per_kcm"] is not None:
        assert f"tariff is {s['tariff_usd_per_kcm']['total']:,.0f} USD" in summary
        assert f"border price of {s['breakeven_price_usd_per_kcm']:,.0f} USD" in summary
    if s["zopa_usd_per_kcm"] is not None:
        lo, hi = s["zopa_usd_per_kcm"]
        assert f"Between {lo:,.0f} and {hi:,.0f} USD" in summary
        assert f"price is {s['nash_price_usd_per_kcm']:,.0f} USD" in summary
    if s["total_power_mw"] is not None:
        assert f"drawing {s['total_power_mw']:,.0f} MW" in summary
        assert f"with {s['stations']} compressor stations" in summary
    # the tables carry the same numbers
    import pandas as pd

    costs = pd.read_csv(out / "costs.csv")
    total = costs.loc[costs["section"] == "total", "tariff [USD per 1,000 m3]"].iloc[0]
    assert total == pytest.approx(s["tariff_usd_per_kcm"]["total"])
