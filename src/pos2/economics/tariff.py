"""Levelised transport tariff by section and in total.

The tariff is the constant unit charge whose present value over the economic life equals the
present value of the section's costs: overnight capex spread evenly over the construction years,
fixed O&M (a share of capex per year) and fuel gas valued at its opportunity price::

    tariff = PV(capex + opex + fuel) / PV(volume)

discounted at the pipeline owner's real cost of capital (``finance.discount_rate_russia``) with
end-of-year cash flows. The volume follows the contract's ramp-up to the ACQ; at full load from
the first year and with one construction year this reduces to the familiar annuity
``(capex * CRF(r, n) + opex) / volume + fuel`` (tested).

Prices are given per 1,000 m3 at 20 degC and per MMBtu with ``costs.heat_content_mmbtu_per_kcm``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pos2.economics.costs import Capex, capex, fuel_bcm_per_year_by_section, party_of_section
from pos2.economics.money import KCM_PER_BCM, discount_factors
from pos2.scenario import Scenario
from pos2.twin.summary import TwinSummary


def ramp_profile(acq_bcm_per_year: float, ramp_up_years: int, years: int) -> np.ndarray:
    """Annual contract quantity by operating year with a linear ramp-up [bcm/yr].

    Parameters
    ----------
    acq_bcm_per_year
        Plateau annual contract quantity [bcm/yr].
    ramp_up_years
        Years to reach the plateau; year ``i`` (0-based) has ``min(1, (i + 1) / ramp_up_years)`` [yr].
    years
        Number of operating years [yr].
    """
    i = np.arange(years, dtype=float)
    frac = np.ones(years) if ramp_up_years <= 0 else np.minimum(1.0, (i + 1.0) / ramp_up_years)
    return acq_bcm_per_year * frac


@dataclass(frozen=True)
class Tariff:
    """Levelised tariff [USD per 1,000 m3 and USD/MMBtu] by section, by party and in total."""

    table: pd.DataFrame
    """One row per section plus ``russia``, ``mongolia`` and ``total``: usd_per_kcm, usd_per_mmbtu."""
    russia_usd_per_kcm: float
    mongolia_usd_per_kcm: float
    total_usd_per_kcm: float
    heat_content_mmbtu_per_kcm: float

    @property
    def total_usd_per_mmbtu(self) -> float:
        """Total tariff per MMBtu [USD/MMBtu]."""
        return self.total_usd_per_kcm / self.heat_content_mmbtu_per_kcm


def levelized_tariff(scenario: Scenario, twin: TwinSummary, *, cost: Capex | None = None) -> Tariff:
    """Levelised transport cost of each section and of the whole line.

    Parameters
    ----------
    scenario
        Scenario (``finance``, ``costs``, ``contract`` ramp-up and ACQ) [-]
    twin
        Twin summary (sections, stations, fuel) [see :class:`TwinSummary`].
    cost
        Pre-computed capex (computed from the twin when omitted) [USD].
    """
    m = scenario.model
    cost = cost if cost is not None else capex(scenario, twin)
    r = m.finance.discount_rate_russia
    c_years = m.finance.construction_years
    life = m.finance.economic_life_years
    df = discount_factors(r, c_years + life)
    pv_capex_per_usd = df[:c_years].sum() / c_years
    pv_ops = df[c_years:].sum()
    vol_bcm = np.minimum(
        ramp_profile(m.contract.acq_bcm_per_year, m.contract.ramp_up_years, life),
        twin.throughput_bcm_per_year,
    )
    pv_vol_kcm = float((vol_bcm * KCM_PER_BCM * df[c_years:]).sum())
    load = vol_bcm / max(twin.throughput_bcm_per_year, 1e-12)
    pv_load = float((load * df[c_years:]).sum())
    fuel = fuel_bcm_per_year_by_section(twin)
    heat = m.costs.heat_content_mmbtu_per_kcm
    rows = []
    for sec, cap in cost.by_section_usd().items():
        pv = cap * pv_capex_per_usd + cap * m.costs.opex_share_per_year * pv_ops
        pv += fuel.get(sec, 0.0) * KCM_PER_BCM * m.costs.fuel_value_usd_per_kcm * pv_load
        rows.append({"section": sec, "country": party_of_section(sec), "pv_cost_usd": pv})
    t = pd.DataFrame(rows)
    t["usd_per_kcm"] = t["pv_cost_usd"] / pv_vol_kcm
    by_party = t.groupby("country")["usd_per_kcm"].sum()
    russia = float(by_party.get("russia", 0.0))
    mongolia = float(by_party.get("mongolia", 0.0))
    extra = pd.DataFrame(
        [
            {"section": "russia", "country": "russia", "pv_cost_usd": np.nan, "usd_per_kcm": russia},
            {"section": "mongolia", "country": "mongolia", "pv_cost_usd": np.nan, "usd_per_kcm": mongolia},
            {"section": "total", "country": "all", "pv_cost_usd": np.nan, "usd_per_kcm": russia + mongolia},
        ]
    )
    table = pd.concat([t, extra], ignore_index=True)
    table["usd_per_mmbtu"] = table["usd_per_kcm"] / heat
    return Tariff(table, russia, mongolia, russia + mongolia, heat)
