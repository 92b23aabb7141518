"""Generate ``docs/network_format.md`` from the schema tables, the shipped example and real errors.

The error messages shown in the document are produced by loading small faulty files through
:func:`pos2.network.loads_network`, so the docs always show what a user will actually see.
"""

from __future__ import annotations

from pathlib import Path

from pos2.errors import NetworkError
from pos2.network.io import METADATA_KEYS, VOLUME_FLOW_KEYS, loads_network
from pos2.network.schema import COMPONENTS, component_markdown

__all__ = ["ERROR_CASES", "EXAMPLE_PATH", "document", "example_text"]

EXAMPLE_PATH = Path(__file__).resolve().parents[3] / "examples" / "transmission_mesh.toml"
"""The worked example shipped in the repository (``examples/transmission_mesh.toml``)."""

_BASE = """[[junction]]
name = "A"

[[junction]]
name = "B"

[[pressure_source]]
name = "S"
junction = "A"
p_bar = 60
"""

_PIPE = """
[[pipe]]
name = "A-B"
from_junction = "A"
to_junction = "B"
length_km = {length}
inner_diameter_mm = 500
roughness_mm = 0.02
"""

ERROR_CASES: tuple[tuple[str, str], ...] = (
    (
        "A misspelt key (the nearest known key is suggested)",
        _BASE + _PIPE.replace("length_km", "lenght_km").format(length=10),
    ),
    ("A non-positive length", _BASE + _PIPE.format(length=-5)),
    ("A value that is not a number", _BASE + _PIPE.format(length="nan")),
    (
        "A pipe to a junction that does not exist",
        _BASE + _PIPE.format(length=10).replace('to_junction = "B"', 'to_junction = "C"'),
    ),
    ("The same name twice", _BASE + _PIPE.format(length=10) + _PIPE.format(length=12)),
    (
        "A part of the network without a pressure source",
        _BASE + '\n[[junction]]\nname = "C"\n' + _PIPE.format(length=10),
    ),
    (
        "A compressor with two set points",
        _BASE + '\n[[compressor]]\nname = "CS"\nfrom_junction = "A"\nto_junction = "B"\n'
        "ratio = 1.4\noutlet_pressure_bar = 80\n",
    ),
    (
        "A key given twice in different units",
        _BASE + _PIPE.format(length=10).replace("length_km = 10", "length_km = 10\nlength_m = 10000"),
    ),
)
"""(title, faulty TOML) pairs whose error messages the document shows."""


def example_text() -> str:
    """Text of the example network shipped in the repository."""
    return EXAMPLE_PATH.read_text(encoding="utf-8")


def _error_of(text: str) -> str:
    try:
        loads_network(text, "network.toml")
    except NetworkError as exc:
        return f"{type(exc).__name__}: {exc}"
    raise AssertionError("the faulty example loaded without error")  # pragma: no cover


_GAS_AND_FORMATS = [
    "## Gas and friction: `[gas]` and `[solver]`",
    "",
    "A network file may name its gas and its friction law; `pos2.network.formats.load_network_file(path)`",
    "returns them with the network, and `pos2 solve` uses them (its `--gas` and `--friction` options",
    "override the file). Without them the solver's defaults apply (the West Siberian GERG-2008 table,",
    "Colebrook). `[gas]` holds exactly one description:",
    "",
    '* `preset = "west_siberian"` or `"pure_methane"`: a GERG-2008 table of that composition;',
    "* `composition = { methane = 0.95, ethane = 0.03, nitrogen = 0.02 }`: mole fractions (GERG-2008",
    "  component names or formulas), tabulated with GERG-2008;",
    "* the pseudo-critical description GasLib uses: `molar_mass_kg_per_kmol`,",
    '  `pseudocritical_pressure_bar`, `pseudocritical_temperature_k`, and optionally `law = "papay"`',
    '  (default) or `"aga"`, `viscosity_pa_s` (default 1e-5, an assumption) and',
    "  `cp_coefficients = [A, B, C]` of the molar heat capacity `A + B T + C T^2` in J/(mol K)",
    "  (`pos2.gas.pseudocritical.PseudoCriticalGas`).",
    "",
    "`[solver]` holds `friction` (a law of `SteadyOptions.friction`: colebrook, colebrook_dvgw,",
    "nikuradse, nikuradse_stanet, hofer, weymouth, panhandle_a, panhandle_b, fixed) and, for `fixed`,",
    "`fixed_friction_factor` (Darcy). Both tables also accept `source` and `note`.",
    "",
    "```toml",
    "[gas]",
    "molar_mass_kg_per_kmol = 18.05",
    "pseudocritical_pressure_bar = 46.70",
    "pseudocritical_temperature_k = 202.44",
    'law = "papay"',
    'source = "GasLib-582 source_1 (CC BY 3.0)"',
    "",
    "[solver]",
    'friction = "nikuradse"',
    "```",
    "",
    "## Volume flows",
    "",
    "Sinks and flow sources may give their flow as a volume at stated reference conditions instead of",
    "`flow_kg_per_s`; `load_network_file` (and `pos2 solve`) converts it to mass with the density of",
    "the file's `[gas]` at those conditions (without `[gas]`: the default West Siberian GERG-2008 gas;",
    "a `--gas` option given later does not change the converted flows). Keys:",
    "",
    *[f"* `{k}`: {v[3]}" for k, v in VOLUME_FLOW_KEYS.items()],
    "",
    "`pos2.network.load_network` alone refuses these keys (it has no gas); pass",
    "`reference_density=gas.reference_density` to it.",
    "",
    "## Other formats",
    "",
    "`load_network_file` and `pos2 solve` also read",
    "",
    "* **pandapipes JSON** (`.json`, as `pandapipes.to_json` writes it;",
    "  `pos2.network.formats.pandapipes_json`, also importable from the old path",
    "  `pos2.network.pandapipes_json`): the file's fluid becomes the gas;",
    "* **GasLib XML** (`.net`, with a `.scn` nomination: `pos2 solve net.net --nomination nom.scn`;",
    "  `pos2.network.formats.gaslib.load_gaslib`): pipes, short pipes (loss-free links), resistors with",
    "  a drag factor (lossy links), valves, control valves and compressor stations. GasLib leaves the",
    "  positions of valves and the set points of control valves and stations to the user: pass",
    '  `modes={"compressorStation_1": {"ratio": 1.3}, "controlValve_2": {"outlet_pressure_bar": 40},',
    '  "valve_7": "closed"}` to `load_gaslib` (Python API); without a mode a station is bypassed and a',
    "  control valve takes the scenario's `pressureSet`, else is bypassed. Volume flows",
    "  (`1000m_cube_per_hour` ...) are at 0 degC and 1.01325 bar, turned into mass with the sources'",
    "  normal density. The gas is the sources' pseudo-critical description (Papay Z). Every such",
    "  assumption is listed in the import's `notes`. Resistors with a fixed `pressureLoss` become",
    "  valves with `pressure_drop_pa`. Not read yet: the `.cs` compressor maps.",
    "",
    "Junctions joined by loss-free links (open valves without a loss coefficient, GasLib short pipes)",
    "share one pressure: a loop of them is allowed (the solver merges the junctions; the link closing",
    "the loop carries zero flow, the split round such a loop being undetermined), but two pressure",
    "set points on one such group, or a station bridged by one, are refused by name.",
    "",
]


def document() -> str:
    """The whole Markdown document."""
    parts = [
        "# Network file format",
        "",
        "<!-- generated by `python -m pos2.network --markdown > docs/network_format.md`; "
        "do not edit by hand (a test checks it is up to date) -->",
        "",
        "A pos2 gas network is a TOML file, read with `pos2.network.load_network(path)`, or built in",
        "Python with `pos2.network.NetworkBuilder`. Both go through the same schema tables below, so",
        "the checks and the defaults are the same. `pos2.network.dump_network(net, path)` writes a",
        "network back to TOML in SI keys (a round trip gives an equal network).",
        "",
        "## Conventions",
        "",
        "* **Units live in the key names** and are converted to SI at load: `length_km = 120` and",
        "  `length_m = 120000` mean the same; each table lists the keys accepted for a field. Inside",
        "  pos2 everything is SI with **absolute** pressure: `p_bar`, `p_bar_abs`, `p_kpa`, `p_mpa` are",
        "  absolute; `p_barg` is gauge and adds 1 atm (101,325 Pa). Temperatures: `t_k` or `t_c`.",
        "* Each component kind is an array of tables: `[[junction]]`, `[[pipe]]`, `[[pressure_source]]`,",
        "  `[[flow_source]]`, `[[sink]]`, `[[compressor]]`, `[[regulator]]`, `[[valve]]`.",
        f"* Every element may carry {', '.join(f'`{k}`' for k in sorted(METADATA_KEYS))} to record where its",
        "  numbers come from; the solver ignores them.",
        "* An optional `[network]` table holds `name` and `description` (plus the same metadata keys).",
        "* Names must be unique: junction names among junctions, all other names across all other",
        "  components. Every connected part of the network (closed valves cut) needs a pressure source.",
        "* Flows are positive from `from_junction` to `to_junction`; a sink's flow is positive out of",
        "  the network.",
        "",
        "## Components",
        "",
    ]
    for schema in COMPONENTS.values():
        parts.append(component_markdown(schema))
    parts += _GAS_AND_FORMATS
    parts += [
        "## Worked example",
        "",
        "`examples/transmission_mesh.toml`: a gas field, a compressor station with a closed bypass",
        "valve, a looped regional grid, a storage feeding in at a fixed rate, and a city gate station.",
        "",
        "```toml",
        example_text().rstrip(),
        "```",
        "",
        "Solve it:",
        "",
        "```python",
        "from pos2.gas.simple import ConstantZ",
        "from pos2.hydraulics import SteadyOptions, solve_steady",
        "from pos2.network import load_network",
        "",
        'net = load_network("examples/transmission_mesh.toml")',
        "gas = ConstantZ(0.88, molar_mass_kg_per_mol=0.0174, viscosity_pa_s=1.1e-5, cp_j_per_kg_k=2300.0)",
        "res = solve_steady(net, gas, SteadyOptions(thermal=True))",
        "print(res.nodes)  # name, p_pa, t_k, elevation_m",
        "print(res.compressors)  # ratio, power_w, fuel_kg_per_s, ...",
        "```",
        "",
        "The same network in Python starts like this:",
        "",
        "```python",
        "from pos2.network import NetworkBuilder",
        "",
        'nb = NetworkBuilder("transmission_mesh")',
        'nb.junction("field", elevation_m=60.0)',
        'nb.junction("cs1_suction", elevation_m=80.0)',
        "nb.pipe(",
        '    "field-cs1",',
        '    "field",',
        '    "cs1_suction",',
        "    length_m=120e3,",
        "    inner_diameter_m=1.0,",
        "    roughness_m=2e-5,",
        "    u_w_per_m2k=1.75,",
        "    ground_temperature_k=278.15,",
        ")",
        'nb.pressure_source("field_supply", "field", p_pa=7.5e6, t_k=303.15)',
        'nb.compressor("CS1", "cs1_suction", "cs1_discharge", outlet_pressure_pa=9.0e6, max_power_w=60e6)',
        "# ... the other elements ...",
        "net = nb.build()  # validates the topology",
        "```",
        "",
        "## Error messages you may meet",
        "",
        "Loading a faulty file raises `NetworkError` (subclass `NetworkFileError`) naming the file, the",
        "line, the element, the key as written and its value. These are real messages from small",
        "faulty files:",
        "",
    ]
    for title, text in ERROR_CASES:
        parts += [f"* {title}:", "", "  ```text", f"  {_error_of(text)}", "  ```", ""]
    parts += [
        "The builder raises the same `NetworkError` without file and line, e.g.",
        "`NetworkError: 'P1', field 'inner_diameter_m', value 0.0: must be > 0 m`.",
        "",
        "The steady solver (`pos2.hydraulics.solve_steady`) raises:",
        "",
        "* `InfeasibleError` when a set point or limit cannot be met, naming the element and the",
        "  binding constraint, e.g. `compressor station 'CS1': shaft power 71.2 MW exceeds max_power_w",
        "  60 MW` (constraints: `max_power_w`, `max_ratio`, `max_discharge_pa`, `min ratio` when the",
        "  suction pressure is above the discharge set point, `flow direction`), `regulator 'R':",
        "  inlet pressure ... is below its outlet set point`, or `pressure falls to zero or below in",
        "  'pipe-name'` when the network cannot carry the demanded flows.",
        "* `ConvergenceError` with the iterations and the final residual, e.g. `steady solver did not",
        "  converge within max_iter=100; lowest pressure 1.2 MPa at pipe 'P7' (...) (after 100",
        "  iterations, residual 6.9e-03)`.",
        "* `NetworkError` for invalid solver options (element `SteadyOptions`).",
        "",
    ]
    return "\n".join(parts)
