"""Contract price formulas and the annual prices seen by the parties.

Formulas (``contract.formula``):

* ``oil``: ``P = a + b * mean(Brent over m months, lagged n months)``, reset every ``reset_months``
  (Power of Siberia 1: oil-product link, 9-month window, quarterly reset — pos2_facts.md §3a).
* ``hub``: ``P = a_h + b_h * mean(JKM or TTF over m months, lagged n months)``, same reset.
* ``fixed``: ``P = P0 * (1 + e)^year`` (real escalation ``e``).

Limits (``contract.price_limits``): a floor and a ceiling, or an S-curve on Brent (the slope is
``s_curve_slope`` below ``s_curve_low`` and above ``s_curve_high``, continuous at the kinks).

All prices are per MMBtu inside the formula and per 1,000 m3 at 20 degC afterwards, with the
scenario's heat content.
"""

from __future__ import annotations

import numpy as np

from pos2.economics.money import usd_per_mmbtu_to_usd_per_kcm
from pos2.scenario import Scenario


def warmup_months(scenario: Scenario) -> int:
    """Months of index history needed before first gas (averaging window plus lag) [months]."""
    c = scenario.model.contract
    return c.averaging_months + c.lag_months


def _window_mean_at_resets(
    index: np.ndarray, warmup: int, m: int, n: int, reset: int, months: int
) -> np.ndarray:
    """Index averaged over the m months ending n months before each reset, held until the next reset.

    ``index`` has shape (paths, warmup + months); column ``warmup`` is the first delivery month.
    Returns shape (paths, months).
    """
    paths = index.shape[0]
    csum = np.zeros((paths, index.shape[1] + 1))
    np.cumsum(index, axis=1, out=csum[:, 1:])
    starts = np.arange(0, months, reset) + warmup  # column of each reset month
    hi = starts - n
    lo = hi - m
    avg = (csum[:, hi] - csum[:, lo]) / m  # (paths, resets)
    return np.repeat(avg, reset, axis=1)[:, :months]


def s_curve_term(
    brent: np.ndarray,
    slope: float | np.ndarray,
    low: float | np.ndarray,
    high: float | np.ndarray,
    s_slope: float | np.ndarray,
) -> np.ndarray:
    """Brent term of an S-curve formula [USD/MMBtu]: main slope between the kinks, flatter outside.

    All arguments broadcast (the deal valuation passes one row of terms per contract); with
    ``low = 0`` and ``high = inf`` it is the plain oil term ``slope * brent``.

    >>> float(s_curve_term(np.array(120.0), 0.11, 40.0, 110.0, 0.055))
    12.65
    """
    mid = slope * np.clip(brent, low, high)
    below = s_slope * np.minimum(brent - low, 0.0)
    above = s_slope * np.maximum(brent - high, 0.0)
    return mid + below + above


def contract_price_usd_per_mmbtu(
    scenario: Scenario, brent: np.ndarray | None, hub: np.ndarray | None, months: int
) -> np.ndarray:
    """Monthly contract price over the term [USD/MMBtu], shape (paths, months).

    Parameters
    ----------
    scenario
        Scenario (``contract``, ``prices.ttf_to_jkm``) [-]
    brent
        Monthly Brent including the warm-up months before first gas, (paths, warmup + months) [USD/bbl]
    hub
        Monthly JKM on the same grid; used by the hub formula [USD/MMBtu]
    months
        Delivery months [months].
    """
    c = scenario.model.contract
    w = warmup_months(scenario)
    if c.formula == "fixed":
        years = np.arange(months) // 12
        return (c.fixed_price_usd_per_mmbtu * (1.0 + c.escalation_per_year) ** years)[None, :]
    if c.formula == "oil":
        assert brent is not None
        avg = _window_mean_at_resets(brent, w, c.averaging_months, c.lag_months, c.reset_months, months)
        if c.price_limits == "s_curve":
            price = c.constant_usd_per_mmbtu + s_curve_term(
                avg, c.slope, c.s_curve_low_usd_per_bbl, c.s_curve_high_usd_per_bbl, c.s_curve_slope
            )
        else:
            price = c.constant_usd_per_mmbtu + c.slope * avg
    else:
        assert hub is not None
        h = hub if c.hub == "jkm" else hub * scenario.model.prices.ttf_to_jkm
        avg = _window_mean_at_resets(h, w, c.averaging_months, c.lag_months, c.reset_months, months)
        price = c.hub_constant_usd_per_mmbtu + c.hub_slope * avg
    if c.price_limits == "floor_ceiling":
        np.clip(price, c.floor_usd_per_mmbtu, c.ceiling_usd_per_mmbtu, out=price)
    return price


def annual_mean(monthly: np.ndarray) -> np.ndarray:
    """Annual means of a monthly array (paths, 12 * years) -> (paths, years)."""
    p, m = monthly.shape
    if monthly.flags.f_contiguous and not monthly.flags.c_contiguous:
        return monthly.reshape(p, 12, m // 12, order="F").mean(axis=1)  # a view: month = k + 12 y
    return monthly.reshape(p, m // 12, 12).mean(axis=2)


def alternative_usd_per_mmbtu(scenario: Scenario, brent: np.ndarray, jkm: np.ndarray) -> np.ndarray:
    """China's best alternative landed price, monthly [USD/MMBtu] (same shape as the inputs).

    ``oil_lng``: term LNG ``lng_constant + lng_slope * Brent`` plus regas; ``jkm``: spot JKM plus
    regas; ``min``: the cheaper of the two each month.
    """
    p = scenario.model.prices
    oil = p.lng_constant_usd_per_mmbtu + p.lng_slope * brent + p.regas_usd_per_mmbtu
    if p.alternative == "oil_lng":
        return oil
    spot = jkm + p.regas_usd_per_mmbtu
    if p.alternative == "jkm":
        return spot
    return np.minimum(oil, spot)


def annual_prices_usd_per_kcm(
    scenario: Scenario, brent: np.ndarray, jkm: np.ndarray, months: int
) -> tuple[np.ndarray, np.ndarray]:
    """Annual contract price and China's alternative value [USD per 1,000 m3], (paths, years).

    ``brent`` and ``jkm`` include the warm-up months before first gas (see :func:`warmup_months`).
    """
    # the contract formula's per-MMBtu terms were calibrated with Gazprom's factor (net basis); China's
    # LNG alternative is quoted per MMBtu gross: each converted on its own basis
    heat = scenario.model.costs.heat_content_mmbtu_per_kcm
    heat_alt = scenario.model.prices.alternative_mmbtu_per_kcm
    w = warmup_months(scenario)
    price = contract_price_usd_per_mmbtu(scenario, brent, jkm, months)
    alt = alternative_usd_per_mmbtu(scenario, brent[:, w:], jkm[:, w:])
    price_y = annual_mean(np.broadcast_to(price, alt.shape) if price.shape[0] == 1 else price)
    return (
        usd_per_mmbtu_to_usd_per_kcm(price_y, heat),
        usd_per_mmbtu_to_usd_per_kcm(annual_mean(alt), heat_alt),
    )
