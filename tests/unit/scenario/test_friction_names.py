"""The scenario's friction laws are the solver's (the scenario layer cannot import hydraulics)."""

from __future__ import annotations

from typing import get_args

from pos2.hydraulics.correlations import CORRELATIONS
from pos2.scenario.sections_twin import PipelineSection


def test_every_scenario_friction_law_is_a_solver_correlation() -> None:
    names = get_args(PipelineSection.model_fields["friction"].annotation)
    assert names, "pipeline.friction is no longer a Literal"
    # 'fixed' (a given friction factor) is the solver's only law a scenario cannot name
    assert set(names) == set(CORRELATIONS) - {"fixed"}
