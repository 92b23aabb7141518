"""Run the three stages (twin -> economics -> deal) for the report and the dashboard.

The stages live in their own packages (:mod:`pos2.twin`, :mod:`pos2.economics`,
:mod:`pos2.bargaining`). This module calls them in order, times them, and turns a stage that is
missing from this build or that fails with a project error into a plain message instead of a
crash, so that the report can say so in the section concerned (never with made-up numbers).

The twin is the slow stage and depends only on the twin's own scenario sections, so
:class:`TwinCache` keeps its results per set of twin-relevant overrides (for the dashboard and the
what-if runs of the report).
"""

from __future__ import annotations

import importlib
import inspect
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pos2.errors import Pos2Error
from pos2.scenario import Scenario, ScenarioModel

ProgressFn = Callable[[str], None]
"""Called with a short description of the step that starts."""

STAGE_FUNCTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "twin": ("pos2.twin", ("run_twin",)),
    "economics": ("pos2.economics", ("evaluate_economics",)),
    "deal": ("pos2.bargaining", ("negotiate", "run_deal")),
}
"""Stage name -> (module, candidate function names), first found wins."""

DEFAULT_PATHS: int | None = None
"""Monte Carlo price paths of the report: ``None`` = the scenario's ``montecarlo.paths``."""

INTERACTIVE_PATHS = 200
"""Price paths used by the dashboard, small enough to answer within a second."""


@dataclass(frozen=True)
class StageOutcome:
    """What one stage produced, or why it produced nothing.

    Attributes
    ----------
    name
        ``twin``, ``economics`` or ``deal``.
    result
        The stage's own result object (``TwinResult``, ``EconomicsResult``, ``DealResult``) or ``None``.
    data
        ``result.to_json()`` (the stage's ``--json`` object), or ``None``.
    error
        Plain-words reason when there is no result, else ``None``.
    available
        Whether the stage's code exists in this build.
    seconds
        Wall time of the stage [s].
    """

    name: str
    result: Any = None
    data: dict[str, Any] | None = None
    error: str | None = None
    available: bool = True
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the stage produced a result."""
        return self.result is not None and self.error is None


@dataclass(frozen=True)
class Chain:
    """The three stage outcomes of one scenario."""

    scenario: Scenario
    twin: StageOutcome
    economics: StageOutcome
    deal: StageOutcome

    def outcomes(self) -> tuple[StageOutcome, StageOutcome, StageOutcome]:
        """The outcomes in run order."""
        return (self.twin, self.economics, self.deal)


def stage_function(stage: str) -> Callable[..., Any] | None:
    """The upstream function of ``stage`` or ``None`` when this build does not have it."""
    module_name, names = STAGE_FUNCTIONS[stage]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and module_name.startswith(e.name):
            return None
        raise
    for name in names:
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    return None


def stage_of_key(key: str) -> str:
    """Which stage owns a scenario key: ``twin``, ``economics``, ``deal`` or ``meta``.

    Ownership follows the module that defines the key's top-level section
    (``pos2.scenario.sections_twin`` etc.), so new sections are classified without a list here.
    """
    top = key.split(".", 1)[0]
    info = ScenarioModel.model_fields.get(top)
    if info is None or info.annotation is None:
        return "meta"
    module = getattr(info.annotation, "__module__", "")
    for stage in ("twin", "economics", "deal"):
        if module.endswith(f"sections_{stage}"):
            return stage
    return "meta"


def _to_json(result: Any) -> dict[str, Any] | None:
    to_json = getattr(result, "to_json", None)
    if callable(to_json):
        out = to_json()
        return out if isinstance(out, dict) else None
    return None


def _accepts(fn: Callable[..., Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``kwargs`` that ``fn`` takes by name."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in params}


def _missing(stage: str) -> StageOutcome:
    module_name, names = STAGE_FUNCTIONS[stage]
    return StageOutcome(
        stage,
        error=f"the {stage} stage ({module_name}.{names[0]}) is not available in this build of pos2",
        available=False,
    )


def _run(stage: str, call: Callable[[], Any]) -> StageOutcome:
    t0 = time.perf_counter()
    try:
        result = call()
    except Pos2Error as e:
        return StageOutcome(
            stage, error=f"{type(e).__name__}: {e}", seconds=time.perf_counter() - t0, available=True
        )
    data = _to_json(result)
    if data is None:  # the twin's JSON object is its summary's
        data = _to_json(getattr(result, "summary", None))
    return StageOutcome(stage, result, data, seconds=time.perf_counter() - t0)


def _upstream_failed(stage: str, upstream: StageOutcome) -> StageOutcome:
    return StageOutcome(
        stage,
        error=f"needs the {upstream.name} stage, which produced no result ({upstream.error})",
        available=stage_function(stage) is not None,
    )


def twin_stage(scenario: Scenario) -> StageOutcome:
    """Run the twin on ``scenario``.

    As ``pos2 twin`` does by default, an operating point that breaks a station limit or the
    delivery minimum is still a result (``check=False``); :func:`twin_violations` lists what it
    breaks, and the report and the dashboard show it.
    """
    fn = stage_function("twin")
    if fn is None:
        return _missing("twin")
    kwargs = _accepts(fn, {"check": False})
    return _run("twin", lambda: fn(scenario, **kwargs))


def twin_violations(twin: StageOutcome) -> list[str]:
    """The limits the twin's operating point breaks, in words (empty when within limits)."""
    out = []
    for v in getattr(twin.result, "violations", ()) or ():
        msg = getattr(v, "message", None)
        out.append(msg() if callable(msg) else str(v))
    return out


def twin_summary(twin: StageOutcome) -> Any:
    """The ``TwinSummary`` of a twin outcome (``result.summary`` or the result itself)."""
    return getattr(twin.result, "summary", twin.result)


def economics_stage(
    scenario: Scenario,
    twin: StageOutcome,
    *,
    paths: int | None = DEFAULT_PATHS,
    seed: int | None = None,
    with_tornado: bool = True,
) -> StageOutcome:
    """Run the economics on ``scenario`` with the twin's summary.

    Parameters
    ----------
    scenario
        The scenario [-].
    twin
        Outcome of :func:`twin_stage` [-].
    paths
        Monte Carlo price paths (``None``: the scenario's) [-].
    seed
        Random seed of the price paths (``None``: the scenario's) [-].
    with_tornado
        Also compute the sensitivity (tornado) of the ten most influential inputs [-].
    """
    fn = stage_function("economics")
    if fn is None:
        return _missing("economics")
    if not twin.ok:
        return _upstream_failed("economics", twin)
    kwargs = _accepts(fn, {"paths": paths, "seed": seed, "with_tornado": with_tornado})
    summary = twin_summary(twin)
    return _run("economics", lambda: fn(scenario, summary, **kwargs))


def deal_stage(
    scenario: Scenario, twin: StageOutcome, economics: StageOutcome, *, hindcast: bool = True
) -> StageOutcome:
    """Run the deal model on ``scenario``, handing it the twin and economics results it accepts.

    ``hindcast=False`` skips the summits hindcast (no rounds), for interactive use.
    """
    fn = stage_function("deal")
    if fn is None:
        return _missing("deal")
    for up in (twin, economics):
        if not up.ok:
            return _upstream_failed("deal", up)
    offered = {
        "twin_summary": twin_summary(twin),
        "twin": twin.result,
        "economics": economics.result,
        "economics_result": economics.result,
    }
    if not hindcast:
        offered["rounds"] = ()
    kwargs = _accepts(fn, offered)
    return _run("deal", lambda: fn(scenario, **kwargs))


@dataclass
class TwinCache:
    """Twin outcomes per scenario origin and twin-relevant overrides (thread-safe, bounded)."""

    max_items: int = 32
    _items: dict[tuple[Any, ...], StageOutcome] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def key(scenario: Scenario) -> tuple[Any, ...]:
        """Cache key: origin plus the overrides of keys owned by the twin."""
        twin_over = sorted((k, repr(v)) for k, v in scenario.overrides if stage_of_key(k) == "twin")
        return (scenario.origin, tuple(twin_over))

    def get(self, scenario: Scenario) -> StageOutcome:
        """The cached twin outcome for ``scenario``, running the twin on a miss."""
        k = self.key(scenario)
        with self._lock:
            hit = self._items.get(k)
        if hit is not None:
            return hit
        outcome = twin_stage(scenario)
        with self._lock:
            if len(self._items) >= self.max_items:
                self._items.pop(next(iter(self._items)))
            self._items[k] = outcome
        return outcome


def run_chain(
    scenario: Scenario,
    *,
    paths: int | None = DEFAULT_PATHS,
    seed: int | None = None,
    progress: ProgressFn | None = None,
    twin_cache: TwinCache | None = None,
    interactive: bool = False,
) -> Chain:
    """Run twin, economics and deal in order.

    Parameters
    ----------
    scenario
        The scenario [-].
    paths
        Monte Carlo price paths of the economics (``None``: the scenario's) [-].
    seed
        Random seed (``None``: the scenario's) [-].
    progress
        Called with a description before each stage [-].
    twin_cache
        Reuse twin results across calls [-].
    interactive
        Skip the slow extras (tornado, summits hindcast) for the dashboard and what-if runs [-].
    """
    say = progress or (lambda _msg: None)
    say("twin: hydraulics of the line")
    twin = twin_cache.get(scenario) if twin_cache is not None else twin_stage(scenario)
    say(
        f"economics: costs, tariff, cash flows ({'scenario default' if paths is None else paths} price paths)"
    )
    econ = economics_stage(scenario, twin, paths=paths, seed=seed, with_tornado=not interactive)
    say("deal: China's alternatives, reservation prices, bargaining")
    deal = deal_stage(scenario, twin, econ, hindcast=not interactive)
    return Chain(scenario, twin, econ, deal)
