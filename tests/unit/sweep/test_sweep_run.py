"""Running sweeps in-process: storage, failures, caching of upstream stages, resume, Dask parity."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import sweep_toy_evaluator as toy

from pos2.errors import OutputError, ScenarioError
from pos2.sweep import SerialExecutor, SweepStore, load_spec, run_sweep
from pos2.sweep.evaluator import clear_caches
from pos2.sweep.execute import ChunkLost

SPEC = """\
[sweep]
name = "toy"
method = "grid"
chunk_size = 7
evaluator = "sweep_toy_evaluator:ToyEvaluator"

[set]
"hormuz.closure_probability" = 0.2

[parameters.contract]
slope = {{ min = 0.08, max = 0.14, num = {n_slope} }}
constant_usd_per_mmbtu = {{ values = {constants} }}
{extra}
"""


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    clear_caches()
    for k in toy.CALLS:
        toy.CALLS[k] = 0
    yield
    clear_caches()


def _spec(tmp_path: Path, n_slope: int = 10, constants: str = "[0.0, 1.0]", extra: str = "") -> Path:
    p = tmp_path / "toy.toml"
    p.write_text(SPEC.format(n_slope=n_slope, constants=constants, extra=extra), encoding="utf-8")
    return p


def _check_rows(out: Path, n: int) -> None:
    store = SweepStore.open(out, read_only=True)
    df = store.frame()
    store.close()
    assert len(df) == n
    assert df["point_id"].is_unique
    assert sorted(df["point_id"]) == list(range(n))
    ok = df[df["status"] == "ok"]
    for _, r in ok.iterrows():
        e = toy.expected(r["contract.slope"], r["contract.constant_usd_per_mmbtu"], 50.0, 0.2)
        assert r["price_usd_per_kcm"] == pytest.approx(e["price_usd_per_kcm"], rel=1e-12)
        assert r["margin_usd_per_kcm"] == pytest.approx(e["margin_usd_per_kcm"], rel=1e-12)
        assert bool(r["deal"]) == bool(e["deal"])


def test_serial_sweep_stores_every_point_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    s = run_sweep(load_spec(_spec(tmp_path)), out, workers=0, progress=False)
    assert (s.points_total, s.points_run, s.failures, s.points_lost, s.state) == (20, 20, 0, 0, "done")
    assert s.points_per_s > 0
    _check_rows(out, 20)
    assert (out / "status.json").exists()


def test_slope_change_reuses_hydraulics_and_supply_lp(tmp_path: Path) -> None:
    run_sweep(load_spec(_spec(tmp_path, n_slope=25)), tmp_path / "out", workers=0, progress=False)
    assert toy.CALLS == {"twin": 1, "supply": 1, "finish": 50}


def test_throughput_change_resolves_only_the_twin(tmp_path: Path) -> None:
    extra = "[parameters.pipeline]\nthroughput_bcm_per_year = { values = [30.0, 40.0, 50.0] }\n"
    s = run_sweep(
        load_spec(_spec(tmp_path, n_slope=4, extra=extra)), tmp_path / "out", workers=0, progress=False
    )
    assert s.points_run == 24
    assert toy.CALLS == {"twin": 3, "supply": 1, "finish": 24}
    assert s.stage_calls == {"twin": 3, "supply": 0}


def test_failed_points_are_stored_and_do_not_stop_the_sweep(tmp_path: Path) -> None:
    out = tmp_path / "out"
    s = run_sweep(load_spec(_spec(tmp_path, constants="[-1.0, 0.0, 1.0]")), out, workers=0, progress=False)
    assert (s.points_run, s.failures) == (30, 10)
    store = SweepStore.open(out, read_only=True)
    df = store.frame()
    store.close()
    bad = df[df["status"] == "error"]
    assert len(bad) == 10
    assert (bad["contract.constant_usd_per_mmbtu"] == -1.0).all()
    assert bad["error"].str.startswith("EconomicsError: toy: negative constant").all()
    assert bad["price_usd_per_kcm"].isna().all()
    assert bad["deal"].isna().all()
    _check_rows(out, 30)


class _Interrupting(SerialExecutor):
    """Evaluates the first ``n`` chunks, then loses one and raises KeyboardInterrupt (a Ctrl-C)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def map_chunks(self, evaluator, chunks, outputs, keys):  # type: ignore[no-untyped-def]
        for i, (c, r) in enumerate(super().map_chunks(evaluator, chunks, outputs, keys)):
            if i == self.n:
                yield c, ChunkLost(c, "KilledWorker: simulated")
                raise KeyboardInterrupt
            yield c, r


def test_resume_after_interrupt_evaluates_only_missing_points(tmp_path: Path) -> None:
    spec = load_spec(_spec(tmp_path))
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, out, executor=_Interrupting(1), progress=False)
    store = SweepStore.open(out, read_only=True)
    partial = store.count()
    runs = store.runs()
    store.close()
    assert partial == 7
    assert runs["state"].tolist() == ["interrupted"]
    with pytest.raises(OutputError, match="--resume"):
        run_sweep(spec, out, workers=0, progress=False)
    toy.CALLS["finish"] = 0
    s = run_sweep(spec, out, resume=True, workers=0, progress=False)
    assert (s.points_skipped, s.points_run, s.points_stored) == (7, 13, 20)
    assert toy.CALLS["finish"] == 13
    _check_rows(out, 20)
    again = run_sweep(spec, out, resume=True, workers=0, progress=False)
    assert (again.points_run, again.points_stored) == (0, 20)


def test_resume_refuses_a_changed_spec(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_sweep(load_spec(_spec(tmp_path)), out, workers=0, progress=False)
    with pytest.raises(ScenarioError, match="spec changed"):
        run_sweep(load_spec(_spec(tmp_path, n_slope=11)), out, resume=True, workers=0, progress=False)
    s = run_sweep(load_spec(_spec(tmp_path, n_slope=11)), out, force=True, workers=0, progress=False)
    assert s.points_stored == 22


def test_store_ignores_a_second_write_of_the_same_points(tmp_path: Path) -> None:
    spec = load_spec(_spec(tmp_path))
    out = tmp_path / "out"
    run_sweep(spec, out, workers=0, progress=False)
    store = SweepStore.open(out, spec)
    ev = toy.ToyEvaluator(scenario="pos2", fixed=spec.fixed)
    ids = np.array([0, 1, 2])
    cols = {
        "contract.slope": np.array([0.08, 0.08, 0.08]),
        "contract.constant_usd_per_mmbtu": np.array([0.0, 1.0, 0.0]),
    }
    res = ev.evaluate_chunk(ids, cols, ("price_usd_per_kcm", "margin_usd_per_kcm", "deal"))
    assert store.write_chunk(99, cols, res) == 0
    assert store.count() == 20
    store.close()


def test_unknown_output_is_an_error_before_work(tmp_path: Path) -> None:
    text = (
        _spec(tmp_path)
        .read_text()
        .replace("chunk_size = 7", 'chunk_size = 7\noutputs = ["prise_usd_per_kcm"]')
    )
    (tmp_path / "toy.toml").write_text(text)
    with pytest.raises(ScenarioError, match="did you mean 'price_usd_per_kcm'"):
        run_sweep(load_spec(tmp_path / "toy.toml"), tmp_path / "out", workers=0, progress=False)
    assert not (tmp_path / "out").exists()
    assert toy.CALLS["finish"] == 0


def test_dask_threads_give_the_same_rows_as_serial(tmp_path: Path) -> None:
    from pos2.sweep import DaskExecutor

    spec = load_spec(_spec(tmp_path, constants="[-1.0, 0.0, 1.0]"))
    run_sweep(spec, tmp_path / "serial", workers=0, progress=False)
    ex = DaskExecutor(workers=2, processes=False)
    try:
        s = run_sweep(spec, tmp_path / "dask", executor=ex, progress=False)
    finally:
        ex.close()
    assert s.points_stored == 30
    frames = []
    for d in ("serial", "dask"):
        store = SweepStore.open(tmp_path / d, read_only=True)
        frames.append(store.frame().drop(columns=["run_id"]))
        store.close()
    assert frames[0].equals(frames[1])


def test_chunks_are_sorted_by_upstream_keys() -> None:
    from pos2.sweep import PointTable, make_chunks

    thr = np.array([50.0, 40.0, 50.0, 40.0, 45.0, 40.0])
    pts = PointTable(
        np.arange(6), {"contract.slope": np.linspace(0.1, 0.2, 6), "pipeline.throughput_bcm_per_year": thr}
    )
    chunks = make_chunks(pts, ("pipeline.throughput_bcm_per_year",), 2)
    assert [c.ids.tolist() for c in chunks] == [[1, 3], [5, 4], [0, 2]]
    assert [c.group for c in chunks] == [(40.0,), (40.0,), (50.0,)]
    assert make_chunks(pts, (), 4)[0].group == ()
    # a key with a new value at every point (Latin hypercube) shares nothing: no group, Dask balances
    both = make_chunks(pts, ("pipeline.throughput_bcm_per_year", "contract.slope"), 2)
    assert [c.group for c in both] == [(40.0,), (40.0,), (50.0,)]
    assert [c.group for c in make_chunks(pts, ("contract.slope",), 2)] == [(), (), ()]
    # a continuous key listed first does not scatter the repeating key's groups
    first = make_chunks(pts, ("contract.slope", "pipeline.throughput_bcm_per_year"), 2)
    assert [c.group for c in first] == [(40.0,), (40.0,), (50.0,)]
    assert [c.ids.tolist() for c in first] == [[1, 3], [5, 4], [0, 2]]


def test_dask_threads_with_grouped_chunks_match_serial(tmp_path: Path) -> None:
    from pos2.sweep import DaskExecutor

    extra = "[parameters.pipeline]\nthroughput_bcm_per_year = { values = [30.0, 40.0, 50.0] }\n"
    spec = load_spec(_spec(tmp_path, n_slope=4, extra=extra))
    run_sweep(spec, tmp_path / "serial", workers=0, progress=False)
    ex = DaskExecutor(workers=2, processes=False)
    try:
        run_sweep(spec, tmp_path / "dask", executor=ex, progress=False)
    finally:
        ex.close()
    frames = []
    for d in ("serial", "dask"):
        store = SweepStore.open(tmp_path / d, read_only=True)
        frames.append(store.frame().drop(columns=["run_id"]))
        store.close()
    assert len(frames[0]) == 24
    assert frames[0].equals(frames[1])


def test_worker_plan_keeps_groups_together_and_balances_chunks() -> None:
    from pos2.sweep.execute import plan_workers

    # three throughput levels of four chunks each (sorted) on two workers: the `full` benchmark's shape
    groups = [g for g in (40.0, 45.0, 50.0) for _ in range(4)]
    plan = plan_workers(len(groups), ["a", "b"])
    assert plan.count("a") == plan.count("b") == 6
    assert len(set(zip(groups, plan, strict=True))) == 4  # one group split, not every group
    assert plan_workers(5, ["a", "b", "c"]) == ["a", "a", "b", "b", "c"]
    assert plan_workers(1, ["a", "b"]) == ["a"]


def test_submission_alternates_between_the_workers_runs() -> None:
    from pos2.sweep.execute import plan_workers, submission_order

    plan = plan_workers(5, ["a", "b"])  # a a a b b
    order = submission_order(plan)
    assert order == [0, 3, 1, 4, 2]
    assert [plan[i] for i in order[:2]] == ["a", "b"]  # the first chunks in flight reach both workers
    assert submission_order([]) == []


class _Killed(SerialExecutor):
    """Stops the client the way ``kill -9`` does: no ``finally`` runs after chunk ``n``."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def map_chunks(self, evaluator, chunks, outputs, keys):  # type: ignore[no-untyped-def]
        for i, (c, r) in enumerate(super().map_chunks(evaluator, chunks, outputs, keys)):
            yield c, r
            if i == self.n:
                raise SystemExit("killed")  # BaseException: stands in for the lost process below


def test_a_killed_run_reads_as_interrupted_in_status_runs_and_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from pos2.sweep import run as run_module
    from pos2.sweep.run import reconcile_status

    spec = load_spec(_spec(tmp_path))
    out = tmp_path / "out"
    # the end of the run is never recorded (a killed process writes nothing)
    monkeypatch.setattr(SweepStore, "end_run", lambda *a, **k: None)
    real_write = run_module._write_status

    def write_while_running(folder: Path, doc: dict[str, object]) -> None:
        if doc.get("state") == "running":
            real_write(folder, doc)

    monkeypatch.setattr(run_module, "_write_status", write_while_running)
    with pytest.raises(SystemExit):
        run_sweep(spec, out, executor=_Killed(1), progress=False)
    monkeypatch.undo()
    status = json.loads((out / "status.json").read_text())
    assert status["state"] == "running"
    status["client_pid"] = 2**22 + 12345  # no such process
    (out / "status.json").write_text(json.dumps(status))
    store = SweepStore.open(out, read_only=True)
    runs = store.runs()
    store.close()
    assert runs["state"].tolist() == ["interrupted"]
    assert runs["points"].tolist() == [14]  # counted chunk by chunk, not only at the end
    fixed = reconcile_status(out)
    assert fixed["state"] == "interrupted"
    assert fixed["stored"] == 14
    assert json.loads((out / "status.json").read_text())["state"] == "interrupted"
    s = run_sweep(spec, out, resume=True, workers=0, progress=False)
    assert (s.points_skipped, s.points_run, s.state) == (14, 6, "done")
    store = SweepStore.open(out, read_only=True)
    runs = store.runs()
    store.close()
    assert runs["state"].tolist() == ["interrupted", "done"]
    assert runs["points"].tolist() == [14, 6]


def test_a_running_status_of_a_live_client_is_left_alone(tmp_path: Path) -> None:
    import json
    import os

    from pos2.sweep.run import reconcile_status

    (tmp_path / "status.json").write_text(json.dumps({"state": "running", "client_pid": os.getpid()}))
    assert reconcile_status(tmp_path)["state"] == "running"


def test_dask_worker_processes_keep_freed_memory_and_get_pos2s_settings() -> None:
    import os

    from pos2.sweep import DaskExecutor

    ex = DaskExecutor(workers=1)
    try:
        env = ex.client.run(
            lambda: (os.environ.get("MALLOC_TRIM_THRESHOLD_"), os.environ.get("NUMPY_MADVISE_HUGEPAGE"))
        )
    finally:
        ex.close()
    # Dask's default would be 65536 (every freed array handed back, faulted in again on the next point)
    assert list(env.values()) == [(None, os.environ.get("NUMPY_MADVISE_HUGEPAGE", "0"))]
