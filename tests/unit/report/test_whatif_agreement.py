"""The report's what-if rows give the agreement probability of the summit game (fast mode, with the
report scenario's own hindcast held): the baseline row is the headline's number."""

from __future__ import annotations

import pytest

from pos2.pipeline import Pipeline
from pos2.report.whatif import explore_levers
from pos2.scenario import load_scenario


def test_whatif_baseline_row_gives_the_headline_probability() -> None:
    scn = load_scenario("pos2")
    pipe = Pipeline()
    full = pipe.run(scn, paths=0, with_tornado=False).deal.get()
    assert full.settings["p_agreement_source"] == "summit_game"
    table, skipped = explore_levers(scn, pipeline=pipe, budget_s=0.0)
    assert len(table) == 1  # the baseline alone: no time for the moves
    assert skipped
    row = table.iloc[0]
    assert row["p_agreement_year"] == "2030"
    assert row["p_agreement"] == pytest.approx(full.p_agreement_by_year[2030], rel=1e-12)
    # and a moved lever is answered by the fast mode, not the one-sided delay lattice
    moved = pipe.run(
        scn.with_overrides({"transit.fee_usd_per_kcm_100km": 4.0}), paths=0, interactive=True, history_of=scn
    ).deal.get()
    assert moved.settings["p_agreement_source"] == "summit_game_fast"
