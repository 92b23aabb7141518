"""Rung 3: the 22 STANET gas reference networks that ship inside pandapipes.

Each file holds STANET's junction pressures (``p_stanet``, gauge bar) and pipe mean velocities
(``v_stanet``, m/s). The network is converted with :func:`pos2.network.pandapipes_json.load_pandapipes_json`
and solved by pos2 under STANET's assumptions: isothermal, the file's constant-property fluid
(Z = 1 or Z = 1 - 0.0022 p_abs[bar]) and the friction law in the file name, natively: ``_N``
(STANET's Nikuradse law ``64/Re + 1/(2 log10(D/k) + 1.14)^2``) with pos2's ``nikuradse_stanet``,
``_PC`` (Prandtl-Colebrook, ``k/(3.71 D)``) with pos2's ``colebrook_dvgw``. Only pump curves are
closed by the harness (``validation_harness.solve_pandapipes_case``).

Tolerances are pandapipes' own per-case tolerances against STANET, copied from
``pandapipes/test/stanet_comparison/test_gas_stanet.py`` (pandapipes 0.16.0), never looser:
relative gauge-pressure deviation ``|1 - p/p_STANET|`` and absolute mean-velocity deviation [m/s].
``versatility_PC`` is not tested by pandapipes (pandapipes itself misses STANET there by 4.5e-3 in
pressure); it holds a pump, and gets pandapipes' tolerance for the single-pump network ``pump_N``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandapipes
import pytest
from pandapipes.pf.derivative_toolbox import calc_lambda_nikuradse_comp_np
from validation_harness import solve_pandapipes_case, stanet_deviations

from pos2.hydraulics import correlations
from pos2.network.pandapipes_json import load_pandapipes_json

GAS_CASES = (
    Path(pandapipes.__file__).parent / "networks" / "network_files" / "stanet_test_networks" / "gas_cases"
)

# case -> (relative pressure tolerance [-], absolute velocity tolerance [m/s]) as in pandapipes' test
TOLERANCES: dict[str, tuple[float, float]] = {
    "parallel_N": (1e-4, 1e-2),
    "parallel_PC": (1e-4, 1e-2),
    "versatility_PC": (1e-2, 3e-2),
    "delta_PC": (2e-3, 3e-2),
    "pumps_N": (2e-3, 3e-2),
    "square_N": (1e-4, 1e-2),
    "square_PC": (2e-3, 3e-2),
    "two_valves_N": (1e-3, 1e-3),
    "two_valves_PC": (1e-4, 1e-3),
    "pipe_1_N": (1e-4, 1e-2),
    "pipe_1_PC": (1e-4, 1e-2),
    "pipe_2_N": (2e-3, 3e-2),
    "pipe_2_PC": (1e-4, 1e-2),
    "pump_N": (1e-2, 3e-2),
    "two_pipes_N": (1e-4, 1e-2),
    "two_pipes_PC": (1e-4, 1e-2),
    "t_cross1_N": (1e-4, 1e-2),
    "t_cross1_PC": (1e-4, 1e-2),
    "t_cross2_N": (1e-4, 1e-2),
    "t_cross2_PC": (1e-4, 1e-2),
    "H_net_N": (1e-4, 1e-2),
    "H_net_PC": (1e-4, 1e-2),
}

# STANET's law (file-name suffix, as read by the converter) -> the pos2 correlation that is that law
POS2_FRICTION = {"nikuradse": "nikuradse_stanet", "colebrook": "colebrook_dvgw"}

CASE_FILES = sorted(GAS_CASES.glob("**/*.json"))


def test_stanet_all_22_cases_present() -> None:
    """The parametrisation below covers exactly the 22 shipped files (tolerance table complete)."""
    assert len(CASE_FILES) == 22
    assert {f.stem for f in CASE_FILES} == set(TOLERANCES)


def test_nikuradse_stanet_is_pandapipes_nikuradse() -> None:
    """pos2's ``nikuradse_stanet`` equals pandapipes' gas-mode "nikuradse" law (laminar + rough term)."""
    d_m = np.array([0.05, 0.1, 0.3, 1.4])
    k_m = np.array([1e-4, 1e-5, 5e-4, 1e-5])
    eta_pa_s, area_m2 = 1.193e-5, np.pi * d_m**2 / 4.0
    m_kg_per_s = np.array([1e-4, 0.02, 3.0, 500.0])
    re, lam_laminar, lam_rough = calc_lambda_nikuradse_comp_np(m_kg_per_s, d_m, k_m, eta_pa_s, area_m2)
    assert correlations.nikuradse_stanet(re, k_m / d_m) == pytest.approx(lam_laminar + lam_rough, rel=1e-13)


@pytest.mark.parametrize("path", CASE_FILES, ids=[f.stem for f in CASE_FILES])
def test_stanet_case(path: Path) -> None:
    """pos2 meets pandapipes' own STANET tolerances on pressure and velocity."""
    _, gas, meta = load_pandapipes_json(path)
    assert meta.friction is not None
    sol = solve_pandapipes_case(meta, gas, POS2_FRICTION[meta.friction])
    assert sol.result.converged
    p_dev, v_dev = stanet_deviations(meta, gas, sol)
    tol_p, tol_v = TOLERANCES[path.stem]
    assert len(p_dev) == len(meta.p_stanet_pa) > 0
    assert len(v_dev) > 0
    assert float(p_dev["rel_dev"].max()) < tol_p, f"pressure deviation too large:\n{p_dev.to_string()}"
    assert float(v_dev["abs_dev"].max()) < tol_v, f"velocity deviation too large:\n{v_dev.to_string()}"
