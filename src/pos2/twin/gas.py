"""The twin's gas: the tabulated GERG-2008 model of the scenario's composition, and its volumes.

The scenario states the reference conditions of its volumes (Russian standard 20 degC, 101.325 kPa by
default); :func:`reference_info` gives them with the throughput as mass flow and at ISO 15 degC.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pos2.errors import ScenarioError
from pos2.gas.model import GasModel
from pos2.scenario import Scenario
from pos2.units import ISO_STANDARD, SECONDS_PER_YEAR, celsius_to_k

TWIN_GAS_P_RANGE_PA = (1e3, 30e6)
"""Pressure range of the twin's GERG-2008 tables [Pa]: wider than the default so that the solver's
Newton trial steps on long lines (which may overshoot well beyond the final pressures) stay inside."""


@cache
def gas_for(composition: str) -> GasModel:
    """The fast tabulated GERG-2008 gas model of a composition preset (cached).

    Parameters
    ----------
    composition
        Preset name: ``west_siberian`` or ``pure_methane`` [-]
    """
    from pos2.gas.composition import PRESETS
    from pos2.gas.tables import TabulatedGas

    if composition not in PRESETS:
        raise ScenarioError("unknown gas composition preset", field="gas.composition", value=composition)
    return TabulatedGas.from_composition(PRESETS[composition], p_range_pa=TWIN_GAS_P_RANGE_PA)


def reference_info(scenario: Scenario, throughput_bcm_per_year: float) -> dict[str, Any]:
    """The scenario's volume reference conditions, and the throughput as mass flow and at ISO 15 degC.

    Parameters
    ----------
    scenario
        A loaded scenario [-]
    throughput_bcm_per_year
        Throughput at the scenario's reference conditions [bcm/yr].
    """
    m = scenario.model
    gas = gas_for(m.gas.composition)
    p_ref = m.gas.reference_pressure_kpa * 1e3
    rho = float(gas.reference_density(celsius_to_k(m.gas.reference_temperature_c), p_ref))
    rho_iso = float(gas.reference_density(ISO_STANDARD.t_k, ISO_STANDARD.p_pa))
    return {
        "composition": m.gas.composition,
        "reference_temperature_c": m.gas.reference_temperature_c,
        "reference_pressure_kpa": m.gas.reference_pressure_kpa,
        "reference_density_kg_per_m3": rho,
        "throughput_kg_per_s": throughput_bcm_per_year * 1e9 * rho / SECONDS_PER_YEAR,
        "throughput_bcm_per_year_iso_15c": throughput_bcm_per_year * rho / rho_iso,
    }


__all__ = [
    "TWIN_GAS_P_RANGE_PA",
    "gas_for",
    "reference_info",
]
