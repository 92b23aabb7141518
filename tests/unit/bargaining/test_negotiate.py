"""The deal stage on the embedded scenarios."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from pos2.bargaining import negotiate
from pos2.bargaining.deal import DealResult
from pos2.bargaining.engine import project_costs
from pos2.bargaining.history import Round
from pos2.errors import ScenarioError
from pos2.pipeline import Pipeline
from pos2.scenario import Scenario, load_scenario

PIPE = Pipeline()


def run_deal(scn: Scenario) -> DealResult:
    """The whole chain as ``pos2 deal`` runs it (deterministic economics, hindcast on)."""
    return PIPE.run(scn, paths=0, with_tornado=False, hindcast=True).deal.get()


def _negotiate(scn: Scenario, breakeven: float | None = None, rounds: tuple[Round, ...] = ()) -> DealResult:
    """The deal stage alone with a given breakeven (contract price irrelevant to these tests)."""
    return negotiate(
        scn,
        breakeven_usd_per_kcm=breakeven,
        contract_price_usd_per_kcm=250.0,
        contract_price_basis="test",
        costs=project_costs(scn, capex_usd=25.4e9, tariff_usd_per_kcm=77.2, fuel_share=0.058),
        rounds=rounds,
        detail=False,
    )


@pytest.fixture(scope="module")
def result() -> DealResult:
    return run_deal(load_scenario("pos2"))


def test_contract_keys_and_consistency(result: DealResult) -> None:
    j = result.to_json()
    for k in (
        "zopa_usd_per_kcm",
        "nash_price_usd_per_kcm",
        "china_max_price_usd_per_kcm",
        "russia_min_price_usd_per_kcm",
        "p_agreement_by_year",
        "shapley",
        "hindcast",
    ):
        assert k in j
    assert sum(j["shapley"].values()) == pytest.approx(1.0)
    assert set(j["shapley"]) == {"russia", "mongolia", "china"}
    if j["zopa_usd_per_kcm"] is not None:
        lo, hi = j["zopa_usd_per_kcm"]
        assert lo == pytest.approx(j["russia_min_price_usd_per_kcm"])
        assert hi == pytest.approx(j["china_max_price_usd_per_kcm"])
        assert lo <= j["nash_price_usd_per_kcm"] <= hi
    p = list(j["p_agreement_by_year"].values())
    assert all(b >= a for a, b in itertools.pairwise(p))
    for h in j["hindcast"]:
        assert h["model_verdict"] in ("deal", "no deal")
        assert h["actual_outcome"] in ("deal", "no deal")
        assert h["sources"]


def test_security_value_is_separated(result: DealResult) -> None:
    total = result.china_cost_saving_usd_per_kcm + result.china_security_value_usd_per_kcm
    fixed = load_scenario("pos2").model.supply.pos2_fixed_usd_per_kcm
    assert total == pytest.approx(
        result.price_only["china_max_price_usd_per_kcm"], abs=1e-6
    ) or total - fixed == pytest.approx(result.price_only["china_max_price_usd_per_kcm"] - fixed, abs=1e-6)
    assert result.china_security_value_usd_per_kcm >= 0


def test_more_chinese_power_lowers_the_nash_price(result: DealResult) -> None:
    prices = [p for p in result.nash_vs_beta["nash_price_usd_per_kcm"] if p is not None]
    assert all(b <= a for a, b in itertools.pairwise(prices))


def test_hormuz_lever_raises_chinas_max_price() -> None:
    calm = _negotiate(load_scenario("pos2", {"hormuz.closure_probability": 0.0}))
    tense = _negotiate(
        load_scenario("pos2", {"hormuz.closure_probability": 0.5, "hormuz.closure_months": 6.0})
    )
    assert tense.china_max_usd_per_kcm > calm.china_max_usd_per_kcm  # the contract valuation
    assert tense.price_only["china_max_price_usd_per_kcm"] > calm.price_only["china_max_price_usd_per_kcm"]
    assert tense.china_security_value_usd_per_kcm > calm.china_security_value_usd_per_kcm


def test_economics_breakeven_is_used_when_given() -> None:
    res = _negotiate(load_scenario("pos2"), 300.0, rounds=())
    assert res.russia.breakeven_source == "economics"
    assert res.russia.min_price_usd_per_kcm == pytest.approx(300.0)


def test_run_deal_works() -> None:
    res = run_deal(load_scenario("pos2"))
    assert res.russia.breakeven_source in ("economics", "fallback")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("bargaining.china_power", 1.2),
        ("finance.discount_rate_china", -0.05),
        ("finance.discount_rate_russia", -1),
    ],
)
def test_bad_levers_are_scenario_errors(key: str, value: float) -> None:
    with pytest.raises(ScenarioError, match=key.split(".")[1]):
        load_scenario("pos2", {key: value})


def test_supply_cases_are_ordered(result: DealResult) -> None:
    c = {k: v["max_price_usd_per_kcm"] for k, v in result.china_cases.items()}
    assert c["hormuz_open"] <= result.price_only["china_max_price_usd_per_kcm"] < c["hormuz_closure"]
    assert result.china_cases["hormuz_open"]["security_value_usd_per_kcm"] == pytest.approx(0.0, abs=1e-9)
    # a spike in 2026 has decayed by first gas in 2031; a persistent one has not
    assert c["lng_shock_2026"] == pytest.approx(result.price_only["china_max_price_usd_per_kcm"], rel=1e-3)
    assert c["lng_shock_persistent"] > c["lng_shock_2026"] + 100.0


def _round(date: str, brent: float, lng: float, outcome: str) -> Round:
    return Round(
        date=dt.date.fromisoformat(date),
        venue="test",
        project="pos2",
        who_said="-",
        agreed="-",
        actual_outcome=outcome,
        sources=("pos2_facts.md §5",),
        brent_usd_per_bbl=brent,
        lng_usd_per_mmbtu=lng,
        hormuz_status="open",
        europe_outlet=False,
        europe_price_usd_per_kcm=None,
        pos1_price_usd_per_kcm=None,
        market_sources=("pos2_facts.md §3e",),
        market_notes="",
    )


def test_hindcast_rule_is_the_same_for_every_round() -> None:
    scn = load_scenario("pos2")
    rich = _round("2026-05-20", 120.0, 30.0, "no deal")  # oil and LNG dear: wide zone, sign now
    poor = _round("2026-05-21", 20.0, 2.0, "no deal")  # oil and LNG cheap: no zone
    hc = _negotiate(scn, 250.0, rounds=(rich, poor)).hindcast
    assert [h.model_verdict for h in hc] == ["deal", "no deal"]
    assert hc[0].zopa_usd_per_kcm is not None
    assert "MISMATCH" in hc[0].explanation
    assert hc[1].zopa_usd_per_kcm is None
    assert hc[1].nash_price_usd_per_kcm is None
    assert "No zone of agreement" in hc[1].explanation


def test_rounds_use_the_model_of_their_project() -> None:
    # the PoS1 scenario negotiates PoS1, yet its PoS2 rounds use the PoS2 project's costs, and vice versa;
    # each project's breakeven comes from its own twin and economics whichever scenario runs the deal
    pos1 = run_deal(load_scenario("pos1"))
    pos2 = run_deal(load_scenario("pos2"))
    for a, b in zip(pos1.hindcast, pos2.hindcast, strict=True):
        assert a.round.date == b.round.date
        assert a.russia_min_usd_per_kcm == pytest.approx(b.russia_min_usd_per_kcm)
    assert pos1.russia.min_price_usd_per_kcm == pytest.approx(
        next(h.russia_min_usd_per_kcm for h in pos2.hindcast if h.round.project == "pos1")
    )


def test_pos1_round_ignores_the_users_pos2_levers() -> None:
    # a PoS1 round is computed from PoS1's own scenario: a PoS2 cost-sharing lever must not move it
    base = run_deal(load_scenario("pos2"))
    lever = run_deal(load_scenario("pos2", {"finance.china_share": 0.5}))
    a = next(h for h in base.hindcast if h.round.project == "pos1")
    b = next(h for h in lever.hindcast if h.round.project == "pos1")
    assert a.russia_breakeven_source == "economics"
    assert b.russia_min_usd_per_kcm == a.russia_min_usd_per_kcm
    assert b.china_max_usd_per_kcm == a.china_max_usd_per_kcm
    pos2_rounds = [
        (x, y) for x, y in zip(base.hindcast, lever.hindcast, strict=True) if x.round.project == "pos2"
    ]
    assert any(x.russia_min_usd_per_kcm != y.russia_min_usd_per_kcm for x, y in pos2_rounds)


def test_rubinstein_limit_is_the_limit_of_the_game_solved() -> None:
    # frequent offers: Russia's share of the pie above its opportunity price tends to r_C / (r_R + r_C),
    # but by the outside-option principle it never falls below keeping its capital (breakeven -
    # opportunity); the limit once reported was the option-free split alone
    for sets in ([], ["bargaining.russia_view=opportunity"], ["finance.discount_rate_russia=0.15"]):
        scn = load_scenario("pos2", sets)
        res = _negotiate(scn, 206.0)
        opp = res.russia.opportunity_usd_per_kcm
        pie = res.price_only["china_max_price_usd_per_kcm"] - opp
        keep = 0.0 if res.russia.view == "opportunity" else max(res.russia.breakeven_usd_per_kcm - opp, 0.0)
        f = scn.model.finance
        share = f.discount_rate_china / (f.discount_rate_china + f.discount_rate_russia)
        expect = opp + max(keep, share * pie)
        assert res.rubinstein_limit_price_usd_per_kcm == pytest.approx(expect, rel=1e-3), sets


def test_principals_and_terms_are_reported(result: DealResult) -> None:
    j = result.to_json()
    floors = j["russia_min_price_by_principal_usd_per_kcm"]
    assert floors["state"] < floors["gazprom"]
    assert j["russia_min_price_usd_per_kcm"] == floors["gazprom"]
    w = {r["step"]: r["usd_per_kcm"] for r in j["gap_waterfall"]}
    assert w["china_max_price"] > 0
    assert {e["lever"] for e in j["lever_effects"]} >= {"export_duty_waiver", "chinese_equity_50"}
    for k in ("p10", "p50", "p90", "cvar10"):
        assert k in j["china_value_distribution_usd_per_kcm"]
    assert {"take_or_pay", "flex_band", "china_share", "acq_bcm"} <= set(j["contract_terms"])
    # the headline zone is the valuation's, the price-only one is kept beside it
    z = j["zopa_usd_per_kcm"]
    assert (z is None) == (j["china_max_price_usd_per_kcm"] < j["russia_min_price_usd_per_kcm"])
    assert j["price_only"]["china_max_price_usd_per_kcm"] != j["china_max_price_usd_per_kcm"]
