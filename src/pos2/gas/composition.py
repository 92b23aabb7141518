"""Natural-gas composition over the 21 GERG-2008 components, with molar mass and heating values.

A :class:`GasComposition` is frozen and hashable (so property tables can be cached per composition).
Mole fractions are validated: known component names only, non-negative, summing to 1 within 1e-6
(the stored fractions are then renormalised to sum to exactly 1).

Component data (per component, stated in :data:`COMPONENTS`):

* molar mass [kg/mol]: the values used by GERG-2008 (Kunz & Wagner 2012, J. Chem. Eng. Data 57:3032,
  Table A3.1), which pyaga8 uses as well (the unit tests compare them);
* gross (superior) molar calorific value at 25 degC combustion reference [J/mol]: ISO 6976:1995
  "Natural gas - Calculation of calorific values, density, relative density and Wobbe index from
  composition", Table 3. Net (inferior) values follow from the gross ones by subtracting the
  condensation enthalpy of the water formed, 44.016 kJ/mol at 25 degC per mole of water (the value
  ISO 6976:1995 uses), so the two stay consistent.

Volumetric heating values are referred to a metering state (default: Russian standard,
20 degC and 101.325 kPa, GOST 2939) with the real-gas compressibility from GERG-2008.

Examples
--------
>>> round(WEST_SIBERIAN.molar_mass_kg_per_mol * 1e3, 3)
16.513
>>> round(WEST_SIBERIAN.lhv_j_per_kg / 1e6, 2)
48.82
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from pos2.errors import GasError
from pos2.units import RUSSIAN_STANDARD, R, ReferenceConditions

__all__ = [
    "COMPONENTS",
    "PURE_METHANE",
    "WEST_SIBERIAN",
    "ComponentData",
    "GasComposition",
    "preset",
]

SUM_TOLERANCE: float = 1e-6
"""Largest accepted deviation of the sum of mole fractions from 1 [-]."""

WATER_CONDENSATION_J_PER_MOL: float = 44_016.0
"""Enthalpy of condensation of water at 25 degC used by ISO 6976:1995 [J/mol]."""

M_AIR_KG_PER_MOL: float = 0.028_962_6
"""Molar mass of dry air, ISO 6976:1995 [kg/mol] (used for relative density and Wobbe index)."""


@dataclass(frozen=True)
class ComponentData:
    """Constants of one GERG-2008 component.

    Parameters
    ----------
    molar_mass_kg_per_mol
        Molar mass, GERG-2008 value [kg/mol].
    hhv_j_per_mol
        Gross (superior) calorific value at 25 degC combustion reference, ISO 6976:1995 [J/mol].
    water_formed_mol_per_mol
        Moles of liquid water formed by complete combustion of one mole [-].
    """

    molar_mass_kg_per_mol: float
    hhv_j_per_mol: float
    water_formed_mol_per_mol: float

    @property
    def lhv_j_per_mol(self) -> float:
        """Net (inferior) calorific value at 25 degC [J/mol]."""
        return self.hhv_j_per_mol - self.water_formed_mol_per_mol * WATER_CONDENSATION_J_PER_MOL


# Order = GERG-2008 component numbering (Kunz & Wagner 2012).
# Molar masses: GERG-2008 / AGA8 (g/mol -> kg/mol). Gross calorific values: ISO 6976:1995 Table 3, 25 degC.
COMPONENTS: dict[str, ComponentData] = {
    "methane": ComponentData(0.016_042_46, 890_630.0, 2.0),
    "nitrogen": ComponentData(0.028_013_4, 0.0, 0.0),
    "carbon_dioxide": ComponentData(0.044_009_5, 0.0, 0.0),
    "ethane": ComponentData(0.030_069_04, 1_560_690.0, 3.0),
    "propane": ComponentData(0.044_095_62, 2_219_170.0, 4.0),
    "n_butane": ComponentData(0.058_122_2, 2_877_400.0, 5.0),
    "isobutane": ComponentData(0.058_122_2, 2_868_200.0, 5.0),
    "n_pentane": ComponentData(0.072_148_78, 3_535_770.0, 6.0),
    "isopentane": ComponentData(0.072_148_78, 3_528_830.0, 6.0),
    "n_hexane": ComponentData(0.086_175_36, 4_194_950.0, 7.0),
    "n_heptane": ComponentData(0.100_201_94, 4_853_430.0, 8.0),
    "n_octane": ComponentData(0.114_228_52, 5_511_800.0, 9.0),
    "n_nonane": ComponentData(0.128_255_1, 6_171_150.0, 10.0),
    "n_decane": ComponentData(0.142_281_68, 6_829_770.0, 11.0),
    "hydrogen": ComponentData(0.002_015_88, 285_830.0, 1.0),
    "oxygen": ComponentData(0.031_998_8, 0.0, 0.0),
    "carbon_monoxide": ComponentData(0.028_010_1, 282_980.0, 0.0),
    "water": ComponentData(0.018_015_28, 44_016.0, 1.0),
    "hydrogen_sulfide": ComponentData(0.034_080_88, 562_010.0, 1.0),
    "helium": ComponentData(0.004_002_602, 0.0, 0.0),
    "argon": ComponentData(0.039_948, 0.0, 0.0),
}
"""The 21 GERG-2008 components, in GERG order, with their constants."""

_ALIASES: dict[str, str] = {
    "ch4": "methane",
    "c1": "methane",
    "n2": "nitrogen",
    "co2": "carbon_dioxide",
    "c2h6": "ethane",
    "c2": "ethane",
    "c3h8": "propane",
    "c3": "propane",
    "nc4": "n_butane",
    "butane": "n_butane",
    "ic4": "isobutane",
    "i_butane": "isobutane",
    "nc5": "n_pentane",
    "pentane": "n_pentane",
    "ic5": "isopentane",
    "i_pentane": "isopentane",
    "hexane": "n_hexane",
    "nc6": "n_hexane",
    "heptane": "n_heptane",
    "octane": "n_octane",
    "nonane": "n_nonane",
    "decane": "n_decane",
    "h2": "hydrogen",
    "o2": "oxygen",
    "co": "carbon_monoxide",
    "h2o": "water",
    "h2s": "hydrogen_sulfide",
    "he": "helium",
    "ar": "argon",
}


def _canonical_name(raw: str, composition_name: str) -> str:
    key = raw.strip().lower().replace("-", "_").replace(" ", "_")
    if key in COMPONENTS:
        return key
    if key in _ALIASES:
        return _ALIASES[key]
    close = difflib.get_close_matches(key, list(COMPONENTS) + list(_ALIASES), n=1, cutoff=0.5)
    hint = f" (did you mean '{_ALIASES.get(close[0], close[0])}'?)" if close else ""
    raise GasError(
        f"composition '{composition_name}': unknown component {raw!r}{hint}; "
        f"known GERG-2008 components: {', '.join(COMPONENTS)}"
    )


@dataclass(frozen=True, init=False)
class GasComposition:
    """Validated mole fractions of a natural gas over the GERG-2008 components.

    Parameters
    ----------
    mole_fractions
        Component name -> mole fraction [-]. Names are the GERG-2008 component names of
        :data:`COMPONENTS` (``methane``, ``n_butane``, ``carbon_dioxide``...); formula aliases such as
        ``CH4`` or ``CO2`` are accepted. Fractions must be non-negative and sum to 1 within 1e-6.
    name
        Label used in messages and reports [-].
    source
        Where the composition comes from (facts file section, seed, assumption) [-].

    Raises
    ------
    GasError
        Unknown component (with the nearest known name), negative or non-finite fraction, or a sum
        of fractions that differs from 1 by more than 1e-6 (the message states the sum).

    Examples
    --------
    >>> gas = GasComposition({"CH4": 0.9, "ethane": 0.1}, name="demo")
    >>> gas["methane"]
    0.9
    """

    fractions: tuple[tuple[str, float], ...]
    """Non-zero mole fractions in GERG-2008 component order, normalised to sum to 1 [-]."""
    name: str = field(compare=False)
    source: str = field(compare=False)

    def __init__(self, mole_fractions: Mapping[str, float], name: str = "custom", source: str = "") -> None:
        if not mole_fractions:
            raise GasError(f"composition '{name}': no components given")
        merged: dict[str, float] = {}
        for raw, value in mole_fractions.items():
            comp = _canonical_name(str(raw), name)
            try:
                x = float(value)
            except (TypeError, ValueError):
                raise GasError(
                    f"composition '{name}': mole fraction of {raw!r} is not a number: {value!r}"
                ) from None
            if not math.isfinite(x) or x < 0.0:
                raise GasError(
                    f"composition '{name}': mole fraction of {raw!r} must be finite and >= 0, got {x!r}"
                )
            if comp in merged:
                raise GasError(f"composition '{name}': component {comp!r} given twice (as {raw!r})")
            merged[comp] = x
        total = math.fsum(merged.values())
        if abs(total - 1.0) > SUM_TOLERANCE:
            raise GasError(
                f"composition '{name}': mole fractions sum to {total!r}, not 1 (tolerance {SUM_TOLERANCE:g})"
            )
        ordered = tuple((c, merged[c] / total) for c in COMPONENTS if merged.get(c, 0.0) > 0.0)
        object.__setattr__(self, "fractions", ordered)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", source)

    def __getitem__(self, component: str) -> float:
        """Mole fraction of a component (0 if absent) [-]."""
        return dict(self.fractions).get(_canonical_name(component, self.name), 0.0)

    def as_dict(self) -> dict[str, float]:
        """Non-zero mole fractions by component name [-]."""
        return dict(self.fractions)

    @property
    def molar_mass_kg_per_mol(self) -> float:
        """Mixture molar mass ``sum x_i M_i`` [kg/mol]."""
        return math.fsum(x * COMPONENTS[c].molar_mass_kg_per_mol for c, x in self.fractions)

    @property
    def hhv_j_per_mol(self) -> float:
        """Gross (superior) molar calorific value at 25 degC combustion reference, ISO 6976:1995 [J/mol]."""
        return math.fsum(x * COMPONENTS[c].hhv_j_per_mol for c, x in self.fractions)

    @property
    def lhv_j_per_mol(self) -> float:
        """Net (inferior) molar calorific value at 25 degC combustion reference [J/mol]."""
        return math.fsum(x * COMPONENTS[c].lhv_j_per_mol for c, x in self.fractions)

    @property
    def hhv_j_per_kg(self) -> float:
        """Gross mass calorific value at 25 degC combustion reference [J/kg]."""
        return self.hhv_j_per_mol / self.molar_mass_kg_per_mol

    @property
    def lhv_j_per_kg(self) -> float:
        """Net mass calorific value at 25 degC combustion reference [J/kg]."""
        return self.lhv_j_per_mol / self.molar_mass_kg_per_mol

    def compressibility_at(self, reference: ReferenceConditions = RUSSIAN_STANDARD) -> float:
        """Real-gas compressibility factor at a metering state, from GERG-2008 [-].

        Parameters
        ----------
        reference
            Metering state (temperature [K], absolute pressure [Pa]).
        """
        from pos2.gas.gerg import Gerg2008  # local import: gerg depends on this module

        return float(Gerg2008(self).z(reference.p_pa, reference.t_k))

    def molar_density_at(self, reference: ReferenceConditions = RUSSIAN_STANDARD) -> float:
        """Real-gas molar density ``p / (Z R T)`` at a metering state [mol/m3].

        Parameters
        ----------
        reference
            Metering state (temperature [K], absolute pressure [Pa]).
        """
        return reference.p_pa / (self.compressibility_at(reference) * R * reference.t_k)

    def lhv_j_per_m3(self, reference: ReferenceConditions = RUSSIAN_STANDARD) -> float:
        """Net volumetric calorific value of the real gas metered at ``reference`` [J/m3].

        Combustion reference 25 degC (ISO 6976:1995); volume at the metering state, real gas
        (GERG-2008 compressibility).

        Parameters
        ----------
        reference
            Metering state (default Russian standard, 20 degC, 101.325 kPa).
        """
        return self.lhv_j_per_mol * self.molar_density_at(reference)

    def hhv_j_per_m3(self, reference: ReferenceConditions = RUSSIAN_STANDARD) -> float:
        """Gross volumetric calorific value of the real gas metered at ``reference`` [J/m3].

        Parameters
        ----------
        reference
            Metering state (default Russian standard, 20 degC, 101.325 kPa).
        """
        return self.hhv_j_per_mol * self.molar_density_at(reference)

    def wobbe_index_j_per_m3(self, reference: ReferenceConditions = RUSSIAN_STANDARD) -> float:
        """Gross Wobbe index ``HHV_v / sqrt(d)``, ideal relative density ``d = M / M_air`` [J/m3].

        Parameters
        ----------
        reference
            Metering state of the volumetric heating value (default Russian standard).
        """
        d = self.molar_mass_kg_per_mol / M_AIR_KG_PER_MOL
        return self.hhv_j_per_m3(reference) / math.sqrt(d)


WEST_SIBERIAN = GasComposition(
    {"methane": 0.97, "ethane": 0.015, "propane": 0.003, "nitrogen": 0.01, "carbon_dioxide": 0.002},
    name="West Siberian pipeline gas",
    source=(
        "engineering_facts.md sections 1d/1e (confidence INF): 97% CH4, 1.5% C2H6, 0.3% C3H8, 1% N2, "
        "0.2% CO2, the composition used for the PoS2 hydraulic consistency check. A representative "
        "lean pipeline gas; Cenomanian gas of Nadym-Pur-Taz/Yamal fields is drier still (about 98-99% CH4)."
    ),
)
"""Default pipeline gas of the twin (assumption, engineering_facts.md §1d/§1e)."""

PURE_METHANE = GasComposition({"methane": 1.0}, name="pure methane", source="definition")
"""Pure methane (for validation against Setzmann-Wagner via GERG-2008)."""

PRESETS: dict[str, GasComposition] = {"west_siberian": WEST_SIBERIAN, "pure_methane": PURE_METHANE}
"""Compositions by the preset names a scenario uses (``gas.composition``)."""


def preset(name: str) -> GasComposition:
    """The composition of a preset name (``west_siberian``, ``pure_methane``).

    Raises
    ------
    GasError
        Unknown name (the known ones are listed).
    """
    if name not in PRESETS:
        raise GasError(f"unknown gas composition preset {name!r} (known: {', '.join(PRESETS)})")
    return PRESETS[name]
