"""Read and solve a GasLib network from its original XML, timing each stage.

Usage::

    python benchmarks/gaslib.py NET.net [--nomination NOM.scn] [--mode ID=SPEC ...] [--law papay|aga]
                                [--friction colebrook] [--repeat 3] [--json]

GasLib files are not shipped with pos2 (see docs/validation.md, "GasLib networks"). The PyPI package
``dave-core`` 1.4.0 (BSD-3-Clause) carries ``GasLib-582-v2.net`` (CC BY 3.0, ZIB) inside its wheel,
at ``dave_core/datapool/data/gaslib/GasLib-582-v2.net``; it has no nomination, so without a ``.scn``
the network is solved without demand (each connected part held at its highest source bound), which
times the reading and the solver on the real topology but is not a hydraulic validation.

Prints the load time, the best of ``--repeat`` solve times (after one discarded call), the Newton
iterations, the pressure range and the import's notes; ``--json`` prints one JSON object with the
keys ``file``, ``junctions``, ``pipes``, ``links``, ``load_s``, ``solve_s``, ``iterations``,
``p_min_bar``, ``p_max_bar``.
"""

from __future__ import annotations

import argparse
import json
import time

from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.network.formats import load_network_file


def _modes(specs: list[str]) -> dict[str, object]:
    keys = {"ratio": "ratio", "outlet_bar": "outlet_pressure_bar", "flow_kg_per_s": "flow_kg_per_s"}
    out: dict[str, object] = {}
    for spec in specs:
        ident, _, what = spec.partition("=")
        if what in ("open", "closed", "bypass"):
            out[ident] = what
        else:
            key, _, num = what.partition(":")
            out[ident] = {keys[key]: float(num)}
    return out


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("net")
    ap.add_argument("--nomination", default=None)
    ap.add_argument("--mode", action="append", default=[])
    ap.add_argument("--law", default="papay")
    ap.add_argument("--friction", default="colebrook")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    t0 = time.perf_counter()
    f = load_network_file(args.net, args.nomination, modes=_modes(args.mode), gas_law=args.law)
    load_s = time.perf_counter() - t0
    assert f.gas is not None
    opts = SteadyOptions(friction=args.friction)
    solve_steady(f.network, f.gas, opts)  # discarded: topology cache and warm-up
    best = float("inf")
    res = None
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        res = solve_steady(f.network, f.gas, opts)
        best = min(best, time.perf_counter() - t0)
    assert res is not None
    net = f.network
    out = {
        "file": args.net,
        "junctions": len(net.junctions),
        "pipes": len(net.pipes),
        "links": len(net.valves) + len(net.compressors) + len(net.regulators),
        "load_s": load_s,
        "solve_s": best,
        "iterations": res.iterations,
        "p_min_bar": float(res.nodes.p_pa.min()) / 1e5,
        "p_max_bar": float(res.nodes.p_pa.max()) / 1e5,
    }
    if args.json:
        print(json.dumps(out))
        return
    for k, v in out.items():
        print(f"{k:>12}: {v:.4g}" if isinstance(v, float) else f"{k:>12}: {v}")
    for note in f.notes:
        print(f"        note: {note}")


if __name__ == "__main__":
    main()
