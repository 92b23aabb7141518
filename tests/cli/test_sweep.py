"""``pos2 sweep``: runs, bad input, kill-and-resume, and an external Dask scheduler on loopback.

The sweeps here use the toy evaluator of ``tests/unit/sweep/sweep_toy_evaluator.py`` (closed-form
outputs, so every stored row can be checked by hand); worker processes find it via ``PYTHONPATH``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
TOY_DIR = ROOT / "tests" / "unit" / "sweep"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(TOY_DIR))
import sweep_toy_evaluator as toy  # noqa: E402
from click.testing import Result  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from pos2.cli import app  # noqa: E402

SPEC = """\
[sweep]
name = "toy-cli"
method = "{method}"
{samples}
seed = 11
chunk_size = {chunk}
evaluator = "sweep_toy_evaluator:ToyEvaluator"

[set]
"hormuz.closure_probability" = 0.2

[parameters.contract]
slope = {{ min = 0.06, max = 0.14 }}
constant_usd_per_mmbtu = {{ min = -0.5, max = 3.0 }}
"""


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TOY_DIR), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["COLUMNS"] = "250"
    env.update(extra)
    return env


def _spec(tmp_path: Path, n: int = 200, chunk: int = 25, method: str = "lhs") -> Path:
    p = tmp_path / "spec.toml"
    p.write_text(SPEC.format(method=method, samples=f"samples = {n}", chunk=chunk), encoding="utf-8")
    return p


def _pos2(*args: str, timeout: float = 90, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "pos2"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(**env),
        check=False,
    )


def _rows(out: Path) -> pd.DataFrame:
    con = duckdb.connect(str(out / "sweep.duckdb"), read_only=True)
    try:
        return con.execute("SELECT * FROM points ORDER BY point_id").df()
    finally:
        con.close()


def _check_toy_rows(df: pd.DataFrame, n: int) -> None:
    assert len(df) == n
    assert df["point_id"].is_unique
    assert df["point_id"].tolist() == list(range(n))
    for _, r in df.iterrows():
        c = r["contract.constant_usd_per_mmbtu"]
        if c < 0:
            assert r["status"] == "error"
            assert r["error"].startswith("EconomicsError")
            continue
        e = toy.expected(r["contract.slope"], c, 50.0, 0.2)
        assert r["status"] == "ok"
        assert r["price_usd_per_kcm"] == pytest.approx(e["price_usd_per_kcm"], rel=1e-12)
        assert bool(r["deal"]) == bool(e["deal"])


def _kill_tree(proc: subprocess.Popen[bytes] | subprocess.Popen[str], timeout: float = 10) -> None:
    """Stop ``proc`` and every process it started (it runs in its own session)."""
    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        kids = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    for k in kids:
        with contextlib.suppress(psutil.NoSuchProcess):
            k.kill()
    proc.wait(timeout=timeout)
    psutil.wait_procs(kids, timeout=timeout)


def _status(out: Path) -> dict[str, object]:
    try:
        return json.loads((out / "status.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


HANG_GUARD_S = 600.0
"""Only a guard against a hang: the kill tests wait for states of the sweep (held by the toy's gate),
never for a time, so a loaded machine makes them slower, not red."""


def _gate(path: Path, points: int) -> None:
    """Hold every toy point once ``points`` points are stored (atomic rewrite of the gate file)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(str(points), encoding="utf-8")
    os.replace(tmp, path)


def _wait_for(pred, timeout: float, what: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    end = time.monotonic() + max(timeout, HANG_GUARD_S)
    while time.monotonic() < end:
        st = pred()
        if st:
            return st  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _cli(*args: str) -> Result:
    """Run ``pos2`` in this process (fast; for runs without Dask worker processes)."""
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def test_sweep_refuses_existing_results_and_resumes_with_nothing_to_do(tmp_path: Path) -> None:
    out = str(tmp_path / "o")
    spec = str(_spec(tmp_path, n=60))
    first = _cli("sweep", spec, "--out", out, "--workers", "0")
    assert first.exit_code == 0, first.output
    for word in ("points", "failures", "wall time", "points/s"):
        assert word in first.stderr
    assert first.stdout == ""
    again = _cli("sweep", spec, "--out", out, "--workers", "0")
    assert again.exit_code == 3
    assert "--resume" in again.stderr
    resumed = _cli("sweep", spec, "--out", out, "--workers", "0", "--resume", "--json")
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout)["points_run"] == 0
    report = _cli("sweep", spec, "--out", out, "--report", "--json")
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["report"].endswith("report.html")
    # the report now exists: it is a user's file like any other, replaced only with --force
    page = Path(out) / "report.html"
    page.write_text("my notes")
    for args in (("sweep", "--report", "--out", out), ("sweep", spec, "--out", out, "--report")):
        refused = _cli(*args)
        assert refused.exit_code == 3, refused.output
        assert "--force" in refused.stderr
    assert page.read_text() == "my notes"
    only = _cli("sweep", "--report", "--out", out, "--json", "--force")
    assert only.exit_code == 0, only.output
    assert json.loads(only.stdout) == {"report": str(Path(out) / "report.html")}
    assert _cli("sweep", "--report").exit_code == 2
    _check_toy_rows(_rows(tmp_path / "o"), 60)


def test_sweep_bad_input_fails_before_any_work(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text(spec.read_text().replace("slope = {", "slop = {"))
    r = _cli("sweep", str(bad), "--out", str(tmp_path / "o1"), "--workers", "0")
    assert r.exit_code == 2
    assert "did you mean 'contract.slope'" in r.stderr
    assert f"{bad}:13" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "o1").exists()
    empty = tmp_path / "empty.toml"
    empty.write_text(spec.read_text().replace("min = 0.06, max = 0.14", "min = 0.14, max = 0.06"))
    r = _cli("sweep", str(empty), "--out", str(tmp_path / "o2"), "--workers", "0")
    assert r.exit_code == 2
    assert "empty range" in r.stderr
    big = _spec(tmp_path, n=200_001)
    r = _cli("sweep", str(big), "--out", str(tmp_path / "o3"), "--workers", "0")
    assert r.exit_code == 2
    assert "--yes" in r.stderr
    assert not (tmp_path / "o3").exists()
    r = _cli("sweep", str(spec), "--out", str(tmp_path / "o4"), "--set", "contract.slope=0.1")
    assert r.exit_code == 2
    assert "swept by the spec" in r.stderr


@pytest.mark.timeout(1800)
def test_sweep_resume_after_killed_worker_and_client(tmp_path: Path) -> None:
    """Kill a worker mid-sweep, then the client; the killed run is marked interrupted (status.json, the
    runs table, the report) and ``--resume`` ends with every point exactly once."""
    n = 1600
    spec = _spec(tmp_path, n=n, chunk=40)
    out = tmp_path / "out"
    gate = tmp_path / "gate"
    _gate(gate, 80)  # the sweep stops itself once 80 points are stored
    log = (tmp_path / "first-run.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "pos2"), "sweep", str(spec), "--out", str(out), "--workers", "2", "--quiet"],
        env=_env(SWEEP_TOY_HOLD_FILE=str(gate), SWEEP_TOY_STATUS_FILE=str(out / "status.json")),
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        st = _wait_for(lambda: (s := _status(out)) and s.get("stored", 0) >= 80 and s, 60, "first rows")
        pids = st["worker_pids"]
        assert isinstance(pids, list)
        assert len(pids) == 2
        os.kill(int(pids[0]), signal.SIGKILL)
        stored_at_kill = int(st["stored"])  # type: ignore[call-overload]
        _gate(gate, stored_at_kill + 80)  # the surviving worker goes on
        _wait_for(
            lambda: (s := _status(out)) and int(s.get("stored", 0)) >= stored_at_kill + 80 and s,
            60,
            "progress after the worker was killed",
        )
        assert proc.poll() is None, "the sweep should survive a killed worker"
    finally:
        _kill_tree(proc)
        log.close()
    partial = _rows(out)
    assert 0 < len(partial) < n
    assert partial["point_id"].is_unique
    # killed with SIGKILL: nothing could record the end; readers see the run as interrupted
    assert _status(out)["state"] == "running"
    r = _pos2("sweep", "--report", "--out", str(out), "--json", timeout=300)
    assert r.returncode == 0, r.stderr
    status = _status(out)
    assert status["state"] == "interrupted"
    assert status["stored"] == len(partial)
    page = (out / "report.html").read_text(encoding="utf-8")
    runs_table = page.split("<h3>Runs</h3>", 1)[1].split("</table>", 1)[0]
    assert "interrupted" in runs_table
    assert "running" not in runs_table
    r = _pos2("sweep", str(spec), "--out", str(out), "--workers", "0", "--resume", "--json", timeout=300)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["points_skipped"] == len(partial)
    assert doc["points_run"] == n - len(partial)
    df = _rows(out)
    _check_toy_rows(df, n)
    assert set(df["run_id"]) == {1, 2}
    runs = _runs(out)
    assert runs["state"].tolist() == ["interrupted", "done"]
    assert runs["points"].tolist() == [len(partial), n - len(partial)]


@pytest.mark.timeout(1800)
def test_sweep_resume_after_ctrl_c(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group): exit 130 without tracebacks, then resume."""
    n = 1600
    spec = _spec(tmp_path, n=n, chunk=40)
    out = tmp_path / "out"
    gate = tmp_path / "gate"
    _gate(gate, 80)
    log_path = tmp_path / "first-run.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [str(BIN / "pos2"), "sweep", str(spec), "--out", str(out), "--workers", "2"],
            env=_env(SWEEP_TOY_HOLD_FILE=str(gate), SWEEP_TOY_STATUS_FILE=str(out / "status.json")),
            stdout=log,
            stderr=log,
            start_new_session=True,
            # a sweep in the foreground of a terminal: Ctrl-C is not ignored. A suite started as a
            # background job of a non-interactive shell inherits SIGINT ignored (POSIX), and so would
            # the sweep (twice seen as a "hang" under `make test &`)
            preexec_fn=_sigint_default,
        )
        try:
            _wait_for(lambda: (s := _status(out)) and s.get("stored", 0) >= 80 and s, 60, "first rows")
            os.killpg(proc.pid, signal.SIGINT)
            assert _wait_or_dump(proc, log_path) == 130
        finally:
            _kill_tree(proc)
    text = log_path.read_text()
    assert "interrupted" in text
    assert "Traceback" not in text, text
    assert _status(out)["state"] == "interrupted"
    partial = len(_rows(out))
    assert 0 < partial < n
    assert _runs(out)["state"].tolist() == ["interrupted"]
    r = _pos2("sweep", str(spec), "--out", str(out), "--workers", "0", "--resume", "--json", timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["points_skipped"] == partial
    _check_toy_rows(_rows(out), n)


def _sigint_default() -> None:
    """In the child before exec: SIGINT back to its default disposition."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_or_dump(proc: subprocess.Popen[bytes], log: Path) -> int:
    """The exit code of ``proc``; if it hangs past the guard, fail with every thread's stack (the sweep
    prints them on SIGUSR1) so that the hang can be found."""
    try:
        return proc.wait(timeout=HANG_GUARD_S)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGUSR1)
        _wait_for(lambda: "most recent call first" in log.read_text(errors="replace"), 30, "the stack dump")
        pytest.fail(f"the sweep hung after Ctrl-C; its threads:\n{log.read_text(errors='replace')[-30000:]}")


def _runs(out: Path) -> pd.DataFrame:
    con = duckdb.connect(str(out / "sweep.duckdb"), read_only=True)
    try:
        return con.execute("SELECT * FROM runs ORDER BY run_id").df()
    finally:
        con.close()


def test_sweep_on_external_scheduler_matches_local_run(tmp_path: Path) -> None:
    spec = _spec(tmp_path, n=150, chunk=20)
    sched_file = tmp_path / "scheduler.json"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(
            subprocess.Popen(
                [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                 "--scheduler-file", str(sched_file)],
                env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )
        )  # fmt: skip
        _wait_for(lambda: sched_file.exists() and sched_file.stat().st_size > 0, 30, "the scheduler")
        address = json.loads(sched_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        procs.append(
            subprocess.Popen(
                [str(BIN / "dask"), "worker", "--scheduler-file", str(sched_file), "--nworkers", "1",
                 "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )
        )  # fmt: skip
        remote = _pos2(
            "sweep", str(spec), "--out", str(tmp_path / "remote"), "--scheduler", address, "--json"
        )
        assert remote.returncode == 0, remote.stderr
        assert json.loads(remote.stdout)["executor"] == f"dask scheduler {address}"
    finally:
        for p in reversed(procs):
            _kill_tree(p)
    local_out = tmp_path / "local"
    local = _pos2("sweep", str(spec), "--out", str(local_out), "--workers", "1", "--report", "--json")
    assert local.returncode == 0, local.stderr
    doc = json.loads(local.stdout)
    assert doc["executor"] == "dask local cluster, 1 worker processes"
    assert (doc["points_total"], doc["points_stored"], doc["state"]) == (150, 150, "done")
    assert doc["failures"] == int((_rows(local_out)["status"] == "error").sum()) > 0
    assert doc["points_per_s"] > 0
    a = _rows(tmp_path / "remote").drop(columns=["run_id"])
    b = _rows(local_out).drop(columns=["run_id"])
    _check_toy_rows(b, 150)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    page = (local_out / "report.html").read_text()
    for section in ("Where is there a deal?", "Partial dependence", "Sensitivity indices", "Failures"):
        assert section in page
    assert "<script src=" not in page  # plotly.js is inline, no CDN


def test_sweep_scenario_and_format_options(tmp_path: Path) -> None:
    out = tmp_path / "o"
    spec = str(_spec(tmp_path, n=20))
    bad = _cli("sweep", spec, "--out", str(out), "--workers", "0", "--scenario", "pos9")
    assert bad.exit_code == 2
    assert "pos9" in bad.stderr
    assert not out.exists()  # refused before any work
    ok = _cli("sweep", spec, "--out", str(out), "--workers", "0", "--scenario", "pos1", "--format", "csv")
    assert ok.exit_code == 0, ok.output
    exported = pd.read_csv(out / "results.csv")
    assert len(exported) == 20
    assert exported["point_id"].is_unique
    again = _cli(
        "sweep",
        spec,
        "--out",
        str(out),
        "--workers",
        "0",
        "--resume",
        "--scenario",
        "pos1",
        "--format",
        "csv",
    )
    assert again.exit_code == 3  # results.csv exists: never overwritten without --force
