"""Turn a :class:`~pos2.sweep.spec.SweepSpec` into a deterministic table of points.

Point ids are the row numbers ``0 .. n-1`` of the sample: the same spec (same seed) always gives the same
points with the same ids, which is what makes ``--resume`` exactly-once.

* ``grid``: full factorial of every parameter's levels, last parameter varying fastest.
* ``lhs``: Latin hypercube (McKay, Beckman & Conover 1979, *Technometrics* 21(2)) from
  :class:`scipy.stats.qmc.LatinHypercube`, seeded.
* ``sobol``: Saltelli's extension of Sobol' sequences (Saltelli et al. 2010, *Comput. Phys. Commun.*
  181(2)) from :func:`SALib.sample.sobol.sample` without second-order terms: ``N * (D + 2)`` points in
  the order :func:`SALib.analyze.sobol.analyze` expects, so the report can compute Sobol' indices.

A parameter given as discrete ``values`` is sampled on ``[0, 1)`` and mapped to one of its values by
equal-probability bins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import qmc

from pos2.sweep.spec import ParameterSpec, SweepSpec


@dataclass(frozen=True)
class PointTable:
    """The points of a sweep: ``ids`` [-] and one column of values per swept key."""

    ids: np.ndarray
    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def take(self, positions: np.ndarray) -> PointTable:
        """The sub-table at ``positions`` (array indices, not ids)."""
        return PointTable(self.ids[positions], {k: v[positions] for k, v in self.columns.items()})

    def overrides(self, i: int) -> dict[str, Any]:
        """The overrides (key -> Python value) of the point at array position ``i``."""
        return {k: v[i].item() if hasattr(v[i], "item") else v[i] for k, v in self.columns.items()}


def _values_array(values: tuple[Any, ...]) -> np.ndarray:
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=np.float64)
    if all(isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=bool)
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _from_unit(p: ParameterSpec, u: np.ndarray) -> np.ndarray:
    if p.values is not None:
        idx = np.minimum((u * len(p.values)).astype(np.int64), len(p.values) - 1)
        return _values_array(p.values)[idx]
    assert p.low is not None
    assert p.high is not None
    return p.low + u * (p.high - p.low)


def unit_problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem of ``spec`` on the unit cube (used for sampling and for the indices)."""
    return {
        "num_vars": len(spec.parameters),
        "names": list(spec.keys),
        "bounds": [[0.0, 1.0]] * len(spec.parameters),
    }


def sample_points(spec: SweepSpec) -> PointTable:
    """All points of ``spec``, deterministic for a given spec.

    Parameters
    ----------
    spec
        A validated sweep spec.
    """
    n = spec.n_points()
    ids = np.arange(n, dtype=np.int64)
    if spec.method == "grid":
        levels = [_values_array(p.grid_values()) for p in spec.parameters]
        shape = tuple(len(v) for v in levels)
        idx = np.unravel_index(ids, shape)
        return PointTable(ids, {p.key: lv[i] for p, lv, i in zip(spec.parameters, levels, idx, strict=True)})
    d = len(spec.parameters)
    if spec.method == "lhs":
        u = qmc.LatinHypercube(d=d, rng=np.random.default_rng(spec.seed)).random(n)
    else:
        from SALib.sample import sobol as salib_sobol

        assert spec.samples is not None
        u = salib_sobol.sample(unit_problem(spec), spec.samples, calc_second_order=False, seed=spec.seed)
        u = np.clip(u, 0.0, np.nextafter(1.0, 0.0))
    return PointTable(ids, {p.key: _from_unit(p, u[:, j]) for j, p in enumerate(spec.parameters)})
