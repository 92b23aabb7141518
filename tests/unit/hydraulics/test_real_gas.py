"""The solver with the GERG-2008 table of the gas package (real Z(p, T), kappa, LHV of the gas)."""

from __future__ import annotations

import pytest

from pos2.errors import GasError
from pos2.gas.tables import default_gas
from pos2.hydraulics import SteadyOptions, solve_steady
from pos2.network import Network, NetworkBuilder
from pos2.units import R


def _trunk(p_source_pa: float = 9.8e6) -> Network:
    nb = NetworkBuilder("trunk")
    nb.junction("J0", elevation_m=100.0)
    nb.pressure_source("SRC", "J0", p_pa=p_source_pa, t_k=293.15)
    prev = "J0"
    for i in range(3):
        nb.junction(f"S{i}", elevation_m=300.0 + 100 * i)
        nb.pipe(f"P{i}", prev, f"S{i}", 150e3, 1.36, 1e-5, u_w_per_m2k=1.75, ground_temperature_k=275.0)
        nb.junction(f"D{i}", elevation_m=300.0 + 100 * i)
        nb.compressor(f"CS{i}", f"S{i}", f"D{i}", outlet_pressure_pa=9.8e6, aftercooler_outlet_k=303.15)
        prev = f"D{i}"
    nb.junction("END", elevation_m=500.0)
    nb.pipe("P3", prev, "END", 150e3, 1.36, 1e-5, u_w_per_m2k=1.75, ground_temperature_k=275.0)
    nb.sink("OUT", "END", 900.0)
    return nb.build()


@pytest.mark.parametrize("thermal", [False, True])
def test_real_gas_station_power_and_fuel(thermal: bool) -> None:
    gas = default_gas()
    res = solve_steady(_trunk(), gas, SteadyOptions(thermal=thermal))
    c = res.compressors.iloc[1]
    p_in, t_in = float(c.p_in_pa), float(c.t_in_k)
    z_in = float(gas.z(p_in, t_in))
    kappa = float(gas.isentropic_exponent(p_in, t_in))
    e = (kappa - 1.0) / kappa
    r_s = R / gas.molar_mass_kg_per_mol
    m_comp = c.flow_kg_per_s - c.fuel_kg_per_s
    assert c.power_w == pytest.approx(m_comp * z_in * r_s * t_in * (c.ratio**e - 1) / (e * 0.84), rel=1e-9)
    # LHV from the gas composition (not the 49 MJ/kg default)
    lhv = gas.composition.lhv_j_per_kg
    assert c.fuel_kg_per_s == pytest.approx(c.power_w / (0.36 * lhv), rel=1e-9)
    assert 0.7 < z_in < 0.95
    # fuel is taken off the line: each station passes on less than it takes in
    flows = res.compressors.flow_kg_per_s.to_numpy()
    assert flows[0] > flows[1] > flows[2] > 900.0
    assert float(res.sources.flow_kg_per_s.iloc[0]) == pytest.approx(
        900.0 + res.total_fuel_kg_per_s, rel=1e-9
    )
    if thermal:
        t = res.nodes.set_index("name").t_k
        assert t["D1"] == pytest.approx(303.15)  # after-cooler
        assert t["S1"] < 303.15


def test_solution_outside_the_gas_table_raises() -> None:
    with pytest.raises(GasError, match="outside the table range"):
        solve_steady(_trunk(p_source_pa=17e6), default_gas())
