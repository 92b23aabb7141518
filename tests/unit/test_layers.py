"""Data flows one way (STYLE.md): each package imports only from the packages above it.

The order, top (shared) to bottom (thin layers)::

    units, errors, testing, tables, jsonable, runtime
    scenario, gas
    network
    hydraulics
    twin
    economics
    bargaining
    pipeline          (the one module that composes the stages)
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
# tables, jsonable: shared writers; runtime: process settings of the applications
BASE = {"units", "errors", "testing", "data", "tables", "jsonable", "runtime"}
STAGES = {"scenario", "gas", "twin", "economics", "bargaining"}
ALLOWED: dict[str, set[str]] = {
    "scenario": BASE,
    "gas": BASE,
    "network": BASE | {"gas", "scenario"},
    "hydraulics": BASE | {"gas", "network"},
    "twin": BASE | {"scenario", "gas", "network", "hydraulics"},
    "economics": BASE | {"scenario", "gas", "twin"},
    "bargaining": BASE | {"scenario", "gas", "twin", "economics"},
    "pipeline": BASE | STAGES,
    "report": BASE
    | {"scenario", "gas", "network", "hydraulics", "twin", "economics", "bargaining", "pipeline"},
    "sweep": BASE | {"scenario", "gas", "twin", "economics", "bargaining", "pipeline", "report"},
    "web": BASE | {"scenario", "gas", "twin", "economics", "bargaining", "pipeline", "report"},
    "cli": BASE
    | {"scenario", "gas", "network", "hydraulics", "twin", "economics", "bargaining", "pipeline"}
    | {"report", "sweep", "web"},
}
MODULES = {"pipeline"}
"""Layers that are one module (``pos2/pipeline.py``) rather than a package."""


def _pos2_imports(path: Path) -> set[str]:
    """Second-level pos2 packages imported anywhere in ``path`` (also inside functions)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        if isinstance(node, ast.ImportFrom) and node.module == "pos2" and node.level == 0:
            out.update(a.name for a in node.names)  # ``from pos2 import twin`` hides no arrow
        for name in names:
            parts = name.split(".")
            if parts[0] == "pos2" and len(parts) > 1:
                out.add(parts[1])
    return out


def test_every_package_has_a_place() -> None:
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - set(ALLOWED) == set()


def _files(layer: str) -> list[Path]:
    return [SRC / f"{layer}.py"] if layer in MODULES else sorted((SRC / layer).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_flow_one_way(package: str) -> None:
    files = _files(package)
    assert files
    bad = [
        f"{f.relative_to(SRC)} imports pos2.{mod}"
        for f in files
        for mod in sorted(_pos2_imports(f))
        if mod != package and mod not in ALLOWED[package]
    ]
    assert not bad, bad


def test_shared_modules_import_no_stage() -> None:
    for name in ("units.py", "errors.py", "runtime.py"):
        assert _pos2_imports(SRC / name) == set()
    assert _pos2_imports(SRC / "jsonable.py") == set()


def test_hidden_imports_are_seen(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("from pos2 import economics\nimport pos2.twin.checks\n", encoding="utf-8")
    assert _pos2_imports(f) == {"economics", "twin"}


PLUGIN_LOADER = SRC / "sweep" / "evaluator.py"
"""Loads a user's evaluator class named in a sweep spec (``module:Class``): not a stage lookup."""


REFLECTION = {"import_module", "signature", "getmembers"}
"""``importlib.import_module`` and ``inspect.signature``/``getmembers``: how stages were once found."""


def test_no_stage_is_found_by_reflection() -> None:
    bad = []
    for f in sorted(SRC.rglob("*.py")):
        if f == PLUGIN_LOADER:
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in REFLECTION:
                bad.append(f"{f.relative_to(SRC)}:{node.lineno} uses .{node.attr}")
            if isinstance(node, ast.ImportFrom) and node.module in ("importlib", "inspect"):
                bad += [f"{f.relative_to(SRC)}: imports {a.name}" for a in node.names if a.name in REFLECTION]
    assert not bad, bad
