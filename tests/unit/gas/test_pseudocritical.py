"""PseudoCriticalGas: the Papay and AGA laws by hand, derivatives against finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pos2.errors import GasError
from pos2.gas.model import GasModel
from pos2.gas.pseudocritical import PseudoCriticalGas
from pos2.units import R

GAS = {"molar_mass_kg_per_mol": 0.018, "pc_pa": 46.7e5, "tc_k": 202.4}


@pytest.mark.parametrize("law", ["papay", "aga"])
def test_laws_by_hand_and_derivatives(law: str) -> None:
    gas = PseudoCriticalGas(**GAS, law=law)  # type: ignore[arg-type]
    assert isinstance(gas, GasModel)
    p, t = 70e5, 283.15
    pr, tr = p / 46.7e5, t / 202.4
    if law == "papay":
        z = 1 - 3.52 * pr * math.exp(-2.26 * tr) + 0.274 * pr**2 * math.exp(-1.878 * tr)
    else:
        z = 1 + 0.257 * pr - 0.533 * pr / tr
    assert float(gas.z(p, t)) == pytest.approx(z, rel=1e-14)
    assert float(gas.density(p, t)) == pytest.approx(p * 0.018 / (z * R * t), rel=1e-14)
    h = 10.0
    dzdp = (float(gas.z(p + h, t)) - float(gas.z(p - h, t))) / (2 * h)
    assert float(gas.dz_dp(p, t)) == pytest.approx(dzdp, rel=1e-6)
    # mu_JT = (T (dv/dT)_p - v) / cp with v = Z R T / (M p)
    ht = 1e-3
    v = lambda tt: float(gas.z(p, tt)) * R * tt / (0.018 * p)  # noqa: E731
    mu = (t * (v(t + ht) - v(t - ht)) / (2 * ht) - v(t)) / float(gas.cp(p, t))
    assert float(gas.joule_thomson(p, t)) == pytest.approx(mu, rel=1e-5)
    assert 1.2 < float(gas.isentropic_exponent(p, t)) < 1.4


def test_bad_data_is_refused() -> None:
    with pytest.raises(GasError, match="pc_pa"):
        PseudoCriticalGas(0.018, -1.0, 202.4)
    with pytest.raises(GasError, match="law"):
        PseudoCriticalGas(0.018, 46.7e5, 202.4, law="magic")
    gas = PseudoCriticalGas(0.018, 46.7e5, 202.4, law="aga")  # Z = 1 - 0.276 p_r at T = T_c
    with pytest.raises(GasError, match="Z ="):
        gas.z(np.array([60e5, 200e5]), 202.4)
