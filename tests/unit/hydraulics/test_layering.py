"""The data flow stays one-way: network and hydraulics import nothing downstream of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src" / "pos2"
DOWNSTREAM = {
    "network": {"hydraulics", "twin", "economics", "bargaining", "report", "cli", "web", "sweep"},
    "hydraulics": {"twin", "economics", "bargaining", "report", "cli", "web", "sweep"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


@pytest.mark.parametrize("package", sorted(DOWNSTREAM))
def test_no_imports_from_downstream(package: str) -> None:
    files = sorted((SRC / package).glob("*.py"))
    assert files
    for f in files:
        for mod in _imports(f):
            parts = mod.split(".")
            if parts[0] == "pos2" and len(parts) > 1:
                assert parts[1] not in DOWNSTREAM[package], f"{f.name} imports {mod}"
