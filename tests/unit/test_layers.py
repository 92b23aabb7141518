"""Data flows one way (STYLE.md): each package imports only from the packages above it.

The order, top (shared) to bottom (thin layers)::

    units, errors, testing, tables
    scenario, gas
    network
    hydraulics
    twin
    economics
    bargaining
    report, sweep
    web
    cli

A package may import itself and anything listed in ``ALLOWED`` for it; a new package must be
placed here before it can import anything from pos2.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "pos2"
BASE = {"units", "errors", "testing", "data", "tables"}  # tables: the shared table writer (cli, report)
ALLOWED: dict[str, set[str]] = {
    "scenario": BASE,
    "gas": BASE,
    "network": BASE | {"gas", "scenario"},
    "hydraulics": BASE | {"gas", "network"},
    "twin": BASE | {"scenario", "gas", "network", "hydraulics"},
    "economics": BASE | {"scenario", "gas", "twin"},
    "bargaining": BASE | {"scenario", "gas", "twin", "economics"},
    "report": BASE | {"scenario", "gas", "network", "hydraulics", "twin", "economics", "bargaining"},
    "sweep": BASE | {"scenario", "gas", "twin", "economics", "bargaining", "report"},
    "web": BASE | {"scenario", "gas", "twin", "economics", "bargaining", "report"},
    "cli": BASE
    | {"scenario", "gas", "network", "hydraulics", "twin", "economics", "bargaining"}
    | {"report", "sweep", "web"},
}


def _pos2_imports(path: Path) -> set[str]:
    """Second-level pos2 packages imported anywhere in ``path`` (also inside functions)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "pos2" and len(parts) > 1:
                out.add(parts[1])
    return out


def test_every_package_has_a_place() -> None:
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - set(ALLOWED) == set()


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_flow_one_way(package: str) -> None:
    files = sorted((SRC / package).rglob("*.py"))
    assert files
    bad = [
        f"{f.relative_to(SRC)} imports pos2.{mod}"
        for f in files
        for mod in sorted(_pos2_imports(f))
        if mod != package and mod not in ALLOWED[package]
    ]
    assert not bad, bad


def test_shared_modules_import_no_stage() -> None:
    for name in ("units.py", "errors.py"):
        assert _pos2_imports(SRC / name) == set()
