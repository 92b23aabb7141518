"""The summit game's fast mode against the full summit analysis (pos2.bargaining.fastgame).

Where they must agree: at the history scenario (the same game on the same limits: every year of
P(agreement by year), the price at signature and the expected delay), and at a lever neither the rounds'
vintage limits nor the efficient terms read (China's bargaining power). At a lever that moves the limits
but not the efficient terms, the fast mode's limits on the held terms are the full analysis's limits
(China's capped highest price, the state's and Gazprom's floors: the same contract on the same paths),
and its probability moves the same way; the rest of the difference is the history's re-fit, measured in
docs/deal_dynamics.md (benchmarks/deal_fastgame.py), not asserted here.
"""

from __future__ import annotations

from typing import Any

import pytest

from pos2.bargaining.fastgame import SummitHistory, shifted_limits
from pos2.pipeline import Pipeline, PipelineResult
from pos2.scenario import Scenario, load_scenario


def _history(limits: Any, own: Any) -> SummitHistory:
    return SummitHistory(
        scenario="t",
        params=(("p_state_waiver", 0.5), ("sigma", 25.0), ("theta_china", 0.0), ("theta_russia", 0.1)),
        weights=((0.25, 0.25), (0.25, 0.25)),
        first_proposer="russia",
        first_year=2027,
        first_round_year=2026,
        shut_in=0.2,
        gap=(0.0,) * 14,
        terms=(("acq_share", 1.0),),
        limits=limits,
        own_limits=own,
        p_agreement_2030=0.5,
    )


def test_shifted_limits_at_the_history_are_the_history_and_move_by_the_change() -> None:
    h = _history(((200.0, 190.0), (100.0, 150.0)), ((210.0, 190.5), (99.0, 151.0)))
    assert shifted_limits(h, h.own_limits) == h.limits
    moved = shifted_limits(h, ((215.0, 188.5), (96.0, 158.0)))
    assert moved == (pytest.approx((205.0, 188.0)), pytest.approx((97.0, 157.0)))
    # the order of the types is kept: the uncapped China pays at least the capped one, the state's
    # floor is at most Gazprom's
    crossed = shifted_limits(h, ((180.0, 190.5), (160.0, 151.0)))
    assert crossed[0][0] == crossed[0][1] == 190.0
    assert crossed[1][0] == crossed[1][1] == 150.0


@pytest.fixture(scope="module")
def runs() -> dict[str, Any]:
    pipe = Pipeline()
    base = load_scenario("pos2")

    def both(scn: Scenario) -> tuple[PipelineResult, PipelineResult]:
        full = pipe.run(scn, paths=0, with_tornado=False, hindcast=True)
        fast = pipe.run(scn, paths=0, with_tornado=False, hindcast=False, history_of=base)
        return full, fast

    return {
        "base": both(base),
        "beta": both(load_scenario("pos2", {"bargaining.china_power": 0.3})),
        "take_or_pay": both(load_scenario("pos2", {"contract.take_or_pay": 1.0})),
        "transit": both(load_scenario("pos2", {"transit.fee_usd_per_kcm_100km": 4.0})),
    }


def test_fast_mode_is_the_full_game_at_the_history_scenario(runs: dict[str, Any]) -> None:
    full, fast = (r.deal.get() for r in runs["base"])
    assert full.settings["p_agreement_source"] == "summit_game"
    assert fast.settings["p_agreement_source"] == "summit_game_fast"
    assert "summit game, fast mode" in fast.settings["p_agreement_basis"]
    assert fast.summits is None
    assert fast.fast_summits is not None
    assert fast.p_agreement_by_year == pytest.approx(full.p_agreement_by_year, rel=1e-12, abs=1e-15)
    assert full.summits is not None
    assert fast.fast_summits["limits_today"] == full.summits["limits_today"]
    assert fast.fast_summits["price_at_signature_usd_per_kcm"] == pytest.approx(
        full.summits["price_at_signature_usd_per_kcm"], rel=1e-12
    )
    assert fast.fast_summits["expected_delay_years"] == pytest.approx(full.summits["expected_delay_years"])
    # the full answer's own fast-mode figure is the same game
    assert full.summits["fast_mode_p_agreement_2030"] == full.summits["p_agreement_2030"]


def test_a_lever_the_history_does_not_read_gives_the_full_answer(runs: dict[str, Any]) -> None:
    full, fast = (r.deal.get() for r in runs["beta"])
    base_full = runs["base"][0].deal.get()
    assert full.summits is not None
    # China's bargaining power enters neither the rounds nor the efficient terms: the full game is unmoved
    assert full.summits["p_agreement_2030"] == pytest.approx(base_full.summits["p_agreement_2030"])
    assert fast.p_agreement_by_year == pytest.approx(full.p_agreement_by_year, rel=1e-9, abs=1e-12)


def test_a_term_lever_moves_the_fast_mode_as_the_full_game(runs: dict[str, Any]) -> None:
    # the rounds and the game use the efficient terms, so the scenario's take-or-pay moves only the
    # uncapped China type (the supplier cap's effect on the scenario's own contract), in both modes
    full, fast = (r.deal.get() for r in runs["take_or_pay"])
    base_full = runs["base"][0].deal.get()
    assert full.summits is not None
    assert base_full.summits is not None
    assert fast.fast_summits is not None
    assert full.summits["p_agreement_2030"] != pytest.approx(base_full.summits["p_agreement_2030"], abs=1e-6)
    lf, lx = full.summits["limits_today"], fast.fast_summits["limits_today"]
    for side, kinds in (
        ("china_max_usd_per_kcm", ("uncapped", "capped")),
        ("russia_min_usd_per_kcm", ("state", "gazprom")),
    ):
        for k in kinds:
            assert lx[side][k] == pytest.approx(lf[side][k], abs=0.01), (side, k)
    assert fast.fast_summits["p_agreement_2030"] == pytest.approx(full.summits["p_agreement_2030"], abs=1e-3)


def test_a_cost_lever_moves_the_fast_limits_as_the_full_analysis(runs: dict[str, Any]) -> None:
    full, fast = (r.deal.get() for r in runs["transit"])
    base_full = runs["base"][0].deal.get()
    assert full.summits is not None
    assert fast.fast_summits is not None
    assert base_full.summits is not None
    held = full.summits["contract_terms_at_signature"] == base_full.summits["contract_terms_at_signature"]
    assert held, "the transit fee changed the efficient terms: pick another lever for this test"
    lf, lx = full.summits["limits_today"], fast.fast_summits["limits_today"]
    lb = base_full.summits["limits_today"]
    # a higher transit fee raises Russia's floors and leaves China's capped limit (the same contract)
    assert lx["russia_min_usd_per_kcm"]["gazprom"] > lb["russia_min_usd_per_kcm"]["gazprom"]
    assert lx["china_max_usd_per_kcm"]["capped"] == pytest.approx(
        lf["china_max_usd_per_kcm"]["capped"], abs=0.01
    )
    for who in ("state", "gazprom"):
        assert lx["russia_min_usd_per_kcm"][who] == pytest.approx(lf["russia_min_usd_per_kcm"][who], abs=0.01)
    d_full = full.summits["p_agreement_2030"] - base_full.summits["p_agreement_2030"]
    d_fast = fast.fast_summits["p_agreement_2030"] - base_full.summits["p_agreement_2030"]
    assert d_full < 0
    assert d_fast < 0


def test_a_failed_history_is_said_and_the_lattice_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from pos2.errors import BargainingError
    from pos2.pipeline import StageOutcome

    pipe = Pipeline()

    def broken(_scn: Scenario) -> StageOutcome[SummitHistory]:
        return StageOutcome(
            "summit_history", error="BargainingError: no rounds", exception=BargainingError("x")
        )

    monkeypatch.setattr(pipe, "summit_history", broken)
    scn = load_scenario("pos2", {"bargaining.china_power": 0.4})
    deal = pipe.run(scn, paths=0, interactive=True, history_of=load_scenario("pos2")).deal.get()
    assert deal.settings["p_agreement_source"] == "delay_lattice"
    assert "no rounds" in deal.settings["summits_error"]
    assert "no rounds" in deal.settings["p_agreement_basis"]
    assert deal.p_agreement_by_year == deal.delay.p_agreement_by_year
