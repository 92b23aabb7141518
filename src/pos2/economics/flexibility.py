"""The flexibility cost curve: the line's physical flexibility bound with the tariff at each load.

A lower load factor leaves spare capacity for a seasonal swing and more linepack for an intraday
swing, but spreads the same capital over less gas. :func:`flexibility_cost_curve` puts the two side
by side: per load factor, the bound of :func:`pos2.twin.transient.flexibility_bound` and the
levelised tariff (:func:`pos2.economics.tariff.levelized_tariff`) with the contract quantity at that
load (the line as designed; fuel in proportion to the volume, as in the tariff). The deal model reads
the table as the physical limit of the contract's flexibility band and its price.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from pos2.economics.tariff import levelized_tariff
from pos2.scenario import Scenario
from pos2.twin.summary import TwinSummary
from pos2.twin.transient import FlexibilityBound, flexibility_bound

__all__ = ["FlexibilityCostCurve", "flexibility_cost_curve"]


@dataclass(frozen=True, eq=False)
class FlexibilityCostCurve:
    """The flexibility bound per load factor with the tariff at that load."""

    bound: FlexibilityBound
    table: pd.DataFrame
    """``bound.table`` plus ``acq_bcm_per_year`` (the contract quantity at that load),
    ``tariff_usd_per_kcm`` and ``tariff_usd_per_mmbtu`` (levelised, whole line) and
    ``tariff_over_full_load`` (the tariff over the tariff at load factor 1)."""

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types (the ``pos2 transient --flexibility --json`` object)."""
        out = self.bound.to_json()
        out["loads"] = [
            {k: (bool(v) if isinstance(v, bool) else float(v)) for k, v in row.items()}
            for row in self.table.to_dict(orient="records")
        ]
        return out


def flexibility_cost_curve(
    scenario: Scenario, twin: TwinSummary, bound: FlexibilityBound | None = None
) -> FlexibilityCostCurve:
    """Flexibility bound and levelised tariff per load factor.

    Parameters
    ----------
    scenario
        A loaded scenario [-].
    twin
        The twin's summary at the design throughput (capex and fuel of the line as built) [-].
    bound
        A computed bound; default :func:`flexibility_bound` of the scenario [-].
    """
    bound = bound if bound is not None else flexibility_bound(scenario)
    rows = []
    for lf, q in zip(bound.table["load_factor"], bound.table["throughput_bcm_per_year"], strict=True):
        tariff = levelized_tariff(scenario.with_overrides({"contract.acq_bcm_per_year": float(q)}), twin)
        rows.append(
            {
                "acq_bcm_per_year": float(q),
                "tariff_usd_per_kcm": tariff.total_usd_per_kcm,
                "tariff_usd_per_mmbtu": tariff.total_usd_per_mmbtu,
                "load_factor_check": float(lf),
            }
        )
    extra = pd.DataFrame(rows)
    table = pd.concat([bound.table.reset_index(drop=True), extra.drop(columns="load_factor_check")], axis=1)
    full = levelized_tariff(
        scenario.with_overrides({"contract.acq_bcm_per_year": bound.design_throughput_bcm_per_year}), twin
    ).total_usd_per_kcm
    table["tariff_over_full_load"] = table["tariff_usd_per_kcm"] / full
    return FlexibilityCostCurve(bound=bound, table=table)
