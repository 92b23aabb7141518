"""The default sweep evaluator: the pipeline's twin -> economics -> deal, per point, cached per stage input.

The stages are those of :mod:`pos2.pipeline` and their cache keys are the pipeline's stage inputs
(:func:`pos2.pipeline.twin_input`, :func:`~pos2.pipeline.economics_input`,
:func:`~pos2.pipeline.deal_input`): a sweep point computes the same numbers as ``pos2 deal`` and the
report for the same scenario, and a lever a stage does not read never re-runs it (``contract.slope``
re-runs the economics and the deal, never the hydraulics; ``hormuz.closure_months`` only the deal).
Which keys a stage reads is declared once, in :data:`pos2.pipeline.STAGE_READS`.

The economics of a sweep point is deterministic (0 Monte Carlo paths, no tornado: the deal reads only
its breakeven and contract price) and the deal runs without the summits hindcast. The per-point finish
is cheap: each party's NPV at the Nash price (:func:`pos2.economics.npv_by_party`); when the summit
game's outputs are asked for (:data:`FAST_OUTPUTS`), also the summit game's fast mode
(:func:`pos2.bargaining.fastgame.fast_summits`, about 0.2-0.3 s a point) with the hindcast of the
sweep's base scenario held (:meth:`pos2.pipeline.Pipeline.summit_history`, once per process: about
10 s), as the dashboard (docs/deal_dynamics.md). ``p_agreement_total``, ``expected_price_usd_per_kcm``
and ``china_signs_now`` are the one-sided delay lattice's (special case, docs/deal.md).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any, ClassVar

import numpy as np

from pos2.bargaining.engine import project_costs
from pos2.bargaining.fastgame import fast_summits
from pos2.economics import EconomicsResult, npv_by_party
from pos2.errors import BargainingError
from pos2.pipeline import (
    STAGE_READS,
    Pipeline,
    deal_input,
    economics_input,
    link_levers,
    twin_input,
)
from pos2.scenario import Scenario
from pos2.sweep.evaluator import ChunkResult, OutputKind, Stage, StagedEvaluator
from pos2.twin import TwinResult


def _prefixes(*stages: str) -> tuple[str, ...]:
    """Key prefixes of what ``stages`` read (:data:`pos2.pipeline.STAGE_READS`): sections end in a dot."""
    return tuple(e if "." in e else f"{e}." for st in stages for e in STAGE_READS[st])


SWEEP_PATHS = 0
"""Monte Carlo paths of a sweep point's economics: deterministic (the deal needs no more)."""

_PIPELINE = Pipeline(cache_size=4)
"""Runs the stages of this worker process (the sweep's own caches hold the results)."""


def _twin_key(scn: Scenario, _up: Mapping[str, Any]) -> Hashable:
    return twin_input(scn)


def _economics_key(scn: Scenario, _up: Mapping[str, Any]) -> Hashable:
    return economics_input(scn, paths=SWEEP_PATHS, with_tornado=False, all_decks=False)


def _deal_key(scn: Scenario, up: Mapping[str, Any]) -> Hashable:
    return deal_input(scn, up["economics"], up["twin"].summary, hindcast=False)


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
    "tariff_usd_per_kcm": "float",
    "npv_russia_usd_bn": "float",
    "npv_china_usd_bn": "float",
    "npv_mongolia_usd_bn": "float",
    "total_power_mw": "float",
    "fuel_share": "float",
    "p_agreement_2030": "float",
    "price_at_signature_mean_usd_per_kcm": "float",
    "expected_delay_years": "float",
}

FAST_OUTPUTS = ("p_agreement_2030", "price_at_signature_mean_usd_per_kcm", "expected_delay_years")
"""Outputs of the summit game's fast mode (computed only when asked for)."""


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
        Stage("twin", _prefixes("twin"), key=_twin_key),
        Stage("economics", _prefixes("economics"), after=("twin",), key=_economics_key),
        Stage("deal", _prefixes("deal"), after=("economics",), key=_deal_key),
    )

    def output_kinds(self) -> dict[str, OutputKind]:
        """Every output of the deal evaluator."""
        return dict(OUTPUTS)

    _want_fast: bool = True

    def evaluate_chunk(
        self, ids: np.ndarray, columns: Mapping[str, np.ndarray], outputs: tuple[str, ...]
    ) -> ChunkResult:
        """As the staged evaluator; the summit game's fast mode only when its outputs are asked for."""
        self._want_fast = any(o in FAST_OUTPUTS for o in outputs)
        return super().evaluate_chunk(ids, columns, outputs)

    def _fast(self, scenario: Scenario, twin: Any, econ: EconomicsResult) -> dict[str, Any]:
        hist = _PIPELINE.summit_history(self.base_scenario())
        if hist.result is None:
            raise BargainingError(f"the summit history of the sweep's base scenario failed: {hist.error}")
        costs = project_costs(
            scenario,
            capex_usd=econ.capex_usd_bn * 1e9,
            tariff_usd_per_kcm=econ.tariff_usd_per_kcm,
            fuel_share=float(twin.fuel_share),
        )
        return fast_summits(hist.result, scenario, costs)

    def prepare(self, scenario: Scenario) -> Scenario:
        """The pipeline's linked-lever rule and consistency gate, once per point, before any stage."""
        scn, _notes = link_levers(scenario)
        _PIPELINE.check(scn)
        return scn

    def compute_stage(self, name: str, scenario: Scenario, upstream: Mapping[str, Any]) -> Any:
        """Run one stage of the pipeline (a stage's project error fails the points sharing its input)."""
        if name == "twin":
            return _PIPELINE.twin(twin_input(scenario)).get()
        if name == "economics":
            twin: TwinResult = upstream["twin"]
            inp = economics_input(scenario, paths=SWEEP_PATHS, with_tornado=False, all_decks=False)
            return _PIPELINE.economics(inp, twin.summary).get()
        return _PIPELINE.deal(_deal_key(scenario, upstream)).get()  # type: ignore[arg-type]

    def finish(self, scenario: Scenario, results: Mapping[str, Any]) -> Mapping[str, float | bool]:
        """The outputs of one point from its stage results."""
        twin = results["twin"].summary
        econ: EconomicsResult = results["economics"]
        deal = results["deal"]
        z = deal.zopa_usd_per_kcm
        nash = deal.nash_price_usd_per_kcm
        price = deal.contract_price_usd_per_kcm
        nan = math.nan
        npv = npv_by_party(scenario, twin, nan if nash is None else nash, project=econ.project)
        fast = self._fast(scenario, twin, econ) if self._want_fast else None
        return {
            "deal": z is not None,
            "terms_in_zopa": z is not None and z[0] <= price <= z[1],
            "china_signs_now": bool(deal.delay.sign_now),
            "nash_price_usd_per_kcm": nan if nash is None else nash,
            "china_max_price_usd_per_kcm": deal.china_max_usd_per_kcm,
            "russia_min_price_usd_per_kcm": deal.russia_min_usd_per_kcm,
            "zopa_low_usd_per_kcm": nan if z is None else z[0],
            "zopa_high_usd_per_kcm": nan if z is None else z[1],
            "zopa_width_usd_per_kcm": max(deal.china_max_usd_per_kcm - deal.russia_min_usd_per_kcm, 0.0),
            "contract_price_usd_per_kcm": price,
            "p_agreement_total": float(deal.delay.p_agreement_total),
            "expected_price_usd_per_kcm": float(deal.delay.expected_price_usd_per_kcm),
            "china_security_value_usd_per_kcm": deal.china_security_value_usd_per_kcm,
            "russia_breakeven_usd_per_kcm": econ.breakeven_usd_per_kcm,
            "tariff_usd_per_kcm": econ.tariff_usd_per_kcm,
            "npv_russia_usd_bn": float(npv["russia"][0]),
            "npv_china_usd_bn": float(npv["china"][0]),
            "npv_mongolia_usd_bn": float(npv["mongolia"][0]),
            "total_power_mw": twin.total_power_mw,
            "fuel_share": twin.fuel_share,
            "p_agreement_2030": nan if fast is None else float(fast["p_agreement_2030"]),
            "price_at_signature_mean_usd_per_kcm": nan
            if fast is None
            else float(fast["price_at_signature_usd_per_kcm"].get("mean", nan)),
            "expected_delay_years": nan
            if fast is None or fast["expected_delay_years"] is None
            else float(fast["expected_delay_years"]),
        }
