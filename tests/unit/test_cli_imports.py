"""`pos2 --help` and `pos2 solve` start fast because they import only what they use (issue 15 item 12).

Behaviour, not time: a fresh interpreter that imports ``pos2.cli`` (every command registered) has not
imported the heavy libraries; they load when a command runs, and `pos2 solve` on a network file runs
without pandas, scipy.interpolate or any stage above the hydraulics. The start-up time itself is
measured by ``benchmarks/cli_start.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "scipy",
    "plotly",
    "dask",
    "distributed",
    "pandas",
    "xarray",
    "linopy",
    "duckdb",
    "fastapi",
    "uvicorn",
    "pyaga8",
    "pint",
    "pydantic",
    "numpy",
    "pos2.pipeline",
    "pos2.twin",
    "pos2.economics",
    "pos2.bargaining",
    "pos2.sweep",
    "pos2.report",
    "pos2.web",
)


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys; {code}; print(__import__('json').dumps(sorted(sys.modules)))"
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(json.loads(r.stdout.strip().splitlines()[-1]))


def test_importing_the_command_line_imports_no_heavy_module() -> None:
    loaded = set(_loaded_after("import pos2.cli; from pos2.cli import app"))
    assert "pos2.cli.sweep" in loaded  # the commands are registered ...
    assert [m for m in HEAVY if m in loaded] == []  # ... without their libraries


def test_help_lists_every_command_without_heavy_imports() -> None:
    code = (
        "from typer.testing import CliRunner; from pos2.cli import app; "
        "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output; "
        "assert all(c in r.output for c in ('solve', 'twin', 'deal', 'report', 'serve', 'sweep'))"
    )
    loaded = set(_loaded_after(code))
    assert [m for m in HEAVY if m in loaded] == []


# What `pos2 solve` on a network file needs is numpy, scipy.sparse (the Newton matrix and its LU) and
# typer's own parameter coercion (pydantic); the tables are printed from the result's columns and the
# gas table's spline is solved with numpy, so neither pandas nor scipy.interpolate loads.
SOLVE_NEEDS = frozenset({"numpy", "scipy", "pydantic", "pyaga8", "pos2.pipeline"})
SOLVE_MUST_NOT_LOAD = (
    *(m for m in HEAVY if m not in SOLVE_NEEDS),
    "scipy.interpolate",
    "scipy.optimize",
    "scipy.stats",
    "pyarrow",
)


@pytest.mark.parametrize("extra", [[], ["--json"]], ids=["table", "json"])
def test_solve_on_a_network_file_loads_no_table_or_plotting_library(extra: list[str]) -> None:
    network = Path(__file__).resolve().parents[2] / "examples" / "transmission_mesh.toml"
    code = (
        "from typer.testing import CliRunner; from pos2.cli import app; "
        f"r = CliRunner().invoke(app, ['solve', {str(network)!r}, *{extra!r}]); "
        "assert r.exit_code == 0, r.output; "
        "assert 'cs1_suction' in r.output and ('7.0190' in r.output or '7.019' in r.output), r.output"
    )
    loaded = set(_loaded_after(code))
    assert {"pos2.hydraulics.steady", "scipy.sparse.linalg"} <= loaded  # it solved ...
    assert [m for m in SOLVE_MUST_NOT_LOAD if m in loaded] == []  # ... without these


def test_the_sweep_store_file_name_is_one() -> None:
    from pos2.cli.sweep import STORE_FILE as CLI_NAME
    from pos2.sweep.store import STORE_FILE

    assert CLI_NAME == STORE_FILE
