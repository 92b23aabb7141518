"""Scenarios: load and validate TOML into frozen, typed, sourced objects.

The names below are imported on first use (PEP 562): ``from pos2.scenario import DEFAULT_SCENARIO``
does not build the pydantic models, so the command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

DEFAULT_SCENARIO = "pos2"
"""The scenario used when none is named."""

if TYPE_CHECKING:
    from pos2.scenario.load import Scenario, available_scenarios, load_scenario, parse_set
    from pos2.scenario.model import ScenarioModel
    from pos2.scenario.schema import nearest_key, schema_markdown, schema_table, settable_keys
    from pos2.scenario.sourcing import SourcedValue

_LOAD = ("Scenario", "available_scenarios", "load_scenario", "parse_set")
_SCHEMA = ("nearest_key", "schema_markdown", "schema_table", "settable_keys")


def __getattr__(name: str) -> Any:
    module: Any
    if name in _LOAD:
        from pos2.scenario import load as module
    elif name in _SCHEMA:
        from pos2.scenario import schema as module
    elif name == "ScenarioModel":
        from pos2.scenario import model as module
    elif name == "SourcedValue":
        from pos2.scenario import sourcing as module
    else:
        raise AttributeError(f"module 'pos2.scenario' has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_SCENARIO",
    "Scenario",
    "ScenarioModel",
    "SourcedValue",
    "available_scenarios",
    "load_scenario",
    "nearest_key",
    "parse_set",
    "schema_markdown",
    "schema_table",
    "settable_keys",
]
