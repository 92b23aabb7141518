"""GasComposition: validation errors, presets, molar mass and heating values."""

from __future__ import annotations

import math
import pickle

import pyaga8
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos2.errors import GasError
from pos2.gas import PURE_METHANE, WEST_SIBERIAN, GasComposition
from pos2.gas.composition import COMPONENTS
from pos2.gas.gerg import _PYAGA8_NAME
from pos2.units import ISO_STANDARD, RUSSIAN_STANDARD


def test_sum_not_one_names_the_sum() -> None:
    with pytest.raises(GasError, match=r"sum to 0\.99") as err:
        GasComposition({"methane": 0.97, "ethane": 0.02}, name="bad")
    assert "'bad'" in str(err.value)


def test_sum_within_tolerance_is_renormalised() -> None:
    gas = GasComposition({"methane": 0.9999996, "nitrogen": 0.0})
    assert gas["methane"] == 1.0
    assert gas.as_dict() == {"methane": 1.0}  # zero fractions are dropped


def test_negative_and_non_numeric_fractions() -> None:
    with pytest.raises(GasError, match=r"'ethane'.*-0\.01"):
        GasComposition({"methane": 1.01, "ethane": -0.01})
    with pytest.raises(GasError, match="not a number"):
        GasComposition({"methane": "lots"})  # type: ignore[dict-item]
    with pytest.raises(GasError, match="finite"):
        GasComposition({"methane": math.nan})
    with pytest.raises(GasError, match="no components"):
        GasComposition({})


def test_unknown_component_suggests_nearest() -> None:
    with pytest.raises(GasError, match=r"'methan'.*did you mean 'methane'"):
        GasComposition({"methan": 1.0})
    with pytest.raises(GasError, match=r"did you mean 'n_butane'"):
        GasComposition({"methane": 0.5, "n_butan": 0.5})


def test_aliases_and_duplicates() -> None:
    gas = GasComposition({"CH4": 0.9, "C2H6": 0.05, "N2": 0.03, "CO2": 0.02})
    assert gas.as_dict() == {"methane": 0.9, "nitrogen": 0.03, "carbon_dioxide": 0.02, "ethane": 0.05}
    with pytest.raises(GasError, match="given twice"):
        GasComposition({"CH4": 0.5, "methane": 0.5})


def test_hash_and_equality_ignore_labels() -> None:
    a = GasComposition({"methane": 0.97, "ethane": 0.03}, name="a")
    b = GasComposition({"ethane": 0.03, "methane": 0.97}, name="b", source="elsewhere")
    assert a == b
    assert hash(a) == hash(b)
    assert a != PURE_METHANE


def test_west_siberian_preset_is_the_facts_file_gas() -> None:
    # engineering_facts.md section 1e: 97% CH4, 1.5% C2, 0.3% C3, 1% N2, 0.2% CO2
    assert WEST_SIBERIAN.as_dict() == pytest.approx(
        {"methane": 0.97, "ethane": 0.015, "propane": 0.003, "nitrogen": 0.01, "carbon_dioxide": 0.002},
        rel=1e-15,
    )
    assert "engineering_facts.md" in WEST_SIBERIAN.source
    m = 0.97 * 16.04246 + 0.015 * 30.06904 + 0.003 * 44.09562 + 0.01 * 28.0134 + 0.002 * 44.0095
    assert WEST_SIBERIAN.molar_mass_kg_per_mol == pytest.approx(m * 1e-3, rel=1e-14)


@pytest.mark.parametrize("component", list(COMPONENTS))
def test_component_molar_masses_match_gerg2008(component: str) -> None:
    comp = pyaga8.Composition()
    setattr(comp, _PYAGA8_NAME.get(component, component), 1.0)
    engine = pyaga8.Gerg2008()
    engine.set_composition(comp)
    engine.calc_molar_mass()
    assert COMPONENTS[component].molar_mass_kg_per_mol == pytest.approx(engine.mm * 1e-3, rel=1e-12)


def test_methane_heating_values_textbook() -> None:
    # Methane: HHV 55.5 MJ/kg and LHV 50.0 MJ/kg (standard textbook values at 25 degC).
    assert PURE_METHANE.hhv_j_per_kg == pytest.approx(55.5e6, rel=2e-3)
    assert PURE_METHANE.lhv_j_per_kg == pytest.approx(50.0e6, rel=2e-3)
    # The net value is the gross one minus the condensation enthalpy of 2 mol of water.
    assert PURE_METHANE.hhv_j_per_mol - PURE_METHANE.lhv_j_per_mol == pytest.approx(2 * 44_016.0, rel=1e-12)


def test_volumetric_heating_value_uses_real_gas_metering_state() -> None:
    # Methane at 15 degC, 101.325 kPa has Z = 0.9980 (ISO 6976); volume basis p / (Z R T).
    hv_15 = PURE_METHANE.hhv_j_per_m3(ISO_STANDARD)
    assert hv_15 == pytest.approx(890_630.0 * 101_325.0 / (0.9980 * 8.314_472 * 288.15), rel=1e-4)
    # Metering at 20 degC gives a smaller volumetric value than at 15 degC (less dense gas).
    assert WEST_SIBERIAN.lhv_j_per_m3(RUSSIAN_STANDARD) < WEST_SIBERIAN.lhv_j_per_m3(ISO_STANDARD)
    ratio = WEST_SIBERIAN.lhv_j_per_m3() / WEST_SIBERIAN.lhv_j_per_mol
    assert ratio == pytest.approx(WEST_SIBERIAN.molar_density_at(RUSSIAN_STANDARD), rel=1e-14)


def test_wobbe_index_definition() -> None:
    d = WEST_SIBERIAN.molar_mass_kg_per_mol / 0.028_962_6
    assert WEST_SIBERIAN.wobbe_index_j_per_m3() == pytest.approx(WEST_SIBERIAN.hhv_j_per_m3() / d**0.5)
    # inert components lower the Wobbe index
    inert = GasComposition({"methane": 0.9, "nitrogen": 0.1})
    assert inert.wobbe_index_j_per_m3() < PURE_METHANE.wobbe_index_j_per_m3()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.dictionaries(
        st.sampled_from(list(COMPONENTS)),
        st.floats(min_value=1e-6, max_value=1.0, allow_nan=False),
        min_size=1,
        max_size=8,
    )
)
def test_any_normalised_mixture_is_accepted(raw: dict[str, float]) -> None:
    total = math.fsum(raw.values())
    gas = GasComposition({k: v / total for k, v in raw.items()})
    assert math.fsum(gas.as_dict().values()) == pytest.approx(1.0, abs=1e-12)
    masses = [COMPONENTS[c].molar_mass_kg_per_mol for c in raw]
    assert min(masses) * (1 - 1e-12) <= gas.molar_mass_kg_per_mol <= max(masses) * (1 + 1e-12)
    assert gas.lhv_j_per_mol <= gas.hhv_j_per_mol
    # a sum off by 1e-4 is refused whatever the mixture
    with pytest.raises(GasError, match="sum to"):
        GasComposition({k: 1.0001 * v / total for k, v in raw.items()})


def test_pickle_round_trip() -> None:
    again = pickle.loads(pickle.dumps(WEST_SIBERIAN))
    assert again == WEST_SIBERIAN
    assert again.name == WEST_SIBERIAN.name
