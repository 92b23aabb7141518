"""The README's quoted numbers are those of the current code (issue 15, item 3).

``make docs`` (tools/make_docs.py) writes them between marker comments from a run of the default
scenario; this test runs the default scenario through the same code and fails when they differ.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pos2.report import docs
from pos2.report.render import SUMMARY_FILE, render_report

ROOT = Path(__file__).resolve().parents[2]


def test_blocks_are_replaced_between_their_markers() -> None:
    text = (
        "intro\n<!-- pos2:headline -->\nold\n<!-- /pos2:headline -->\n"
        "<!-- pos2:answers -->\n<!-- /pos2:answers -->\n"
    )
    summary = {"stations": 3, "answers": {"Q?": "A."}, "zopa_usd_per_kcm": [1.0, 2.0]}
    out = docs.update_readme(text, summary)
    assert out.startswith("intro\n")
    assert "old" not in out
    assert docs.read_block(out, "headline") == docs.headline_markdown(summary)
    assert docs.read_block(out, "answers") == "* **Q?** A."
    assert "| zone of agreement | 1–2 USD per 1,000 m³ |" in out
    with pytest.raises(ValueError, match="pos2:headline"):
        docs.read_block("no markers", "headline")


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("readme")
    # the headline numbers come from the three stages alone: the time-budgeted extras are not needed
    path = render_report("pos2", out, analyses=False, whatif_budget_s=0.0)
    return json.loads((path.parent / SUMMARY_FILE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_readme_headline_numbers_are_those_of_a_run(summary: dict[str, object]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quoted = docs.read_block(readme, "headline")
    assert quoted == docs.headline_markdown(summary), "README headline numbers are stale: run `make docs`"


def test_readme_answers_that_need_no_budgeted_work_are_those_of_a_run(summary: dict[str, object]) -> None:
    readme = docs.read_block((ROOT / "README.md").read_text(encoding="utf-8"), "answers")
    answers = summary["answers"]
    assert isinstance(answers, dict)
    # the tariff, the zone and the why come from the stages alone (the capacity answer also uses
    # the twin's analyses and the last one the what-if runs, which this run skips)
    for question in list(answers)[1:4]:
        assert f"* **{question}** {answers[question]}" in readme, "README answers are stale: run `make docs`"
