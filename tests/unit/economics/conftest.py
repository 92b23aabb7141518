"""Shared fixtures: the embedded pos2 scenario and hand-built twin summaries (no hydraulics)."""

from __future__ import annotations

import pytest

from pos2.economics import calibration
from pos2.scenario import Scenario, load_scenario
from pos2.twin.summary import TwinSummary


@pytest.fixture(scope="session")
def pos2() -> Scenario:
    return load_scenario("pos2")


@pytest.fixture(scope="session")
def twin() -> TwinSummary:
    return calibration.pos2_reference_twin()
