"""The dashboard's update time per lever: one new lever state after the default page is ready.

The page is what ``GET /api/dashboard`` answers (:meth:`pos2.web.service.DashboardService.dashboard`:
twin, economics and the deal stage with the summit game's fast mode). The run

1. computes the default scenario's page (as ``pos2 serve --warm`` does at start: the full summit
   analysis of the base scenario, which the fast mode holds) — the **peer**: what every update would
   cost without the fast mode;
2. moves each dashboard lever (:data:`pos2.web.service.LEVER_KEYS`) from the default to two new
   positions on its slider (an eighth of the slider's range down and up, clipped to the range), one state
   at a time, each a state not seen before (no answer cached), and times each page, wall and CPU;
3. asks again for a state already seen — the **floor** (the answer kept, the JSON already built).

It prints each update, the slowest and the mean, the ratio of the peer to the mean update and of the
mean update to the floor, and whether every update met the target (``--target``, default 1 s wall: the
acceptance of issue 14, "the dashboard updates within a second"). Wall time depends on what else the
machine runs: record the load beside the figures (BENCHMARKS.md).

    .venv/bin/python benchmarks/dashboard_update.py [--json] [--target 1.0] [--quick]

``--quick``: one move per lever.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from pos2.runtime import apply_app_environment

apply_app_environment()  # as `pos2 serve` runs: before numpy is imported (pos2.runtime says why)

from pos2.web.service import LEVER_KEYS, DashboardService, levers  # noqa: E402


def _timed(svc: DashboardService, overrides: dict[str, Any]) -> tuple[float, float, dict[str, Any]]:
    w0, c0 = time.perf_counter(), time.process_time()
    page = svc.dashboard(svc.scenario("pos2", overrides))
    return time.perf_counter() - w0, time.process_time() - c0, page


def _moves(lever: dict[str, Any], quick: bool) -> list[float]:
    lo, hi, step, value = lever["min"], lever["max"], lever["step"], lever["value"]
    eighth = round((hi - lo) / 8.0 / step) * step
    out = []
    for v in (value - eighth, value + eighth):
        v = float(round(min(max(v, lo), hi) / step) * step)
        v = min(max(v, lo), hi)
        if abs(v - value) > 1e-12 and v not in out:
            out.append(v)
    return out[:1] if quick else out


def main() -> None:
    quick = "--quick" in sys.argv
    target = float(sys.argv[sys.argv.index("--target") + 1]) if "--target" in sys.argv else 1.0
    svc = DashboardService()
    peer_wall, peer_cpu, page = _timed(svc, {})
    for stage, info in page["stages"].items():
        if not info["ok"]:
            raise SystemExit(f"the default page's {stage} stage failed: {info['error']}")
    rows: list[dict[str, Any]] = []
    for lever in levers(svc.scenario("pos2", {})):
        if lever["key"] not in LEVER_KEYS:
            continue
        for v in _moves(lever, quick):
            wall, cpu, page = _timed(svc, {lever["key"]: v})
            failed = [s for s, info in page["stages"].items() if not info["ok"]]
            rows.append(
                {
                    "lever": lever["key"],
                    "value": v,
                    "wall_s": wall,
                    "cpu_s": cpu,
                    "p_agreement_2030": ((page["deal"] or {}).get("p_agreement_by_year") or {}).get("2030"),
                    "failed_stages": failed,
                }
            )
    floor_wall, _floor_cpu, _ = _timed(svc, {rows[0]["lever"]: rows[0]["value"]})
    walls = [r["wall_s"] for r in rows]
    mean = sum(walls) / len(walls)
    res = {
        "machine": {"cpus": os.cpu_count(), "load_1min": os.getloadavg()[0]},
        "peer_full_page_wall_s": peer_wall,
        "peer_full_page_cpu_s": peer_cpu,
        "update_wall_s_max": max(walls),
        "update_wall_s_mean": mean,
        "update_cpu_s_mean": sum(r["cpu_s"] for r in rows) / len(rows),
        "floor_seen_state_wall_s": floor_wall,
        "peer_over_update": peer_wall / mean,
        "update_over_floor": mean / max(floor_wall, 1e-9),
        "target_s": target,
        "all_within_target": max(walls) <= target,
        "rows": rows,
    }
    if "--json" in sys.argv:
        print(json.dumps(res))
        return
    print(f"default page (full summit analysis, the peer): {peer_wall:.2f} s wall, {peer_cpu:.2f} s CPU")
    print(f"{'lever':36s} {'value':>8s} {'wall s':>7s} {'CPU s':>6s} {'P2030':>6s}")
    for r in rows:
        p = r["p_agreement_2030"]
        mark = "" if r["wall_s"] <= target else "  > target"
        fail = f"  failed: {', '.join(r['failed_stages'])}" if r["failed_stages"] else ""
        print(
            f"{r['lever']:36s} {r['value']:8.4g} {r['wall_s']:7.2f} {r['cpu_s']:6.2f} "
            f"{'-' if p is None else f'{p:6.3f}':>6s}{mark}{fail}"
        )
    print(
        f"update: max {res['update_wall_s_max']:.2f} s, mean {mean:.2f} s wall; a state already seen "
        f"{floor_wall:.3f} s; peer / update {res['peer_over_update']:.1f}x; "
        f"{'all' if res['all_within_target'] else 'NOT all'} within {target:g} s "
        f"(load {res['machine']['load_1min']:.1f}, {res['machine']['cpus']} CPUs)"
    )


if __name__ == "__main__":
    main()
