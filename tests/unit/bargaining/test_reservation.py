"""Russia's reservation price: hand-computed cost-plus and opportunity views."""

from __future__ import annotations

import pytest

from pos2.bargaining.reservation import (
    annuity_factor,
    fallback_breakeven,
    gas_value,
    reservation_price,
    transit_cost,
)
from pos2.errors import BargainingError
from pos2.scenario.sections_deal import RussiaSection

DUTY = 0.3  # the export duty as a share of the price (taxes.export_duty_share)
RUSSIA = RussiaSection(
    shut_in_bcm_per_year=25.0,
    gas_cost_usd_per_kcm=20.0,
    domestic_price_usd_per_kcm=60.0,
    transport_usd_per_kcm=10.0,
    europe_transport_usd_per_kcm=100.0,
    fallback_capex_usd_bn=20.0,
    fallback_life_years=30,
    fallback_opex_share=0.02,
    length_mongolia_km=1000.0,
)


def test_annuity_factor() -> None:
    assert annuity_factor(0.1, 30) == pytest.approx(0.1 / (1 - 1.1**-30))
    with pytest.raises(BargainingError):
        annuity_factor(0.0, 30)


def test_gas_value_blends_shut_in_and_domestic() -> None:
    # half of 50 bcm from shut-in gas (20), half diverted from the domestic market (60)
    assert gas_value(RUSSIA, 50.0, None) == pytest.approx(40.0)
    # Europe open: netback 400 * 0.7 - 100 = 180
    assert gas_value(RUSSIA, 50.0, 400.0, DUTY) == pytest.approx(180.0)


def test_fallback_breakeven_by_hand() -> None:
    transit = transit_cost(2.0, 1000.0)
    assert transit == pytest.approx(20.0)
    capex_per_kcm = 20.0 / 50.0 * 1000.0  # 400 USD/kcm of annual capacity
    expected = (capex_per_kcm * annuity_factor(0.1, 30) + 0.02 * capex_per_kcm + 40.0 + 10.0 + 20.0) / 0.7
    assert fallback_breakeven(RUSSIA, 50.0, transit, 0.1, DUTY) == pytest.approx(expected)


def test_views_and_binding() -> None:
    r = reservation_price(
        RUSSIA,
        acq_bcm_per_year=50.0,
        transit_fee_usd_per_kcm_100km=2.0,
        view="binding",
        rate_per_year=0.1,
        export_duty_share=DUTY,
    )
    assert r.breakeven_source == "fallback"
    assert r.opportunity_usd_per_kcm == pytest.approx((40.0 + 10.0 + 20.0) / 0.7)
    assert r.min_price_usd_per_kcm == pytest.approx(max(r.breakeven_usd_per_kcm, r.opportunity_usd_per_kcm))
    e = reservation_price(
        RUSSIA,
        acq_bcm_per_year=50.0,
        transit_fee_usd_per_kcm_100km=2.0,
        view="breakeven",
        rate_per_year=0.1,
        export_duty_share=DUTY,
        breakeven_usd_per_kcm=210.0,
    )
    assert e.breakeven_source == "economics"
    assert e.min_price_usd_per_kcm == pytest.approx(210.0)
    with pytest.raises(BargainingError, match="russia_view"):
        reservation_price(
            RUSSIA,
            acq_bcm_per_year=50.0,
            transit_fee_usd_per_kcm_100km=2.0,
            view="cheapest",
            rate_per_year=0.1,
            export_duty_share=DUTY,
        )


def test_the_duty_is_the_economics_duty() -> None:
    """One duty for every stage: the price-only reservation moves with taxes.export_duty_share."""
    from pos2.bargaining.deal import _russia
    from pos2.scenario import load_scenario

    base = load_scenario("pos2")
    assert base.model.taxes.export_duty_share == pytest.approx(0.3)
    waived = base.with_overrides({"taxes.export_duty_share": 0.0})
    a, b = _russia(base.model, None, None), _russia(waived.model, None, None)
    assert b.opportunity_usd_per_kcm == pytest.approx(a.opportunity_usd_per_kcm * (1.0 - 0.3))
    assert b.breakeven_usd_per_kcm < a.breakeven_usd_per_kcm
