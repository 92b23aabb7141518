"""Sweep specifications: a TOML file listing the parameters to vary, how to sample them and what to keep.

A spec looks like this (every key of ``[parameters]`` is a ``--set`` key of the scenario schema;
nested tables and quoted dotted keys both work)::

    [sweep]
    name = "contract-levers"
    scenario = "pos2"              # embedded scenario or a path (relative to this file)
    method = "lhs"                 # grid | lhs | sobol
    samples = 2000                 # lhs: points; sobol: base samples N (points = N * (D + 2))
    seed = 20260521
    chunk_size = 250               # points per Dask task
    outputs = ["deal", "nash_price_usd_per_kcm"]   # default: every output of the evaluator

    [set]                          # fixed overrides applied to every point
    "hormuz.closure_probability" = 0.1

    [parameters.contract]
    slope = { min = 0.08, max = 0.13 }           # a range (lhs, sobol; grid with num)
    take_or_pay = { values = [0.7, 0.85] }       # discrete values (any method)

Every problem is reported before any work starts, as a :class:`~pos2.errors.ScenarioError` naming the
spec file, the line, the field and the value.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pos2.errors import ScenarioError, UnknownKeyError
from pos2.scenario import nearest_key, schema_table
from pos2.scenario.locate import find_line, key_lines, read_toml
from pos2.scenario.schema import check_value, is_integer_key

Method = Literal["grid", "lhs", "sobol"]
METHODS: tuple[str, ...] = ("grid", "lhs", "sobol")

CONFIRM_POINTS = 100_000
"""A spec with more points than this needs ``--yes`` (or ``confirm=True``) before it runs."""

HARD_LIMIT_POINTS = 20_000_000
"""No spec may exceed this many points: the sample table alone would need gigabytes of memory."""

DEFAULT_EVALUATOR = "pos2.sweep.evaluate:DealEvaluator"
DEFAULT_CHUNK_SIZE = 250

_SWEEP_KEYS = ("name", "scenario", "method", "samples", "seed", "chunk_size", "outputs", "evaluator")
_TOP_KEYS = ("sweep", "set", "parameters")
_PARAM_KEYS = ("min", "max", "num", "values")


@dataclass(frozen=True)
class ParameterSpec:
    """One swept scenario key: discrete ``values`` or a ``[low, high]`` range (``num`` levels on a grid)."""

    key: str
    low: float | None = None
    high: float | None = None
    num: int | None = None
    values: tuple[Any, ...] | None = None

    @property
    def is_range(self) -> bool:
        """Whether the parameter is a continuous range (not a list of values)."""
        return self.values is None

    def grid_values(self) -> tuple[Any, ...]:
        """The levels of this parameter on a full-factorial grid."""
        if self.values is not None:
            return self.values
        assert self.low is not None
        assert self.high is not None
        assert self.num is not None
        if self.num == 1:
            return (self.low,)
        step = (self.high - self.low) / (self.num - 1)
        return (*tuple(self.low + i * step for i in range(self.num - 1)), self.high)

    def canonical(self) -> dict[str, Any]:
        """A JSON-able description used in the spec fingerprint."""
        return {"key": self.key, "low": self.low, "high": self.high, "num": self.num, "values": self.values}


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep specification."""

    name: str
    scenario: str
    method: Method
    parameters: tuple[ParameterSpec, ...]
    fixed: dict[str, Any] = field(default_factory=dict)
    samples: int | None = None
    seed: int = 0
    chunk_size: int = DEFAULT_CHUNK_SIZE
    outputs: tuple[str, ...] | None = None
    evaluator: str = DEFAULT_EVALUATOR
    path: str = "<spec>"

    @property
    def keys(self) -> tuple[str, ...]:
        """The swept keys, in spec order."""
        return tuple(p.key for p in self.parameters)

    def n_points(self) -> int:
        """Number of evaluations the spec asks for (without sampling)."""
        if self.method == "grid":
            return math.prod(len(p.grid_values()) for p in self.parameters)
        assert self.samples is not None
        if self.method == "lhs":
            return self.samples
        return self.samples * (len(self.parameters) + 2)

    def fingerprint(self) -> str:
        """SHA-256 of everything that determines the points and their results (not ``chunk_size``)."""
        doc = {
            "name": self.name,
            "scenario": self.scenario,
            "method": self.method,
            "samples": self.samples,
            "seed": self.seed,
            "parameters": [p.canonical() for p in self.parameters],
            "fixed": sorted(self.fixed.items()),
            "outputs": self.outputs,
            "evaluator": self.evaluator,
        }
        return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()

    def with_changes(self, **changes: Any) -> SweepSpec:
        """A copy with some fields replaced (used by benchmarks and tests)."""
        from dataclasses import replace

        return replace(self, **changes)


def _is_param_leaf(obj: Any) -> bool:
    return isinstance(obj, dict) and any(k in obj for k in _PARAM_KEYS)


def _flatten_params(obj: Any, prefix: str, out: dict[str, Any]) -> None:
    if _is_param_leaf(obj) or not isinstance(obj, dict):
        out[prefix] = obj
        return
    for k, v in obj.items():
        _flatten_params(v, f"{prefix}.{k}" if prefix else k, out)


def _flatten_fixed(obj: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for k, v in obj.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            _flatten_fixed(v, key, out)
        else:
            out[key] = v


def _number(value: Any, *, path: str, line: int | None, field_: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError("expected a finite number", path=path, line=line, field=field_, value=value)
    return float(value)


def _check_in_bounds(key: str, value: Any, *, path: str, line: int | None, field_: str) -> None:
    why = check_value(key, value)
    if why is not None:
        raise ScenarioError(
            f"not a valid value of '{key}': {why}", path=path, line=line, field=field_, value=value
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    row = next((r for r in schema_table() if r.key == key), None)
    if row is None:
        return
    lo, hi = row.ge, row.le
    below = lo is not None and (value <= lo if row.ge_open else value < lo)
    above = hi is not None and (value >= hi if row.le_open else value > hi)
    if below or above:
        rng = (
            f"{'(' if row.ge_open else '['}{'' if lo is None else lo}, "
            f"{'' if hi is None else hi}{')' if row.le_open else ']'}"
        )
        raise ScenarioError(
            f"outside the schema's range {rng} of '{key}'", path=path, line=line, field=field_, value=value
        )


def _parse_parameter(key: str, raw: Any, method: str, *, path: str, lines: dict[str, int]) -> ParameterSpec:
    line = find_line(lines, f"parameters.{key}")
    where = f"parameters.{key}"
    if key not in {r.key for r in schema_table()}:
        raise UnknownKeyError(key, nearest_key(key), path=path, line=line)
    if not isinstance(raw, dict):
        raise ScenarioError(
            "expected a table with 'values' or 'min'/'max'", path=path, line=line, field=where, value=raw
        )
    extra = [k for k in raw if k not in _PARAM_KEYS]
    if extra:
        hit = difflib.get_close_matches(extra[0], _PARAM_KEYS, n=1)
        hint = f" (did you mean '{hit[0]}'?)" if hit else f" (known: {', '.join(_PARAM_KEYS)})"
        raise ScenarioError(f"unknown key{hint}", path=path, line=line, field=f"{where}.{extra[0]}")
    if "values" in raw:
        if any(k in raw for k in ("min", "max", "num")):
            raise ScenarioError(
                "give either 'values' or 'min'/'max', not both", path=path, line=line, field=where
            )
        values = raw["values"]
        if not isinstance(values, list) or not values:
            raise ScenarioError(
                "empty list of values", path=path, line=line, field=f"{where}.values", value=values
            )
        for v in values:
            _check_in_bounds(key, v, path=path, line=line, field_=f"{where}.values")
        if len(set(map(repr, values))) != len(values):
            raise ScenarioError(
                "repeated values", path=path, line=line, field=f"{where}.values", value=values
            )
        return ParameterSpec(key, values=tuple(values))
    if "min" not in raw or "max" not in raw:
        raise ScenarioError("a range needs both 'min' and 'max'", path=path, line=line, field=where)
    if is_integer_key(key):
        raise ScenarioError(
            f"'{key}' takes whole numbers: list them (values = [...]) instead of a min/max range, whose "
            "samples would not be whole",
            path=path,
            line=line,
            field=where,
        )
    low = _number(raw["min"], path=path, line=line, field_=f"{where}.min")
    high = _number(raw["max"], path=path, line=line, field_=f"{where}.max")
    if not low < high:
        raise ScenarioError(
            f"empty range: min ({low:g}) must be below max ({high:g})",
            path=path,
            line=line,
            field=where,
            value=[raw["min"], raw["max"]],
        )
    _check_in_bounds(key, low, path=path, line=line, field_=f"{where}.min")
    _check_in_bounds(key, high, path=path, line=line, field_=f"{where}.max")
    num: int | None = None
    if method == "grid":
        if "num" not in raw:
            raise ScenarioError(
                "a range on a grid needs 'num' (number of levels) or use 'values'",
                path=path,
                line=line,
                field=where,
            )
        num_raw = raw["num"]
        if isinstance(num_raw, bool) or not isinstance(num_raw, int) or num_raw < 2:
            raise ScenarioError(
                "'num' must be an integer >= 2", path=path, line=line, field=f"{where}.num", value=num_raw
            )
        num = num_raw
    elif "num" in raw:
        raise ScenarioError(
            f'\'num\' only applies to method = "grid" (this spec uses "{method}")',
            path=path,
            line=line,
            field=f"{where}.num",
            value=raw["num"],
        )
    return ParameterSpec(key, low=low, high=high, num=num)


def _int_field(
    sweep: dict[str, Any], name: str, default: int | None, lo: int, path: str, line: int | None
) -> int | None:
    if name not in sweep:
        return default
    v = sweep[name]
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise ScenarioError(
            f"expected an integer >= {lo}", path=path, line=line, field=f"sweep.{name}", value=v
        )
    return int(v)


def parse_spec(
    data: dict[str, Any], *, path: str = "<spec>", text: str = "", base_dir: Path | None = None
) -> SweepSpec:
    """Validate a parsed TOML document into a :class:`SweepSpec`.

    Parameters
    ----------
    data
        The TOML document as a dict.
    path
        File name used in error messages.
    text
        The TOML text, to name lines in error messages.
    base_dir
        Folder that a relative ``scenario`` path is resolved against.

    Raises
    ------
    ScenarioError
        On the first problem found (unknown keys with the nearest suggestion, empty ranges...).
    """
    lines = key_lines(text) if text else {}
    for top in data:
        if top not in _TOP_KEYS:
            hit = difflib.get_close_matches(top, _TOP_KEYS, n=1)
            hint = f" (did you mean '{hit[0]}'?)" if hit else f" (known: {', '.join(_TOP_KEYS)})"
            raise ScenarioError(f"unknown table{hint}", path=path, line=find_line(lines, top), field=top)
    sweep = data.get("sweep", {})
    if not isinstance(sweep, dict):
        raise ScenarioError("'sweep' must be a table", path=path, field="sweep")
    for k in sweep:
        if k not in _SWEEP_KEYS:
            hit = difflib.get_close_matches(k, _SWEEP_KEYS, n=1)
            hint = f" (did you mean '{hit[0]}'?)" if hit else f" (known: {', '.join(_SWEEP_KEYS)})"
            raise ScenarioError(
                f"unknown key{hint}", path=path, line=find_line(lines, f"sweep.{k}"), field=f"sweep.{k}"
            )

    def ln(k: str) -> int | None:
        return find_line(lines, f"sweep.{k}")

    method = sweep.get("method", "grid")
    if method not in METHODS:
        raise ScenarioError(
            f"method must be one of {', '.join(METHODS)}",
            path=path,
            line=ln("method"),
            field="sweep.method",
            value=method,
        )
    name = str(sweep.get("name", Path(path).stem))
    scenario = sweep.get("scenario", "pos2")
    if not isinstance(scenario, str) or not scenario:
        raise ScenarioError(
            "expected a scenario name or path",
            path=path,
            line=ln("scenario"),
            field="sweep.scenario",
            value=scenario,
        )
    if scenario.endswith(".toml") and base_dir is not None and not Path(scenario).is_absolute():
        scenario = str((base_dir / scenario).resolve())
    samples = _int_field(sweep, "samples", None, 1, path, ln("samples"))
    if method == "grid" and samples is not None:
        raise ScenarioError(
            "'samples' does not apply to method = \"grid\" (the grid's size is the product of the levels)",
            path=path,
            line=ln("samples"),
            field="sweep.samples",
            value=samples,
        )
    if method != "grid" and samples is None:
        raise ScenarioError(
            f"method \"{method}\" needs 'samples'", path=path, line=ln("method"), field="sweep.samples"
        )
    if method == "sobol" and samples is not None and samples & (samples - 1):
        lower = 1 << (samples.bit_length() - 1)
        raise ScenarioError(
            f"Sobol' sampling needs a power of two for 'samples' (e.g. {lower} or {lower * 2})",
            path=path,
            line=ln("samples"),
            field="sweep.samples",
            value=samples,
        )
    seed = _int_field(sweep, "seed", 0, 0, path, ln("seed"))
    chunk_size = _int_field(sweep, "chunk_size", DEFAULT_CHUNK_SIZE, 1, path, ln("chunk_size"))
    outputs_raw = sweep.get("outputs")
    outputs: tuple[str, ...] | None = None
    if outputs_raw is not None:
        if (
            not isinstance(outputs_raw, list)
            or not outputs_raw
            or not all(isinstance(o, str) for o in outputs_raw)
        ):
            raise ScenarioError(
                "expected a non-empty list of output names",
                path=path,
                line=ln("outputs"),
                field="sweep.outputs",
                value=outputs_raw,
            )
        outputs = tuple(outputs_raw)
    evaluator = sweep.get("evaluator", DEFAULT_EVALUATOR)
    if not isinstance(evaluator, str) or not re.fullmatch(r"[\w.]+:[\w.]+", evaluator):
        raise ScenarioError(
            "expected 'module:attribute'",
            path=path,
            line=ln("evaluator"),
            field="sweep.evaluator",
            value=evaluator,
        )

    raw_params = data.get("parameters")
    if not isinstance(raw_params, dict) or not raw_params:
        raise ScenarioError("no [parameters] to sweep", path=path, field="parameters")
    flat: dict[str, Any] = {}
    _flatten_params(raw_params, "", flat)
    params = tuple(_parse_parameter(k, v, method, path=path, lines=lines) for k, v in flat.items())

    fixed_raw = data.get("set", {})
    if not isinstance(fixed_raw, dict):
        raise ScenarioError("'set' must be a table of key = value", path=path, field="set")
    fixed: dict[str, Any] = {}
    _flatten_fixed(fixed_raw, "", fixed)
    known = {r.key for r in schema_table()}
    for k, v in fixed.items():
        line = find_line(lines, f"set.{k}")
        if k not in known:
            raise UnknownKeyError(k, nearest_key(k), path=path, line=line)
        if k in flat:
            raise ScenarioError(
                "key is both swept and fixed in [set]", path=path, line=line, field=f"set.{k}"
            )
        _check_in_bounds(k, v, path=path, line=line, field_=f"set.{k}")

    spec = SweepSpec(
        name=name,
        scenario=scenario,
        method=method,
        parameters=params,
        fixed=fixed,
        samples=samples,
        seed=seed if seed is not None else 0,
        chunk_size=chunk_size if chunk_size is not None else DEFAULT_CHUNK_SIZE,
        outputs=outputs,
        evaluator=evaluator,
        path=path,
    )
    n = spec.n_points()
    if n > HARD_LIMIT_POINTS:
        raise ScenarioError(
            f"the spec asks for {n:,} points, above the hard limit of {HARD_LIMIT_POINTS:,}; split it",
            path=path,
            field="parameters",
        )
    return spec


def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a sweep spec file.

    Parameters
    ----------
    path
        Path of the TOML spec.

    Raises
    ------
    ScenarioError
        File missing or unreadable, invalid TOML (with the line), or any problem :func:`parse_spec` finds.
    """
    p = Path(path)
    label = str(path)
    data, text = read_toml(p, label, "sweep spec", not_found="sweep spec not found")
    return parse_spec(data, path=label, text=text, base_dir=p.parent)


def check_size(spec: SweepSpec, confirm: bool) -> int:
    """Number of points of ``spec``; raises unless it is below :data:`CONFIRM_POINTS` or ``confirm``.

    Parameters
    ----------
    spec
        The sweep spec.
    confirm
        ``True`` when the user passed ``--yes``.
    """
    n = spec.n_points()
    if n > CONFIRM_POINTS and not confirm:
        raise ScenarioError(
            f"the spec asks for {n:,} points (more than {CONFIRM_POINTS:,}); pass --yes to run it",
            path=spec.path,
            field="parameters",
        )
    return n
