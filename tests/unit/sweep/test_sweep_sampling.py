"""Sampling: grid order, Latin-hypercube stratification, Saltelli sizes, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from pos2.sweep.sampling import sample_points
from pos2.sweep.spec import ParameterSpec, SweepSpec


def _spec(method: str, samples: int | None, *params: ParameterSpec) -> SweepSpec:
    return SweepSpec(name="t", scenario="pos2", method=method, parameters=params, samples=samples, seed=7)  # type: ignore[arg-type]


def test_grid_is_full_factorial_last_key_fastest() -> None:
    spec = _spec(
        "grid",
        None,
        ParameterSpec("contract.slope", low=0.1, high=0.2, num=3),
        ParameterSpec("contract.take_or_pay", values=(0.7, 0.9)),
    )
    pts = sample_points(spec)
    assert len(pts) == 6
    assert pts.ids.tolist() == list(range(6))
    assert pts.columns["contract.slope"] == pytest.approx([0.1, 0.1, 0.15, 0.15, 0.2, 0.2])
    assert pts.columns["contract.take_or_pay"].tolist() == [0.7, 0.9, 0.7, 0.9, 0.7, 0.9]
    combos = {
        (a, b)
        for a, b in zip(pts.columns["contract.slope"], pts.columns["contract.take_or_pay"], strict=True)
    }
    assert len(combos) == 6


def test_lhs_has_one_point_per_stratum_and_is_deterministic() -> None:
    n = 40
    spec = _spec(
        "lhs",
        n,
        ParameterSpec("contract.slope", low=0.08, high=0.12),
        ParameterSpec("finance.china_share", low=0.0, high=0.5),
    )
    a, b = sample_points(spec), sample_points(spec)
    for key, (lo, hi) in {"contract.slope": (0.08, 0.12), "finance.china_share": (0.0, 0.5)}.items():
        u = (a.columns[key] - lo) / (hi - lo)
        assert sorted(np.floor(u * n).astype(int).tolist()) == list(range(n))
        assert np.array_equal(a.columns[key], b.columns[key])
    other = sample_points(spec.with_changes(seed=8))
    assert not np.array_equal(a.columns["contract.slope"], other.columns["contract.slope"])


def test_sobol_sizes_and_discrete_values() -> None:
    spec = _spec(
        "sobol",
        16,
        ParameterSpec("contract.slope", low=0.08, high=0.12),
        ParameterSpec("contract.take_or_pay", values=(0.6, 0.8, 1.0)),
    )
    pts = sample_points(spec)
    assert len(pts) == 16 * (2 + 2)
    assert set(pts.columns["contract.take_or_pay"].tolist()) <= {0.6, 0.8, 1.0}
    assert pts.columns["contract.slope"].min() >= 0.08
    assert pts.columns["contract.slope"].max() < 0.12
