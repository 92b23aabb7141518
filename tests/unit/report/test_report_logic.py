"""What-if moves, summary logic, JSON cleaning and honesty when a stage fails."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pos2 import pipeline
from pos2.errors import InfeasibleError
from pos2.report import render
from pos2.report.extract import clean_json, dig, price_gap_usd_per_kcm
from pos2.report.summary import closing_answer
from pos2.report.whatif import candidate_moves
from pos2.scenario import load_scenario, schema_table


def test_clean_json_makes_strict_json() -> None:
    out = clean_json(
        {"a": np.float64(1.5), "b": float("nan"), "c": (np.int64(2), math.inf), 3: np.bool_(True)}
    )
    assert out == {"a": 1.5, "b": None, "c": [2, None], "3": True}
    assert type(out["a"]) is float


def test_dig_and_gap() -> None:
    d = {"x": [{"y": 1}], "china_max_price_usd_per_kcm": 300.0, "russia_min_price_usd_per_kcm": 320.0}
    assert dig(d, "x", 0, "y") == 1
    assert dig(d, "x", 5, "y") is None
    assert dig(d, "nope") is None
    assert price_gap_usd_per_kcm(d) == pytest.approx(-20.0)
    assert price_gap_usd_per_kcm({}) is None


def test_candidate_moves_stay_in_the_schema_and_move_something() -> None:
    scn = load_scenario("pos2")
    rows = {r.key: r for r in schema_table()}
    moves = candidate_moves(scn)
    assert {m.why for m in moves} >= {"flexibility", "cost sharing", "a longer Hormuz closure", "price"}
    for m in moves:
        r = rows[m.key]
        assert r.ge is None or m.value >= r.ge
        assert r.le is None or m.value <= r.le
        assert m.value != pytest.approx(float(scn.get(m.key)))


def _whatif(rows: list[tuple[str, float, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "label": label,
                "value_text": "x",
                "why": "w",
                "gap_usd_per_kcm": gap,
                "waiting_premium_usd_per_kcm": wait,
                "china_signs_now": signs,
                "error": None,
            }
            for label, gap, wait, signs in rows
        ]
    )


def test_closing_answer_names_the_levers_that_make_china_sign() -> None:
    table = _whatif(
        [
            ("base", 100.0, 2.0, False),
            ("A", 100.0, -1.0, True),
            ("B", 100.0, 1.5, False),
            ("C", 100.0, 2.0, False),
        ]
    )
    a = closing_answer(table, skipped=0)
    assert a.ok
    assert "China gains 2.0" in a.answer
    signing, rest = a.answer.split("Narrow the gap")
    assert "A at x" in signing
    assert "B at x" not in signing
    # B cuts China's gain from waiting but not to zero: named as a partial move, with the numbers
    assert "B at x (China's gain from waiting 2.0 → 1.5)" in rest.split("Strongest")[0]
    assert "A at x" not in rest.split("Strongest")[0]
    assert a.answer.endswith(
        "No effect on the deal in this model (neither the bounds of the zone nor China's choice move; "
        "they do move the parties' NPVs, see the tornado): C."
    )


def test_closing_answer_without_a_zone_looks_at_the_gap() -> None:
    table = _whatif([("base", -30.0, 0.0, False), ("A", -10.0, 0.0, False), ("B", 5.0, 0.0, False)])
    a = closing_answer(table, skipped=2)
    assert "open a zone of agreement" in a.answer
    assert "B at x" in a.answer
    assert "2 further lever settings were not tried" in a.answer


def test_report_says_plainly_when_the_stages_fail(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def fail(*_a: object, **_k: object) -> None:
        raise InfeasibleError("the line collapses (test)")

    monkeypatch.setattr(pipeline, "run_twin", fail)
    path = render.render_report("pos2", tmp_path, fmt="csv", analyses=False)
    html = path.read_text(encoding="utf-8")
    summary = re.search(r"<section id='summary'>(.*?)</section>", html, re.S)
    assert summary is not None
    text = summary.group(1)
    assert text.count("Not answered") + text.count("No result at") == 5
    assert "the line collapses (test)" in text
    assert not re.search(r"\d+ USD per 1,000", summary.group(1))  # no number is made up
    for anchor in ("map", "profiles", "costs", "npv", "zopa", "agreement", "hindcast", "whatif"):
        body = re.search(rf"<section id='{anchor}'>(.*?)</section>", html, re.S)
        assert body is not None
        assert "Not available" in body.group(1), anchor
        assert "plotly-graph-div" not in body.group(1), anchor
    # the assumptions section does not depend on any stage
    assert (tmp_path / "sources.csv").exists()
    assert not (tmp_path / "npv.csv").exists()


def test_closing_answer_reads_the_valuations_levers_and_efficient_terms() -> None:
    from types import SimpleNamespace

    from pos2.report.summary import valuation_levers_text

    val = SimpleNamespace(
        gazprom_min_usd_per_kcm=263.0,
        lever_effects=[
            {"lever": "chinese_equity_50", "china_max_delta": 12.0, "russia_min_delta": -40.0},
            {"lever": "export_duty_waiver", "china_max_delta": 0.0, "russia_min_delta": -50.0},
            {"lever": "hybrid_50_jkm", "china_max_delta": 3.0, "russia_min_delta": 1.0},
        ],
        contract_terms={
            "feasible": True,
            "acq_bcm": 50.0,
            "take_or_pay": 1.0,
            "flex_band": 0.15,
            "china_share": 0.5,
            "gazprom_min_price_usd_per_kcm": 200.0,
            "china_max_price_usd_per_kcm": 240.0,
        },
    )
    deal = SimpleNamespace(china_max_usd_per_kcm=248.0, valuation=val)
    text = valuation_levers_text(deal)  # type: ignore[arg-type]
    assert "now -15" in text
    # gap -15 + 12 + 40 = +37 and -15 + 50 = +35 open a zone; the hybrid (-17) does not
    assert "Chinese equity of 50 % (gap +37)" in text
    assert "an export-duty waiver (gap +35)" in text
    assert "hybrid" not in text
    assert "from 200 to 240" in text
    a = closing_answer(None, skipped=0, note="no time", deal=deal)  # type: ignore[arg-type]
    assert a.ok
    assert "no time" in a.answer
    assert "Chinese equity of 50 %" in a.answer


def test_agreement_figure_draws_the_band_over_the_types() -> None:
    from pos2.report.figures import agreement_figure

    p = {"2027": 0.3, "2028": 0.5, "2029": 0.6}
    band = {"2027": [0.28, 0.35], "2028": [0.45, 0.6]}
    fig = agreement_figure(p, band)
    assert len(fig.data) == 3
    hi, lo, line = fig.data
    assert list(hi.y) == [0.35, 0.6]
    assert list(lo.y) == [0.28, 0.45]
    assert lo.fill == "tonexty"
    assert list(line.y) == [0.3, 0.5, 0.6]
    assert len(agreement_figure(p).data) == 1  # no band: the line alone
