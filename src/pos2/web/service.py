"""What the dashboard and the JSON API compute: levers, stage runs with a twin cache, clean JSON.

The levers are the scenario keys the source documents argue about (issue 7); their ranges,
units and descriptions come from the scenario schema, so the page, the API validation and the
docs cannot drift apart.
"""

from __future__ import annotations

import asyncio
import functools
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
from pydantic.fields import FieldInfo

from pos2.pipeline import (
    INTERACTIVE_PATHS,
    Pipeline,
    PipelineResult,
    StageOutcome,
    link_levers,
    twin_input,
)
from pos2.report.extract import clean_json, deal_numbers, economics_numbers, profile_table
from pos2.scenario import Scenario, ScenarioModel, load_scenario, schema_table
from pos2.twin import TwinResult

LEVER_KEYS: tuple[str, ...] = (
    "contract.slope",
    "contract.constant_usd_per_mmbtu",
    "contract.take_or_pay",
    "contract.flex_band",
    "finance.china_share",
    "transit.fee_usd_per_kcm_100km",
    "hormuz.closure_months",
    "hormuz.closure_probability",
    "bargaining.china_power",
    "pipeline.throughput_bcm_per_year",
)
"""The dashboard's levers (``--set`` keys shared with the CLI and the sweeps)."""

LEVER_LABELS: dict[str, str] = {
    "contract.slope": "Price formula: Brent slope",
    "contract.constant_usd_per_mmbtu": "Price formula: constant",
    "contract.take_or_pay": "Take-or-pay share",
    "contract.flex_band": "Flexibility band",
    "finance.china_share": "China's share of construction cost",
    "transit.fee_usd_per_kcm_100km": "Mongolian transit fee",
    "hormuz.closure_months": "Hormuz: months shut in a closure year",
    "hormuz.closure_probability": "Hormuz: chance a closure starts, per year",
    "bargaining.china_power": "China's bargaining power (beta)",
    "pipeline.throughput_bcm_per_year": "Throughput",
}


@dataclass(frozen=True)
class Bounds:
    """Range of a scalar scenario key as the schema declares it."""

    low: float | None
    high: float | None
    low_exclusive: bool
    high_exclusive: bool


def field_info(key: str) -> FieldInfo:
    """The pydantic field of a dotted scenario key."""
    model: Any = ScenarioModel
    info: FieldInfo | None = None
    for part in key.split("."):
        info = model.model_fields[part]
        model = info.annotation
    assert info is not None
    return info


def bounds(key: str) -> Bounds:
    """Declared bounds of ``key`` (``ge``/``gt``/``le``/``lt``)."""
    low = high = None
    low_ex = high_ex = False
    for m in field_info(key).metadata:
        if getattr(m, "ge", None) is not None:
            low, low_ex = float(m.ge), False
        if getattr(m, "gt", None) is not None:
            low, low_ex = float(m.gt), True
        if getattr(m, "le", None) is not None:
            high, high_ex = float(m.le), False
        if getattr(m, "lt", None) is not None:
            high, high_ex = float(m.lt), True
    return Bounds(low, high, low_ex, high_ex)


def levers(scenario: Scenario) -> list[dict[str, Any]]:
    """Lever descriptors for the page: key, label, unit, description, min, max, step, value."""
    rows = {r.key: r for r in schema_table()}
    out = []
    for key in LEVER_KEYS:
        row = rows[key]
        b = bounds(key)
        value = float(scenario.get(key))
        low = b.low if b.low is not None else min(0.0, value)
        high = b.high if b.high is not None else max(1.0, 2 * value)
        step = _nice_step((high - low) / 200.0)
        out.append(
            {
                "key": key,
                "label": LEVER_LABELS[key],
                "unit": row.unit,
                "description": row.description,
                "min": _slider_min(low, step, exclusive=b.low_exclusive),
                "max": high - step if b.high_exclusive else high,
                "schema_min": b.low,
                "schema_max": b.high,
                "min_exclusive": b.low_exclusive,
                "max_exclusive": b.high_exclusive,
                "step": step,
                "value": value,
            }
        )
    return out


def _slider_min(low: float, step: float, *, exclusive: bool) -> float:
    """Lowest slider value: on the step grid (so the slider lands on round values) and in range."""
    k = math.ceil(low / step - 1e-9)
    if exclusive and k * step <= low:
        k += 1
    return float(round(k * step, 12))


def _nice_step(raw: float) -> float:
    if raw <= 0 or not math.isfinite(raw):
        return 0.01
    exp = math.floor(math.log10(raw))
    base = raw / 10**exp
    nice = 1.0 if base < 1.5 else 2.0 if base < 3.5 else 5.0 if base < 7.5 else 10.0
    return float(nice * 10**exp)


T = TypeVar("T")


def default_workers() -> int:
    """Stage runs at once in the server: the machine's cores, at most 4 [-] (the stages are CPU-bound;
    more threads would only share the same cores and the GIL)."""
    return max(1, min(4, os.cpu_count() or 1))


class DashboardService:
    """Runs the stages for the API with a shared twin cache.

    Expensive work runs in a bounded pool of worker threads (:meth:`offload`), off the server's event
    loop, so that cheap endpoints (``/api/health``) answer at once however many requests wait; identical
    requests in flight are computed once (single flight: in :meth:`dashboard` here and per stage in
    :class:`~pos2.pipeline.Pipeline`), the others wait for that answer.

    Parameters
    ----------
    paths
        Monte Carlo paths of the interactive economics [-]
    seed
        Random seed (``None``: the scenario's ``montecarlo.seed``) [-]
    workers
        Worker threads for the stages (default :func:`default_workers`) [-]
    """

    def __init__(
        self, paths: int = INTERACTIVE_PATHS, seed: int | None = None, workers: int | None = None
    ) -> None:
        # seed None: the scenario's montecarlo.seed, as on the command line and in the report
        self.paths = paths
        self.seed = seed
        self.pipeline = Pipeline()
        self._answers: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._inflight: dict[tuple[Any, ...], Future[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.max_answers = 256
        self.workers = workers or default_workers()
        self._pool: ThreadPoolExecutor | None = None
        self._flights: dict[Hashable, asyncio.Future[Any]] = {}
        self._responses: OrderedDict[Hashable, Any] = OrderedDict()
        self._bases: dict[str, Scenario] = {}

    async def offload(self, fn: Callable[..., T], *args: Any, key: Hashable | None = None) -> T:
        """Run ``fn(*args)`` in the bounded worker pool and await its result (errors re-raised).

        With a ``key`` (the request: endpoint and its validated body), identical requests share one
        run: a request arriving while the same one is computed awaits that run (single flight, no
        worker taken), and recent answers are kept (:attr:`max_answers`), so a burst of identical
        requests costs one scenario load and one stage chain.
        """
        if key is None:
            return await self._in_pool(fn, *args)
        with self._lock:
            if key in self._responses:
                self._responses.move_to_end(key)
                return self._responses[key]  # type: ignore[no-any-return]
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._in_pool(fn, *args))
            self._flights[key] = flight

            def landed(f: asyncio.Future[Any], key: Hashable = key) -> None:
                self._flights.pop(key, None)
                if f.cancelled() or f.exception() is not None:
                    return
                value = f.result()
                if isinstance(value, dict):  # an answer; error responses are not kept
                    with self._lock:
                        self._responses[key] = value
                        while len(self._responses) > self.max_answers:
                            self._responses.popitem(last=False)

            flight.add_done_callback(landed)
        return await asyncio.shield(flight)  # type: ignore[no-any-return]

    def _get_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="pos2-stage")
            return self._pool

    async def _in_pool(self, fn: Callable[..., T], *args: Any) -> T:
        pool = self._get_pool()
        return await asyncio.get_running_loop().run_in_executor(pool, functools.partial(fn, *args))

    def warm(self, name: str) -> Future[dict[str, Any]]:
        """Compute the page of scenario ``name`` as its file gives it, in the worker pool, now: the first
        visitor then finds it ready (or joins the run in flight) instead of waiting for the summit
        hindcast the agreement probability holds (about 10 s). An error is kept in the future and met
        again, with its message, by the request that asks for it."""
        return self._get_pool().submit(lambda: self.dashboard(self.scenario(name, {})))

    def scenario(self, name: str, overrides: dict[str, Any]) -> Scenario:
        """Load an embedded scenario with overrides (raises ``ScenarioError``).

        The throughput lever carries the contract with it (:func:`pos2.pipeline.link_levers`, the rule
        of every face): a throughput below the annual contract quantity lowers
        ``contract.acq_bcm_per_year`` to the throughput unless it is set too.
        """
        scn, _notes = link_levers(load_scenario(name, overrides))
        self.pipeline.check(scn)
        return scn

    def base(self, scenario: Scenario) -> Scenario:
        """The scenario as its file gives it, without the levers: whose summit hindcast the dashboard's
        agreement probability holds (the summit game's fast mode, docs/deal_dynamics.md)."""
        with self._lock:
            hit = self._bases.get(scenario.origin)
        if hit is None:
            hit = load_scenario(scenario.origin)
            with self._lock:
                self._bases[scenario.origin] = hit
        return hit

    def chain(self, scenario: Scenario, paths: int | None = None, seed: int | None = None) -> PipelineResult:
        """All three stages (cached per stage input), without the slow extras (tornado, hindcast); the
        agreement probability by the summit game's fast mode on the base scenario's hindcast (computed
        once per base scenario: about 10 s the first time)."""
        return self.pipeline.run(
            scenario,
            paths=self.paths if paths is None else paths,
            seed=self.seed if seed is None else seed,
            interactive=True,
            history_of=self.base(scenario),
        )

    def twin(self, scenario: Scenario) -> StageOutcome[TwinResult]:
        """The twin stage alone (cached per twin input)."""
        return self.pipeline.twin(twin_input(scenario))

    def dashboard(self, scenario: Scenario) -> dict[str, Any]:
        """Everything the page shows, in one JSON object (recent answers are kept: moving a slider
        back to a position already seen answers at once)."""
        key = (scenario.origin, tuple(sorted((k, repr(v)) for k, v in scenario.overrides)))
        with self._lock:
            hit = self._answers.get(key)
            if hit is not None:
                self._answers.move_to_end(key)
                return hit
            flight = self._inflight.get(key)
            owner = flight is None
            if flight is None:
                flight = self._inflight[key] = Future()
        if not owner:
            return flight.result()  # the same request is being answered: wait for that answer
        try:
            answer = self._dashboard(scenario)
        except BaseException as e:
            with self._lock:
                del self._inflight[key]
            flight.set_exception(e)
            raise
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self.max_answers:
                self._answers.popitem(last=False)
            del self._inflight[key]
        flight.set_result(answer)
        return answer

    def _dashboard(self, scenario: Scenario) -> dict[str, Any]:
        chain = self.chain(scenario)
        prof = profile_table(chain.twin.result) if chain.twin.ok else None
        return clean_json(
            {
                "scenario": scenario.name,
                "levers": {k: scenario.get(k) for k in LEVER_KEYS},
                "overrides": dict(scenario.overrides),
                "stages": {
                    o.name: {"ok": o.ok, "error": o.error, "seconds": o.seconds, "cached": o.cached}
                    for o in chain.outcomes()
                },
                "twin": chain.twin.data,
                "violations": chain.twin_violations(),
                "profile": _profile_json(prof),
                "economics": economics_numbers(chain.economics.result),
                "deal": deal_numbers(chain.deal.result),
            }
        )

    def valuation_detail(self, scenario: Scenario) -> dict[str, Any]:
        """The deal's details at the levers: gap waterfall, lever effects, efficient terms and the
        contract map (the non-interactive deal stage, as ``pos2 deal --map``: tens of seconds the first
        time, then cached)."""
        chain = self.pipeline.run(scenario, paths=0, with_tornado=False, hindcast=True)
        deal = chain.deal.get()
        cmap = self.pipeline.contract_map(chain).get()
        val = deal.valuation
        return clean_json(
            {
                "scenario": scenario.name,
                "overrides": dict(scenario.overrides),
                "china_max_price_usd_per_kcm": deal.china_max_usd_per_kcm,
                "russia_min_price_by_principal_usd_per_kcm": val.summary[
                    "russia_min_price_by_principal_usd_per_kcm"
                ],
                "gap_waterfall": val.gap_waterfall,
                "lever_effects": val.lever_effects,
                "contract_terms": val.contract_terms,
                "contract_map": cmap,
            }
        )


def _profile_json(df: pd.DataFrame | None) -> dict[str, list[Any]] | None:
    if df is None or df.empty:
        return None
    return {str(c): df[c].tolist() for c in df.columns}
