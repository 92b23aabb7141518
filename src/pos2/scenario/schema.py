"""The schema table generated from the section models: one row per settable key.

It drives ``--set`` validation (unknown keys get the nearest suggestion), the docs
(``docs/scenario_format.md`` is generated from it) and the dashboard's levers.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pos2.scenario.model import ScenarioModel


@dataclass(frozen=True)
class SchemaRow:
    """One settable scenario key."""

    key: str
    type: str
    unit: str
    default: Any
    required: bool
    description: str
    ge: float | None
    le: float | None
    ge_open: bool = False
    """The lower bound itself is excluded (``gt``) [-]."""
    le_open: bool = False
    """The upper bound itself is excluded (``lt``) [-]."""


def _bounds(info: FieldInfo) -> tuple[float | None, float | None, bool, bool]:
    """Lower and upper bound, and whether each is excluded (``gt``/``lt``)."""
    lo = hi = None
    lo_open = hi_open = False
    for m in info.metadata:
        for name in ("ge", "gt"):
            if getattr(m, name, None) is not None:
                lo, lo_open = float(getattr(m, name)), name == "gt"
        for name in ("le", "lt"):
            if getattr(m, name, None) is not None:
                hi, hi_open = float(getattr(m, name)), name == "lt"
    return lo, hi, lo_open, hi_open


def _default_of(info: FieldInfo) -> Any:
    """The field's default, calling ``default_factory`` when there is one."""
    if info.default_factory is not None:
        return info.default_factory()  # type: ignore[call-arg]
    return info.default


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is None:
        return getattr(tp, "__name__", str(tp))
    args = ", ".join(_type_name(a) for a in get_args(tp))
    return f"{getattr(origin, '__name__', str(origin))}[{args}]"


def _walk(model: type[BaseModel], prefix: str, rows: list[SchemaRow]) -> None:
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        tp = info.annotation
        if _is_model(tp):
            assert isinstance(tp, type)
            _walk(tp, f"{key}.", rows)
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        lo, hi, lo_open, hi_open = _bounds(info)
        rows.append(
            SchemaRow(
                key=key,
                type=_type_name(tp),
                unit=str(extra.get("unit", "")),
                default=None if info.is_required() else _default_of(info),
                required=info.is_required(),
                description=info.description or "",
                ge=lo,
                le=hi,
                ge_open=lo_open,
                le_open=hi_open,
            )
        )


@cache
def schema_table() -> tuple[SchemaRow, ...]:
    """All scalar keys of the scenario schema, in declaration order."""
    rows: list[SchemaRow] = []
    _walk(ScenarioModel, "", rows)
    return tuple(rows)


def settable_keys() -> list[str]:
    """Keys that ``--set`` accepts."""
    return [r.key for r in schema_table()]


def nearest_key(key: str) -> str | None:
    """The known key closest to ``key``, or ``None`` when nothing is close."""
    keys = settable_keys()
    hits = difflib.get_close_matches(key, keys, n=1, cutoff=0.5)
    if hits:
        return hits[0]
    tail = key.rsplit(".", 1)[-1]
    tails = {k.rsplit(".", 1)[-1]: k for k in keys}
    hit = difflib.get_close_matches(tail, list(tails), n=1, cutoff=0.6)
    return tails[hit[0]] if hit else None


def schema_markdown() -> str:
    """The schema table as Markdown (used for docs/scenario_format.md)."""
    lines = [
        "| key | type | unit | default | required | range | description |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in schema_table():
        rng = (
            ""
            if r.ge is None and r.le is None
            else f"{'(' if r.ge_open else '['}{'' if r.ge is None else r.ge}, "
            f"{'' if r.le is None else r.le}{')' if r.le_open else ']'}"
        )
        default = "" if r.required else repr(r.default)
        lines.append(
            f"| `{r.key}` | {r.type} | {r.unit} | {default} | {'yes' if r.required else 'no'} "
            f"| {rng} | {r.description} |"
        )
    return "\n".join(lines) + "\n"


@cache
def _annotation_of(key: str) -> Any:
    """The type annotation of a settable key (``None`` when unknown)."""
    model: Any = ScenarioModel
    parts = key.split(".")
    for i, part in enumerate(parts):
        info = model.model_fields.get(part) if _is_model(model) else None
        if info is None:
            return None
        if i == len(parts) - 1:
            return info.annotation
        model = info.annotation
    return None


def check_value(key: str, value: Any) -> str | None:
    """Why ``value`` cannot be the value of ``key`` by type (strictly, as scenarios are validated), or
    ``None`` when it can. Ranges are not checked here (see :func:`schema_table`)."""
    from pydantic import TypeAdapter, ValidationError

    ann = _annotation_of(key)
    if ann is None:
        return None
    try:
        TypeAdapter(ann).validate_python(value, strict=True)
    except ValidationError as e:
        return "; ".join(str(err.get("msg", "")) for err in e.errors()) or "invalid value"
    return None


def is_integer_key(key: str) -> bool:
    """Whether ``key`` takes whole numbers only."""
    return _annotation_of(key) is int
