"""Scenarios: load and validate TOML into frozen, typed, sourced objects."""

from pos2.scenario.load import DEFAULT_SCENARIO, Scenario, available_scenarios, load_scenario, parse_set
from pos2.scenario.model import ScenarioModel
from pos2.scenario.schema import nearest_key, schema_markdown, schema_table, settable_keys
from pos2.scenario.sourcing import SourcedValue

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
