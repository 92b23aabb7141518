"""Scenario sections owned by the twin: pipeline, gas, route, stations (issue 4)."""

from __future__ import annotations

from pos2.scenario.base import Section, field


class PipelineSection(Section):
    """Operating point of the pipeline."""

    throughput_bcm_per_year: float = field(
        unit="bcm/yr (20 degC, 101.325 kPa)",
        description="Annual export throughput at the border.",
        gt=0,
        le=200,
    )
