"""TOML network files: units in the key names, converted to SI at load.

The format is documented in ``docs/network_format.md`` (generated from the schema tables)::

    [network]
    name = "example"

    [[junction]]
    name = "A"
    elevation_m = 120

    [[pipe]]
    name = "A-B"
    from_junction = "A"
    to_junction = "B"
    length_km = 80
    inner_diameter_mm = 1000
    roughness_mm = 0.02

Every element may also carry the metadata keys ``source``, ``confidence``, ``note`` and
``assumption`` (kept out of the solver). Errors name the file, the line, the element, the key as
written and its value.
"""

from __future__ import annotations

import difflib
import json
import math
import tomllib
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pos2.errors import NetworkError
from pos2.network.builder import NetworkBuilder
from pos2.network.model import Network
from pos2.network.schema import COMPONENTS, FieldSpec, check_value
from pos2.scenario.locate import find_line, key_lines, parse_toml

__all__ = [
    "METADATA_KEYS",
    "VOLUME_FLOW_KEYS",
    "NetworkFileError",
    "dump_network",
    "dumps_network",
    "load_network",
    "loads_network",
]

METADATA_KEYS = frozenset({"source", "confidence", "note", "assumption"})
"""Keys allowed on every element to record where its numbers come from (not used by the solver)."""

VOLUME_FLOW_KEYS: dict[str, tuple[float, float, float, str]] = {
    "flow_knm3_per_h": (1000.0 / 3600.0, 273.15, 101_325.0, "1000 m3/h at 0 degC and 101.325 kPa (normal)"),
    "flow_ksm3_per_h": (
        1000.0 / 3600.0,
        293.15,
        101_325.0,
        "1000 m3/h at 20 degC and 101.325 kPa (Russian standard conditions, GOST 2939-63)",
    ),
    "flow_mcm_per_d": (1e6 / 86400.0, 293.15, 101_325.0, "million m3/day at 20 degC and 101.325 kPa"),
}
"""Volume-flow keys of sinks and flow sources: (m3/s per unit, reference T [K], reference p [Pa], text).
Converted to mass flow with the gas's density at the reference conditions."""


class NetworkFileError(NetworkError):
    """A network file is invalid; ``path`` and ``line`` locate the offending key (bad input: exit 2)."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str,
        line: int | None,
        element: str | None = None,
        field: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message, element=element, field=field, value=value)
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else path
        self.args = (f"{where}: {self.args[0]}",)


ReferenceDensity = Callable[[float, float], float]
"""``(t_k, p_pa) -> density [kg/m3]`` at reference conditions, e.g. ``GasModel.reference_density``."""


def load_network(path: str | Path, reference_density: ReferenceDensity | None = None) -> Network:
    """Read a TOML network file and return the validated network (SI units inside).

    Parameters
    ----------
    path
        File to read [-].
    reference_density
        Density of the gas at reference conditions, to convert the volume-flow keys of
        :data:`VOLUME_FLOW_KEYS`; ``None``: such keys are refused [-].

    Raises
    ------
    NetworkError
        (a :class:`NetworkFileError`) naming file, line, element, key and value.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise NetworkFileError(
            f"cannot read the network file ({exc.strerror})", path=str(p), line=None
        ) from exc
    return loads_network(text, str(p), reference_density)


def loads_network(
    text: str, path: str = "<string>", reference_density: ReferenceDensity | None = None
) -> Network:
    """Parse a network from TOML text; ``path`` is used in error messages.

    Parameters
    ----------
    text
        TOML document [-].
    path
        Name shown in errors [-].
    reference_density
        See :func:`load_network` [-].
    """
    try:
        doc = parse_toml(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise NetworkFileError(f"not valid TOML ({exc})", path=path, line=line) from exc
    lines = key_lines(text)
    meta = doc.get("network", {})
    if not isinstance(meta, dict):
        raise NetworkFileError("[network] must be a table", path=path, line=find_line(lines, "network"))
    for key in meta:
        if key not in {"name", "description"} | METADATA_KEYS:
            raise NetworkFileError(
                "unknown key in [network] (known: name, description, source, note)",
                path=path,
                line=find_line(lines, f"network.{key}"),
                field=key,
            )
    nb = NetworkBuilder(str(meta.get("name", Path(path).stem)))
    for kind, entries in doc.items():
        if kind in ("network", "gas", "solver"):  # [gas] and [solver]: read by pos2.network.formats
            continue
        if kind not in COMPONENTS:
            close = difflib.get_close_matches(kind, list(COMPONENTS), n=1)
            hint = f" (did you mean [[{close[0]}]]?)" if close else f" (known: {', '.join(COMPONENTS)})"
            raise NetworkFileError(
                f"unknown component table [[{kind}]]{hint}",
                path=path,
                line=find_line(lines, kind),
                field=kind,
            )
        if not isinstance(entries, list):
            raise NetworkFileError(
                f"write components as an array of tables: [[{kind}]]",
                path=path,
                line=find_line(lines, kind),
                field=kind,
            )
        for i, entry in enumerate(entries):
            _add_entry(nb, kind, i, entry, path, lines, reference_density)
    try:
        return nb.build()
    except NetworkError as exc:
        line = _line_of_element(lines, doc, exc.element, exc.field)
        raise NetworkFileError(
            _bare(exc),
            path=path,
            line=line,
            element=exc.element,
            field=exc.field,
            value=exc.value,
        ) from exc


def _bare(exc: NetworkError) -> str:
    """The message of a NetworkError without its element/field/value prefix."""
    text = str(exc.args[0])
    parts = []
    if exc.element:
        parts.append(f"'{exc.element}'")
    if exc.field:
        parts.append(f"field '{exc.field}'")
    if exc.value is not None:
        parts.append(f"value {exc.value!r}")
    prefix = ", ".join(parts) + ": "
    return text[len(prefix) :] if parts and text.startswith(prefix) else text


def _line_of_element(
    lines: dict[str, int], doc: dict[str, Any], element: str | None, field: str | None
) -> int | None:
    """Line of ``field`` of the element called ``element`` (the last one for a duplicate name)."""
    if element is None:
        return None
    hits: list[str] = []
    for kind, entries in doc.items():
        if kind in COMPONENTS and isinstance(entries, list):
            hits += [
                f"{kind}[{i}]"
                for i, e in enumerate(entries)
                if isinstance(e, dict) and e.get("name") == element
            ]
    if not hits:
        return None
    where = hits[-1] if field == "name" else hits[0]
    return find_line(lines, f"{where}.{field}") if field else find_line(lines, f"{where}.name")


def _add_entry(
    nb: NetworkBuilder,
    kind: str,
    i: int,
    entry: Any,
    path: str,
    lines: dict[str, int],
    reference_density: ReferenceDensity | None = None,
) -> None:
    schema = COMPONENTS[kind]
    where = f"{kind}[{i}]"
    if not isinstance(entry, dict):
        raise NetworkFileError("each element must be a table", path=path, line=find_line(lines, where))
    element = str(entry.get("name", f"{kind} #{i + 1}"))
    by_key: dict[str, tuple[FieldSpec, float, float]] = {}
    for spec in schema.fields:
        by_key[spec.name] = (spec, 1.0, 0.0)
        for key, scale, offset in spec.toml_keys:
            by_key[key] = (spec, scale, offset)
    values: dict[str, Any] = {}
    written: dict[str, str] = {}
    for key, raw in entry.items():
        line = find_line(lines, f"{where}.{key}")
        if key in METADATA_KEYS:
            continue
        if key in VOLUME_FLOW_KEYS and kind in ("sink", "flow_source"):
            if reference_density is None:
                raise NetworkFileError(
                    "a volume flow needs the gas to convert it to mass: read the file with "
                    "pos2.network.formats.load_network_file (or pos2 solve), which uses its [gas]",
                    path=path,
                    line=line,
                    element=element,
                    field=key,
                    value=raw,
                )
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise NetworkFileError(
                    "must be a number", path=path, line=line, element=element, field=key, value=raw
                )
            per_unit, t_ref, p_ref, _ = VOLUME_FLOW_KEYS[key]
            by_key[key] = (schema.field("flow_kg_per_s"), per_unit * reference_density(t_ref, p_ref), 0.0)
        if key not in by_key:
            close = difflib.get_close_matches(key, list(by_key), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise NetworkFileError(
                f"unknown key for a {kind}{hint}", path=path, line=line, element=element, field=key, value=raw
            )
        spec, scale, offset = by_key[key]
        if spec.name in written:
            raise NetworkFileError(
                f"'{spec.name}' given twice (as '{written[spec.name]}' and '{key}')",
                path=path,
                line=line,
                element=element,
                field=key,
                value=raw,
            )
        written[spec.name] = key
        value = raw
        if spec.type == "float" and isinstance(raw, int | float) and not isinstance(raw, bool):
            value = float(raw) * scale + offset
        try:
            values[spec.name] = check_value(kind, element, spec, value)
        except NetworkError as exc:
            msg = _bare(exc)
            raise NetworkFileError(msg, path=path, line=line, element=element, field=key, value=raw) from exc
    for spec in schema.fields:
        if spec.required and spec.name not in values:
            keys = " or ".join(f"'{k}'" for k in spec.all_keys())
            raise NetworkFileError(
                f"{kind} needs {keys}",
                path=path,
                line=find_line(lines, where),
                element=element,
                field=spec.name,
            )
    try:
        nb.add(kind, values)
    except NetworkError as exc:
        raise NetworkFileError(
            _bare(exc),
            path=path,
            line=find_line(lines, f"{where}.{written.get(exc.field or '', exc.field or '')}")
            or find_line(lines, where),
            element=element,
            field=written.get(exc.field or "", exc.field),
            value=exc.value,
        ) from exc


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    x = float(v)
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def dumps_network(net: Network) -> str:
    """The network as TOML text in SI keys (``length_m``, ``p_pa``...); :func:`loads_network` reads it back.

    Parameters
    ----------
    net
        Network to write [-].
    """
    out = ["[network]", f"name = {_toml_value(net.name)}", ""]
    for kind, schema in COMPONENTS.items():
        defaults = {f.name: f.default for f in schema.fields}
        for rec in net.components(kind):
            out.append(f"[[{kind}]]")
            for key, value in asdict(rec).items():
                if value is None or (
                    key != "name" and not schema.field(key).required and value == defaults[key]
                ):
                    continue
                out.append(f"{key} = {_toml_value(value)}")
            out.append("")
    return "\n".join(out)


def dump_network(net: Network, path: str | Path) -> None:
    """Write the network to a TOML file (see :func:`dumps_network`).

    Parameters
    ----------
    net
        Network to write [-].
    path
        File to write [-].
    """
    Path(path).write_text(dumps_network(net), encoding="utf-8")
