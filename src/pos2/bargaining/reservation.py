"""Russia's reservation price for PoS2 gas at the Chinese border: two views.

1. **Project breakeven**: the contract price at which Russia's project NPV is zero at its cost of
   capital. Taken from :func:`pos2.economics.breakeven_price` when the economics stage is available;
   otherwise a transparent cost-plus fallback (:func:`fallback_breakeven`) that says so.
2. **Opportunity cost of the gas**: the pipeline taken as sunk, the lowest price that still pays for
   the molecule's next-best use, the running transport cost, the Mongolian transit fee and the 30 %
   export duty. After the loss of Europe the next-best use of shut-in West Siberian gas is to stay in
   the ground (its short-run production cost); gas beyond the shut-in capacity would otherwise be sold
   at the regulated domestic price; while Europe was open, it was the European netback.

The price is ``(gas value + transport + transit) / (1 - export duty)`` in both views, the breakeven
adding the capital charge (annuity factor) and opex.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos2.errors import BargainingError
from pos2.scenario.sections_deal import RussiaSection


@dataclass(frozen=True)
class RussiaReservation:
    """Both views of Russia's reservation price and the one used [USD/1,000 m3]."""

    breakeven_usd_per_kcm: float
    breakeven_source: str
    """``"economics"`` (the economics stage) or ``"fallback"`` (this module's cost-plus estimate)."""
    opportunity_usd_per_kcm: float
    gas_value_usd_per_kcm: float
    """Value of the molecule in its next-best use at the field [USD/1,000 m3]."""
    transit_usd_per_kcm: float
    view: str
    min_price_usd_per_kcm: float
    """The reservation price used as Russia's disagreement point [USD/1,000 m3]."""


def annuity_factor(rate_per_year: float, life_years: int) -> float:
    """Capital recovery factor ``r / (1 - (1 + r)^-n)`` [1/yr].

    Parameters
    ----------
    rate_per_year
        Discount rate [1/yr], > 0.
    life_years
        Life [yr], > 0.

    Examples
    --------
    >>> round(annuity_factor(0.10, 30), 5)
    0.10608
    """
    if rate_per_year <= 0 or life_years <= 0:
        raise BargainingError(f"annuity needs rate > 0 and life > 0, got {rate_per_year}, {life_years}")
    return rate_per_year / (1.0 - (1.0 + rate_per_year) ** -life_years)


def transit_cost(fee_usd_per_kcm_100km: float, length_km: float) -> float:
    """Mongolian transit fee per 1,000 m3 [USD/1,000 m3] from a fee per 100 km [USD/1,000 m3/100 km].

    Parameters
    ----------
    fee_usd_per_kcm_100km
        Transit fee [USD/1,000 m3 per 100 km].
    length_km
        Transit length [km].
    """
    return fee_usd_per_kcm_100km * length_km / 100.0


def gas_value(
    russia: RussiaSection,
    acq_bcm_per_year: float,
    europe_price_usd_per_kcm: float | None,
    export_duty_share: float = 0.0,
) -> float:
    """Value of the gas in its next-best use at the field [USD/1,000 m3].

    Parameters
    ----------
    russia
        Russia section [-].
    acq_bcm_per_year
        Contract quantity [bcm/yr].
    europe_price_usd_per_kcm
        Russia's European border price when Europe is an outlet, else ``None`` [USD/1,000 m3].
    export_duty_share
        Export duty on the European netback (``taxes.export_duty_share``) [-].
    """
    if acq_bcm_per_year <= 0:
        raise BargainingError(f"contract quantity must be > 0 bcm/yr, got {acq_bcm_per_year}")
    if europe_price_usd_per_kcm is not None:
        netback = europe_price_usd_per_kcm * (1.0 - export_duty_share) - russia.europe_transport_usd_per_kcm
        return max(netback, russia.gas_cost_usd_per_kcm)
    shut = min(russia.shut_in_bcm_per_year / acq_bcm_per_year, 1.0)
    return shut * russia.gas_cost_usd_per_kcm + (1.0 - shut) * russia.domestic_price_usd_per_kcm


def opportunity_price(
    russia: RussiaSection, gas_value_usd_per_kcm: float, transit_usd_per_kcm: float, export_duty_share: float
) -> float:
    """Border price covering gas value, transport and transit after export duty [USD/1,000 m3].

    Parameters
    ----------
    russia
        Russia section [-].
    gas_value_usd_per_kcm
        Value of the molecule at the field [USD/1,000 m3].
    transit_usd_per_kcm
        Transit fee [USD/1,000 m3].
    export_duty_share
        Export duty as a share of the price (``taxes.export_duty_share``, as the economics) [-].
    """
    return (gas_value_usd_per_kcm + russia.transport_usd_per_kcm + transit_usd_per_kcm) / (
        1.0 - export_duty_share
    )


def fallback_breakeven(
    russia: RussiaSection,
    acq_bcm_per_year: float,
    transit_usd_per_kcm: float,
    rate_per_year: float,
    export_duty_share: float,
) -> float:
    """Cost-plus project breakeven, used only when the economics stage is unavailable [USD/1,000 m3].

    ``(capex * CRF / Q + opex + gas + transport + transit) / (1 - duty)`` at plateau volume.

    Parameters
    ----------
    russia
        Russia section (fallback capex, life, opex share) [-].
    acq_bcm_per_year
        Contract quantity [bcm/yr].
    transit_usd_per_kcm
        Transit fee [USD/1,000 m3].
    rate_per_year
        Russia's real cost of capital, the one rate of every stage (``finance.discount_rate_russia``) [1/yr].
    export_duty_share
        Export duty as a share of the price (``taxes.export_duty_share``) [-].
    """
    capex_per_kcm = russia.fallback_capex_usd_bn / acq_bcm_per_year * 1000.0  # USD bn / bcm -> USD/kcm
    capital = capex_per_kcm * annuity_factor(rate_per_year, russia.fallback_life_years)
    opex = capex_per_kcm * russia.fallback_opex_share
    gas = gas_value(russia, acq_bcm_per_year, None)
    return (capital + opex + gas + russia.transport_usd_per_kcm + transit_usd_per_kcm) / (
        1.0 - export_duty_share
    )


def reservation_price(
    russia: RussiaSection,
    *,
    acq_bcm_per_year: float,
    transit_fee_usd_per_kcm_100km: float,
    view: str,
    rate_per_year: float,
    export_duty_share: float,
    breakeven_usd_per_kcm: float | None = None,
    europe_price_usd_per_kcm: float | None = None,
) -> RussiaReservation:
    """Russia's reservation price in both views and the one used as its disagreement point.

    Parameters
    ----------
    russia
        Russia section [-].
    acq_bcm_per_year
        Contract quantity [bcm/yr].
    transit_fee_usd_per_kcm_100km
        Mongolian transit fee [USD/1,000 m3 per 100 km].
    view
        ``"binding"`` (the larger view), ``"breakeven"`` or ``"opportunity"`` [-].
    rate_per_year
        Russia's real cost of capital for the fallback breakeven (``finance.discount_rate_russia``, the
        rate of the economics and the contract valuation) [1/yr].
    export_duty_share
        Export duty as a share of the price: ``taxes.export_duty_share``, the one duty of the economics,
        the contract valuation and this price-only model [-].
    breakeven_usd_per_kcm
        Breakeven from the economics stage; ``None`` uses :func:`fallback_breakeven` [USD/1,000 m3].
    europe_price_usd_per_kcm
        Europe's border price when Europe is an outlet for the gas [USD/1,000 m3].
    """
    transit = transit_cost(transit_fee_usd_per_kcm_100km, russia.length_mongolia_km)
    if breakeven_usd_per_kcm is None:
        be, src = (
            fallback_breakeven(russia, acq_bcm_per_year, transit, rate_per_year, export_duty_share),
            "fallback",
        )
    else:
        be, src = float(breakeven_usd_per_kcm), "economics"
    gv = gas_value(russia, acq_bcm_per_year, europe_price_usd_per_kcm, export_duty_share)
    opp = opportunity_price(russia, gv, transit, export_duty_share)
    if view == "binding":
        used = max(be, opp)
    elif view == "breakeven":
        used = be
    elif view == "opportunity":
        used = opp
    else:
        raise BargainingError(
            f"bargaining.russia_view must be binding, breakeven or opportunity, got {view!r}"
        )
    return RussiaReservation(be, src, opp, gv, transit, view, used)
