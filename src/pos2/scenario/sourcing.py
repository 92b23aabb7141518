"""Sourced values: every number in a scenario file carries its source and a confidence.

In a scenario TOML file a value is written either bare (``slope = 0.11``, for a user's own
scenario; it is then recorded as "user input") or as a *sourced leaf*, a table with a ``value``::

    [contract.slope]
    value = 0.11
    unit = "USD/MMBtu per USD/bbl"
    source = "pos2_facts.md §3a (implied PoS1 slope 2025)"
    confidence = "INF"
    note = "crude back-calculation; ignores the 9-month lag"

A sourced leaf with ``assumption = true`` is an assumption: no source gives the number, and
``note`` must say why the value was chosen. Assumptions are listed in the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CONFIDENCES = ("H", "M", "L", "INF", "A")
"""H primary/official; M one reputable source; L weak; INF derived by us; A assumption."""

LEAF_KEYS = frozenset({"value", "unit", "source", "confidence", "note", "assumption"})


@dataclass(frozen=True)
class SourcedValue:
    """One value of a scenario with where it came from."""

    key: str
    value: Any
    unit: str
    source: str
    confidence: str
    note: str
    assumption: bool
    path: str
    line: int | None


def is_sourced_leaf(obj: Any) -> bool:
    """True when ``obj`` is a TOML table written as a sourced leaf (it has ``value``)."""
    return isinstance(obj, dict) and "value" in obj and set(obj) <= LEAF_KEYS
