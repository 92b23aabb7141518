"""Random meshed networks with stations: a converged, balanced result or a project error, nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from pos2.errors import InfeasibleError
from pos2.gas.simple import ConstantZ
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.network import Network, NetworkBuilder

GAS = ConstantZ(0.88, molar_mass_kg_per_mol=0.0174, viscosity_pa_s=1.1e-5, cp_j_per_kg_k=2300.0)


INFEASIBLE = {2}  # seed 2: the suction pressure ends above the discharge pressure (constraint "min ratio")


def random_network(seed: int) -> Network:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 30))
    nb = NetworkBuilder(f"random{seed}")
    for i in range(n):
        nb.junction(f"J{i}", elevation_m=float(rng.uniform(0, 600)))
    k = 0

    def pipe(a: str, b: str, d: float) -> None:
        nonlocal k
        nb.pipe(f"P{k}", a, b, float(rng.uniform(5e3, 120e3)), d, 2e-5, u_w_per_m2k=1.75)
        k += 1

    for i in range(1, n):
        pipe(f"J{int(rng.integers(0, i))}", f"J{i}", float(rng.choice([0.5, 0.7, 1.0])))
    for _ in range(n // 3):
        a, b = rng.choice(n, 2, replace=False)
        pipe(f"J{a}", f"J{b}", 0.7)
    nb.junction("CI")
    nb.junction("CO")
    pipe("J0", "CI", 1.0)
    mode = str(rng.choice(["ratio", "outlet", "flow"]))
    kw = {"ratio": {"ratio": 1.3}, "outlet": {"outlet_pressure_pa": 9.5e6}, "flow": {"flow_kg_per_s": 40.0}}[
        mode
    ]
    nb.compressor("CS", "CI", "CO", **kw)  # type: ignore[arg-type]
    pipe("CO", f"J{int(rng.integers(1, n))}", 1.0)
    nb.pressure_source("S", "J0", p_pa=8e6, t_k=300.0)
    for i in rng.choice(np.arange(1, n), size=max(1, n // 4), replace=False):
        nb.sink(f"D{i}", f"J{i}", float(rng.uniform(5, 40)))
    return nb.build()


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("thermal", [False, True])
def test_random_network(seed: int, thermal: bool) -> None:
    net = random_network(seed)
    infeasible: InfeasibleError | None = None
    try:
        res = solve_steady(net, GAS, SteadyOptions(thermal=thermal))
    except InfeasibleError as exc:  # a legitimate answer: the element and the constraint are named
        infeasible = exc
    if infeasible is not None:
        assert infeasible.element
        assert infeasible.constraint
        assert seed in INFEASIBLE
        return
    assert seed not in INFEASIBLE
    supply = float(res.sources.flow_kg_per_s.sum())
    demand = float(res.sinks.flow_kg_per_s.sum()) + res.total_fuel_kg_per_s
    assert supply == pytest.approx(demand, rel=1e-7)
    assert res.residual <= 1e-8
    assert (res.nodes.p_pa > 0).all()
