"""The three sticking points move the parties' NPVs: hand-checked cases, flat price, no uncertainty.

A short contract so every cash flow can be written out: one construction year (capex K paid at
the end of year 1), a two-year term at the full ACQ V from the first year (no ramp-up, no
make-up), end-of-year discounting at 8 % (Russia), 7 % (China), 8 % (Mongolia).
"""

from __future__ import annotations

import numpy as np
import pytest

from pos2.economics import build_project, npv_by_party
from pos2.economics.cashflow import party_cash_flows
from pos2.scenario import Scenario
from pos2.twin.summary import TwinSummary

SHORT = {
    "finance.construction_years": 1,
    "contract.term_years": 2,
    "contract.ramp_up_years": 0,
    "contract.make_up_years": 0,
    "finance.loan_repay_years": 2,
    "finance.discount_rate_russia": 0.08,  # the hand calculation discounts both parties at 8 %
}
V = 50e6  # ACQ [1,000 m3/yr]
DUTY = 0.30
VAR = 19.0 + 15.0 + 8.0  # upstream + MET + upstream transport [USD/kcm]
CN_TRANSPORT = 18.0


def d(rate: float, year: int) -> float:
    return 1.0 / (1.0 + rate) ** year


@pytest.fixture
def short(pos2: Scenario) -> Scenario:
    return pos2.with_overrides(SHORT)


def hand_parts(scn: Scenario, twin: TwinSummary) -> tuple[float, float, float, float]:
    """K [USD], opex [USD/yr], fuel [USD/kcm], transit [USD/kcm] as the test computes them."""
    p = build_project(scn, twin)
    k = p.capex.total_usd  # capex is checked against its own hand calculation in test_costs
    opex = 0.02 * k
    fuel = twin.fuel_share * twin.throughput_bcm_per_year / twin.throughput_bcm_per_year * 45.0
    transit = 2.0 * 962.9 / 100.0
    return k, opex, fuel, transit


def test_inputs_of_the_hand_calculation(short: Scenario, twin: TwinSummary) -> None:
    m = short.model
    assert (m.taxes.export_duty_share, m.taxes.met_usd_per_kcm) == (DUTY, 15.0)
    assert m.costs.upstream_cost_usd_per_kcm + m.costs.upstream_transport_usd_per_kcm == 27.0
    assert m.costs.opex_share_per_year == 0.02
    assert m.costs.fuel_value_usd_per_kcm == 45.0
    assert m.transit.fee_usd_per_kcm_100km == 2.0
    assert twin.fuel_bcm_per_year == 1.5
    assert m.finance.discount_rate_russia == 0.08
    p = build_project(short, twin)
    assert p.fuel_usd_per_kcm == pytest.approx(1.5 / 50.0 * 45.0)


def test_price_moves_russia_and_china_by_hand(short: Scenario, twin: TwinSummary) -> None:
    k, opex, _, transit = hand_parts(short, twin)
    fuel = 1.5 / 50.0 * 45.0
    alt = 400.0  # China's alternative above the price: it takes the full ACQ
    prices = np.array([200.0, 250.0])
    got = npv_by_party(short, twin, prices, alternative_usd_per_kcm=alt)
    for i, price in enumerate(prices):
        op_r = price * V * (1 - DUTY) - VAR * V - opex - fuel * V - transit * V
        russia = -k * d(0.08, 1) + op_r * (d(0.08, 2) + d(0.08, 3))
        op_c = (alt - price - CN_TRANSPORT) * V
        china = op_c * (d(0.07, 2) + d(0.07, 3))
        mongolia = transit * V * (d(0.08, 2) + d(0.08, 3))
        assert got["russia"][i] * 1e9 == pytest.approx(russia, rel=1e-12)
        assert got["china"][i] * 1e9 == pytest.approx(china, rel=1e-12)
        assert got["mongolia"][i] * 1e9 == pytest.approx(mongolia, rel=1e-12)
    # +50 USD/kcm: Russia gains 50 * V * 0.7 per year, China loses 50 * V per year
    assert (got["russia"][1] - got["russia"][0]) * 1e9 == pytest.approx(
        50 * V * 0.7 * (d(0.08, 2) + d(0.08, 3)), rel=1e-12
    )
    assert (got["china"][1] - got["china"][0]) * 1e9 == pytest.approx(
        -50 * V * (d(0.07, 2) + d(0.07, 3)), rel=1e-12
    )
    assert got["mongolia"][1] == got["mongolia"][0]


@pytest.mark.parametrize(("take_or_pay", "flex"), [(0.7, 0.3), (0.85, 0.3), (1.0, 0.0)])
def test_volume_flexibility_by_hand(
    short: Scenario, twin: TwinSummary, take_or_pay: float, flex: float
) -> None:
    scn = short.with_overrides({"contract.take_or_pay": take_or_pay, "contract.flex_band": flex})
    k, opex, _, transit = hand_parts(scn, twin)
    fuel = 1.5 / 50.0 * 45.0
    price, alt = 300.0, 250.0  # price above China's alternative: it takes only the minimum bill
    paid = take_or_pay * (1 - flex) * V  # take-or-pay share of the firm quantity (1 - flex) V
    taken = paid
    got = npv_by_party(scn, twin, price, alternative_usd_per_kcm=alt)
    op_r = price * paid * (1 - DUTY) - VAR * taken - opex - fuel * taken - transit * taken
    russia = -k * d(0.08, 1) + op_r * (d(0.08, 2) + d(0.08, 3))
    china = (alt * taken - price * paid - CN_TRANSPORT * taken) * (d(0.07, 2) + d(0.07, 3))
    mongolia = transit * taken * (d(0.08, 2) + d(0.08, 3))
    assert got["russia"][0] * 1e9 == pytest.approx(russia, rel=1e-12)
    assert got["china"][0] * 1e9 == pytest.approx(china, rel=1e-12)
    assert got["mongolia"][0] * 1e9 == pytest.approx(mongolia, rel=1e-12)


def test_flexibility_shifts_value_from_russia_to_china(short: Scenario, twin: TwinSummary) -> None:
    rigid = npv_by_party(
        short.with_overrides({"contract.take_or_pay": 1.0, "contract.flex_band": 0.0}),
        twin,
        300.0,
        alternative_usd_per_kcm=250.0,
    )
    flexible = npv_by_party(
        short.with_overrides({"contract.take_or_pay": 0.7, "contract.flex_band": 0.3}),
        twin,
        300.0,
        alternative_usd_per_kcm=250.0,
    )
    assert flexible["russia"][0] < rigid["russia"][0]
    assert flexible["china"][0] > rigid["china"][0]
    assert flexible["mongolia"][0] < rigid["mongolia"][0]


def test_make_up_gas_by_hand(short: Scenario, twin: TwinSummary) -> None:
    scn = short.with_overrides(
        {
            "contract.term_years": 3,
            "contract.make_up_years": 2,
            "contract.take_or_pay": 0.85,
            "contract.flex_band": 0.3,
        }
    )
    p = build_project(scn, twin)
    price = np.array([[200.0, 200.0, 200.0]])
    alt = np.array([[250.0, 250.0, 250.0]])
    demand = np.array([[0.4, 1.0, 1.0]])  # a year of weak demand
    flows, vol = party_cash_flows(p, price, alt, demand)
    # minimum bill 0.85 x 0.7 V = 0.595 V. Year 1: takes 0.4 V, pays 0.595 V (0.195 V credit);
    # year 2: takes V, 0.195 V of it is make-up, pays 0.805 V
    np.testing.assert_allclose(vol.taken[0], [0.4 * V, V, V])
    np.testing.assert_allclose(vol.paid[0], [0.595 * V, 0.805 * V, V])
    china_y2 = 250.0 * V - 200.0 * 0.805 * V - CN_TRANSPORT * V
    assert flows["china"][0, 2] == pytest.approx(china_y2)


def test_take_or_pay_and_flexibility_are_independent(short: Scenario, twin: TwinSummary) -> None:
    # each key moves the minimum bill on its own: take-or-pay at a fixed band, the band at a fixed
    # take-or-pay (until 2026-12-03 the band was the complement of take-or-pay and only one mattered)
    def paid(top: float, flex: float) -> float:
        scn = short.with_overrides({"contract.take_or_pay": top, "contract.flex_band": flex})
        _, vol = party_cash_flows(
            build_project(scn, twin), np.array([[300.0, 300.0]]), np.array([[250.0, 250.0]])
        )
        return float(vol.paid[0, 0])

    assert paid(0.85, 0.15) == pytest.approx(0.85 * 0.85 * V)
    assert paid(0.70, 0.15) == pytest.approx(0.70 * 0.85 * V)
    assert paid(0.85, 0.30) == pytest.approx(0.85 * 0.70 * V)
    assert paid(0.85, 0.0) == pytest.approx(0.85 * V)


def test_chinese_loan_repaid_in_gas_by_hand(short: Scenario, twin: TwinSummary) -> None:
    base = npv_by_party(short, twin, 250.0, alternative_usd_per_kcm=400.0)
    scn = short.with_overrides(
        {"finance.china_share": 0.5, "finance.china_mode": "loan", "finance.loan_rate": 0.05}
    )
    k, *_ = hand_parts(scn, twin)
    got = npv_by_party(scn, twin, 250.0, alternative_usd_per_kcm=400.0)
    repay = 0.5 * k * 0.05 / (1 - 1.05**-2)  # annuity on the balance at first gas
    d_russia = 0.5 * k * d(0.08, 1) - repay * (d(0.08, 2) + d(0.08, 3))
    d_china = -0.5 * k * d(0.07, 1) + repay * (d(0.07, 2) + d(0.07, 3))
    assert (got["russia"][0] - base["russia"][0]) * 1e9 == pytest.approx(d_russia, rel=1e-9)
    assert (got["china"][0] - base["china"][0]) * 1e9 == pytest.approx(d_china, rel=1e-9)
    assert got["mongolia"][0] == pytest.approx(base["mongolia"][0])
    # a 5 % loan is cheaper than Gazprom's 8 %: Russia gains, China (7 %) loses
    assert d_russia > 0 > d_china


def test_chinese_equity_share_by_hand(short: Scenario, twin: TwinSummary) -> None:
    base = npv_by_party(short, twin, 250.0, alternative_usd_per_kcm=400.0)
    scn = short.with_overrides({"finance.china_share": 0.5, "finance.china_mode": "equity"})
    k, opex, _, _ = hand_parts(scn, twin)
    fuel = 1.5 / 50.0 * 45.0
    tariff = build_project(scn, twin).tariff.total_usd_per_kcm
    got = npv_by_party(scn, twin, 250.0, alternative_usd_per_kcm=400.0)
    yearly = 0.5 * tariff * V - 0.5 * (opex + fuel * V)  # China's share of the pipeline's margin
    d_russia = 0.5 * k * d(0.08, 1) - yearly * (d(0.08, 2) + d(0.08, 3))
    d_china = -0.5 * k * d(0.07, 1) + yearly * (d(0.07, 2) + d(0.07, 3))
    assert (got["russia"][0] - base["russia"][0]) * 1e9 == pytest.approx(d_russia, rel=1e-9)
    assert (got["china"][0] - base["china"][0]) * 1e9 == pytest.approx(d_china, rel=1e-9)
