"""Start-up time of the command line: ``pos2 --help`` and ``pos2 solve`` on a small network.

Usage::

    python benchmarks/cli_start.py [--repeat 5] [--json]

Each command runs ``--repeat`` times as a fresh process (the way a user starts it), interleaved
(round robin, so a change of the machine's load hits every command alike). For each the script
prints the best and the median wall time, the best CPU time of the child (user + system, from
``getrusage``: what the command costs on an idle core, much less dependent on the other jobs than
the wall time), and the ratios of the best wall time and the best CPU time to the floors measured in
the same run:

* ``python -c pass``: an empty interpreter;
* ``python -c "import numpy"``: the array library every numeric command needs;
* ``import typer + its rich help`` (``typer.rich_utils``): the command-line framework's own cost of
  printing a help page, the floor of ``pos2 --help``;
* ``import numpy, scipy.sparse.linalg + typer's coercion`` (``typer._adapters``, which imports
  pydantic): what ``pos2 solve`` cannot avoid (the Newton matrix's sparse LU and typer's parameter
  handling), the floor of ``pos2 solve``.

Byte code: Python caches the compiled modules (``__pycache__``) the first time they are imported, so
a user's second run of ``pos2`` reads them instead of compiling. The benchmark's processes get the
same: ``PYTHONDONTWRITEBYTECODE`` is removed from their environment and ``PYTHONPYCACHEPREFIX`` points
at a directory under the temporary directory (nothing is written into the source tree or the venv);
an untimed first round fills it. ``--no-bytecode-cache`` measures instead with
``PYTHONDONTWRITEBYTECODE=1``: only byte code compiled beforehand is read (``uv pip install
--compile-bytecode``, pip's default, or ``python -m compileall``); in a venv without it, every module
is compiled on every start, 2-3 times slower.

Targets of issue 15 item 12 (on an idle core): ``pos2 --help`` under 0.5 s, ``pos2 solve`` on a
small network under 1 s. The small network is ``examples/transmission_mesh.toml`` (9 junctions, 7
pipes, one compressor station).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POS2 = Path(sys.executable).parent / "pos2"
NETWORK = ROOT / "examples" / "transmission_mesh.toml"
PY = sys.executable

CASES: dict[str, list[str]] = {
    "python -c pass (floor)": [PY, "-c", "pass"],
    "python -c 'import numpy'": [PY, "-c", "import numpy"],
    "floor of --help: typer + rich help": [PY, "-c", "import typer, typer.rich_utils"],
    "floor of solve: numpy, sparse LU, typer coercion": [
        PY,
        "-c",
        "import numpy, scipy.sparse.linalg, typer, typer._adapters",
    ],
    "pos2 --help": [str(POS2), "--help"],
    "pos2 solve transmission_mesh.toml": [str(POS2), "solve", str(NETWORK)],
}
FLOOR_OF = {
    "pos2 --help": "floor of --help: typer + rich help",
    "pos2 solve transmission_mesh.toml": "floor of solve: numpy, sparse LU, typer coercion",
}


def child_env(bytecode_cache: bool) -> dict[str, str]:
    """The children's environment: byte code cached in a private directory, or never cached."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    if bytecode_cache:
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "pos2-benchmark-pycache")
    else:  # only what was compiled at install is read (beside the sources); nothing is written
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``cmd`` as a child process [s]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(repeat: int, bytecode_cache: bool = True) -> list[dict[str, float | str]]:
    """Run every case ``repeat`` times, round robin; one row per case."""
    env = child_env(bytecode_cache)
    for cmd in CASES.values():  # warm the file cache and the byte-code cache, untimed
        _run_once(cmd, env)
    walls: dict[str, list[float]] = {k: [] for k in CASES}
    cpus: dict[str, list[float]] = {k: [] for k in CASES}
    for _ in range(repeat):
        for name, cmd in CASES.items():
            w, c = _run_once(cmd, env)
            walls[name].append(w)
            cpus[name].append(c)
    floor = "python -c pass (floor)"
    rows: list[dict[str, float | str]] = []
    for name in CASES:
        row: dict[str, float | str] = {
            "command": name,
            "best_s": min(walls[name]),
            "median_s": statistics.median(walls[name]),
            "best_cpu_s": min(cpus[name]),
            "best_over_empty_python": min(walls[name]) / min(walls[floor]),
        }
        if name in FLOOR_OF:
            peer = FLOOR_OF[name]
            row["best_over_its_floor"] = min(walls[name]) / min(walls[peer])
            row["cpu_over_its_floor"] = min(cpus[name]) / max(min(cpus[peer]), 1e-3)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table (or JSON with ``--json``)."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs of each command (default 5)")
    ap.add_argument("--json", action="store_true", help="print JSON on stdout")
    ap.add_argument(
        "--no-bytecode-cache", action="store_true", help="compile every module on every run (see above)"
    )
    args = ap.parse_args(argv)
    cache = not args.no_bytecode_cache
    load_before = os.getloadavg()
    rows = measure(args.repeat, bytecode_cache=cache)
    load_after = os.getloadavg()
    if args.json:
        out = {"load_average": [load_before, load_after], "bytecode_cache": cache, "rows": rows}
        print(json.dumps(out))
        return 0
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min); "
        f"byte code {'cached' if cache else 'not written (PYTHONDONTWRITEBYTECODE=1): install-time only'}"
    )
    print(
        f"{'command':52s} {'best s':>7s} {'median s':>9s} {'CPU s':>6s} {'/ empty':>8s} {'/ floor':>8s} "
        f"{'CPU / floor':>12s}"
    )
    for r in rows:
        ratio = f"{r['best_over_its_floor']:8.2f}" if "best_over_its_floor" in r else f"{'':8s}"
        cpu_ratio = f"{r['cpu_over_its_floor']:12.2f}" if "cpu_over_its_floor" in r else f"{'':12s}"
        print(
            f"{r['command']!s:52s} {r['best_s']:7.3f} {r['median_s']:9.3f} {r['best_cpu_s']:6.3f} "
            f"{r['best_over_empty_python']:8.1f} {ratio} {cpu_ratio}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
