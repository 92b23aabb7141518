"""Start-up time of the command line: ``pos2 --help`` and ``pos2 solve`` on a small network.

Usage::

    python benchmarks/cli_start.py [--repeat 5] [--json]

Each command runs ``--repeat`` times as a fresh process (the way a user starts it); the script prints
the best and the median wall time of each, and the ratio to the floor measured in the same run: an
empty interpreter (``python -c pass``) started the same way. The best time is the one to compare with
the targets of issue 15 (``pos2 --help`` under 0.5 s, ``pos2 solve`` on a small network under 1 s on
an idle core): on a loaded machine the median grows with the load, the best much less.

The small network is ``examples/transmission_mesh.toml`` (24 components, one compressor station).
``-X importtime`` of ``import pos2.cli`` shows what is left to import (no stage, no pandas).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POS2 = Path(sys.executable).parent / "pos2"
NETWORK = ROOT / "examples" / "transmission_mesh.toml"


def _times(cmd: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, check=False)
        out.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr[-2000:]}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table (or JSON with ``--json``)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs of each command (default 5)")
    ap.add_argument("--json", action="store_true", help="print JSON on stdout")
    args = ap.parse_args(argv)
    cases = {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "pos2 --help": [str(POS2), "--help"],
        "pos2 solve (small network)": [str(POS2), "solve", str(NETWORK)],
    }
    rows = []
    floor = None
    for name, cmd in cases.items():
        ts = _times(cmd, args.repeat)
        best, median = min(ts), statistics.median(ts)
        if floor is None:
            floor = best
        rows.append({"command": name, "best_s": best, "median_s": median, "best_over_floor": best / floor})
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'command':30s} {'best [s]':>9s} {'median [s]':>11s} {'best / floor':>13s}")
    for r in rows:
        print(f"{r['command']:30s} {r['best_s']:9.3f} {r['median_s']:11.3f} {r['best_over_floor']:13.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
