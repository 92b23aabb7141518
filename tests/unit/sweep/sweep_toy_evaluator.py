"""A tiny pure-Python evaluator for the sweep tests (imported by workers as ``sweep_toy_evaluator``).

Its "twin" stage depends on ``pipeline.*``, its "supply" stage on ``hormuz.*``/``lng.*``/``demand.*``;
each counts its calls in this process. ``finish`` is a closed-form formula of the swept values, so tests
can recompute every stored output by hand. A negative ``contract.constant_usd_per_mmbtu`` makes the point
fail (an :class:`~pos2.errors.EconomicsError`). ``SWEEP_TOY_DELAY_S`` slows every point.

``SWEEP_TOY_HOLD_FILE`` names a gate for the kill tests: while that file exists and holds a number N and
the sweep's ``status.json`` (``SWEEP_TOY_STATUS_FILE``) counts N points stored or more, every point waits
before it starts, until the file is removed or holds a larger number. A test can so bring a sweep to a
known state (at least N points stored, the sweep unfinished) and wait for that state, whatever the
machine's load, instead of racing a clock.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from pos2.errors import EconomicsError
from pos2.scenario import Scenario
from pos2.sweep.evaluator import OutputKind, Stage, StagedEvaluator

CALLS: dict[str, int] = {"twin": 0, "supply": 0, "finish": 0}


def expected(slope: float, constant: float, throughput: float, closure_p: float) -> dict[str, float]:
    """The toy's outputs computed directly from the inputs."""
    cost = 150.0 + 200.0 / throughput
    value = 300.0 + 400.0 * closure_p
    price = 35.7 * (constant + 70.0 * slope)
    return {
        "price_usd_per_kcm": price,
        "margin_usd_per_kcm": price - cost,
        "deal": float(cost <= price <= value),
    }


def _stored(status: str) -> int:
    try:
        return int(json.loads(open(status, encoding="utf-8").read()).get("stored", 0))
    except (OSError, ValueError):
        return 0


def _hold(done: int) -> None:
    gate = os.environ.get("SWEEP_TOY_HOLD_FILE")
    status = os.environ.get("SWEEP_TOY_STATUS_FILE")
    if not gate or not status:
        return
    while True:
        try:
            limit = int(open(gate, encoding="utf-8").read().strip() or "0")  # noqa: SIM115
        except (FileNotFoundError, ValueError):
            return
        if _stored(status) < limit:
            return
        time.sleep(0.01)


class ToyEvaluator(StagedEvaluator):
    """Two cached stages and a closed-form finish."""

    stages: ClassVar[tuple[Stage, ...]] = (
        Stage("twin", ("pipeline.",)),
        Stage("supply", ("hormuz.", "lng.", "demand.")),
    )

    def output_kinds(self) -> dict[str, OutputKind]:
        return {"price_usd_per_kcm": "float", "margin_usd_per_kcm": "float", "deal": "bool"}

    def compute_stage(self, name: str, scenario: Scenario, upstream: Mapping[str, Any]) -> Any:
        CALLS[name] += 1
        if name == "twin":
            return 150.0 + 200.0 / scenario.get("pipeline.throughput_bcm_per_year")
        return 300.0 + 400.0 * scenario.get("hormuz.closure_probability")

    def finish(self, scenario: Scenario, results: Mapping[str, Any]) -> Mapping[str, float | bool]:
        _hold(CALLS["finish"])
        CALLS["finish"] += 1
        delay = float(os.environ.get("SWEEP_TOY_DELAY_S", "0"))
        if delay:
            time.sleep(delay)
        constant = scenario.get("contract.constant_usd_per_mmbtu")
        if constant < 0:
            raise EconomicsError(f"toy: negative constant {constant}")
        price = 35.7 * (constant + 70.0 * scenario.get("contract.slope"))
        cost, value = results["twin"], results["supply"]
        return {
            "price_usd_per_kcm": price,
            "margin_usd_per_kcm": price - cost,
            "deal": cost <= price <= value,
        }
