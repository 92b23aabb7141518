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
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import numpy as np

from pos2.errors import ScenarioError
from pos2.scenario import Scenario, load_scenario

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

    ``prefixes`` are the scenario key prefixes the stage reads (``"pipeline."``, ``"hormuz."``); ``after``
    names the stages whose results it uses (their keys become part of this stage's cache key).
    """

    name: str
    prefixes: tuple[str, ...]
    after: tuple[str, ...] = ()


class _Failure:
    """A cached stage failure: every point sharing the stage key fails with the same message."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class _StageCache:
    def __init__(self) -> None:
        self.entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.calls = 0

    def get(self, key: tuple[Any, ...]) -> Any:
        hit = self.entries.get(key, _MISSING)
        if hit is not _MISSING:
            self.entries.move_to_end(key)
        return hit

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        self.entries[key] = value
        if len(self.entries) > CACHE_ENTRIES_PER_STAGE:
            self.entries.popitem(last=False)


_MISSING = object()
_BASES: dict[str, Scenario] = {}
_CACHES: dict[str, dict[str, _StageCache]] = {}


def stage_calls(token: str) -> dict[str, int]:
    """Stage computations so far in this process for evaluators with cache token ``token``."""
    return {name: c.calls for name, c in _CACHES.get(token, {}).items()}


def clear_caches() -> None:
    """Forget every cached base scenario and stage result in this process."""
    _BASES.clear()
    _CACHES.clear()


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

    def _stage_prefixes(self) -> dict[str, tuple[str, ...]]:
        by_name = {s.name: s for s in self.stages}
        out: dict[str, tuple[str, ...]] = {}
        for s in self.stages:
            pref = list(s.prefixes)
            todo = list(s.after)
            while todo:
                dep = by_name[todo.pop()]
                pref.extend(dep.prefixes)
                todo.extend(dep.after)
            out[s.name] = tuple(dict.fromkeys(pref))
        return out

    def upstream_keys(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """Swept keys that any cached stage depends on."""
        prefixes = tuple(p for s in self.stages for p in s.prefixes)
        return tuple(k for k in keys if k.startswith(prefixes))

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
        base = self.base_scenario()
        caches = self._caches()
        prefixes = self._stage_prefixes()
        results: dict[str, Any] = {}
        for s in self.stages:
            if any(k.startswith(prefixes[s.name]) for k in keys):
                continue
            if any(dep not in results for dep in s.after):
                continue
            key: tuple[Any, ...] = ((), ())
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
        prefixes = self._stage_prefixes()
        stage_cols = {s.name: tuple(k for k in keys if k.startswith(prefixes[s.name])) for s in self.stages}
        out = {name: np.full(n, np.nan) for name in outputs}
        ok = np.zeros(n, dtype=bool)
        errors: list[str | None] = [None] * n
        for i in range(n):
            over = {k: pycols[k][i] for k in keys}
            try:
                scn = base.with_overrides(over)
                results: dict[str, Any] = {}
                failed: str | None = None
                for s in self.stages:
                    names = stage_cols[s.name]
                    key = (names, tuple(pycols[k][i] for k in names))
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
                values = self.finish(scn, results)
                for name in outputs:
                    out[name][i] = float(values[name])
                ok[i] = True
            except Exception as e:
                errors[i] = describe_error(e)
                for name in outputs:
                    out[name][i] = np.nan
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
    ev = obj(scenario=scenario, fixed=dict(fixed))
    if not isinstance(ev, Evaluator):
        raise ScenarioError(
            "not a sweep evaluator (needs output_kinds, upstream_keys, warm, evaluate_chunk)",
            path=spec_path,
            field="sweep.evaluator",
            value=path,
        )
    return ev
