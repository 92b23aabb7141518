"""The dashboard API under load: many concurrent requests against a local server (loopback only).

Usage::

    python benchmarks/api_load.py [--requests 200] [--distinct 8] [--json]

Starts ``pos2 serve --port 0 --quiet`` (127.0.0.1, a free port), waits for ``/api/health``, warms the
cache with one ``/api/deal`` request at the scenario's levers, then measures three bounded rounds, each
sent at once from one asyncio client:

1. ``--requests`` identical ``POST /api/deal`` (cached answer; before single flight and the worker
   pool they waited 7-16 s behind each other);
2. ``--distinct`` different ``POST /api/deal`` (a new contract slope each: a real stage run each),
   sent together with ``--requests`` ``GET /api/health``, to show that the trivial endpoint answers
   while the stages work;
3. ``--requests`` ``GET /api/health`` alone (the trivial endpoint: the floor of the server and client).

For each it prints the p50 and p95 latency [s] and the ratio of p50 to the trivial endpoint's p50
measured in the same run. Every request goes to 127.0.0.1; the number of requests and the time are
bounded (``--timeout`` per request), and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

POS2 = Path(sys.executable).parent / "pos2"


def _start() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [str(POS2), "serve", "--port", "0", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )
    assert proc.stderr is not None
    line = proc.stderr.readline().strip()
    if not line.startswith("http://127.0.0.1:"):
        proc.kill()
        raise SystemExit(f"pos2 serve did not start: {line!r}")
    return proc, line.rstrip("/")


async def _timed(client: httpx.AsyncClient, method: str, url: str, body: Any = None) -> float:
    t0 = time.perf_counter()
    r = await client.request(method, url, json=body)
    if r.status_code != 200:
        raise SystemExit(f"{method} {url} -> {r.status_code}: {r.text[:300]}")
    return time.perf_counter() - t0


def _stats(ts: list[float]) -> dict[str, float]:
    a = np.asarray(ts)
    return {"n": len(ts), "p50_s": float(np.percentile(a, 50)), "p95_s": float(np.percentile(a, 95))}


async def _run(base: str, n: int, distinct: int, timeout: float) -> dict[str, dict[str, float]]:
    limits = httpx.Limits(max_connections=n + distinct, max_keepalive_connections=n + distinct)
    async with httpx.AsyncClient(timeout=timeout, limits=limits, trust_env=False) as c:
        for _ in range(600):  # the app loads after the socket listens: wait for it (bounded)
            try:
                await c.get(f"{base}/api/health")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        await _timed(c, "POST", f"{base}/api/deal", {})  # warm: the scenario's own levers
        same = await asyncio.gather(*[_timed(c, "POST", f"{base}/api/deal", {}) for _ in range(n)])
        slopes = np.linspace(0.08, 0.12, distinct)
        mixed = await asyncio.gather(
            *[_timed(c, "POST", f"{base}/api/deal", {"contract.slope": float(s)}) for s in slopes],
            *[_timed(c, "GET", f"{base}/api/health") for _ in range(n)],
        )
        trivial = await asyncio.gather(*[_timed(c, "GET", f"{base}/api/health") for _ in range(n)])
    return {
        f"{n} identical deal requests (cached)": _stats(list(same)),
        f"{distinct} distinct deal requests (computed)": _stats(list(mixed[:distinct])),
        f"{n} health requests during those": _stats(list(mixed[distinct:])),
        f"{n} health requests alone (trivial)": _stats(list(trivial)),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table (or JSON with ``--json``)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200, help="concurrent identical requests (default 200)")
    ap.add_argument("--distinct", type=int, default=8, help="concurrent distinct requests (default 8)")
    ap.add_argument("--timeout", type=float, default=600.0, help="per-request timeout [s]")
    ap.add_argument("--json", action="store_true", help="print JSON on stdout")
    args = ap.parse_args(argv)
    proc, base = _start()
    try:
        res = asyncio.run(_run(base, args.requests, args.distinct, args.timeout))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    floor = next(v for k, v in res.items() if "trivial" in k)["p50_s"]
    for v in res.values():
        v["p50_over_trivial"] = v["p50_s"] / floor
    if args.json:
        print(json.dumps(res, indent=1))
        return 0
    print(f"{'requests':45s} {'p50 [s]':>9s} {'p95 [s]':>9s} {'p50 / trivial':>14s}")
    for k, v in res.items():
        print(f"{k:45s} {v['p50_s']:9.3f} {v['p95_s']:9.3f} {v['p50_over_trivial']:14.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
