"""Bargaining over summits: screening, Bayes updating, the war of attrition, the fit, vintage states."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pos2.bargaining import dynamics as dyn
from pos2.bargaining.estimate import PARAMETERS, RoundData, fit, solve_rounds, sweep
from pos2.bargaining.summits import binding_reason, summit_keys
from pos2.errors import BargainingError


def _one_shot(mu: float) -> dyn.Stage:
    # one summit, Russia proposes; China uncapped v=300 or capped v=200; Russia's floor 100 either way
    g = dyn.Game(
        np.array([300.0, 200.0]), np.array([100.0, 100.0]), np.zeros((1, 1)), np.zeros((1, 1)), "russia", 1e-3
    )
    sol = dyn.solve(g)
    return dyn.first_period(sol, np.array([mu]), np.array([0.5]))


def test_two_type_screening_game_by_hand() -> None:
    # prices on the grid: 100 + 12.5 k. Offer 287.5: only the uncapped type accepts, payoff (1-mu) 187.5;
    # offer 200: both accept, payoff 100. Hand solution: skim (287.5) iff (1 - mu) 187.5 > 100, mu < 0.4667
    lo_p, hi_p = 100.0 - 2e-3, 300.0 + 2e-3  # the price grid spans the limits +- 2 sigma
    skim = lo_p + 15 * (hi_p - lo_p) / 16
    lo = _one_shot(0.5)
    assert lo.price[0, 0] == pytest.approx(skim, rel=1e-12)
    assert lo.accept[0, 0, 0] == pytest.approx(1.0)  # Russia type 0 offers, uncapped China accepts
    assert lo.accept[0, 1, 0] == pytest.approx(0.0, abs=1e-9)  # the capped type rejects
    assert lo.value_russia[0, 0] == pytest.approx(0.5 * (skim - 100.0), rel=1e-9)
    # an offer exactly at the capped limit is accepted with probability 1/2 (a zero margin), so the
    # pooling offer is the grid price just below 200; pooling beats skimming for mu > 1 - 87.5/187.5
    pool = lo_p + 7 * (hi_p - lo_p) / 16
    assert lo.value_russia[0, 0] > pool - 100.0
    hi = _one_shot(0.6)
    assert hi.price[0, 0] == pytest.approx(pool, rel=1e-12)
    assert hi.accept[0, 1, 0] == pytest.approx(1.0)
    assert hi.value_russia[0, 0] == pytest.approx(pool - 100.0, rel=1e-9)
    # after the skimming offer is rejected Russia is sure the responder is capped
    assert lo.posterior[0, 0] == pytest.approx(1.0, abs=1e-6)


def test_bayes_after_rejection_hand_checked() -> None:
    # prior 0.5 of type 1; type 0 accepts with 0.8, type 1 with 0.2: P(reject) 0.2 vs 0.8 -> 0.8
    assert dyn.bayes_after_rejection(np.array(0.5), np.array(0.8), np.array(0.2)) == pytest.approx(0.8)
    # prior 0.3, both accept with 0.5: rejection is uninformative
    assert dyn.bayes_after_rejection(np.array(0.3), np.array(0.5), np.array(0.5)) == pytest.approx(0.3)
    # both surely accept: the prior stays (no division by zero)
    assert dyn.bayes_after_rejection(np.array(0.3), np.array(1.0), np.array(1.0)) == pytest.approx(0.3)


def test_interp2_reproduces_a_bilinear_function() -> None:
    g = np.linspace(0, 1, 4)
    mu, nu = np.meshgrid(g, g, indexing="ij")
    vals = (1 + 2 * mu + 3 * nu + 4 * mu * nu)[None, None]
    got = dyn.interp2(vals, np.array([[0.37]]), np.array([[0.81]]), 1)
    assert got[0, 0, 0] == pytest.approx(1 + 2 * 0.37 + 3 * 0.81 + 4 * 0.37 * 0.81)


def test_war_of_attrition_closed_form() -> None:
    a_r, a_c, r_r, r_c, z_r, z_c = 0.7, 0.6, 0.2, 0.05, 0.3, 0.4
    w = dyn.war_of_attrition(a_r, a_c, r_r, r_c, z_r, z_c)
    # hazards keep the other side indifferent: lambda_R (a_C - (1 - a_R)) = r_C (1 - a_R)
    assert w.hazard_russia * (a_c - (1 - a_r)) == pytest.approx(r_c * (1 - a_r))
    assert w.hazard_china * (a_r - (1 - a_c)) == pytest.approx(r_r * (1 - a_c))
    t_r = -math.log(z_r) / w.hazard_russia
    t_c = -math.log(z_c) / w.hazard_china
    assert w.time_end_years == pytest.approx(min(t_r, t_c))
    # the weaker side (larger T) concedes at once with the mass that makes both reputations reach 1 at T
    assert t_r > t_c
    assert w.mass_china_at_zero == 0.0
    assert z_r * math.exp(w.hazard_russia * w.time_end_years) / (1 - w.mass_russia_at_zero) == pytest.approx(
        1.0
    )
    p = w.p_deal_by(np.array([0.0, 1.0, 100.0]), z_r, z_c)
    assert p[0] == pytest.approx(w.mass_russia_at_zero)
    surv = (1 - w.mass_russia_at_zero) * math.exp(-w.hazard_russia) * math.exp(-w.hazard_china)
    assert p[1] == pytest.approx(1 - surv)
    assert p[2] == pytest.approx(1 - z_r * z_c)  # only two obstinate types never agree


def test_war_of_attrition_monte_carlo() -> None:
    # concession times drawn from the closed-form distributions give the same deal probability
    z_r, z_c = 0.3, 0.4
    w = dyn.war_of_attrition(0.7, 0.6, 0.2, 0.05, z_r, z_c)
    rng = np.random.default_rng(1)
    n = 200_000

    def draw(mass: float, lam: float, z: float) -> np.ndarray:
        u = rng.random(n)
        # survival (1 - m) e^{-lambda t} before T reaches z at T: the rest are the obstinate types
        t = np.where(u < mass, 0.0, rng.exponential(1 / lam, n))
        return np.where(t >= w.time_end_years, np.inf, t)

    tr = draw(w.mass_russia_at_zero, w.hazard_russia, z_r)
    tc = draw(w.mass_china_at_zero, w.hazard_china, z_c)
    assert np.mean(np.minimum(tr, tc) <= 1.0) == pytest.approx(float(w.p_deal_by(1.0, z_r, z_c)), abs=0.02)


def test_fast_and_full_modes_agree_without_obstinacy() -> None:
    # every type has a zone (v_capped >= Gazprom's floor): the war of attrition agrees at once, and so
    # does the full game with near-deterministic responses, for every pair of types
    w = dyn.war_of_attrition(0.4, 0.5, 0.1, 0.1, 0.3, 0.3)
    assert float(w.p_deal_by(0.0, 0.3, 0.3)) == 1.0
    g = dyn.Game(
        np.array([300.0, 260.0]),
        np.array([150.0, 200.0]),
        np.full((1, 5), 0.1),
        np.full((1, 5), 0.1),
        "russia",
        1e-3,
    )
    sol = dyn.solve(g)
    out = dyn.agreement_outlook(sol, np.full((2, 2), 0.25), 0.5, 0.5)
    assert out.p_low[0] == pytest.approx(1.0, abs=1e-6)


def test_no_zone_no_deal_and_delay_with_uncertainty() -> None:
    # no type has a zone: no deal ever
    g = dyn.Game(
        np.array([150.0, 140.0]),
        np.array([200.0, 260.0]),
        np.full((1, 6), 0.1),
        np.zeros((1, 6)),
        "china",
        5.0,
    )
    out = dyn.agreement_outlook(dyn.solve(g), np.full((2, 2), 0.25), 0.5, 0.5)
    assert out.p_high[-1] < 1e-3
    # a patient China facing an uncertain Russia: the non-waiving Russia is screened out at first
    g2 = dyn.Game(
        np.array([300.0, 300.0]),
        np.array([100.0, 250.0]),
        np.full((1, 6), 0.3),
        np.zeros((1, 6)),
        "china",
        5.0,
    )
    # a zone for every pair of types, yet agreement is delayed: China's first offer screens Russia and
    # the waiving type holds out for its own proposal a year later (Cramton 1992)
    o2 = dyn.agreement_outlook(dyn.solve(g2), np.array([[0.25, 0.25], [0.25, 0.25]]), 0.5, 0.5)
    assert o2.p_by_year[0] < 0.5
    assert o2.p_by_year[-1] > 0.9
    assert o2.expected_delay_years is not None
    assert o2.expected_delay_years > 0


def test_game_rejects_bad_input() -> None:
    with pytest.raises(BargainingError, match="sigma"):
        dyn.Game(
            np.array([1.0, 1.0]), np.array([0.0, 0.0]), np.zeros((1, 2)), np.zeros((1, 2)), "russia", 0.0
        )
    with pytest.raises(BargainingError, match="first_proposer"):
        dyn.Game(
            np.array([1.0, 1.0]), np.array([0.0, 0.0]), np.zeros((1, 2)), np.zeros((1, 2)), "mongolia", 1.0
        )


def _synthetic_rounds(n: int, seed: int) -> list[RoundData]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        # China's limit between the two Russian floors: the waiver decides, so its prior is identified
        fs = rng.uniform(80, 200)
        fg = fs + rng.uniform(40, 120)
        v0 = fs + rng.uniform(0.2, 0.8) * (fg - fs)
        out.append(
            RoundData(
                label=f"r{i}",
                project=f"p{i}",  # independent games: no belief chain between them
                year=2000 + i,
                host="russia" if i % 2 else "china",
                deal=False,
                china_max_usd_per_kcm=(v0, v0 - rng.uniform(0, 40)),
                russia_min_usd_per_kcm=(fs, fg),
                russia_base_rate_per_year=0.1,
                shut_in_share=float(rng.uniform(0, 0.3)),
                gap_share=tuple(float(x) for x in rng.uniform(0, 0.3) * np.linspace(0, 1, 15)),
            )
        )
    return out


def test_fit_recovers_parameters_from_model_simulated_rounds() -> None:
    rounds = _synthetic_rounds(80, seed=3)
    s = solve_rounds(tuple(rounds))
    p_all, _ = sweep(s)
    truth = (0.15, 0.5, 25.0)
    ci = s.combos.index(truth)
    wi = list(PARAMETERS["p_state_waiver"]["grid"]).index(0.3)
    rng = np.random.default_rng(11)
    deals = rng.random(len(rounds)) < p_all[ci, wi]
    sim = tuple(RoundData(**{**r.__dict__, "deal": bool(d)}) for r, d in zip(rounds, deals, strict=True))
    f = fit(sim, leave_one_out=False)
    got = {k: v["value"] for k, v in f.parameters.items()}
    assert got["sigma"] == 25.0
    assert abs(got["p_state_waiver"] - 0.3) <= 0.2
    # the fitted likelihood is at least the truth's
    y = deals
    ll_truth = float(np.where(y, np.log(p_all[ci, wi]), np.log1p(-p_all[ci, wi])).sum())
    assert f.scores["log_likelihood"] >= ll_truth - 1e-9


def test_binding_reasons() -> None:
    assert binding_reason((150.0, 140.0), (160.0, 200.0)) == "no zone at Gazprom level"
    assert binding_reason((180.0, 170.0), (160.0, 200.0)) == "the state refuses a tax waiver"
    assert binding_reason((220.0, 190.0), (160.0, 200.0)) == "dependence cap"
    assert binding_reason((220.0, 210.0), (160.0, 200.0)) == "waiting pays"


def test_summit_json_keys() -> None:
    summits = {
        "rounds": [],
        "scores": dict.fromkeys(
            (
                "log_likelihood",
                "brier",
                "brier_base_rate",
                "log_likelihood_base_rate",
                "brier_leave_one_out",
                "log_likelihood_leave_one_out",
                "brier_base_rate_leave_one_out",
                "log_likelihood_base_rate_leave_one_out",
                "rounds",
                "deals",
            ),
            0.0,
        ),
        "parameters": {"sigma": {"value": 1.0, "standard_error": None, "prior": "x", "unit": "u"}},
        "hormuz": {
            "posterior_hazard_per_year": 0.03,
            "china_value_delta_usd_per_kcm": 1.0,
            "p_agreement_2030_delta": 0.0,
        },
        "p_agreement_by_year": {2030: 0.5},
    }
    j = summit_keys(summits)
    assert set(j["hindcast_scores"]) >= {
        "log_likelihood",
        "brier",
        "brier_base_rate",
        "log_likelihood_base_rate",
        "brier_leave_one_out",
    }
    assert set(j["estimated_parameters"]["sigma"]) >= {"value", "standard_error", "prior"}
    assert set(j["hormuz"]) >= {
        "posterior_hazard_per_year",
        "china_value_delta_usd_per_kcm",
        "p_agreement_2030_delta",
    }
    assert summit_keys(None) == {}
