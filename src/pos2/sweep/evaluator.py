"""The pluggable evaluator interface of sweeps, and staged evaluation with per-process caches.

A sweep sends chunks of points to workers; each worker calls :meth:`Evaluator.evaluate_chunk`. Any
object with the methods of :class:`Evaluator` (and picklable, importable on the workers) can be named in
a spec as ``evaluator = "module:Class"``; the class is called with ``scenario=`` (name or path) and
``fixed=`` (dict of overrides applied to every point).

:class:`StagedEvaluator` is the usual base. It splits an evaluation into **stages** — e.g. the twin
(hydraulics), China's supply LP, then the cheap per-point economics and bargaining. Each stage declares
the scenario key prefixes it depends on; its result is cached per worker process under the values of the
swept keys matching those prefixes (plus those of the stages it depends on). A change of
``contract.slope`` therefore reuses the cached hydraulics and LP: only :meth:`StagedEvaluator.finish` runs.

Caches live in module globals, so they survive from one chunk to the next on the same worker and are
shared by every evaluator instance with the same :meth:`StagedEvaluator.cache_token`.
"""

from __future__ import annotations

import os
import socket
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import numpy as np
from pydantic import ValidationError

from pos2.errors import ScenarioError
from pos2.scenario import Scenario, ScenarioModel, load_scenario

OutputKind = Literal["float", "bool"]

CACHE_ENTRIES_PER_STAGE = 512
"""Least-recently-used entries kept per stage and worker process."""


@dataclass
class ChunkResult:
    """What a worker returns for one chunk (columnar, so pickling stays cheap).

    ``outputs`` holds one float64 array per output (NaN where a point failed; booleans as 0/1).
    """

    ids: np.ndarray
    ok: np.ndarray
    errors: list[str | None]
    outputs: dict[str, np.ndarray]
    seconds: float
    worker: str
    stage_calls: dict[str, int] = field(default_factory=dict)
    """Stage computations (cache misses) during this chunk, by stage name."""


@runtime_checkable
class Evaluator(Protocol):
    """What a sweep needs from an evaluator (see the module docstring)."""

    def output_kinds(self) -> dict[str, OutputKind]:
        """Every output the evaluator can produce and its kind."""
        ...

    def upstream_keys(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """The subset of the swept ``keys`` that expensive (cached) stages depend on.

        The runner sorts points by these keys before chunking so that a chunk shares cached stages.
        """
        ...

    def warm(self, keys: tuple[str, ...]) -> None:
        """Load the base scenario and compute what depends on none of the swept ``keys`` (once per worker)."""
        ...

    def evaluate_chunk(
        self, ids: np.ndarray, columns: Mapping[str, np.ndarray], outputs: tuple[str, ...]
    ) -> ChunkResult:
        """Evaluate the points ``ids`` whose swept values are ``columns`` and keep ``outputs``."""
        ...


@dataclass(frozen=True)
class Stage:
    """One cached stage of a :class:`StagedEvaluator`.

    ``prefixes`` are the scenario key prefixes the stage reads (``"pipeline."``, ``"hormuz."``, or a whole
    key), minus the keys in ``exclude``; ``after`` names the stages whose results it uses (their keys
    become part of this stage's cache key). ``key``, when given, computes the cache key from the point's
    scenario and the upstream results instead (the pipeline's stage inputs,
    :mod:`pos2.pipeline`); the prefixes then only order the points so that chunks share stages.
    """

    name: str
    prefixes: tuple[str, ...]
    after: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    key: Callable[[Scenario, Mapping[str, Any]], Hashable] | None = None

    def reads(self, key: str) -> bool:
        """Whether the stage itself reads scenario key ``key``."""
        return key.startswith(self.prefixes) and key not in self.exclude


class _Failure:
    """A cached stage failure: every point sharing the stage key fails with the same message."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class _StageCache:
    def __init__(self) -> None:
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.calls = 0

    def get(self, key: Hashable) -> Any:
        hit = self.entries.get(key, _MISSING)
        if hit is not _MISSING:
            self.entries.move_to_end(key)
        return hit

    def put(self, key: Hashable, value: Any) -> None:
        self.entries[key] = value
        if len(self.entries) > CACHE_ENTRIES_PER_STAGE:
            self.entries.popitem(last=False)


_MISSING = object()
_CROSS_SECTION = False  # set below, once ScenarioModel is importable
_BASES: dict[str, Scenario] = {}
_CACHES: dict[str, dict[str, _StageCache]] = {}


def stage_calls(token: str) -> dict[str, int]:
    """Stage computations so far in this process for evaluators with cache token ``token``."""
    return {name: c.calls for name, c in _CACHES.get(token, {}).items()}


def clear_caches() -> None:
    """Forget every cached base scenario and stage result in this process."""
    _BASES.clear()
    _CACHES.clear()


def _scenario_has_cross_section_validators() -> bool:
    decorators = getattr(ScenarioModel, "__pydantic_decorators__", None)
    return bool(decorators and (decorators.model_validators or decorators.field_validators))


def apply_overrides(base: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    """``base`` with ``overrides`` applied, re-validating only the sections they touch.

    Equivalent to :meth:`Scenario.with_overrides` (every touched section is validated with its own
    validators) but about twenty times faster, because untouched sections are shared, not re-validated.
    When the whole-scenario model has validators of its own, it falls back to ``with_overrides``.

    Parameters
    ----------
    base
        Scenario the overrides apply to.
    overrides
        Dotted key -> value.

    Raises
    ------
    ScenarioError
        A value the section's schema rejects (naming the key and the value).
    """
    if _CROSS_SECTION or any("." not in k for k in overrides):
        return base.with_overrides(dict(overrides))
    by_section: dict[str, dict[str, Any]] = {}
    for key, value in overrides.items():
        top, _, rest = key.partition(".")
        by_section.setdefault(top, {})[rest] = value
    update: dict[str, Any] = {}
    for top, changes in by_section.items():
        section = getattr(base.model, top)
        raw = section.model_dump()
        for rest, value in changes.items():
            obj = raw
            parts = rest.split(".")
            for p in parts[:-1]:
                obj = obj[p]
            obj[parts[-1]] = value
        try:
            update[top] = type(section).model_validate(raw)
        except ValidationError as e:
            err = e.errors()[0]
            loc = ".".join(str(x) for x in err["loc"])
            key = f"{top}.{loc}" if loc else top
            value = err.get("input") if not isinstance(err.get("input"), dict) else changes
            raise ScenarioError(err["msg"], path="sweep point", field=key, value=value) from None
    model = base.model.model_copy(update=update)
    return Scenario(model, base.sources, base.origin, base.overrides + tuple(overrides.items()))


def describe_error(e: BaseException) -> str:
    """``TypeName: message`` of an exception, as stored in the results."""
    return f"{type(e).__name__}: {e}"


class StagedEvaluator(ABC):
    """Base class of evaluators made of cached stages and a cheap per-point finish.

    Parameters
    ----------
    scenario
        Embedded scenario name or path of a scenario TOML file.
    fixed
        Overrides (dotted key -> value) applied to every point.
    """

    stages: ClassVar[tuple[Stage, ...]] = ()

    def __init__(self, scenario: str = "pos2", fixed: Mapping[str, Any] | None = None) -> None:
        self.scenario = scenario
        self.fixed = dict(fixed or {})

    # -- to implement --------------------------------------------------------------------------------
    @abstractmethod
    def output_kinds(self) -> dict[str, OutputKind]:
        """Every output the evaluator can produce and its kind."""

    @abstractmethod
    def compute_stage(self, name: str, scenario: Scenario, upstream: Mapping[str, Any]) -> Any:
        """Compute stage ``name`` for ``scenario``; ``upstream`` holds the results of its ``after`` stages.

        It must read only the scenario keys under the stage's ``prefixes`` (the cache key).
        """

    @abstractmethod
    def finish(self, scenario: Scenario, results: Mapping[str, Any]) -> Mapping[str, float | bool]:
        """The outputs of one point from its scenario and every stage's result."""

    def prepare(self, scenario: Scenario) -> Scenario:
        """A point's scenario before its stages run (default: as given); may raise to fail the point."""
        return scenario

    def finish_chunk(
        self, scenarios: Sequence[Scenario], results: Sequence[Mapping[str, Any]]
    ) -> list[Mapping[str, float | bool] | Exception]:
        """The outputs of many points at once (override to vectorise the finish over a chunk).

        Returns one entry per point: its outputs, or the exception that made it fail. The default calls
        :meth:`finish` point by point.
        """
        out: list[Mapping[str, float | bool] | Exception] = []
        for scn, res in zip(scenarios, results, strict=True):
            try:
                out.append(self.finish(scn, res))
            except Exception as e:
                out.append(e)
        return out

    # -- machinery -----------------------------------------------------------------------------------
    def cache_token(self) -> str:
        """Identifies the cache: evaluator class, base scenario and fixed overrides."""
        cls = type(self)
        return f"{cls.__module__}:{cls.__qualname__}|{self.scenario}|{sorted(self.fixed.items())!r}"

    def base_scenario(self) -> Scenario:
        """The base scenario with the fixed overrides (loaded once per process)."""
        token = self.cache_token()
        base = _BASES.get(token)
        if base is None:
            base = load_scenario(self.scenario, self.fixed)
            _BASES[token] = base
        return base

    def _stage_deps(self) -> dict[str, tuple[Stage, ...]]:
        """Each stage with the stages it depends on (transitively), itself first."""
        by_name = {s.name: s for s in self.stages}
        out: dict[str, tuple[Stage, ...]] = {}
        for s in self.stages:
            deps = [s]
            todo = list(s.after)
            while todo:
                dep = by_name[todo.pop()]
                if dep not in deps:
                    deps.append(dep)
                todo.extend(dep.after)
            out[s.name] = tuple(deps)
        return out

    def stage_keys(self, keys: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        """For each stage, the swept ``keys`` its cache key is made of (its own and its upstream's)."""
        deps = self._stage_deps()
        return {name: tuple(k for k in keys if any(d.reads(k) for d in ds)) for name, ds in deps.items()}

    def upstream_keys(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """Swept keys that any cached stage depends on."""
        return tuple(k for k in keys if any(s.reads(k) for s in self.stages))

    def _caches(self) -> dict[str, _StageCache]:
        token = self.cache_token()
        caches = _CACHES.get(token)
        if caches is None:
            caches = {s.name: _StageCache() for s in self.stages}
            _CACHES[token] = caches
        return caches

    def warm(self, keys: tuple[str, ...] = ()) -> None:
        """Load the base scenario and compute every stage that depends on none of the swept ``keys``.

        Parameters
        ----------
        keys
            The swept keys of the sweep about to run.
        """
        base = self.prepare(self.base_scenario())
        caches = self._caches()
        swept = self.stage_keys(keys)
        results: dict[str, Any] = {}
        for s in self.stages:
            if swept[s.name]:
                continue
            if any(dep not in results for dep in s.after):
                continue
            key: Hashable = s.key(base, results) if s.key is not None else ((), ())
            hit = caches[s.name].get(key)
            if hit is _MISSING:
                try:
                    hit = self.compute_stage(s.name, base, results)
                except Exception as e:
                    hit = _Failure(f"stage {s.name}: {describe_error(e)}")
                caches[s.name].calls += 1
                caches[s.name].put(key, hit)
            if not isinstance(hit, _Failure):
                results[s.name] = hit

    def evaluate_chunk(
        self, ids: np.ndarray, columns: Mapping[str, np.ndarray], outputs: tuple[str, ...]
    ) -> ChunkResult:
        """Evaluate a chunk of points; a failing point is recorded, never raised.

        Parameters
        ----------
        ids
            Point ids [-].
        columns
            Swept key -> values of the chunk's points (same length as ``ids``).
        outputs
            Names of the outputs to keep.
        """
        t0 = time.perf_counter()
        n = int(ids.shape[0])
        base = self.base_scenario()
        caches = self._caches()
        calls0 = {k: c.calls for k, c in caches.items()}
        keys = tuple(columns)
        pycols = {k: np.asarray(v).tolist() for k, v in columns.items()}
        stage_cols = self.stage_keys(keys)
        out = {name: np.full(n, np.nan) for name in outputs}
        ok = np.zeros(n, dtype=bool)
        errors: list[str | None] = [None] * n
        todo: list[int] = []
        todo_scenarios: list[Scenario] = []
        todo_results: list[dict[str, Any]] = []
        for i in range(n):
            over = {k: pycols[k][i] for k in keys}
            try:
                scn = self.prepare(apply_overrides(base, over))
                results: dict[str, Any] = {}
                failed: str | None = None
                for s in self.stages:
                    names = stage_cols[s.name]
                    key: Hashable = (
                        s.key(scn, results)
                        if s.key is not None
                        else (names, tuple(pycols[k][i] for k in names))
                    )
                    cache = caches[s.name]
                    hit = cache.get(key)
                    if hit is _MISSING:
                        try:
                            hit = self.compute_stage(s.name, scn, results)
                        except Exception as e:
                            hit = _Failure(f"stage {s.name}: {describe_error(e)}")
                        cache.calls += 1
                        cache.put(key, hit)
                    if isinstance(hit, _Failure):
                        failed = hit.message
                        break
                    results[s.name] = hit
                if failed is not None:
                    errors[i] = failed
                    continue
            except Exception as e:
                errors[i] = describe_error(e)
                continue
            todo.append(i)
            todo_scenarios.append(scn)
            todo_results.append(results)
        try:
            finished = self.finish_chunk(todo_scenarios, todo_results)
        except Exception:  # a failure of the batch as a whole: find the failing points one by one
            finished = StagedEvaluator.finish_chunk(self, todo_scenarios, todo_results)
        for i, values in zip(todo, finished, strict=True):
            if isinstance(values, Exception):
                errors[i] = describe_error(values)
                continue
            try:
                row = [float(values[name]) for name in outputs]
            except Exception as e:
                errors[i] = describe_error(e)
                continue
            for name, x in zip(outputs, row, strict=True):
                out[name][i] = x
            ok[i] = True
        calls = {k: c.calls - calls0[k] for k, c in caches.items()}
        return ChunkResult(
            ids=np.asarray(ids, dtype=np.int64),
            ok=ok,
            errors=errors,
            outputs=out,
            seconds=time.perf_counter() - t0,
            worker=f"{socket.gethostname()}:{os.getpid()}",
            stage_calls=calls,
        )


def load_evaluator(
    path: str, scenario: str, fixed: Mapping[str, Any], *, spec_path: str = "<spec>"
) -> Evaluator:
    """Import ``module:attribute`` and build the evaluator with the spec's scenario and fixed overrides.

    Parameters
    ----------
    path
        ``module:attribute`` of a class (or factory) accepting ``scenario=`` and ``fixed=``.
    scenario
        Embedded scenario name or scenario file path.
    fixed
        Overrides applied to every point.
    spec_path
        Spec file named in error messages.

    Raises
    ------
    ScenarioError
        The module or attribute cannot be imported, or the object is not an :class:`Evaluator`.
    """
    mod_name, _, attr = path.partition(":")
    try:
        mod = import_module(mod_name)
    except ImportError as e:
        raise ScenarioError(
            f"cannot import the evaluator: {e}", path=spec_path, field="sweep.evaluator", value=path
        ) from None
    obj: Any = mod
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ScenarioError(
                f"module '{mod_name}' has no '{attr}'", path=spec_path, field="sweep.evaluator", value=path
            )
        obj = getattr(obj, part)
    if not callable(obj):
        raise ScenarioError(
            f"'{path}' is a {type(obj).__name__}, not an evaluator class (module:Class)",
            path=spec_path,
            field="sweep.evaluator",
            value=path,
        )
    try:
        ev = obj(scenario=scenario, fixed=dict(fixed))
    except TypeError as e:
        raise ScenarioError(
            f"cannot build the evaluator with scenario= and fixed= ({e})",
            path=spec_path,
            field="sweep.evaluator",
            value=path,
        ) from None
    if not isinstance(ev, Evaluator):
        raise ScenarioError(
            "not a sweep evaluator (needs output_kinds, upstream_keys, warm, evaluate_chunk)",
            path=spec_path,
            field="sweep.evaluator",
            value=path,
        )
    return ev


_CROSS_SECTION = _scenario_has_cross_section_validators()
