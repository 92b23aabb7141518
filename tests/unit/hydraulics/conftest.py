"""Shared gas models and small networks for the hydraulics tests."""

from __future__ import annotations

import pytest

from pos2.gas.simple import ConstantZ, IdealGas


@pytest.fixture
def methane() -> IdealGas:
    """Ideal methane with constant properties (M 16.043 g/mol, mu 1.1e-5 Pa s, cp 2200 J/(kg K))."""
    return IdealGas(molar_mass_kg_per_mol=0.016043, viscosity_pa_s=1.1e-5, cp_j_per_kg_k=2200.0, kappa=1.3)


@pytest.fixture
def real_gas() -> ConstantZ:
    """Constant Z = 0.88 natural gas (M 17.4 g/mol)."""
    return ConstantZ(0.88, molar_mass_kg_per_mol=0.0174, viscosity_pa_s=1.1e-5, cp_j_per_kg_k=2300.0)
