"""Take-or-pay bookkeeping path by path: a path that never falls short pays exactly what it takes."""

from __future__ import annotations

import numpy as np

from pos2.economics import build_project
from pos2.economics.cashflow import _paid_with_make_up, offtake
from pos2.scenario import Scenario
from pos2.twin.summary import TwinSummary


def test_paths_without_shortfall_skip_the_make_up_bookkeeping_exactly(
    pos2: Scenario, twin: TwinSummary
) -> None:
    project = build_project(pos2.with_overrides({"contract.take_or_pay": 1.0}), twin)
    assert project.make_up_years > 0
    ty = project.term_years
    # path 0 always nominates the ACQ (price below the alternative) at full demand, path 1 the minimum
    # bill (price above it) in weak-demand years, path 2 alternates: only paths 1 and 2 fall short
    price = np.full((3, ty), 300.0)
    alt = np.stack([np.full(ty, 400.0), np.full(ty, 200.0), np.where(np.arange(ty) % 2 == 0, 200.0, 400.0)])
    demand = np.ones((3, ty))
    demand[1, ::3] = 0.8
    vol = offtake(project, price, alt, demand)
    top = project.take_or_pay * (1.0 - project.flex_band) * project.acq_kcm[None, :]
    np.testing.assert_array_equal(vol.paid, _paid_with_make_up(vol.taken, top, project.make_up_years))
    np.testing.assert_array_equal(vol.paid[0], vol.taken[0])
    assert (vol.paid[1] > vol.taken[1]).any()  # weak demand below the minimum bill: China pays more
