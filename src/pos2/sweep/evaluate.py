"""The default sweep evaluator: twin -> Russia's breakeven -> China's supply LP -> bargaining, per point.

Stages and what their caches are keyed on (the swept keys each stage reads):

* **twin** reads ``pipeline.``, ``gas.``, ``route.``, ``stations.``, ``thermal.`` and computes the
  :func:`pos2.twin.analysis.run_twin` summary (hydraulics).
* **capex** reads the twin plus ``costs.``, the ACQ and ramp-up, and the ``finance`` keys of the
  levelised tariff (Russia's discount rate, construction years, economic life); it computes
  :func:`pos2.economics.capex` and :func:`pos2.economics.levelized_tariff`, the slow part of the
  economics.
* **project** reads the capex stage's keys plus ``contract.``, ``finance.``, ``transit.``, ``costs.``,
  ``taxes.`` — except the price formula's ``contract.slope`` and ``contract.constant_usd_per_mmbtu``,
  which neither the project nor a breakeven price depends on — and builds the economics project
  (:func:`pos2.economics.build_project`) and Russia's breakeven (:func:`pos2.economics.breakeven_price`).
* **supply** reads ``hormuz.``, ``demand.``, ``lng.``, ``supply.``, ``contract.acq_bcm_per_year`` and the
  bargaining timing keys, and solves China's least-cost supply LP for its highest acceptable PoS2 price.

The per-point finish is cheap: Russia's reservation price (both views), the zone of agreement, the
generalized Nash price, the delay model's probability of agreement (:mod:`pos2.bargaining`) and each
party's NPV at the Nash price (:func:`pos2.economics.npv_by_party`). A change of ``contract.slope``
re-runs only the finish; a change of ``contract.take_or_pay`` or ``finance.china_share`` re-runs the
project stage and the finish, never the hydraulics or the LP.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from pos2.scenario import Scenario
from pos2.sweep.evaluator import OutputKind, Stage, StagedEvaluator

if TYPE_CHECKING:
    from pos2.bargaining.delay import DelayBatch

TWIN_PREFIXES = ("pipeline.", "gas.", "route.", "stations.", "thermal.")
CAPEX_PREFIXES = (
    "costs.",
    "contract.acq_bcm_per_year",
    "contract.ramp_up_years",
    "finance.discount_rate_russia",
    "finance.construction_years",
    "finance.economic_life_years",
)
PROJECT_PREFIXES = ("contract.", "finance.", "transit.", "costs.", "taxes.")
PROJECT_EXCLUDE = ("contract.slope", "contract.constant_usd_per_mmbtu")
SUPPLY_PREFIXES = (
    "hormuz.",
    "demand.",
    "lng.",
    "supply.",
    "contract.acq_bcm_per_year",
    "bargaining.ramp_years",
    "bargaining.china_discount_rate",
    "bargaining.first_round_year",
    "bargaining.first_gas_lag_years",
)

OUTPUTS: dict[str, OutputKind] = {
    "deal": "bool",
    "terms_in_zopa": "bool",
    "china_signs_now": "bool",
    "nash_price_usd_per_kcm": "float",
    "china_max_price_usd_per_kcm": "float",
    "russia_min_price_usd_per_kcm": "float",
    "zopa_low_usd_per_kcm": "float",
    "zopa_high_usd_per_kcm": "float",
    "zopa_width_usd_per_kcm": "float",
    "contract_price_usd_per_kcm": "float",
    "p_agreement_total": "float",
    "expected_price_usd_per_kcm": "float",
    "china_security_value_usd_per_kcm": "float",
    "russia_breakeven_usd_per_kcm": "float",
    "npv_russia_usd_bn": "float",
    "npv_china_usd_bn": "float",
    "npv_mongolia_usd_bn": "float",
    "total_power_mw": "float",
    "fuel_share": "float",
}


class DealEvaluator(StagedEvaluator):
    """Twin, breakeven and supply LP cached; bargaining per point (see the module docstring).

    Parameters
    ----------
    scenario
        Embedded scenario name or scenario file path.
    fixed
        Overrides applied to every point.
    """

    stages: ClassVar[tuple[Stage, ...]] = (
        Stage("twin", TWIN_PREFIXES),
        Stage("capex", CAPEX_PREFIXES, after=("twin",)),
        Stage("project", PROJECT_PREFIXES, after=("capex",), exclude=PROJECT_EXCLUDE),
        Stage("supply", SUPPLY_PREFIXES),
    )

    def output_kinds(self) -> dict[str, OutputKind]:
        """Every output of the deal evaluator."""
        return dict(OUTPUTS)

    def compute_stage(self, name: str, scenario: Scenario, upstream: Mapping[str, Any]) -> Any:
        """Run the twin, the capex and tariff, the project and breakeven, or China's supply LP."""
        if name == "twin":
            from pos2.twin.analysis import run_twin

            return run_twin(scenario).summary
        if name == "capex":
            from pos2.economics import capex, levelized_tariff

            cost = capex(scenario, upstream["twin"])
            return cost, levelized_tariff(scenario, upstream["twin"], cost=cost)
        if name == "project":
            from pos2.economics import breakeven_price, build_project

            cost, tariff = upstream["capex"]
            project = build_project(scenario, upstream["twin"], cost=cost, tariff=tariff)
            return project, breakeven_price(scenario, upstream["twin"], project=project)
        from pos2.bargaining.deal import SCENARIO_DECK, scenario_deck, solve_china
        from pos2.bargaining.supply import china_max_price

        m = scenario.model
        b = m.bargaining
        sup = solve_china(m, (scenario_deck(m),), (b.first_round_year + b.first_gas_lag_years,))
        return china_max_price(sup, SCENARIO_DECK, b.china_discount_rate, b.first_round_year)

    def finish(self, scenario: Scenario, results: Mapping[str, Any]) -> Mapping[str, float | bool]:
        """Reservation prices, zone of agreement, Nash price and delay model for one point."""
        (values,) = self.finish_chunk([scenario], [results])
        if isinstance(values, Exception):
            raise values
        return values

    def finish_chunk(
        self, scenarios: Sequence[Scenario], results: Sequence[Mapping[str, Any]]
    ) -> list[Mapping[str, float | bool] | Exception]:
        """:meth:`finish` for a chunk: the delay model runs once per set of lattice parameters.

        Everything but the delay model is evaluated point by point; the delay model
        (:func:`pos2.bargaining.delay.solve_delay_batch`) is vectorised over the points that share the
        parameters of its lattice (China's bargaining power may differ from point to point).
        """
        out: list[Mapping[str, float | bool] | Exception] = []
        rows: dict[int, dict[str, float | bool]] = {}
        groups: dict[tuple[Any, ...], list[tuple[int, float, float, float]]] = {}
        for i, (scenario, res) in enumerate(zip(scenarios, results, strict=True)):
            try:
                values, v, r = self._finish_without_delay(scenario, res)
            except Exception as e:
                out.append(e)
                continue
            out.append(values)
            rows[i] = values
            b = scenario.model.bargaining
            lattice = (
                b.china_discount_rate,
                b.china_value_volatility,
                b.china_value_drift,
                b.russia_reservation_drift,
                b.first_round_year,
                b.last_round_year,
                b.round_interval_years,
            )
            groups.setdefault(lattice, []).append((i, max(v, 1e-6), max(r, 1e-6), b.china_power))
        for lattice, members in groups.items():
            try:
                parts = [(members, _delay(lattice, members))]
            except Exception:  # find the failing points: the others keep their results
                parts = []
                for one in members:
                    try:
                        parts.append(([one], _delay(lattice, [one])))
                    except Exception as e:
                        out[one[0]] = e
            for part, delay in parts:
                for j, (i, *_) in enumerate(part):
                    row = rows[i]
                    row["china_signs_now"] = bool(delay.sign_now[j])
                    row["p_agreement_total"] = float(delay.p_agreement_total[j])
                    row["expected_price_usd_per_kcm"] = float(delay.expected_price_usd_per_kcm[j])
        return out

    def _finish_without_delay(
        self, scenario: Scenario, results: Mapping[str, Any]
    ) -> tuple[dict[str, float | bool], float, float]:
        """Every output but the delay model's, China's ceiling ``V`` and Russia's floor ``R`` [USD/kcm]."""
        from pos2.bargaining.deal import contract_price
        from pos2.bargaining.reservation import reservation_price
        from pos2.bargaining.solutions import nash_price, zopa
        from pos2.economics import npv_by_party

        m = scenario.model
        b = m.bargaining
        twin = results["twin"]
        project, breakeven = results["project"]
        china = results["supply"]
        v = float(china["max_price_usd_per_kcm"])
        rus = reservation_price(
            m.russia,
            acq_bcm_per_year=m.contract.acq_bcm_per_year,
            transit_fee_usd_per_kcm_100km=m.transit.fee_usd_per_kcm_100km,
            view=b.russia_view,
            breakeven_usd_per_kcm=breakeven,
        )
        r = rus.min_price_usd_per_kcm
        z = zopa(r, v)
        nash = nash_price(r, v, b.china_power)
        price = contract_price(m, m.lng.brent_usd_per_bbl)
        nan = math.nan
        npv = npv_by_party(scenario, twin, nan if nash is None else nash, project=project)
        values: dict[str, float | bool] = {
            "deal": z is not None,
            "terms_in_zopa": z is not None and z[0] <= price <= z[1],
            "nash_price_usd_per_kcm": nan if nash is None else nash,
            "china_max_price_usd_per_kcm": v,
            "russia_min_price_usd_per_kcm": r,
            "zopa_low_usd_per_kcm": nan if z is None else z[0],
            "zopa_high_usd_per_kcm": nan if z is None else z[1],
            "zopa_width_usd_per_kcm": max(v - r, 0.0),
            "contract_price_usd_per_kcm": price,
            "china_security_value_usd_per_kcm": float(china["security_value_usd_per_kcm"]),
            "russia_breakeven_usd_per_kcm": rus.breakeven_usd_per_kcm,
            "npv_russia_usd_bn": float(npv["russia"][0]),
            "npv_china_usd_bn": float(npv["china"][0]),
            "npv_mongolia_usd_bn": float(npv["mongolia"][0]),
            "total_power_mw": twin.total_power_mw,
            "fuel_share": twin.fuel_share,
        }
        return values, v, r


def _delay(lattice: tuple[Any, ...], part: list[tuple[int, float, float, float]]) -> DelayBatch:
    """The delay model for ``(index, V, R, beta)`` points sharing ``lattice``'s parameters."""
    from pos2.bargaining.delay import solve_delay_batch

    rate, vol, drift, russia_drift, first, last, interval = lattice
    return solve_delay_batch(
        np.array([x[1] for x in part]),
        np.array([x[2] for x in part]),
        china_power=np.array([x[3] for x in part]),
        china_discount_rate=rate,
        volatility=vol,
        drift=drift,
        russia_drift=russia_drift,
        first_year=first,
        last_year=last,
        interval_years=interval,
    )
