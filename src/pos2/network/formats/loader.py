"""One loader for every network file format, returning the network with the gas and friction it names."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pos2.errors import GasError, NetworkError
from pos2.gas.composition import PRESETS, GasComposition
from pos2.gas.model import GasModel
from pos2.gas.pseudocritical import LAWS, PseudoCriticalGas
from pos2.gas.tables import TabulatedGas
from pos2.network.io import NetworkFileError, load_network
from pos2.network.model import Network
from pos2.scenario.locate import find_line, key_lines, parse_toml

__all__ = ["GAS_KEYS", "SOLVER_KEYS", "NetworkFile", "gas_from_spec", "load_network_file"]

GAS_KEYS = frozenset(
    {
        "preset",
        "composition",
        "molar_mass_kg_per_kmol",
        "pseudocritical_pressure_bar",
        "pseudocritical_temperature_k",
        "law",
        "viscosity_pa_s",
        "cp_coefficients",
        "source",
        "confidence",
        "note",
        "assumption",
    }
)
"""Keys of the ``[gas]`` table of a TOML network file."""
SOLVER_KEYS = frozenset({"friction", "fixed_friction_factor", "source", "note"})
"""Keys of the ``[solver]`` table of a TOML network file."""

_PSEUDO = ("molar_mass_kg_per_kmol", "pseudocritical_pressure_bar", "pseudocritical_temperature_k")


@dataclass(frozen=True)
class NetworkFile:
    """A network file read: the network, and the gas and friction law the file names (if any).

    Attributes
    ----------
    network
        The validated network [-].
    gas
        The file's gas model; ``None`` when the file names none (the caller's default applies) [-].
    gas_label
        Description of the gas for output [-].
    friction
        Friction law named by the file, ``None`` when it names none [-].
    fixed_friction_factor
        Darcy factor for ``friction = "fixed"`` [-].
    format
        ``"toml"``, ``"pandapipes"`` or ``"gaslib"`` [-].
    notes
        Assumptions made in converting the file [-].
    """

    network: Network
    gas: GasModel | None
    gas_label: str
    friction: str | None = None
    fixed_friction_factor: float | None = None
    format: str = "toml"
    notes: tuple[str, ...] = field(default=())


def gas_from_spec(spec: Mapping[str, Any], where: str = "[gas]") -> tuple[GasModel, str]:
    """The gas model a ``[gas]`` table describes, and a label for it.

    Exactly one of: ``preset`` (a composition preset: ``west_siberian``, ``pure_methane``; GERG-2008
    table), ``composition`` (mole fractions by component; GERG-2008 table), or the pseudo-critical
    description of GasLib (``molar_mass_kg_per_kmol``, ``pseudocritical_pressure_bar``,
    ``pseudocritical_temperature_k``, optional ``law`` papay/aga, ``viscosity_pa_s``,
    ``cp_coefficients = [A, B, C]`` of the molar heat capacity in J/(mol K)).

    Parameters
    ----------
    spec
        The table's keys and values [-].
    where
        Name of the table in errors [-].

    Raises
    ------
    NetworkError
        Unknown key, none or several descriptions, or invalid values (naming the key).
    """
    for key in spec:
        if key not in GAS_KEYS:
            raise NetworkError(
                f"unknown key in {where} (known: {', '.join(sorted(GAS_KEYS))})", element=where, field=key
            )
    given = [k for k in ("preset", "composition") if k in spec] + (
        ["pseudo-critical"] if any(k in spec for k in _PSEUDO) else []
    )
    if len(given) != 1:
        raise NetworkError(
            "give exactly one gas description: preset, composition, or the pseudo-critical keys "
            + ", ".join(_PSEUDO),
            element=where,
            field="preset",
            value=", ".join(given) if given else "none",
        )
    try:
        if "preset" in spec:
            name = spec["preset"]
            if name not in PRESETS:
                raise NetworkError(
                    f"unknown gas preset (known: {', '.join(PRESETS)})",
                    element=where,
                    field="preset",
                    value=name,
                )
            return TabulatedGas.from_composition(PRESETS[name]), f"GERG-2008 table, preset {name}"
        if "composition" in spec:
            comp = spec["composition"]
            if not isinstance(comp, Mapping):
                raise NetworkError(
                    "must be a table of mole fractions", element=where, field="composition", value=comp
                )
            gc = GasComposition(comp, name="network file gas")
            return TabulatedGas.from_composition(gc), "GERG-2008 table of the file's composition"
        missing = [k for k in _PSEUDO if k not in spec]
        if missing:
            raise NetworkError(
                "the pseudo-critical description needs this key", element=where, field=missing[0]
            )
        law = spec.get("law", "papay")
        if law not in LAWS:
            raise NetworkError(f"must be one of {', '.join(LAWS)}", element=where, field="law", value=law)
        nums = {k: spec[k] for k in _PSEUDO}
        for k, v in nums.items():
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise NetworkError("must be a number", element=where, field=k, value=v)
        cp = spec.get("cp_coefficients", (31.61, -0.004285, 8.019e-5))
        if not (isinstance(cp, list | tuple) and len(cp) == 3):
            raise NetworkError(
                "must be three numbers [A, B, C]", element=where, field="cp_coefficients", value=cp
            )
        gas = PseudoCriticalGas(
            float(nums["molar_mass_kg_per_kmol"]) * 1e-3,
            float(nums["pseudocritical_pressure_bar"]) * 1e5,
            float(nums["pseudocritical_temperature_k"]),
            law=law,
            viscosity_pa_s=float(spec.get("viscosity_pa_s", 1.0e-5)),
            cp_coefficients=(float(cp[0]), float(cp[1]), float(cp[2])),
            name=f"pseudo-critical gas ({law} Z)",
        )
        return gas, f"pseudo-critical gas, {law} Z (M {gas.molar_mass_kg_per_mol * 1e3:.4g} kg/kmol)"
    except GasError as exc:
        raise NetworkError(str(exc), element=where, field="gas") from exc


def _toml_extras(path: Path) -> tuple[GasModel | None, str | None, str | None, float | None]:
    """The ``[gas]`` and ``[solver]`` tables of a TOML network file (errors with the line)."""
    text = path.read_text(encoding="utf-8")
    try:
        doc = parse_toml(text)
    except tomllib.TOMLDecodeError:
        return None, None, None, None  # load_network reports it with its line
    lines = key_lines(text)
    gas = label = friction = None
    fixed = None
    if "gas" in doc:
        spec = doc["gas"]
        if not isinstance(spec, dict):
            raise NetworkFileError(
                "[gas] must be a table", path=str(path), line=find_line(lines, "gas"), field="gas"
            )
        try:
            gas, label = gas_from_spec(spec)
        except NetworkError as exc:
            key = exc.field or "gas"
            raise NetworkFileError(
                str(exc.args[0]).split(": ", 1)[-1] if exc.field else str(exc),
                path=str(path),
                line=find_line(lines, f"gas.{key}") or find_line(lines, "gas"),
                element="[gas]",
                field=exc.field,
                value=exc.value,
            ) from exc
    if "solver" in doc:
        sv = doc["solver"]
        if not isinstance(sv, dict):
            raise NetworkFileError(
                "[solver] must be a table", path=str(path), line=find_line(lines, "solver")
            )
        for key in sv:
            if key not in SOLVER_KEYS:
                raise NetworkFileError(
                    f"unknown key in [solver] (known: {', '.join(sorted(SOLVER_KEYS))})",
                    path=str(path),
                    line=find_line(lines, f"solver.{key}"),
                    field=key,
                )
        friction = sv.get("friction")  # checked against the solver's laws where the solver is set up
        if friction is not None and not isinstance(friction, str):
            raise NetworkFileError(
                "must be the name of a friction law",
                path=str(path),
                line=find_line(lines, "solver.friction"),
                field="friction",
                value=friction,
            )
        fixed = sv.get("fixed_friction_factor")
        if fixed is not None and (
            isinstance(fixed, bool) or not isinstance(fixed, int | float) or not 0 < fixed < 1
        ):
            raise NetworkFileError(
                "must be a number between 0 and 1",
                path=str(path),
                line=find_line(lines, "solver.fixed_friction_factor"),
                field="fixed_friction_factor",
                value=fixed,
            )
    return gas, label, friction, float(fixed) if fixed is not None else None


def load_network_file(
    path: str | Path,
    scenario: str | Path | None = None,
    *,
    modes: Mapping[str, Any] | None = None,
    gas_law: str = "papay",
) -> NetworkFile:
    """Read a network file of any supported format.

    Parameters
    ----------
    path
        ``.toml`` (pos2), ``.json`` (pandapipes) or ``.net``/``.xml`` (GasLib) [-].
    scenario
        GasLib scenario (``.scn``) for a GasLib network; refused for other formats [-].
    modes
        GasLib: modes of valves, control valves and compressor stations by id
        (see :func:`pos2.network.formats.gaslib.load_gaslib`) [-].
    gas_law
        GasLib: compressibility law of the pseudo-critical gas, ``papay`` or ``aga`` [-].

    Raises
    ------
    NetworkFileError
        Missing file, unknown format, or invalid content (naming file, line, element and field).
    """
    path = Path(path)
    if not path.is_file():
        raise NetworkFileError("network file not found", path=str(path), line=None)
    suffix = path.suffix.lower()
    if scenario is not None and suffix not in (".net", ".xml"):
        raise NetworkFileError(
            "a scenario file goes with a GasLib network (.net)", path=str(scenario), line=None
        )
    if suffix == ".toml":
        gas, label, friction, fixed = _toml_extras(path)
        # volume flows convert with the file's gas, else with the solvers' default gas
        from pos2.gas.tables import default_gas

        net = load_network(path, (gas or default_gas()).reference_density)
        return NetworkFile(net, gas, label or "", friction, fixed, "toml")
    if suffix == ".json":
        from pos2.network.formats.pandapipes_json import _friction_from_name, load_pandapipes_json

        try:
            pnet, pgas, meta = load_pandapipes_json(path)
        except NetworkFileError:
            raise
        except NetworkError as e:  # a valid file whose values the network model refuses: bad input too
            raise NetworkFileError(str(e), path=str(path), line=None) from None
        return NetworkFile(
            pnet,
            pgas,
            "fluid of the pandapipes file",
            _friction_from_name(path),
            None,
            "pandapipes",
            tuple(meta.notes),
        )
    if suffix in (".net", ".xml"):
        from pos2.network.formats.gaslib import load_gaslib

        imp = load_gaslib(path, scenario, modes=modes, law=gas_law)
        return NetworkFile(imp.network, imp.gas, imp.gas.name, None, None, "gaslib", imp.notes)
    raise NetworkFileError(
        "a network file must be .toml (pos2), .json (pandapipes) or .net (GasLib XML)",
        path=str(path),
        line=None,
    )
