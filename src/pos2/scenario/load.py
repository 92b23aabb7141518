"""Load and validate scenarios: TOML files -> frozen, typed, sourced :class:`Scenario`.

A scenario is named (``pos2``, ``pos1``: embedded in the package, each a folder of TOML files
whose top-level tables must not overlap) or a path to a user's TOML file. A user's file may start
with ``base = "pos2"`` to inherit everything and override only what it writes.

Overrides (``--set key=value``) are applied last; each value is parsed as TOML (``0.11``,
``true``, ``"text"``, ``[1, 2]``); a bare word is taken as a string.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from pos2.errors import ScenarioError, UnknownKeyError
from pos2.scenario import DEFAULT_SCENARIO  # defined in the light package module
from pos2.scenario.declared_units import UnitMismatchError, convert_declared, field_unit, same_unit
from pos2.scenario.locate import find_line, key_lines, parse_toml, read_toml
from pos2.scenario.model import ScenarioModel
from pos2.scenario.schema import nearest_key, settable_keys
from pos2.scenario.sourcing import CONFIDENCES, SourcedValue, is_sourced_leaf

__all__ = ["DEFAULT_SCENARIO", "Scenario", "available_scenarios", "load_scenario", "parse_set"]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: typed sections plus the source of every value."""

    model: ScenarioModel
    sources: tuple[SourcedValue, ...]
    origin: str
    overrides: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def name(self) -> str:
        """Scenario name."""
        return self.model.name

    def get(self, key: str) -> Any:
        """Value of a dotted key, e.g. ``scenario.get("contract.slope")``."""
        obj: Any = self.model
        for part in key.split("."):
            if not hasattr(obj, part):
                raise UnknownKeyError(key, nearest_key(key))
            obj = getattr(obj, part)
        return obj

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """A new scenario with ``overrides`` (dotted key -> value) applied and re-validated."""
        raw = self.model.model_dump()
        sources = {s.key: s for s in self.sources}
        for key, value in overrides.items():
            _check_key(key)
            _set_dotted(raw, key, value)
            sources[key] = SourcedValue(
                key,
                value,
                sources[key].unit if key in sources else "",
                "user override (--set)",
                "A",
                "set by the user",
                True,
                "--set",
                None,
            )
        model = _validate(raw, {}, "--set")
        return Scenario(
            model, tuple(sources.values()), self.origin, self.overrides + tuple(overrides.items())
        )


def available_scenarios() -> list[str]:
    """Names of the scenarios embedded in the package."""
    root = resources.files("pos2.scenario") / "data"
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))


def parse_set(item: str) -> tuple[str, Any]:
    """Parse one ``key=value`` override; the value is read as TOML, else as a string."""
    if "=" not in item:
        raise ScenarioError("expected key=value", field=item, path="--set")
    key, _, text = item.partition("=")
    key = key.strip()
    text = text.strip()
    if not key:
        raise ScenarioError("empty key in --set", value=item, path="--set")
    try:
        value = parse_toml(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError as e:
        if "nested deeper" in str(e) or "too long" in str(e):
            raise ScenarioError(f"value not read: {e}", path="--set", field=key, value=text) from None
        value = text
    return key, value


def _check_key(key: str) -> None:
    if key not in settable_keys():
        raise UnknownKeyError(key, nearest_key(key), path="--set")


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays (sweep samples, API callers) as the Python values the schema checks
    strictly (``numpy.int64`` is not an ``int``); a whole float for an integer key stays a float and
    is refused, so a sampled 10.3 years is never silently rounded."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    return value


def _set_dotted(raw: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    obj = raw
    for p in parts[:-1]:
        obj = obj.setdefault(p, {})
    obj[parts[-1]] = _plain(value)


def _read_toml(path: Path, label: str) -> tuple[dict[str, Any], dict[str, int]]:
    data, text = read_toml(path, label, "scenario file")
    return data, key_lines(text)


def _strip_sources(
    obj: Any, prefix: str, label: str, lines: dict[str, int], out: dict[str, SourcedValue]
) -> Any:
    """Replace sourced leaves by their values, recording each value's source."""
    if is_sourced_leaf(obj):
        conf = str(obj.get("confidence", ""))
        line = find_line(lines, prefix)
        if conf and conf not in CONFIDENCES:
            raise ScenarioError(
                f"confidence must be one of {', '.join(CONFIDENCES)}",
                path=label,
                line=line,
                field=f"{prefix}.confidence",
                value=conf,
            )
        assumption = bool(obj.get("assumption", False)) or conf == "A"
        if assumption and not obj.get("note"):
            raise ScenarioError(
                "an assumption needs a 'note' giving its reasoning", path=label, line=line, field=prefix
            )
        if not assumption and not obj.get("source"):
            raise ScenarioError(
                "a sourced value needs 'source' (or assumption = true with a note)",
                path=label,
                line=line,
                field=prefix,
            )
        value, unit, note = _declared_value(prefix, obj, label, line)
        out[prefix] = SourcedValue(
            prefix,
            value,
            unit,
            str(obj.get("source", "")),
            conf or ("A" if assumption else ""),
            note,
            assumption,
            label,
            line,
        )
        return _strip_sources(value, prefix, label, lines, {})
    if isinstance(obj, dict):
        if prefix.endswith("]") and obj.get("source") and obj.get("confidence"):
            # an item of an array of tables that carries its own source (e.g. a route waypoint):
            # list its numbers with that source (the section model validates the fields)
            conf = str(obj["confidence"])
            for k, v in obj.items():
                if isinstance(v, int | float) and not isinstance(v, bool):
                    key = f"{prefix}.{k}"
                    out[key] = SourcedValue(
                        key,
                        v,
                        "",
                        str(obj["source"]),
                        conf,
                        str(obj.get("note", "")),
                        conf == "A",
                        label,
                        find_line(lines, key),
                    )
        return {
            k: _strip_sources(v, f"{prefix}.{k}" if prefix else k, label, lines, out) for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [_strip_sources(v, f"{prefix}[{i}]", label, lines, out) for i, v in enumerate(obj)]
    return obj


def _declared_value(prefix: str, obj: dict[str, Any], label: str, line: int | None) -> tuple[Any, str, str]:
    """The value of a sourced leaf in its field's unit, the unit to record and the note.

    A declared ``unit`` that differs from the schema's is converted (``USD/kg`` on a ``USD/t`` field
    is multiplied by 1,000) and the note says so; one that cannot be converted without an assumption
    is refused (:mod:`pos2.scenario.declared_units`)."""
    value = obj["value"]
    declared = str(obj.get("unit", "")).strip()
    note = str(obj.get("note", ""))
    known = field_unit(prefix) if declared else None
    if known is None or not known[0]:
        return value, declared, note
    expected, annotation = known
    if same_unit(declared, expected):
        return value, declared, note

    def refuse(why: str) -> ScenarioError:
        return ScenarioError(why, path=label, line=line, field=prefix, value=value)

    numbers = value if isinstance(value, list) else [value]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
        raise refuse(f"unit {declared!r} is not the field unit {expected!r} and the value is not a number")
    try:
        converted = [convert_declared(float(v), declared, expected)[0] for v in numbers]
    except UnitMismatchError as e:
        raise refuse(str(e)) from None
    if annotation is int:
        whole = [round(v) for v in converted]
        if any(abs(v - w) > 1e-9 * max(1.0, abs(v)) for v, w in zip(converted, whole, strict=True)):
            raise refuse(
                f"in the field's unit '{expected}' this is {converted[0]:g}, not a whole number; "
                "write the value in the field's unit"
            )
        converted = [float(w) for w in whole]
        out_value: Any = [int(w) for w in whole] if isinstance(value, list) else int(whole[0])
    else:
        out_value = converted if isinstance(value, list) else converted[0]
    said = f"written as {value!r} {declared}; converted to {expected} by pos2"
    return out_value, expected, f"{note} ({said})" if note else said


def _record_plain(
    obj: Any, prefix: str, label: str, lines: dict[str, int], out: dict[str, SourcedValue], embedded: bool
) -> None:
    """Record numbers written bare (user files) as user input; embedded data must source them."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            _record_plain(v, f"{prefix}.{k}" if prefix else k, label, lines, out, embedded)
    elif prefix not in out and isinstance(obj, int | float) and not isinstance(obj, bool):
        if embedded:
            raise ScenarioError(
                "a number in the embedded data needs a source (write it as a sourced leaf)",
                path=label,
                line=find_line(lines, prefix),
                field=prefix,
                value=obj,
            )
        out[prefix] = SourcedValue(
            prefix, obj, "", f"user file {label}", "A", "user input", True, label, find_line(lines, prefix)
        )


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in top.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _validate(
    raw: dict[str, Any], lines_by_key: dict[str, tuple[str, int | None]], label: str
) -> ScenarioModel:
    try:
        return ScenarioModel.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in err["loc"]).replace(".[", "[")
        path, line = lines_by_key.get(key, (label, None))
        if line is None:
            probe = key
            while "." in probe and line is None:
                probe = probe.rsplit(".", 1)[0]
                path, line = lines_by_key.get(probe, (path, None))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            sug = nearest_key(key)
            msg = "unknown key" + (f" (did you mean '{sug}'?)" if sug else "")
        elif err["type"] == "missing":
            msg = 'required field is missing (a partial scenario file starts with base = "pos2")'
        value = err.get("input") if err["type"] != "missing" else None
        if isinstance(value, dict):
            value = None
        more = f" (and {len(e.errors()) - 1} more problem(s))" if len(e.errors()) > 1 else ""
        raise ScenarioError(msg + more, path=path, line=line, field=key, value=value) from None


def _load_files(
    files: list[tuple[Path, str]], embedded: bool
) -> tuple[dict[str, Any], dict[str, SourcedValue], dict[str, tuple[str, int | None]], str | None]:
    merged: dict[str, Any] = {}
    sources: dict[str, SourcedValue] = {}
    where: dict[str, tuple[str, int | None]] = {}
    base: str | None = None
    owner: dict[str, str] = {}
    for path, label in files:
        data, lines = _read_toml(path, label)
        if "base" in data:
            b = data.pop("base")
            if not isinstance(b, str):
                raise ScenarioError(
                    "'base' must be a scenario name",
                    path=label,
                    line=lines.get("base"),
                    field="base",
                    value=b,
                )
            base = b
        for top in data:
            if top in owner and len(files) > 1:
                raise ScenarioError(
                    f"table '{top}' is also defined in {owner[top]}",
                    path=label,
                    line=lines.get(top),
                    field=top,
                )
            owner[top] = label
        plain = _strip_sources(data, "", label, lines, sources)
        _record_plain(plain, "", label, lines, sources, embedded)
        for k, n in lines.items():
            where[k] = (label, n)
        merged = _deep_merge(merged, plain)
    return merged, sources, where, base


def _list_keys(obj: dict[str, Any], prefix: str) -> list[str]:
    """Dotted keys of the lists (e.g. arrays of tables) in a nested dict."""
    out: list[str] = []
    for k, v in obj.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, list):
            out.append(key)
        elif isinstance(v, dict):
            out += _list_keys(v, key)
    return out


def _embedded_files(name: str) -> list[tuple[Path, str]]:
    root = resources.files("pos2.scenario") / "data" / name
    if not root.is_dir():
        known = ", ".join(available_scenarios())
        raise ScenarioError(
            f"no such scenario (embedded: {known}; or give a path to a .toml file)",
            field="scenario",
            value=name,
        )
    files = sorted((Path(str(p)), f"{name}/{p.name}") for p in root.iterdir() if p.name.endswith(".toml"))
    return files


def _raw_scenario(
    spec: str, depth: int = 0
) -> tuple[dict[str, Any], dict[str, SourcedValue], dict[str, tuple[str, int | None]], str]:
    if depth > 4:
        raise ScenarioError("'base' chain too deep (a cycle?)", field="base", value=spec)
    names = available_scenarios()
    if not spec.strip():
        raise ScenarioError(f"no scenario given (embedded scenarios: {', '.join(names)}; or a .toml file)")
    p = Path(spec)
    # an embedded name wins over a file or folder of the same name in the working directory (the
    # package's own src/pos2, or an output folder called pos2); write ./pos2.toml or ./pos2 as a path
    is_name = spec in names and "/" not in spec and "\\" not in spec
    if not is_name and (spec.endswith(".toml") or p.exists() or "/" in spec):
        if p.is_dir():
            raise ScenarioError(
                "is a folder, not a scenario file (give a .toml file, or an embedded name: "
                f"{', '.join(names)})",
                path=spec,
            )
        if not p.is_file():
            raise ScenarioError(
                f"scenario file not found (embedded scenarios: {', '.join(names)})", path=spec
            )
        raw, sources, where, base = _load_files([(p, str(p))], embedded=False)
        if base is not None and base not in names and not Path(base).is_absolute():
            # a relative base is relative to the file that names it
            beside = p.parent / base
            if beside.exists() or not Path(base).exists():
                base = str(beside)
        if base is not None:
            if not (base.endswith(".toml") or Path(base).exists()) and base not in names:
                raise ScenarioError(
                    f"no such base scenario (embedded: {', '.join(available_scenarios())}; or a .toml file)",
                    path=str(p),
                    line=where.get("base", (str(p), None))[1],
                    field="base",
                    value=base,
                )
            b_raw, b_sources, b_where, _ = _raw_scenario(base, depth + 1)
            b_sources.update(sources)
            # a list in the user's file replaces the base list: forget the base lines of its items
            stale = tuple(f"{k}[" for k in _list_keys(raw, ""))
            b_where = {k: v for k, v in b_where.items() if not k.startswith(stale)} if stale else b_where
            b_where.update(where)
            return _deep_merge(b_raw, raw), b_sources, b_where, str(p)
        return raw, sources, where, str(p)
    raw, sources, where, _ = _load_files(_embedded_files(spec), embedded=True)
    return raw, sources, where, spec


def load_scenario(
    spec: str = DEFAULT_SCENARIO, overrides: list[str] | dict[str, Any] | None = None
) -> Scenario:
    """Load, merge, override and validate a scenario.

    Parameters
    ----------
    spec
        Name of an embedded scenario (``pos2``, ``pos1``) or a path to a TOML file.
    overrides
        ``key=value`` strings (as on the command line) or a dict of dotted key -> value.

    Raises
    ------
    ScenarioError
        With file, line, field and value of the first problem found.
    """
    raw, sources, where, origin = _raw_scenario(spec)
    over: dict[str, Any] = {}
    if isinstance(overrides, dict):
        over = dict(overrides)
    elif overrides:
        over = dict(parse_set(s) for s in overrides)
    for key in over:
        _check_key(key)
    model = _validate(raw, where, origin)
    scn = Scenario(model, tuple(sources.values()), origin)
    return scn.with_overrides(over) if over else scn
