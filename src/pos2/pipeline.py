"""The one place that composes the stages: scenario -> twin -> economics -> deal -> faces.

Every face (``pos2 twin/economics/deal/report``, the dashboard and its JSON API, the sweeps and the
Python API) computes its numbers through :class:`Pipeline`, so one question gets one answer.

Data flow
---------
::

    Scenario ──check_consistency (once)──┐
       │                                 │
       ├─ twin_input(scn) ──────────► TwinInput ──run_twin──────────► TwinResult (.summary)
       ├─ economics_input(scn, twin) ► EconomicsInput ─evaluate_economics─► EconomicsResult
       └─ deal_input(scn, econ) ─────► DealInput ──negotiate─────────► DealResult

Stage inputs
------------
Each stage has one frozen, hashable input object derived from the scenario by one function
(:func:`twin_input`, :func:`economics_input`, :func:`deal_input`). Its identity is a digest of exactly
the scenario entries the stage reads (:data:`STAGE_READS`, the one declaration of "which keys a stage
reads") plus what it takes from the stage before it. The inputs are the cache keys of the pipeline, of
the dashboard, of the report's what-if runs and of the sweeps: a lever that a stage does not read never
re-runs that stage. A test records the scenario attributes each stage touches and checks them against
:data:`STAGE_READS`.

Other projects in the hindcast
------------------------------
A negotiation round about another project (Power of Siberia 1, 2014) is computed from that project's
own embedded scenario (its twin and its economics breakeven), never from the user's PoS2 levers.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from pos2.bargaining.deal import DealResult, ProjectBasis, negotiate
from pos2.bargaining.engine import base_contract, contract_map, engine_inputs, project_costs
from pos2.bargaining.fastgame import SummitHistory, summit_history
from pos2.bargaining.history import Round, load_rounds
from pos2.economics import EconomicsResult, evaluate_economics
from pos2.economics.validate import check_scenario_inputs
from pos2.errors import BargainingError, Pos2Error, ScenarioError
from pos2.scenario import Scenario, load_scenario
from pos2.twin import TwinResult, TwinSummary, run_twin
from pos2.twin.checks import check_scenario as check_twin_scenario

STAGES: tuple[str, str, str] = ("twin", "economics", "deal")
"""The stages in run order."""

STAGE_READS: dict[str, tuple[str, ...]] = {
    "twin": ("pipeline", "gas", "route", "stations", "thermal"),
    "economics": ("contract", "finance", "transit", "costs", "taxes", "prices", "montecarlo"),
    "deal": (
        "hormuz",
        "bargaining",
        "demand",
        "lng",
        "supply",
        "russia",
        "valuation",
        # the contract valuation values the whole contract with its costs and taxes
        "contract",
        "finance",
        "transit",
        "costs",
        "taxes",
        "prices",
        "montecarlo",
        "pipeline.throughput_bcm_per_year",
    ),
}
"""Scenario entries (whole sections or dotted keys) each stage reads itself.

The economics also reads the twin's sections (costs read the pipe and the route) and the twin's
summary: its input carries the twin's input. The deal reads the economics' breakeven and contract
price, carried by its input (:class:`EconomicsInput`, :class:`DealInput`). A test records what each
stage really reads and checks it against this table.
"""

INTERACTIVE_PATHS = 200
"""Monte Carlo price paths of the dashboard, small enough to answer within a second."""

T = TypeVar("T")
ProgressFn = Callable[[str], None]


def reads(stage: str, key: str) -> bool:
    """Whether ``stage`` itself reads the dotted scenario ``key`` (see :data:`STAGE_READS`).

    >>> reads("twin", "pipeline.throughput_bcm_per_year"), reads("twin", "contract.slope")
    (True, False)
    >>> reads("deal", "contract.acq_bcm_per_year"), reads("deal", "contract.slope")
    (True, False)
    """
    return any(key == e or key.startswith(e + ".") for e in STAGE_READS[stage])


def stage_of_key(key: str) -> str:
    """The first stage that reads ``key``: ``twin``, ``economics``, ``deal`` or ``meta`` (none)."""
    for stage in STAGES:
        if reads(stage, key):
            return stage
    return "meta"


def _canonical(value: object) -> str:
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, sort_keys=True, default=repr)


def scenario_digest(scenario: Scenario, entries: tuple[str, ...]) -> str:
    """A digest of the values of ``entries`` in ``scenario`` (equal values, equal digest) [-]."""
    h = hashlib.blake2b(digest_size=16)
    for e in entries:
        h.update(e.encode())
        h.update(b"=")
        h.update(_canonical(scenario.get(e)).encode())
        h.update(b";")
    return h.hexdigest()


# -- stage inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TwinInput:
    """What the twin reads: the twin sections (by digest).

    ``scenario`` is carried for the stage call and its messages (file and line of a value); it is not
    part of the identity, which is the digest of :data:`STAGE_READS` ``["twin"]``.
    """

    digest: str
    scenario: Scenario = field(compare=False, repr=False)


@dataclass(frozen=True)
class EconomicsInput:
    """What the economics reads: its sections, the twin's input, the path count and seed."""

    digest: str
    twin: TwinInput
    paths: int
    seed: int
    with_tornado: bool
    scenario: Scenario = field(compare=False, repr=False)
    all_decks: bool = True
    """Every named price deck (``False``: the run's deck only, as sweeps need)."""
    scheduler: str | None = field(default=None, compare=False)
    """Dask scheduler of the Monte Carlo (results do not depend on it: seeded per chunk)."""


@dataclass(frozen=True)
class DealInput:
    """What the deal reads: its sections plus the economics' breakeven and contract price."""

    digest: str
    breakeven_usd_per_kcm: float
    contract_price_usd_per_kcm: float
    contract_price_basis: str
    capex_usd: float
    tariff_usd_per_kcm: float
    fuel_share: float
    line_km: float
    """New pipe of the line, the sum of the twin's section lengths [km] (the direct route's basis)."""
    hindcast: bool
    """The summits hindcast and the valuation's details (waterfall, levers, terms); off interactively."""
    scenario: Scenario = field(compare=False, repr=False)
    history: SummitHistory | None = None
    """Without the hindcast: the history scenario's hindcast for the summit game's fast mode."""
    history_error: str | None = None
    """Why the history asked for is missing (said in the deal's settings, not hidden)."""


def twin_input(scenario: Scenario) -> TwinInput:
    """The twin's input derived from ``scenario``."""
    return TwinInput(scenario_digest(scenario, STAGE_READS["twin"]), scenario)


def economics_input(
    scenario: Scenario,
    *,
    paths: int | None = None,
    seed: int | None = None,
    with_tornado: bool = True,
    scheduler: str | None = None,
    all_decks: bool = True,
) -> EconomicsInput:
    """The economics' input derived from ``scenario``.

    Parameters
    ----------
    scenario
        The scenario [-].
    paths
        Monte Carlo price paths (``None``: ``montecarlo.paths``; 0: deterministic only) [-].
    seed
        Seed of the price paths (``None``: ``montecarlo.seed``) [-].
    with_tornado
        Also compute the sensitivity tornado [-].
    scheduler
        Dask scheduler of the Monte Carlo (``None``: local threads) [-].
    all_decks
        Evaluate every named price deck (``False``: the run's deck only) [-].
    """
    mc = scenario.model.montecarlo
    return EconomicsInput(
        scenario_digest(scenario, STAGE_READS["economics"]),
        twin_input(scenario),
        mc.paths if paths is None else int(paths),
        mc.seed if seed is None else int(seed),
        bool(with_tornado),
        scenario,
        bool(all_decks),
        scheduler,
    )


def deal_input(
    scenario: Scenario,
    economics: EconomicsResult,
    twin: TwinSummary,
    *,
    hindcast: bool = True,
    history: SummitHistory | None = None,
    history_error: str | None = None,
) -> DealInput:
    """The deal's input derived from ``scenario`` and the twin and economics results of the same scenario
    (``history``: the fast mode's, used only without the hindcast)."""
    return DealInput(
        scenario_digest(scenario, STAGE_READS["deal"]),
        economics.breakeven_usd_per_kcm,
        economics.contract_price_usd_per_kcm,
        economics.contract_price_basis,
        economics.capex_usd_bn * 1e9,
        economics.tariff_usd_per_kcm,
        float(twin.fuel_share),
        float(sum(s.length_km for s in twin.sections)),
        bool(hindcast),
        scenario,
        None if hindcast else history,
        None if hindcast else history_error,
    )


# -- the validation gate -----------------------------------------------------------------------------


def _where(scenario: Scenario, key: str) -> tuple[str | None, int | None]:
    for s in scenario.sources:
        if s.key == key:
            return s.path, s.line
    return scenario.origin, None


def check_consistency(scenario: Scenario) -> None:
    """The one gate for rules across fields and sections, run once per scenario by :class:`Pipeline`.

    Runs the twin's checks (:func:`pos2.twin.checks.check_scenario`: units, regions, hoop stress,
    pressures), the economics' checks (:func:`pos2.economics.validate.check_scenario_inputs`: price
    formula, shares, years) and the rules between stages:

    * ``contract.acq_bcm_per_year`` must not exceed ``pipeline.throughput_bcm_per_year``: the contract
      cannot sell more than the line carries. Every face refuses it the same way (the CLI, the report,
      the dashboard and the API); lower both levers together.

    Raises
    ------
    ScenarioError
        Naming the file, line, field and value.
    """
    check_twin_scenario(scenario)
    check_scenario_inputs(scenario)
    m = scenario.model
    acq, thr = m.contract.acq_bcm_per_year, m.pipeline.throughput_bcm_per_year
    if acq > thr * (1.0 + 1e-9):
        path, line = _where(scenario, "contract.acq_bcm_per_year")
        raise ScenarioError(
            f"the annual contract quantity {acq:g} bcm/yr exceeds the pipeline throughput {thr:g} bcm/yr "
            f"(pipeline.throughput_bcm_per_year): the contract cannot sell more than the line carries; "
            f"lower contract.acq_bcm_per_year too (e.g. --set contract.acq_bcm_per_year={thr:g})",
            path=path,
            line=line,
            field="contract.acq_bcm_per_year",
            value=acq,
        )


THROUGHPUT_KEY = "pipeline.throughput_bcm_per_year"
ACQ_KEY = "contract.acq_bcm_per_year"


def link_levers(scenario: Scenario) -> tuple[Scenario, tuple[str, ...]]:
    """Apply the one linked-lever rule; returns the scenario to run and what was adjusted, in words.

    When the user lowers the throughput (``--set``, a dashboard lever, an API parameter, a sweep key)
    below the scenario's annual contract quantity and does not set the quantity too, the quantity
    follows the throughput (the line cannot sell more than it carries) and the output says so. When the
    user sets both, or a file sets them inconsistently, :func:`check_consistency` refuses. Every face
    calls this through :meth:`Pipeline.run`, so the rule gives the same answer everywhere.
    """
    over = dict(scenario.overrides)
    if THROUGHPUT_KEY not in over or ACQ_KEY in over:
        return scenario, ()
    thr = float(scenario.model.pipeline.throughput_bcm_per_year)
    acq = float(scenario.model.contract.acq_bcm_per_year)
    if acq <= thr * (1.0 + 1e-9):
        return scenario, ()
    note = (
        f"{ACQ_KEY} lowered from {acq:g} to {thr:g} bcm/yr to follow the throughput set by the user "
        f"({THROUGHPUT_KEY} = {thr:g}); set {ACQ_KEY} too to choose it"
    )
    return scenario.with_overrides({ACQ_KEY: thr}), (note,)


# -- outcomes ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageOutcome(Generic[T]):
    """What one stage produced, or why it produced nothing.

    Attributes
    ----------
    name
        ``twin``, ``economics`` or ``deal``.
    result
        The stage's typed result, or ``None``.
    error
        Plain-words reason when there is no result (``Name: message`` of the project error).
    seconds
        Wall time of the stage in this call (0 for a cache hit) [s].
    cached
        Whether the result came from the cache.
    """

    name: str
    result: T | None = None
    error: str | None = None
    seconds: float = 0.0
    cached: bool = False
    exception: Pos2Error | None = field(default=None, compare=False, repr=False)
    """The project error behind :attr:`error` (the CLI re-raises it for its exit code)."""

    @property
    def ok(self) -> bool:
        """True when the stage produced a result."""
        return self.result is not None and self.error is None

    @cached_property
    def data(self) -> dict[str, Any] | None:
        """The stage's ``--json`` object (the twin's is its summary's), or ``None`` without a result."""
        res: Any = self.result
        if res is None:
            return None
        if isinstance(res, TwinResult):
            res = res.summary
        out: dict[str, Any] = res.to_json()
        return out

    def get(self) -> T:
        """The result; re-raises the stage's project error when there is none."""
        if self.result is None:
            if self.exception is not None:
                raise self.exception
            raise RuntimeError(f"the {self.name} stage has no result: {self.error}")
        return self.result


@dataclass(frozen=True)
class PipelineResult:
    """The three stage outcomes of one scenario (a later stage is absent when not asked for)."""

    scenario: Scenario
    twin: StageOutcome[TwinResult]
    economics: StageOutcome[EconomicsResult]
    deal: StageOutcome[DealResult]
    adjustments: tuple[str, ...] = ()
    """Linked levers applied by :func:`link_levers`, in words (shown by every face)."""

    def outcomes(
        self,
    ) -> tuple[StageOutcome[TwinResult], StageOutcome[EconomicsResult], StageOutcome[DealResult]]:
        """The outcomes in run order."""
        return (self.twin, self.economics, self.deal)

    @property
    def twin_summary(self) -> TwinSummary | None:
        """The twin's summary, or ``None``."""
        return self.twin.result.summary if self.twin.result is not None else None

    def twin_violations(self) -> list[str]:
        """The limits the twin's operating point breaks, in words (empty when within limits)."""
        res = self.twin.result
        return [v.message() for v in res.violations] if res is not None else []


# -- the pipeline --------------------------------------------------------------------------------------


class _Lru(Generic[T]):
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, T] = OrderedDict()

    def get(self, key: Hashable) -> T | None:
        hit = self.items.get(key)
        if hit is not None:
            self.items.move_to_end(key)
        return hit

    def put(self, key: Hashable, value: T) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


class Pipeline:
    """Runs and caches the stages; one instance per face (thread-safe).

    Parameters
    ----------
    cache_size
        Results kept per stage (least recently used dropped) [-].

    Attributes
    ----------
    runs
        How many times each stage actually ran (cache misses), by stage name; the consistency gate
        counts as ``check`` [-].
    """

    def __init__(self, cache_size: int = 32) -> None:
        self._lock = threading.RLock()
        self._caches: dict[str, _Lru[StageOutcome[Any]]] = {
            s: _Lru(cache_size) for s in (*STAGES, "contract_map", "summit_history")
        }
        self._checked: _Lru[str] = _Lru(256)
        self._rounds: tuple[Round, ...] | None = None
        self.runs: dict[str, int] = dict.fromkeys((*STAGES, "check", "contract_map", "summit_history"), 0)
        self._inflight: dict[tuple[str, Hashable], threading.Event] = {}

    # gate ------------------------------------------------------------------------------------------
    def check(self, scenario: Scenario) -> None:
        """:func:`check_consistency` once per distinct scenario content."""
        # the values, and where each came from with its declared unit (the unit checks read those)
        key = scenario_digest(scenario, tuple(k for s in STAGES for k in STAGE_READS[s])) + repr(
            (scenario.origin, scenario.sources)
        )
        with self._lock:
            if self._checked.get(key) is not None:
                return
        self.runs["check"] += 1
        check_consistency(scenario)  # raises: nothing is remembered, the next call checks again
        with self._lock:
            self._checked.put(key, "ok")

    # stages ----------------------------------------------------------------------------------------
    def _cached(self, stage: str, key: Hashable, call: Callable[[], Any]) -> StageOutcome[Any]:
        # single flight: a thread asking for a stage input that another thread is computing waits for
        # that run instead of starting its own (then finds it in the cache)
        while True:
            with self._lock:
                hit = self._caches[stage].get(key)
                running = None if hit is not None else self._inflight.get((stage, key))
                if hit is None and running is None:
                    mine = self._inflight[(stage, key)] = threading.Event()
                    self.runs[stage] += 1
                    break
            if hit is not None:
                return StageOutcome(stage, hit.result, hit.error, 0.0, True, hit.exception)
            assert running is not None
            running.wait()
        t0 = time.perf_counter()
        try:
            try:
                out: StageOutcome[Any] = StageOutcome(stage, call(), seconds=time.perf_counter() - t0)
            except Pos2Error as e:
                out = StageOutcome(
                    stage, error=f"{type(e).__name__}: {e}", seconds=time.perf_counter() - t0, exception=e
                )
            with self._lock:
                self._caches[stage].put(key, out)
        finally:
            with self._lock:
                del self._inflight[(stage, key)]
            mine.set()
        return out

    def twin(self, inp: TwinInput) -> StageOutcome[TwinResult]:
        """The twin at the scenario's throughput (broken limits are listed, not raised: ``pos2 twin``)."""
        out: StageOutcome[TwinResult] = self._cached("twin", inp, lambda: run_twin(inp.scenario, check=False))
        return out

    def economics(self, inp: EconomicsInput, twin: TwinSummary) -> StageOutcome[EconomicsResult]:
        """The economics on the twin's summary."""
        out: StageOutcome[EconomicsResult] = self._cached(
            "economics",
            inp,
            lambda: evaluate_economics(
                inp.scenario,
                twin,
                paths=inp.paths,
                seed=inp.seed,
                with_tornado=inp.with_tornado,
                scheduler=inp.scheduler,
                all_decks=inp.all_decks,
            ),
        )
        return out

    def deal(self, inp: DealInput) -> StageOutcome[DealResult]:
        """The deal, with the other projects of the hindcast from their own scenarios."""

        def call() -> DealResult:
            rounds = self.rounds() if inp.hindcast else ()
            projects = self._projects(inp.scenario, rounds)
            return negotiate(
                inp.scenario,
                breakeven_usd_per_kcm=inp.breakeven_usd_per_kcm,
                contract_price_usd_per_kcm=inp.contract_price_usd_per_kcm,
                contract_price_basis=inp.contract_price_basis,
                costs=project_costs(
                    inp.scenario,
                    capex_usd=inp.capex_usd,
                    tariff_usd_per_kcm=inp.tariff_usd_per_kcm,
                    fuel_share=inp.fuel_share,
                    line_km=inp.line_km,
                ),
                rounds=rounds,
                projects=projects,
                detail=inp.hindcast,
                history=inp.history,
                history_error=inp.history_error,
            )

        out: StageOutcome[DealResult] = self._cached("deal", inp, call)
        return out

    def contract_map(self, result: PipelineResult) -> StageOutcome[dict[str, Any]]:
        """The contract map of a run's deal (:func:`pos2.bargaining.engine.contract_map`), cached.

        The same valuation inputs as the run's deal stage (costs from its economics and twin), on
        ``valuation.detail_paths``; every face (``pos2 deal --map``, report, dashboard) calls this.
        """
        econ, twin = result.economics, result.twin_summary
        if econ.result is None or twin is None:
            return StageOutcome("contract_map", error="needs the economics stage, which produced no result")
        inp = deal_input(result.scenario, econ.result, twin, hindcast=True)

        def call() -> dict[str, Any]:
            scn = inp.scenario
            costs = project_costs(
                scn,
                capex_usd=inp.capex_usd,
                tariff_usd_per_kcm=inp.tariff_usd_per_kcm,
                fuel_share=inp.fuel_share,
                line_km=inp.line_km,
            )
            fine = engine_inputs(scn, costs=costs, n_paths=scn.model.valuation.detail_paths)
            return contract_map(fine, base_contract(scn))

        out: StageOutcome[dict[str, Any]] = self._cached("contract_map", inp, call)
        return out

    def summit_history(self, scenario: Scenario) -> StageOutcome[SummitHistory]:
        """The hindcast of ``scenario`` for the summit game's fast mode (:mod:`pos2.bargaining.fastgame`),
        cached: one full deal stage with the summits (deterministic economics, as ``pos2 deal``'s deal
        reads only its breakeven and costs), about 10 s the first time for a scenario."""
        scenario, _notes = link_levers(scenario)
        self.check(scenario)
        key = scenario_digest(scenario, tuple(k for s in STAGES for k in STAGE_READS[s])) + repr(
            scenario.origin
        )

        def call() -> SummitHistory:
            res = self.run(scenario, paths=0, with_tornado=False, hindcast=True)
            deal = res.deal.get()
            if deal.summits is None:
                raise BargainingError(
                    deal.settings.get("summits_error", "the summits did not run for the history scenario")
                )
            econ = res.economics.get()
            twin = res.twin_summary
            assert twin is not None
            costs = project_costs(
                scenario,
                capex_usd=econ.capex_usd_bn * 1e9,
                tariff_usd_per_kcm=econ.tariff_usd_per_kcm,
                fuel_share=float(twin.fuel_share),
            )
            return summit_history(scenario, costs, deal.summits)

        out: StageOutcome[SummitHistory] = self._cached("summit_history", key, call)
        return out

    def rounds(self) -> tuple[Round, ...]:
        """The shipped negotiation rounds (loaded once)."""
        if self._rounds is None:
            self._rounds = load_rounds()
        return self._rounds

    def _projects(self, scenario: Scenario, rounds: tuple[Round, ...]) -> dict[str, ProjectBasis]:
        """The basis of every project of the hindcast other than the scenario's own."""
        out: dict[str, ProjectBasis] = {}
        for project in sorted({r.project for r in rounds}):
            if is_own_project(scenario, project):
                continue
            other = load_scenario(project)
            twin = self.twin(twin_input(other))
            if not twin.ok:
                out[project] = ProjectBasis(other.model, None, f"{project}: twin failed ({twin.error})")
                continue
            econ = self.economics(economics_input(other, paths=0, with_tornado=False), twin.get().summary)
            if not econ.ok:
                out[project] = ProjectBasis(other.model, None, f"{project}: economics failed ({econ.error})")
                continue
            out[project] = ProjectBasis(other.model, econ.get().breakeven_usd_per_kcm, "")
        return out

    # the whole chain -------------------------------------------------------------------------------
    def run(
        self,
        scenario: Scenario,
        *,
        upto: str = "deal",
        paths: int | None = None,
        seed: int | None = None,
        interactive: bool = False,
        with_tornado: bool | None = None,
        hindcast: bool | None = None,
        scheduler: str | None = None,
        progress: ProgressFn | None = None,
        history_of: Scenario | None = None,
    ) -> PipelineResult:
        """Check the scenario once, then run twin -> economics -> deal (up to ``upto``).

        Parameters
        ----------
        scenario
            The scenario [-].
        upto
            Last stage to run: ``twin``, ``economics`` or ``deal`` [-].
        paths
            Monte Carlo price paths of the economics (``None``: the scenario's) [-].
        seed
            Seed of the price paths (``None``: the scenario's) [-].
        interactive
            Skip the slow extras (tornado, hindcast) for the dashboard and the what-if runs [-].
        with_tornado
            Compute the economics' tornado (``None``: unless ``interactive``) [-].
        hindcast
            Run the summits hindcast (``None``: unless ``interactive``) [-].
        scheduler
            Dask scheduler of the Monte Carlo [-].
        progress
            Called with a description before each stage [-].
        history_of
            Without the hindcast: answer the agreement probability by the summit game's fast mode with
            the hindcast of this scenario held (:meth:`summit_history`; the dashboard's and the
            what-if table's base scenario); ``None``: the one-sided delay lattice (special case) [-].

        Raises
        ------
        ScenarioError
            The scenario breaks a rule of :func:`check_consistency`.
        """
        if upto not in STAGES:
            raise ValueError(f"upto must be one of {STAGES}, got {upto!r}")
        say = progress or (lambda _msg: None)
        scenario, adjustments = link_levers(scenario)
        self.check(scenario)
        last = STAGES.index(upto)
        say("twin: hydraulics of the line")
        twin = self.twin(twin_input(scenario))
        econ: StageOutcome[EconomicsResult] = StageOutcome("economics", error="not asked for")
        deal: StageOutcome[DealResult] = StageOutcome("deal", error="not asked for")
        if last >= 1:
            tornado = (not interactive) if with_tornado is None else with_tornado
            e_in = economics_input(
                scenario, paths=paths, seed=seed, with_tornado=tornado, scheduler=scheduler
            )
            say(f"economics: costs, tariff, cash flows ({e_in.paths} price paths)")
            if twin.ok:
                econ = self.economics(e_in, twin.get().summary)
            else:
                econ = _upstream_failed("economics", twin)
        if last >= 2:
            say("deal: China's alternatives, reservation prices, bargaining")
            if econ.ok:
                rounds = (not interactive) if hindcast is None else hindcast
                hist, hist_error = None, None
                if not rounds and history_of is not None:
                    say("deal: the summit history of the base scenario (once)")
                    h = self.summit_history(history_of)
                    hist, hist_error = h.result, h.error
                deal = self.deal(
                    deal_input(
                        scenario,
                        econ.get(),
                        twin.get().summary,
                        hindcast=rounds,
                        history=hist,
                        history_error=hist_error,
                    )
                )
            else:
                deal = _upstream_failed("deal", econ)
        return PipelineResult(scenario, twin, econ, deal, adjustments)


def _upstream_failed(stage: str, upstream: StageOutcome[Any]) -> StageOutcome[Any]:
    why = f"needs the {upstream.name} stage, which produced no result ({upstream.error})"
    return StageOutcome(stage, error=why, exception=upstream.exception)


def is_own_project(scenario: Scenario, project: str) -> bool:
    """Whether rounds about ``project`` use ``scenario`` itself (else that project's embedded scenario).

    PoS2 rounds use the user's scenario (the default, or a file based on it) unless it is the embedded
    PoS1 scenario; PoS1 rounds use the embedded ``pos1`` scenario, without the user's levers.
    """
    if scenario.name == project:
        return True
    return project == "pos2" and scenario.name != "pos1"


_DEFAULT: Pipeline | None = None
_DEFAULT_LOCK = threading.Lock()


def default_pipeline() -> Pipeline:
    """The process-wide pipeline of the CLI and the Python API (its caches live for the process)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Pipeline()
        return _DEFAULT
