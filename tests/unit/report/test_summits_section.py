"""The report's summit section: summary table, scores beside the base rate, the why sentence."""

from __future__ import annotations

from pos2.report import summits_section as ss


def _deal(brier: float, brier_base: float) -> dict:
    rounds = [
        {
            "date": "2014-05-21",
            "venue": "Shanghai (state visit)",
            "actual_outcome": "deal",
            "p_deal": 0.4,
            "p_deal_leave_one_out": 0.1,
            "binding_reason": "waiting pays",
            "dynamics": {"host": "china", "china_max_price_usd_per_kcm": {"uncapped": 300, "capped": 290}},
            "sources": ["a"],
        },
        {
            "date": "2024-05-16",
            "venue": "Beijing (state visit)",
            "actual_outcome": "no deal",
            "p_deal": 0.2,
            "p_deal_leave_one_out": 0.3,
            "binding_reason": "dependence cap",
            "dynamics": {"host": "china"},
            "sources": ["b"],
        },
    ]
    return {
        "hindcast": rounds,
        "hindcast_scores": {
            "log_likelihood": -1.0,
            "log_likelihood_base_rate": -1.2,
            "brier": 0.1,
            "brier_base_rate": 0.2,
            "log_likelihood_leave_one_out": -2.0,
            "log_likelihood_base_rate_leave_one_out": -1.5,
            "brier_leave_one_out": brier,
            "brier_base_rate_leave_one_out": brier_base,
            "rounds": 2,
            "deals": 1,
        },
        "summits": {
            "p_agreement_2030": 0.5,
            "levers": [
                {
                    "lever": "export_duty_waiver",
                    "p_agreement_2030_delta": 0.1,
                    "price_delta_usd_per_kcm": -30.0,
                },
                {
                    "lever": "chinese_equity_50",
                    "p_agreement_2030_delta": -0.05,
                    "price_delta_usd_per_kcm": -60,
                },
            ],
        },
    }


def test_summary_table_has_the_seven_columns() -> None:
    df = ss.summary_rows(_deal(0.3, 0.2))
    assert list(df.columns) == [
        "round",
        "date",
        "venue",
        "host",
        "observed",
        "P(deal)",
        "P(deal), leave-one-out",
        "binding reason",
    ]
    assert df["binding reason"].tolist() == ["waiting pays", "dependence cap"]


def test_scores_say_when_the_base_rate_wins() -> None:
    t = ss.scores_table(_deal(0.3, 0.2))
    verdicts = dict(zip(t["score"], t[""], strict=True))
    assert verdicts["Brier score (in sample)"] == "beats the base rate"
    assert verdicts["Brier score (leave one round out)"] == "does NOT beat the base rate"
    assert verdicts["log-likelihood (leave one round out)"] == "does NOT beat the base rate"
    html = ss.hindcast_html(_deal(0.3, 0.2))
    assert "<details>" in html
    assert "does NOT beat the base rate" in html


def test_why_sentence_names_the_reason_the_score_and_the_best_lever() -> None:
    text = ss.why_sentence(_deal(0.3, 0.2))
    assert text is not None
    assert "'dependence cap'" in text
    assert "no better than the base rate" in text
    assert "export duty waiver" in text
    assert ss.why_sentence({"hindcast": []}) is None
    assert "better than the base rate" in (ss.why_sentence(_deal(0.1, 0.2)) or "")
