"""Failure behaviour of the solver: each failure raises a project error naming what binds."""

from __future__ import annotations

import re

import pytest

from pos2.errors import ConvergenceError, InfeasibleError, NetworkError
from pos2.gas.simple import IdealGas
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.network import Network, NetworkBuilder


def _station(flow: float = 250.0, **kw: object) -> Network:
    nb = NetworkBuilder("station")
    for j in ("A", "B", "C", "D"):
        nb.junction(j)
    nb.pipe("AB", "A", "B", 80e3, 0.9, 2e-5)
    nb.compressor("CS1", "B", "C", **kw)  # type: ignore[arg-type]
    nb.pipe("CD", "C", "D", 80e3, 0.9, 2e-5)
    nb.pressure_source("S", "A", p_pa=6e6)
    nb.sink("X", "D", flow)
    return nb.build()


def test_power_above_limit(methane: IdealGas) -> None:
    with pytest.raises(InfeasibleError, match=r"CS1.*max_power_w") as exc:
        solve_steady(_station(ratio=1.5, max_power_w=5e6), methane)
    assert exc.value.element == "CS1"
    assert exc.value.constraint == "max_power_w"
    assert exc.value.value > 5e6


def test_ratio_above_limit(methane: IdealGas) -> None:
    with pytest.raises(InfeasibleError, match="max_ratio") as exc:
        solve_steady(_station(outlet_pressure_pa=8e6, max_ratio=1.2), methane)
    assert exc.value.constraint == "max_ratio"


def test_discharge_above_limit(methane: IdealGas) -> None:
    with pytest.raises(InfeasibleError, match="max_discharge_pa") as exc:
        solve_steady(_station(ratio=1.6, max_discharge_pa=6e6), methane)
    assert exc.value.element == "CS1"


def test_suction_above_outlet_set_point(methane: IdealGas) -> None:
    with pytest.raises(InfeasibleError, match="min ratio"):
        solve_steady(_station(flow=100.0, outlet_pressure_pa=5.5e6), methane)


def test_limits_can_be_reported_instead(methane: IdealGas) -> None:
    res = solve_steady(_station(ratio=1.5, max_power_w=5e6), methane, SteadyOptions(check_limits=False))
    assert float(res.compressors.power_w.iloc[0]) > 5e6


def test_pressure_falls_to_zero_names_the_pipe(methane: IdealGas) -> None:
    nb = NetworkBuilder("overload")
    for j in ("A", "B", "C"):
        nb.junction(j)
    nb.pipe("AB", "A", "B", 50e3, 0.5, 2e-5)
    nb.pipe("BC", "B", "C", 200e3, 0.3, 2e-5)
    nb.pressure_source("S", "A", p_pa=5e6)
    nb.sink("X", "C", 200.0)
    with pytest.raises(InfeasibleError, match="'BC'") as exc:
        solve_steady(nb.build(), methane)
    assert exc.value.constraint == "pressure > 0"
    assert exc.value.element == "BC"


def _two_pipes(flow_kg_per_s: float) -> Network:
    nb = NetworkBuilder("two pipes")
    for j in ("A", "B", "C"):
        nb.junction(j)
    nb.pipe("P1", "A", "B", 100e3, 1.0, 1e-5)
    nb.pipe("P2", "B", "C", 100e3, 1.0, 1e-5)
    nb.pressure_source("S", "A", p_pa=8e6, t_k=288.15)
    nb.sink("D", "C", flow_kg_per_s)
    return nb.build()


def test_infeasible_demand_stops_early(methane: IdealGas) -> None:
    """Newton stuck at p <= 0 without progress gives up after a few steps, not at max_iter.

    The two 100 km pipes carry at most about 398.5 kg/s from 8 MPa (398 kg/s still arrives at
    0.43 MPa); at 420 kg/s the solver used to wander at negative pressures until max_iter = 100.
    """
    res = solve_steady(_two_pipes(398.0), methane)
    assert 0.3e6 < float(res.nodes.set_index("name").p_pa["C"]) < 0.6e6
    with pytest.raises(InfeasibleError, match=r"stopped after (\d+) iterations") as exc:
        solve_steady(_two_pipes(420.0), methane)
    assert exc.value.constraint == "pressure > 0"
    assert exc.value.element == "P2"
    m = re.search(r"stopped after (\d+) iterations", str(exc.value))
    assert m is not None
    assert int(m.group(1)) <= 10


def test_regulator_inlet_below_set_point(methane: IdealGas) -> None:
    nb = NetworkBuilder("reg")
    for j in ("A", "B", "C"):
        nb.junction(j)
    nb.pipe("AB", "A", "B", 30e3, 0.6, 2e-5)
    nb.regulator("R1", "B", "C", outlet_pressure_pa=6e6)
    nb.pressure_source("S", "A", p_pa=5e6)
    nb.sink("X", "C", 10.0)
    with pytest.raises(InfeasibleError, match=r"R1.*below its outlet set point"):
        solve_steady(nb.build(), methane)


def test_non_convergence_reports_iterations_and_residual(methane: IdealGas) -> None:
    with pytest.raises(ConvergenceError, match="max_iter=1") as exc:
        solve_steady(_station(ratio=1.4), methane, SteadyOptions(max_iter=1, tol=1e-14))
    assert exc.value.iterations == 1
    assert exc.value.residual > 1e-14
    assert "after 1 iterations" in str(exc.value)


def test_thermal_non_convergence(methane: IdealGas) -> None:
    nb = NetworkBuilder("t")
    nb.junction("A")
    nb.junction("B")
    nb.pipe("AB", "A", "B", 100e3, 0.8, 2e-5, u_w_per_m2k=2.0)
    nb.pressure_source("S", "A", p_pa=7e6, t_k=330.0)
    nb.sink("X", "B", 100.0)
    with pytest.raises(ConvergenceError, match="max_thermal_iter=1"):
        solve_steady(nb.build(), methane, SteadyOptions(thermal=True, max_thermal_iter=1))


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"friction": "moody"}, "friction"),
        ({"friction": "fixed"}, "fixed_friction_factor"),
        ({"max_segment_length_m": 0.0}, "max_segment_length_m"),
        ({"tol": float("nan")}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"permc_spec": "AMD"}, "permc_spec"),
    ],
)
def test_bad_options(kw: dict[str, object], field: str) -> None:
    with pytest.raises(NetworkError, match=field) as exc:
        SteadyOptions(**kw)  # type: ignore[arg-type]
    assert exc.value.field == field


def test_fuel_hungry_chain_collapses_with_a_named_pipe(methane: IdealGas) -> None:
    """Fuel taken at every station raises the upstream flows until the line cannot carry them."""
    nb = NetworkBuilder("chain")
    nb.junction("J0")
    nb.pressure_source("S", "J0", p_pa=9.8e6)
    prev = "J0"
    for i in range(12):
        nb.junction(f"A{i}")
        nb.pipe(f"P{i}", prev, f"A{i}", 100e3, 1.38, 1e-5)
        nb.junction(f"B{i}")
        nb.pipe(f"Q{i}", f"A{i}", f"B{i}", 100e3, 1.38, 1e-5)
        nb.junction(f"C{i}")
        nb.compressor(f"CS{i}", f"B{i}", f"C{i}", outlet_pressure_pa=9.8e6, driver_efficiency=0.2)
        prev = f"C{i}"
    nb.sink("X", prev, 1000.0)
    with pytest.raises(InfeasibleError, match="pressure falls to zero") as exc:
        solve_steady(nb.build(), methane)
    assert exc.value.constraint == "pressure > 0"
    assert exc.value.element is not None
    assert exc.value.element.startswith(("P", "Q"))
