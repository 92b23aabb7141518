"""Data flows one way: the report depends on the stages, the web app on the report, never back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src" / "pos2"
FORBIDDEN = {
    "report": ("pos2.cli", "pos2.web", "pos2.sweep"),
    "web": ("pos2.cli", "pos2.sweep"),
}


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_upward_imports(package: str) -> None:
    files = sorted((SRC / package).glob("*.py"))
    assert files
    for f in files:
        for mod in _imports(f):
            assert not mod.startswith(FORBIDDEN[package]), f"{f.name} imports {mod}"


def test_stage_packages_do_not_import_the_report_or_the_web() -> None:
    for package in ("twin", "economics", "bargaining", "scenario"):
        for f in sorted((SRC / package).glob("*.py")):
            for mod in _imports(f):
                assert not mod.startswith(("pos2.report", "pos2.web", "pos2.cli")), (
                    f"{package}/{f.name}: {mod}"
                )
