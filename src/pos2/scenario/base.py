"""Base class of scenario sections and the field helper that records units.

Every field of a section carries its unit (in the name suffix and in ``unit``) and a
description; :func:`pos2.scenario.schema.schema_table` turns them into the schema table that drives
validation, ``--set`` and the generated docs.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    """A frozen, strictly validated scenario section (unknown keys are errors)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)


def field(default: Any = ..., *, unit: str, description: str, **kw: Any) -> Any:
    """A pydantic ``Field`` that records the unit and description for the schema table.

    Parameters
    ----------
    default
        Default value; ``...`` (the default) makes the field required.
    unit
        Unit as shown to users, e.g. ``"MPa (absolute)"`` or ``"-"``.
    description
        One sentence for the generated docs.
    **kw
        Passed to :func:`pydantic.Field` (``ge``, ``le``, ``gt``, ``lt``...).
    """
    extra: dict[str, Any] = {"unit": unit}
    return Field(default, description=description, json_schema_extra=extra, **kw)
