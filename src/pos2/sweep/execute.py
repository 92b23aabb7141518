"""Executors: where chunks of points are evaluated.

* :class:`SerialExecutor` evaluates chunks in the calling process (``--workers 0``; tests, debugging).
* :class:`DaskExecutor` sends one task per chunk to a Dask cluster: a :class:`distributed.LocalCluster`
  of worker *processes* by default, or an existing scheduler (``--scheduler ADDRESS``). It keeps a
  bounded number of chunks in flight and yields results as they complete; the client process alone
  writes them to the store.

A chunk whose task fails for a reason outside the model (a worker lost three times, a cancelled task)
is yielded as a :class:`ChunkLost`; its points are not stored, so ``--resume`` evaluates them again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from pos2.errors import Pos2Error
from pos2.sweep.evaluator import ChunkResult, Evaluator, describe_error


@dataclass(frozen=True)
class Chunk:
    """A chunk of points: its number in this run, ids and swept values.

    ``group`` holds the values of the cached stages' swept keys at the chunk's first point (empty when
    no such key repeats); the Dask executor gives each worker an equal contiguous run of the (sorted)
    chunks, so that workers solve the expensive stages of fewer groups without one of them idling.
    """

    number: int
    ids: np.ndarray
    columns: dict[str, np.ndarray]
    group: tuple[Any, ...] = ()


@dataclass(frozen=True)
class ChunkLost:
    """A chunk that could not be evaluated (infrastructure failure); it is retried by ``--resume``."""

    chunk: Chunk
    message: str


class Executor(Protocol):
    """Evaluates chunks and yields ``(chunk, result)`` pairs in completion order."""

    description: str

    def map_chunks(
        self, evaluator: Evaluator, chunks: Iterable[Chunk], outputs: tuple[str, ...], keys: tuple[str, ...]
    ) -> Iterator[tuple[Chunk, ChunkResult | ChunkLost]]:
        """Evaluate every chunk."""
        ...

    def worker_pids(self) -> list[int]:
        """Process ids of the workers (empty when unknown)."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...


class SerialExecutor:
    """Evaluate chunks one after the other in this process."""

    description = "serial (in-process)"

    def map_chunks(
        self, evaluator: Evaluator, chunks: Iterable[Chunk], outputs: tuple[str, ...], keys: tuple[str, ...]
    ) -> Iterator[tuple[Chunk, ChunkResult | ChunkLost]]:
        """Evaluate every chunk in order."""
        evaluator.warm(keys)
        for c in chunks:
            yield c, evaluator.evaluate_chunk(c.ids, c.columns, outputs)

    def worker_pids(self) -> list[int]:
        """This process."""
        return [os.getpid()]

    def close(self) -> None:
        """Nothing to release."""


def _run_chunk(
    evaluator: Evaluator, ids: np.ndarray, columns: dict[str, np.ndarray], outputs: tuple[str, ...]
) -> ChunkResult:
    return evaluator.evaluate_chunk(ids, columns, outputs)


def _warm(evaluator: Evaluator, keys: tuple[str, ...]) -> int:
    evaluator.warm(keys)
    return os.getpid()


def plan_workers(n_chunks: int, addresses: list[str]) -> list[str]:
    """Worker of each chunk: contiguous runs of equal length, one per worker.

    Chunks come sorted by the cached stages' keys, so contiguous runs keep a group on one worker (a group
    is split at most ``len(addresses) - 1`` times in all) while every worker gets the same number of
    chunks.

    Parameters
    ----------
    n_chunks
        Number of chunks [-].
    addresses
        Worker addresses [-].
    """
    w = len(addresses)
    return [addresses[i * w // n_chunks] for i in range(n_chunks)]


def submission_order(plan: list[str]) -> list[int]:
    """Positions of the chunks in the order to submit them: round robin over the workers of ``plan``.

    Only a few chunks are in flight at a time; submitting in plan order would queue them all on the first
    worker while the others idle.

    Parameters
    ----------
    plan
        Worker of each chunk, as from :func:`plan_workers` [-].
    """
    runs: dict[str, list[int]] = {}
    for pos, worker in enumerate(plan):
        runs.setdefault(worker, []).append(pos)
    queues = list(runs.values())
    longest = max((len(q) for q in queues), default=0)
    return [q[k] for k in range(longest) for q in queues if k < len(q)]


WORKER_ENVIRON_KEY = "distributed.nanny.pre-spawn-environ"
"""Dask's setting for the environment its nanny gives a worker process before starting it."""


def _worker_environ() -> dict[str, str | None]:
    """Dask's worker environment without its glibc trim threshold (``None`` unsets a variable) and
    with pos2's application settings (:mod:`pos2.runtime`)."""
    import dask

    from pos2.runtime import APP_ENVIRONMENT

    env: dict[str, str | None] = dict(dask.config.get(WORKER_ENVIRON_KEY, {}) or {})
    env["MALLOC_TRIM_THRESHOLD_"] = None
    env.update(APP_ENVIRONMENT)
    return env


class DaskExecutor:
    """Evaluate chunks on a Dask cluster (local worker processes, or an existing scheduler).

    Parameters
    ----------
    workers
        Number of local worker processes (one thread each) when ``scheduler`` is ``None`` [-].
    scheduler
        Address of an existing Dask scheduler, e.g. ``tcp://127.0.0.1:8786``.
    in_flight_per_worker
        Chunks submitted ahead per worker [-].
    processes
        Local workers as processes (default) or threads (for in-process tests).
    connect_timeout_s
        How long to wait for an existing scheduler [s].
    """

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        *,
        in_flight_per_worker: int = 3,
        processes: bool = True,
        connect_timeout_s: float = 20.0,
    ) -> None:
        from distributed import Client, LocalCluster

        self._cluster: Any = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=connect_timeout_s)
            except OSError as e:
                raise Pos2Error(f"cannot connect to the Dask scheduler at {scheduler}: {e}") from None
            self.description = f"dask scheduler {scheduler}"
        else:
            import dask

            n = workers or max(1, os.cpu_count() or 1)
            # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 (memory handed back to the
            # system at once); a deal point frees and re-allocates tens of MB of arrays, each then
            # faulted in again: 1.23 s a point against 0.54 s without (BENCHMARKS.md). The nanny
            # reads this when it is created, and re-uses it when it restarts a worker.
            with dask.config.set({WORKER_ENVIRON_KEY: _worker_environ()}):
                self._cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=processes,
                    dashboard_address=":0",  # any free port: never collides with another cluster
                    silence_logs=logging.CRITICAL,  # worker shutdown chatter after a Ctrl-C is not news
                    worker_dashboard_address=None,
                    preload=["pos2.sweep.worker_setup"] if processes else [],
                )
            self.client = Client(self._cluster)
            self.description = f"dask local cluster, {n} worker {'processes' if processes else 'threads'}"
        self._pids: list[int] = []
        self.in_flight_per_worker = in_flight_per_worker

    def _n_workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1).get("workers", {}))

    def worker_pids(self) -> list[int]:
        """Process ids of the workers at the time the sweep started."""
        return list(self._pids)

    def map_chunks(
        self, evaluator: Evaluator, chunks: Iterable[Chunk], outputs: tuple[str, ...], keys: tuple[str, ...]
    ) -> Iterator[tuple[Chunk, ChunkResult | ChunkLost]]:
        """Submit chunks (a bounded number ahead) and yield them as they complete."""
        from distributed import as_completed

        client = self.client
        if self._n_workers() == 0:
            client.wait_for_workers(1, timeout=60)
        try:
            self._pids = sorted(set(client.run(_warm, evaluator, keys).values()))
            ev_future = client.scatter(evaluator, broadcast=True, hash=False)
        except Pos2Error:
            raise
        except Exception as e:
            raise Pos2Error(f"the Dask workers cannot load the evaluator: {describe_error(e)}") from None
        tag = uuid.uuid4().hex[:8]
        limit = self.in_flight_per_worker * max(1, self._n_workers())
        todo = list(chunks)
        pending: dict[str, tuple[Chunk, Any]] = {}
        ac = as_completed()
        addresses = sorted(client.scheduler_info(n_workers=-1).get("workers", {}))
        plan = plan_workers(len(todo), addresses) if addresses else []
        it = iter((pos, todo[pos]) for pos in submission_order(plan))

        def submit_next() -> bool:
            nxt = next(it, None)
            if nxt is None:
                return False
            pos, c = nxt
            key = f"pos2-sweep-{tag}-{c.number}"
            where: dict[str, Any] = {}
            if c.group and len(addresses) > 1:
                where = {"workers": [plan[pos]], "allow_other_workers": True}
            fut = client.submit(
                _run_chunk, ev_future, c.ids, c.columns, outputs, key=key, pure=False, **where
            )
            pending[key] = (c, fut)
            ac.add(fut)
            return True

        for _ in range(limit):
            if not submit_next():
                break
        try:
            for fut in ac:
                c, _ = pending.pop(fut.key)
                try:
                    res: ChunkResult | ChunkLost = fut.result()
                except Exception as e:
                    res = ChunkLost(c, describe_error(e))
                fut.release()
                yield c, res
                submit_next()
        finally:
            if pending and client.status == "running":
                with contextlib.suppress(Exception):
                    client.cancel([f for _, f in pending.values()], force=True)
            pending.clear()

    def close(self) -> None:
        """Close the client and, for a local cluster, stop its workers."""
        try:
            self.client.close(timeout=10)
        finally:
            if self._cluster is not None:
                self._cluster.close(timeout=10)
