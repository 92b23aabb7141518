"""The three Hormuz levers say what each means (issue 15, item 5): three readings of "closed 12 months"."""

from __future__ import annotations

from typer.testing import CliRunner

from pos2.cli import app
from pos2.scenario import schema_table
from pos2.web.service import LEVER_LABELS

MEANINGS = {
    "hormuz.closure_months": "shut in a year with a closure",
    "hormuz.closure_probability": "closure starts",
    "hormuz.closure_probability_when_closed": "carries on into the next year",
}


def test_deal_help_names_what_each_hormuz_lever_means() -> None:
    r = CliRunner().invoke(app, ["deal", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert r.exit_code == 0
    text = " ".join(r.output.split())
    assert "hormuz.closure_months: months shut in a year with a closure" in text
    assert "hormuz.closure_probability: chance a closure starts in an open year" in text
    assert "hormuz.closure_probability_when_closed: chance a closure carries on into the next year" in text


def test_schema_descriptions_tell_the_hormuz_levers_apart() -> None:
    rows = {r.key: r.description for r in schema_table()}
    for key, meaning in MEANINGS.items():
        assert meaning in rows[key].lower(), (key, rows[key])
    assert "not 'closed for sure'" in rows["hormuz.closure_months"]
    assert len({rows[k] for k in MEANINGS}) == 3


def test_dashboard_labels_are_not_ambiguous() -> None:
    assert LEVER_LABELS["hormuz.closure_months"] != LEVER_LABELS["hormuz.closure_probability"]
    assert "months shut in a closure year" in LEVER_LABELS["hormuz.closure_months"]
    assert "starts" in LEVER_LABELS["hormuz.closure_probability"]
