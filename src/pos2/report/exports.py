"""The report's exports beyond HTML and tables: one Excel workbook, a print-ready PDF.

* ``xlsx``: every table of the report as one sheet of ``report.xlsx`` (openpyxl), with a first
  sheet naming the scenario, the run and each table.
* ``pdf``: ``report.pdf`` printed from ``report.html`` by headless chromium (the Debian package the
  browser tests use; its own ``--print-to-pdf``, so nothing is downloaded). Checked before any work:
  without chromium the command fails at once and says how to get it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from pos2.errors import OutputError

XLSX_FILE = "report.xlsx"
PDF_FILE = "report.pdf"
CHROMIUM_ENV = "POS2_CHROMIUM"
"""Environment variable naming the chromium executable (default: ``chromium`` on the PATH)."""

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)


def find_chromium() -> Path | None:
    """The chromium executable: ``$POS2_CHROMIUM``, else ``chromium`` on the PATH or /usr/bin."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return Path(named) if Path(named).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return Path(found)
    p = Path("/usr/bin/chromium")
    return p if p.is_file() else None


def check_pdf_support() -> Path:
    """The chromium to print with, or ``OutputError`` saying how to get one (before any work)."""
    exe = find_chromium()
    if exe is None:
        where = os.environ.get(CHROMIUM_ENV)
        raise OutputError(
            "--format pdf prints the report with headless chromium, which was not found"
            + (f" at {CHROMIUM_ENV}={where}" if where else " (chromium on the PATH or /usr/bin/chromium)")
            + "; install it (make system-deps, or apt-get install chromium), point "
            f"{CHROMIUM_ENV} at it, or use another --format"
        )
    return exe


def _cell(v: Any) -> Any:
    if isinstance(v, list | tuple | dict | set):
        return str(v)
    return v


def _sheet_name(stem: str, used: set[str]) -> str:
    base = stem[:31]
    name, i = base, 2
    while name in used:
        suffix = f"_{i}"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name)
    return name


def write_workbook(tables: Mapping[str, pd.DataFrame], path: Path, about: Mapping[str, Any]) -> Path:
    """Write ``tables`` (name -> table) as one Excel workbook, one sheet each, after a contents sheet.

    Parameters
    ----------
    tables
        The report's tables by name (a name becomes its sheet name, at most 31 characters) [-].
    path
        The ``.xlsx`` file to write [-].
    about
        Facts for the contents sheet (scenario, date...) [-].
    """
    used: set[str] = {"contents"}
    sheets = {_sheet_name(name, used): (name, df) for name, df in tables.items()}
    contents = pd.DataFrame(
        [{"item": k, "value": str(v)} for k, v in about.items()]
        + [{"item": f"sheet {s}", "value": f"{name}: {len(df)} rows"} for s, (name, df) in sheets.items()]
    )
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        contents.to_excel(xl, sheet_name="contents", index=False)
        for sheet, (_name, df) in sheets.items():
            df.map(_cell).to_excel(xl, sheet_name=sheet, index=False)
            ws = xl.sheets[sheet]
            ws.freeze_panes = "A2"
            for col in ws.columns:  # widths that fit the header and the first rows
                width = max(len(str(c.value or "")) for c in list(col)[:50])
                ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))
    return path


def print_pdf(html_path: Path, pdf_path: Path, *, timeout_s: float = 300.0) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless chromium (figures drawn before printing).

    Raises
    ------
    OutputError
        When chromium is missing or fails (its message is passed on).
    """
    exe = check_pdf_support()
    with tempfile.TemporaryDirectory(prefix="pos2-pdf-") as profile:
        cmd = [
            str(exe),
            *CHROMIUM_ARGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--virtual-time-budget=20000",  # lets plotly draw every figure before the page is printed
            f"--print-to-pdf={pdf_path.resolve()}",
            html_path.resolve().as_uri(),
        ]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise OutputError(f"chromium could not print {html_path} to PDF: {e}") from None
    if r.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        tail = (r.stderr or "").strip().splitlines()[-3:]
        raise OutputError(f"chromium could not print {html_path} to PDF: {' | '.join(tail) or r.returncode}")
    return pdf_path
