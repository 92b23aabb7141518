"""Bad input -> clear errors before any work starts."""

from __future__ import annotations

import pytest

from pos2.economics import check_inputs, evaluate_economics
from pos2.errors import EconomicsError, ScenarioError
from pos2.scenario import Scenario, load_scenario
from pos2.twin.summary import TwinSummary


def test_negative_floor_names_the_field() -> None:
    with pytest.raises(ScenarioError, match=r"contract.floor_usd_per_mmbtu.*-1"):
        load_scenario("pos2", ["contract.floor_usd_per_mmbtu=-1"])


def test_take_or_pay_above_100_percent() -> None:
    with pytest.raises(ScenarioError, match=r"contract.take_or_pay.*1.2"):
        load_scenario("pos2", ["contract.take_or_pay=1.2"])


def test_floor_above_ceiling(pos2: Scenario) -> None:
    bad = pos2.with_overrides(
        {"contract.price_limits": "floor_ceiling", "contract.floor_usd_per_mmbtu": 20.0}
    )
    with pytest.raises(ScenarioError, match=r"floor.*above.*ceiling"):
        check_inputs(bad)


def test_inconsistent_currency_and_price_year(pos2: Scenario) -> None:
    with pytest.raises(ScenarioError, match=r"inconsistent currencies: costs\.currency = 'RUB'"):
        check_inputs(pos2.with_overrides({"costs.currency": "RUB"}))
    with pytest.raises(ScenarioError, match=r"inconsistent price years: prices\.price_year = 2018"):
        check_inputs(pos2.with_overrides({"prices.price_year": 2018}))


def test_monte_carlo_beyond_memory_fails_before_work(pos2: Scenario, twin: TwinSummary) -> None:
    with pytest.raises(EconomicsError, match=r"needs about .* MiB but only"):
        check_inputs(pos2, twin, paths=10_000, memory_bytes=10 * 2**20)
    with pytest.raises(EconomicsError, match="MiB"):
        evaluate_economics(pos2, twin, paths=10**11)


def test_acq_above_pipeline_capacity(pos2: Scenario, twin: TwinSummary) -> None:
    with pytest.raises(EconomicsError, match="exceeds the pipeline throughput"):
        check_inputs(pos2.with_overrides({"contract.acq_bcm_per_year": 60.0}), twin)


def test_loan_longer_than_term(pos2: Scenario) -> None:
    bad = pos2.with_overrides({"finance.loan_repay_years": 25, "contract.term_years": 20})
    with pytest.raises(ScenarioError, match="loan_repay_years"):
        check_inputs(bad)


def test_s_curve_kinks_in_order(pos2: Scenario) -> None:
    bad = pos2.with_overrides({"contract.price_limits": "s_curve", "contract.s_curve_low_usd_per_bbl": 120.0})
    with pytest.raises(ScenarioError, match="s_curve_low"):
        check_inputs(bad)


def test_money_must_be_usd_throughout(pos2: Scenario) -> None:
    rub = pos2.with_overrides({"finance.currency": "RUB", "costs.currency": "RUB", "prices.currency": "RUB"})
    with pytest.raises(ScenarioError, match="works in US dollars"):
        check_inputs(rub)
