"""The embedded results store of a sweep: one DuckDB file, one row per evaluated point.

Tables

``points``
    ``point_id`` (primary key), ``run_id``, ``status`` (``ok`` / ``error``), ``error`` (message of a
    failed point), one column per swept key (named by the key, e.g. ``"contract.slope"``) and one per
    output.
``meta``
    ``key``/``value`` pairs: the spec's fingerprint and text, swept keys, outputs and their kinds.
``runs``
    One row per invocation (start, end, points written, failures, wall time, executor, state). The
    points and failures are counted up with every chunk, in the chunk's transaction; a run whose
    process was killed (``kill -9``, a lost machine) keeps the state ``running`` in the file and is
    shown and, on the next writable open, recorded as ``interrupted``: while a writer holds the file no
    other process can open it, so a ``running`` row found by another process is a dead run.

Only the client process writes, one transaction per chunk, with ``ON CONFLICT DO NOTHING`` on the
primary key: a chunk written twice (a resumed sweep racing a late result) cannot duplicate a point.
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pos2.errors import OutputError, ScenarioError
from pos2.sweep.evaluator import ChunkResult, OutputKind
from pos2.sweep.spec import SweepSpec

STORE_FILE = "sweep.duckdb"
RESERVED = ("point_id", "run_id", "status", "error")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_type(values: np.ndarray) -> str:
    if values.dtype == bool:
        return "BOOLEAN"
    if np.issubdtype(values.dtype, np.number):
        return "DOUBLE"
    return "VARCHAR"


@contextlib.contextmanager
def _defer_sigint() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT) until the block ends, so a chunk's transaction is never cut in half."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and callable(previous):
        previous(signal.SIGINT, None)
    elif caught and previous != signal.SIG_IGN:
        raise KeyboardInterrupt


def damaged_message(path: Path, error: BaseException) -> str:
    """What to say about a store that cannot be read, and how to go on."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return (
        f"{path} is damaged or not a sweep store ({first[:200]}); its results cannot be read. Start the "
        f"sweep afresh with --force (this deletes {path.name}), or move the file away first to keep it"
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SweepStore:
    """A sweep's DuckDB store (open it with :meth:`create` or :meth:`open`)."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.con = con
        self.active_run: int | None = None
        """The run this process is writing (``None`` when none)."""
        try:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            self.meta = meta
            self.keys: tuple[str, ...] = tuple(json.loads(meta["keys"]))
            self.output_kinds: dict[str, OutputKind] = json.loads(meta["output_kinds"])
            con.execute("SELECT count(*) FROM points").fetchall()
            con.execute("SELECT count(*) FROM runs").fetchall()
        except (duckdb.Error, KeyError, TypeError, ValueError) as e:
            con.close()
            raise OutputError(damaged_message(path, e)) from None
        self._insert_cols = ", ".join(_q(c) for c in (*RESERVED, *self.keys, *self.output_kinds))

    # -- opening -------------------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        folder: Path,
        spec: SweepSpec,
        inputs: Mapping[str, np.ndarray],
        output_kinds: Mapping[str, OutputKind],
        *,
        force: bool = False,
    ) -> SweepStore:
        """Create a new store in ``folder`` for ``spec`` (refusing to replace one unless ``force``).

        Parameters
        ----------
        folder
            Output folder of the sweep.
        spec
            The sweep spec.
        inputs
            Swept key -> sample values (their dtype sets the column type).
        output_kinds
            Output name -> ``float`` / ``bool``.
        force
            Replace an existing store.
        """
        path = folder / STORE_FILE
        if path.exists():
            if not force:
                raise OutputError(
                    f"{path} exists; pass --resume to continue that sweep or --force to start over"
                )
            path.unlink()
            wal = path.with_name(path.name + ".wal")
            if wal.exists():
                wal.unlink()
        clash = [n for n in output_kinds if n in RESERVED or n in inputs]
        if clash:
            raise ScenarioError(
                "output name clashes with a column of the store",
                path=spec.path,
                field="sweep.outputs",
                value=clash[0],
            )
        con = cls._connect(path)
        cols = [
            "point_id BIGINT PRIMARY KEY",
            "run_id INTEGER NOT NULL",
            "status VARCHAR NOT NULL",
            "error VARCHAR",
        ]
        cols += [f"{_q(k)} {_sql_type(v)}" for k, v in inputs.items()]
        cols += [f"{_q(k)} {'BOOLEAN' if kind == 'bool' else 'DOUBLE'}" for k, kind in output_kinds.items()]
        meta = {
            "fingerprint": spec.fingerprint(),
            "name": spec.name,
            "method": spec.method,
            "spec_path": spec.path,
            "spec": json.dumps(
                {
                    "scenario": spec.scenario,
                    "samples": spec.samples,
                    "seed": spec.seed,
                    "fixed": spec.fixed,
                    "evaluator": spec.evaluator,
                    "parameters": [p.canonical() for p in spec.parameters],
                },
                default=str,
            ),
            "n_points": str(spec.n_points()),
            "keys": json.dumps(list(inputs)),
            "output_kinds": json.dumps(dict(output_kinds)),
            "created_utc": _now(),
        }
        con.execute("BEGIN TRANSACTION")
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        con.execute(f"CREATE TABLE points ({', '.join(cols)})")
        con.execute(
            "CREATE TABLE runs (run_id INTEGER PRIMARY KEY, started_utc VARCHAR, finished_utc VARCHAR, "
            "points BIGINT, failures BIGINT, wall_s DOUBLE, executor VARCHAR, state VARCHAR)"
        )
        con.execute("COMMIT")
        return cls(path, con)

    @classmethod
    def open(cls, folder: Path, spec: SweepSpec | None = None, *, read_only: bool = False) -> SweepStore:
        """Open the store in ``folder``; with ``spec``, check that it was made by that same spec.

        Parameters
        ----------
        folder
            Output folder of the sweep.
        spec
            The spec being resumed (its fingerprint must match the store's).
        read_only
            Open without write access (for reports).
        """
        path = folder / STORE_FILE
        if not path.exists():
            raise OutputError(f"no sweep results in {folder} ({STORE_FILE} not found)")
        con = cls._connect(path, read_only=read_only)
        store = cls(path, con)
        if not read_only:
            # this process holds the only write lock: a run still 'running' is one whose process died
            store.con.execute("UPDATE runs SET state = 'interrupted' WHERE state = 'running'")
        if spec is not None and store.meta.get("fingerprint") != spec.fingerprint():
            con.close()
            raise ScenarioError(
                f"the spec changed since {path} was created (name {store.meta.get('name')!r}, "
                f"{store.meta.get('n_points')} points); use --force to start over or another --out",
                path=spec.path,
            )
        return store

    @staticmethod
    def _connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as e:
            if "lock" in str(e).lower():
                raise OutputError(
                    f"cannot open {path}: another process is writing it (a sweep still running?)"
                ) from None
            raise OutputError(damaged_message(path, e)) from None
        except duckdb.Error as e:
            raise OutputError(damaged_message(path, e)) from None

    # -- writing -------------------------------------------------------------------------------------
    def begin_run(self, executor: str) -> int:
        """Record the start of an invocation and return its ``run_id``."""
        run_id = int(self.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchall()[0][0])
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, NULL, 0, 0, NULL, ?, 'running')", [run_id, _now(), executor]
        )
        self.active_run = run_id
        return run_id

    def end_run(self, run_id: int, points: int, failures: int, wall_s: float, state: str) -> None:
        """Record the end of an invocation."""
        self.con.execute(
            "UPDATE runs SET finished_utc = ?, points = ?, failures = ?, wall_s = ?, state = ? "
            "WHERE run_id = ?",
            [_now(), points, failures, wall_s, state, run_id],
        )
        if self.active_run == run_id:
            self.active_run = None

    def write_chunk(self, run_id: int, inputs: Mapping[str, np.ndarray], result: ChunkResult) -> int:
        """Write one chunk in one transaction; returns the number of new rows.

        Parameters
        ----------
        run_id
            The invocation writing the rows.
        inputs
            Swept key -> values of the chunk's points, aligned with ``result.ids``.
        result
            The worker's result for the chunk.
        """
        n = int(result.ids.shape[0])
        data: dict[str, Any] = {
            "point_id": result.ids,
            "run_id": np.full(n, run_id, dtype=np.int32),
            "status": np.where(result.ok, "ok", "error").astype(object),
            "error": np.asarray(result.errors, dtype=object),
        }
        for k in self.keys:
            data[k] = inputs[k]
        for name, kind in self.output_kinds.items():
            vals = result.outputs.get(name)
            if vals is None:
                vals = np.full(n, np.nan)
            if kind == "bool":
                data[name] = pd.array(np.where(np.isnan(vals), 0.0, vals) != 0.0, dtype="boolean")
                data[name][np.isnan(vals)] = pd.NA
            else:
                data[name] = vals
        frame = pd.DataFrame(data)
        con = self.con
        with _defer_sigint():
            con.execute("BEGIN TRANSACTION")
            try:
                before = self._count()
                con.register("chunk_frame", frame)
                con.execute(
                    f"INSERT INTO points ({self._insert_cols}) SELECT {self._insert_cols} FROM chunk_frame "
                    "ON CONFLICT DO NOTHING"
                )
                con.unregister("chunk_frame")
                written = self._count() - before
                con.execute(
                    "UPDATE runs SET points = points + ?, failures = failures + ? WHERE run_id = ?",
                    [written, int((~result.ok).sum()), run_id],
                )
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.TransactionException):
                    con.execute("ROLLBACK")
                raise
        return written

    def _count(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM points").fetchall()[0][0])

    # -- reading -------------------------------------------------------------------------------------
    def done_ids(self) -> np.ndarray:
        """Ids of every stored point (ok or failed)."""
        return np.asarray(
            self.con.execute("SELECT point_id FROM points ORDER BY point_id").fetchnumpy()["point_id"],
            dtype=np.int64,
        )

    def count(self) -> int:
        """Number of stored points."""
        return self._count()

    def failures(self) -> int:
        """Number of stored failed points."""
        return int(self.con.execute("SELECT count(*) FROM points WHERE status <> 'ok'").fetchall()[0][0])

    def frame(self) -> pd.DataFrame:
        """Every stored point, ordered by ``point_id``."""
        return self.con.execute("SELECT * FROM points ORDER BY point_id").df()

    def runs(self) -> pd.DataFrame:
        """The invocations recorded in the store; a ``running`` run of another, dead, process is shown
        as ``interrupted`` (see the module docstring)."""
        return self.con.execute(
            "SELECT run_id, started_utc, finished_utc, points, failures, wall_s, executor, "
            "CASE WHEN state = 'running' AND run_id IS DISTINCT FROM ? THEN 'interrupted' ELSE state END "
            "AS state FROM runs ORDER BY run_id",
            [self.active_run],
        ).df()

    def close(self) -> None:
        """Close the connection (checkpointing the write-ahead log)."""
        self.con.close()
