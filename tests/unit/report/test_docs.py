"""Generated docs stay in step with the code."""

from __future__ import annotations

from pathlib import Path

from pos2.report.docs import scenario_format_markdown
from pos2.scenario import schema_table

ROOT = Path(__file__).resolve().parents[3]


def test_scenario_format_doc_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "scenario_format.md").read_text(encoding="utf-8")
    assert committed == scenario_format_markdown(), (
        "docs/scenario_format.md is stale: run `.venv/bin/python -m pos2.report.docs`"
    )


def test_scenario_format_doc_lists_every_key() -> None:
    text = scenario_format_markdown()
    for row in schema_table():
        assert f"`{row.key}`" in text


def test_cli_doc_names_every_command_and_exit_code() -> None:
    from pos2.cli import app

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    for name in names:
        assert f"pos2 {name}" in text, name
    for code in ("| 0 ", "| 1 ", "| 2 ", "| 3 ", "| 130 "):
        assert code in text
