"""``pos2 report``: nothing is dropped silently (``--budget``) and the exports (xlsx, pdf, parquet)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html import escape as html_escape
from pathlib import Path

import pandas as pd
import pytest

from pos2.report.render import REPORT_FILE, SUMMARY_FILE

POS2 = Path(sys.executable).parent / "pos2"
CHROMIUM = Path("/usr/bin/chromium")


def run_pos2(*args: str, timeout: float = 600, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1", **env}
    return subprocess.run(
        [str(POS2), *args], capture_output=True, text=True, timeout=timeout, env=full, check=False
    )


def test_a_tiny_budget_lists_what_is_missing_in_all_three_places(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run_pos2("report", "--out", str(out), "--budget", "0.01", "--paths", "100", "--no-analyses")
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / SUMMARY_FILE).read_text(encoding="utf-8"))
    omitted = summary["omitted"]
    assert summary["budget_s"] == pytest.approx(0.01)
    whatif = [o for o in omitted if o["part"] == "whatif"]
    assert whatif, omitted  # the what-if re-runs cannot fit in 10 ms
    assert all("--budget" in o["how"] for o in whatif)
    assert {o["part"] for o in omitted} == {"whatif", "capacity"}  # --no-analyses is listed too
    # the terminal: every omission, with the way to get it (even without a progress bar)
    stderr = " ".join(r.stderr.split())
    for o in whatif:
        assert o["item"] in stderr
    assert "--budget 0 for no limit" in stderr
    assert "not run as asked (not run (--no-analyses))" in stderr  # what the user switched off: one line
    # the report: a section near the top listing the same items
    html = (out / REPORT_FILE).read_text(encoding="utf-8")
    m = re.search(r"<section id='omitted'>(.*?)</section>", html, re.S)
    assert m
    section = m.group(1)
    assert f"{len(omitted)} piece(s) of work are missing" in section
    for o in omitted:
        assert html_escape(o["item"]) in section
    assert html.index("id='omitted'") < html.index("id='map'")


def test_report_xlsx_is_one_workbook_of_every_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run_pos2("report", "--out", str(out), "--budget", "1", "--paths", "100", "--no-analyses",
                 "--format", "xlsx")  # fmt: skip
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / SUMMARY_FILE).read_text(encoding="utf-8"))
    assert summary["budget_s"] == 1
    assert summary["tables"] == ["report.xlsx"]
    assert not list(out.glob("*.csv"))  # one workbook, no loose table files
    book = pd.read_excel(out / "report.xlsx", sheet_name=None)
    assert "contents" in book
    assert {"sources", "costs", "npv", "whatif", "agreement", "cash_flows"} <= set(book)
    assert book["whatif"]["lever"].iloc[0] == "baseline"
    sources = book["sources"]
    assert len(sources) > 100
    assert set(sources.columns) >= {"key", "value", "unit", "confidence", "source"}
    costs = book["costs"]
    assert costs.loc[costs["section"] == "total", "tariff [USD per 1,000 m3]"].iloc[0] == pytest.approx(
        summary["tariff_usd_per_kcm"]["total"]
    )


def test_budget_zero_is_no_limit() -> None:
    from pos2.report.omissions import budget_hint, omissions
    from pos2.report.twin_extras import BUDGET_NOTE, TASKS, TwinExtras
    from pos2.report.whatif import Move

    assert "now no limit" in budget_hint(0)
    extras = TwinExtras(errors={"design": BUDGET_NOTE, "capacity": "ConvergenceError: no"})
    got = omissions(skipped_moves=[Move("a.b", "A", 1.0, "why")], extras=extras, analyses=True, budget_s=5)
    assert [(o.part, o.item) for o in got] == [
        ("capacity", "twin analysis: stations needed for the design throughput"),
        ("whatif", "what-if re-run: A = 1"),
    ]  # a failed analysis is reported by its section, not as cut by the budget
    assert all("--budget 0" in o.how for o in got)
    off = omissions(skipped_moves=[], extras=None, analyses=False, budget_s=None)
    assert len(off) == len(TASKS)
    assert all(o.how == "re-run without --no-analyses" for o in off)


def test_report_writes_parquet_out_of_the_box(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run_pos2("report", "--out", str(out), "--budget", "1", "--paths", "100", "--no-analyses",
                 "--format", "parquet")  # fmt: skip
    assert r.returncode == 0, r.stderr
    src = pd.read_parquet(out / "sources.parquet")
    assert len(src) > 100
    assert (out / "costs.parquet").is_file()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make system-deps)")
def test_report_pdf_is_printed_by_chromium(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run_pos2("report", "--out", str(out), "--budget", "1", "--paths", "100", "--no-analyses",
                 "--format", "pdf")  # fmt: skip
    assert r.returncode == 0, r.stderr
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 5  # the whole report, not one screen
    assert (out / "sources.csv").is_file()  # the tables come as CSV beside it


def test_pdf_without_chromium_fails_before_any_work(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-chromium")
    r = run_pos2("report", "--out", str(tmp_path / "out"), "--format", "pdf", POS2_CHROMIUM=missing)
    assert r.returncode == 3, r.stderr
    err = " ".join(r.stderr.split())
    assert "chromium" in err
    assert "POS2_CHROMIUM" in err
    assert "Traceback" not in r.stderr
    assert "report:" not in r.stderr
    assert not (tmp_path / "out" / REPORT_FILE).exists()
