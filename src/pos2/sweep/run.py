"""Run a sweep: validate, sample, skip stored points, chunk, execute, store, summarise.

Exactly-once: point ids come from the spec (:mod:`pos2.sweep.sampling`); a resumed run evaluates only
ids not yet in the store, and the store ignores a second write of an id. The client process writes each
chunk in one transaction, so an interruption (Ctrl-C, a killed client or worker) loses at most the chunks
in flight, which ``--resume`` evaluates again.

While it runs, the sweep keeps ``status.json`` in the output folder up to date (points stored, total,
failures, worker process ids, state), so other programs can follow it without opening the database.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pos2.errors import OutputError, ScenarioError
from pos2.scenario import load_scenario
from pos2.sweep.evaluator import Evaluator, load_evaluator
from pos2.sweep.execute import Chunk, ChunkLost, DaskExecutor, Executor, SerialExecutor
from pos2.sweep.progress import Progress, make_progress
from pos2.sweep.sampling import PointTable, sample_points
from pos2.sweep.spec import SweepSpec, check_size
from pos2.sweep.store import STORE_FILE, SweepStore

STATUS_FILE = "status.json"


@dataclass
class SweepSummary:
    """What a sweep invocation did (printed at the end and by ``--json``)."""

    name: str
    store: str
    executor: str
    points_total: int
    points_skipped: int
    """Already in the store when this run started (resume)."""
    points_run: int
    """Evaluated and stored by this run."""
    failures: int
    """Points of this run whose evaluation failed (stored with status ``error``)."""
    points_lost: int
    """Points whose chunk was lost (not stored; ``--resume`` retries them)."""
    points_stored: int
    wall_s: float
    points_per_s: float
    state: str
    """``done``, ``incomplete`` (chunks lost) or ``interrupted``."""
    stage_calls: dict[str, int] = field(default_factory=dict)
    """Cached-stage computations summed over workers (cache misses)."""
    lost_messages: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict."""
        return asdict(self)


def _sortable(values: np.ndarray) -> np.ndarray:
    return values if values.dtype != object else np.asarray([repr(x) for x in values])


def make_chunks(points: PointTable, group_keys: tuple[str, ...], chunk_size: int) -> list[Chunk]:
    """Split ``points`` into chunks of at most ``chunk_size``, sorted so a chunk shares upstream keys.

    Parameters
    ----------
    points
        The points still to evaluate.
    group_keys
        Swept keys the cached stages depend on; points are ordered by them (stable) before cutting,
        those whose values repeat first. A chunk's ``group`` holds the values of the repeating keys at
        its first point.
    chunk_size
        Points per chunk [-].
    """
    n = len(points)
    if n == 0:
        return []
    # only keys whose values repeat let chunks share cached stages: a key sampled continuously (Latin
    # hypercube, Sobol) has a new value at every point, and pinning its chunks to workers would only
    # stop Dask from balancing the load. Points are sorted by the repeating keys first (fewest distinct
    # values first), so that a continuous key listed earlier does not scatter their groups.
    distinct = {k: len(np.unique(_sortable(points.columns[k]))) for k in group_keys}
    shared = tuple(sorted((k for k in group_keys if distinct[k] < n), key=lambda k: distinct[k]))
    sort_keys = shared + tuple(k for k in group_keys if k not in shared)
    order = np.arange(n)
    if sort_keys:
        order = np.lexsort([_sortable(points.columns[k]) for k in reversed(sort_keys)])
    chunks = []
    for number, start in enumerate(range(0, n, chunk_size)):
        pos = order[start : start + chunk_size]
        sub = points.take(pos)
        group = tuple(sub.columns[k][0].item() if hasattr(sub.columns[k][0], "item") else sub.columns[k][0]
                      for k in shared)  # fmt: skip
        chunks.append(Chunk(number, sub.ids, sub.columns, group))
    return chunks


def _write_status(folder: Path, doc: dict[str, Any]) -> None:
    tmp = folder / (STATUS_FILE + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    os.replace(tmp, folder / STATUS_FILE)


def _alive(pid: Any) -> bool:
    """Whether process ``pid`` exists on this machine."""
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError, TypeError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def reconcile_status(folder: Path) -> dict[str, Any]:
    """``status.json`` of the sweep in ``folder``, with a dead run marked ``interrupted``.

    A sweep whose client was killed (``kill -9``, a lost terminal) could not write its own end: its
    status still says ``running``. When the client process no longer exists, the file is rewritten with
    ``state = "interrupted"`` and the points actually stored. Returns the (corrected) document, or an
    empty dict when there is no readable status.

    Parameters
    ----------
    folder
        Output folder of a sweep [-]
    """
    path = folder / STATUS_FILE
    try:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict) or doc.get("state") != "running" or _alive(doc.get("client_pid")):
        return doc if isinstance(doc, dict) else {}
    doc["state"] = "interrupted"
    with contextlib.suppress(OutputError):
        store = SweepStore.open(folder, read_only=True)
        try:
            doc["stored"] = store.count()
        finally:
            store.close()
    with contextlib.suppress(OSError):
        _write_status(folder, doc)
    return doc


def prepare(spec: SweepSpec, *, confirm: bool = False) -> tuple[Evaluator, tuple[str, ...], dict[str, Any]]:
    """Every check that can fail before any work: size, evaluator, outputs, base scenario.

    Returns the evaluator, the outputs to keep and their kinds.
    """
    check_size(spec, confirm)
    load_scenario(spec.scenario, spec.fixed)
    evaluator = load_evaluator(spec.evaluator, spec.scenario, spec.fixed, spec_path=spec.path)
    kinds = evaluator.output_kinds()
    outputs = spec.outputs or tuple(kinds)
    for o in outputs:
        if o not in kinds:
            hit = difflib.get_close_matches(o, list(kinds), n=1)
            hint = f" (did you mean '{hit[0]}'?)" if hit else f" (known: {', '.join(kinds)})"
            raise ScenarioError(f"unknown output{hint}", path=spec.path, field="sweep.outputs", value=o)
    return evaluator, outputs, {o: kinds[o] for o in outputs}


def run_sweep(
    spec: SweepSpec,
    out: Path,
    *,
    resume: bool = False,
    force: bool = False,
    confirm: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    executor: Executor | None = None,
    progress: bool = True,
) -> SweepSummary:
    """Run (or resume) ``spec``, storing results in ``out/sweep.duckdb``.

    Parameters
    ----------
    spec
        A validated spec.
    out
        Output folder (created if needed).
    resume
        Continue the sweep stored in ``out`` (evaluating only the points it lacks).
    force
        Replace an existing store instead of refusing.
    confirm
        Allow a spec above :data:`~pos2.sweep.spec.CONFIRM_POINTS` points.
    workers
        Local worker processes [-]; ``0`` evaluates in this process without Dask.
    scheduler
        Address of an existing Dask scheduler.
    executor
        An executor to use instead of building one from ``workers``/``scheduler``.
    progress
        Show a progress bar (rate, ETA) on stderr.

    Raises
    ------
    ScenarioError
        Bad spec (before any work).
    OutputError
        A store exists and neither ``resume`` nor ``force`` was given, or the folder is unusable.
    """
    evaluator, outputs, kinds = prepare(spec, confirm=confirm)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    points = sample_points(spec)
    exists = (out / STORE_FILE).exists()
    if exists and not resume and not force:
        raise OutputError(
            f"{out / STORE_FILE} exists; pass --resume to continue that sweep or --force to start over"
        )
    reconcile_status(out)
    store = SweepStore.open(out, spec) if resume and exists and not force else None
    own_executor = executor is None
    try:
        if executor is None:
            serial = workers == 0 and not scheduler
            executor = SerialExecutor() if serial else DaskExecutor(workers=workers, scheduler=scheduler)
        if store is None:
            store = SweepStore.create(out, spec, points.columns, kinds, force=force)
        done = store.done_ids()
        todo = np.flatnonzero(~np.isin(points.ids, done, assume_unique=True))
        chunks = make_chunks(points.take(todo), evaluator.upstream_keys(spec.keys), spec.chunk_size)
        return _execute(spec, out, store, evaluator, outputs, points, len(done), chunks, executor, progress)
    finally:
        try:
            if own_executor and executor is not None:
                executor.close()
        finally:
            if store is not None:
                store.close()


def _execute(
    spec: SweepSpec,
    out: Path,
    store: SweepStore,
    evaluator: Evaluator,
    outputs: tuple[str, ...],
    points: PointTable,
    skipped: int,
    chunks: list[Chunk],
    executor: Executor,
    show_progress: bool,
) -> SweepSummary:
    total = len(points)
    todo = sum(len(c.ids) for c in chunks)
    run_id = store.begin_run(executor.description)
    t0 = time.perf_counter()
    written = failures = lost = 0
    stage_calls: dict[str, int] = {}
    lost_messages: list[str] = []
    state = "interrupted"
    status: dict[str, Any] = {
        "name": spec.name,
        "total": total,
        "stored": skipped,
        "failures": store.failures(),
        "state": "running",
        "client_pid": os.getpid(),
        "worker_pids": [],
        "executor": executor.description,
    }
    bar: Progress = make_progress(show_progress, total=todo, description=spec.name)
    try:
        with bar, contextlib.ExitStack() as stack:
            results: Iterator[tuple[Chunk, Any]] = executor.map_chunks(evaluator, chunks, outputs, spec.keys)
            stack.callback(getattr(results, "close", lambda: None))  # stop the generator before the executor
            first = True
            for chunk, res in results:
                if first:
                    status["worker_pids"] = executor.worker_pids()
                    first = False
                if isinstance(res, ChunkLost):
                    lost += len(chunk.ids)
                    lost_messages.append(res.message)
                    bar.advance(len(chunk.ids), failures + lost)
                    continue
                n_new = store.write_chunk(run_id, chunk.columns, res)
                written += n_new
                failures += int((~res.ok).sum())
                for k, v in res.stage_calls.items():
                    stage_calls[k] = stage_calls.get(k, 0) + v
                bar.advance(len(chunk.ids), failures + lost)
                status.update(stored=skipped + written, failures=status["failures"] + int((~res.ok).sum()))
                _write_status(out, status)
            if not chunks:
                _write_status(out, status)
        state = "incomplete" if lost else "done"
    finally:
        wall = time.perf_counter() - t0
        store.end_run(run_id, written, failures, wall, state)
        status.update(state=state, stored=store.count())
        _write_status(out, status)
    return SweepSummary(
        name=spec.name,
        store=str(store.path),
        executor=executor.description,
        points_total=total,
        points_skipped=skipped,
        points_run=written,
        failures=failures,
        points_lost=lost,
        points_stored=store.count(),
        wall_s=wall,
        points_per_s=written / wall if wall > 0 else 0.0,
        state=state,
        stage_calls=stage_calls,
        lost_messages=lost_messages[:5],
    )
