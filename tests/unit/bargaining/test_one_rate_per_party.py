"""One discount rate per party in every stage (issue 13 item 8).

Russia (Gazprom and the state) discounts at ``finance.discount_rate_russia`` and China at
``finance.discount_rate_china`` in the economics (cash flows, tariff, breakeven), in the contract
valuation and in the price-only model (the cost-plus fallback breakeven, Rubinstein). Changing the
one key moves every stage; no other key holds a cost of capital for the same party.
"""

from __future__ import annotations

import pytest

from pos2.bargaining.deal import _russia
from pos2.bargaining.engine import engine_inputs, project_costs
from pos2.bargaining.reservation import annuity_factor, transit_cost
from pos2.economics import build_project, levelized_tariff
from pos2.economics.calibration import pos2_reference_twin
from pos2.scenario import Scenario, load_scenario


@pytest.fixture(scope="module")
def base() -> Scenario:
    return load_scenario("pos2")


def _stages(scn: Scenario) -> dict[str, float]:
    """The discount rate each stage applies, read back from what it computed [1/yr]."""
    twin = pos2_reference_twin()
    project = build_project(scn, twin)
    costs = project_costs(scn, capex_usd=25e9, tariff_usd_per_kcm=60.0, fuel_share=0.03)
    parties = engine_inputs(scn, costs=costs, n_paths=2).parties
    m = scn.model
    rus = _russia(m, None, None)  # the price-only model without the economics: the cost-plus fallback
    transit = transit_cost(m.transit.fee_usd_per_kcm_100km, m.russia.length_mongolia_km)
    # invert the fallback's capital charge for its rate: annuity factor per USD of capex per kcm
    capex_per_kcm = m.russia.fallback_capex_usd_bn / m.contract.acq_bcm_per_year * 1000.0
    gas = rus.gas_value_usd_per_kcm
    other = capex_per_kcm * m.russia.fallback_opex_share + gas + m.russia.transport_usd_per_kcm + transit
    crf = (rus.breakeven_usd_per_kcm * (1.0 - m.taxes.export_duty_share) - other) / capex_per_kcm
    return {
        "economics_russia": 1.0 / float(project.discount["russia"][0]) - 1.0,
        "economics_china": 1.0 / float(project.discount["china"][0]) - 1.0,
        "valuation_gazprom": parties.gazprom_rate,
        "valuation_china": parties.china_rate,
        "fallback_crf": crf,
        "tariff": levelized_tariff(scn, twin).total_usd_per_kcm,
    }


@pytest.mark.parametrize(("r_ru", "r_cn"), [(0.10, 0.07), (0.13, 0.05)])
def test_every_stage_reads_the_one_rate(base: Scenario, r_ru: float, r_cn: float) -> None:
    scn = base.with_overrides({"finance.discount_rate_russia": r_ru, "finance.discount_rate_china": r_cn})
    got = _stages(scn)
    assert got["economics_russia"] == pytest.approx(r_ru, rel=1e-12)
    assert got["valuation_gazprom"] == r_ru
    assert got["fallback_crf"] == pytest.approx(annuity_factor(r_ru, scn.model.russia.fallback_life_years))
    assert got["economics_china"] == pytest.approx(r_cn, rel=1e-12)
    assert got["valuation_china"] == r_cn


def test_a_higher_russian_rate_raises_every_russian_cost_of_capital(base: Scenario) -> None:
    lo = _stages(base.with_overrides({"finance.discount_rate_russia": 0.08}))
    hi = _stages(base.with_overrides({"finance.discount_rate_russia": 0.12}))
    assert hi["tariff"] > lo["tariff"]
    assert hi["fallback_crf"] > lo["fallback_crf"]
    assert hi["valuation_gazprom"] > lo["valuation_gazprom"]


@pytest.mark.parametrize("name", ["pos2", "pos1"])
def test_no_second_cost_of_capital_key(name: str) -> None:
    keys = {s.key for s in load_scenario(name).sources}
    rates = {k for k in keys if "wacc" in k or "cost_of_capital" in k or "discount_rate" in k}
    assert rates == {
        "finance.discount_rate_russia",
        "finance.discount_rate_china",
        "finance.discount_rate_mongolia",
    }
