"""BandedSolver: the reordered banded LU solves chain-like systems exactly as a general sparse LU."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import spsolve

from pos2.hydraulics.banded import BandedSolver, SingularBandError


def _chain_with_loops(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A path graph with a few parallel side paths (like pipeline loops), in shuffled numbering."""
    m = n - n // 40  # nodes on the main path; the others form parallel loops over three nodes
    edges = [(k, k + 1) for k in range(m - 1)]
    for i, extra in enumerate(range(m, n)):
        a = 5 + 37 * i
        edges += [(a, extra), (extra, a + 3)]
    perm = rng.permutation(n)
    r = np.array([perm[a] for a, b in edges] + [perm[b] for a, b in edges] + list(range(n)))
    c = np.array([perm[b] for a, b in edges] + [perm[a] for a, b in edges] + list(range(n)))
    v = rng.normal(size=r.size)
    v[-n:] += 4.0  # diagonal dominance is not needed (partial pivoting), but keeps it well posed
    return r, c, v


def test_banded_solve_matches_sparse_lu_on_a_shuffled_chain() -> None:
    rng = np.random.default_rng(1)
    n = 400
    r, c, v = _chain_with_loops(n, rng)
    bs = BandedSolver.build(r, c, n)
    assert bs is not None
    assert bs.half <= 4  # the shuffled line is found again
    b = rng.normal(size=n)
    x = bs.solve(v, b)
    ref = spsolve(coo_matrix((v, (r, c)), shape=(n, n)).tocsc(), b)
    assert np.allclose(x, ref, rtol=1e-10, atol=1e-12)
    # other values at other positions of the same graph (e.g. one direction only)
    keep = r >= c
    x2 = bs.solve(v[keep], b, bs.positions(r[keep], c[keep]))
    ref2 = spsolve(coo_matrix((v[keep], (r[keep], c[keep])), shape=(n, n)).tocsc(), b)
    assert np.allclose(x2, ref2, rtol=1e-10, atol=1e-12)


def test_repeated_positions_are_summed_and_pivoting_handles_a_zero_diagonal() -> None:
    r = np.array([0, 0, 1, 1, 0])
    c = np.array([1, 0, 0, 1, 1])
    v = np.array([1.0, 0.0, 1.0, 1.0, 1.0])  # [[0, 2], [1, 1]]
    bs = BandedSolver.build(r, c, 2)
    assert bs is not None
    x = bs.solve(v, np.array([2.0, 3.0]))
    assert np.allclose(x, [2.0, 1.0])


def test_wide_band_is_refused_and_singular_matrix_raises() -> None:
    n = 200
    rng = np.random.default_rng(3)
    r = rng.integers(0, n, 3000)
    c = rng.integers(0, n, 3000)
    assert BandedSolver.build(r, c, n) is None  # a random graph has no narrow band
    rows = np.array([0, 1, 0, 1])
    cols = np.array([0, 0, 1, 1])
    bs = BandedSolver.build(rows, cols, 2)
    assert bs is not None
    with pytest.raises(SingularBandError):
        bs.solve(np.array([1.0, 2.0, 2.0, 4.0]), np.array([1.0, 1.0]))
    path = BandedSolver.build(np.arange(9), np.arange(1, 10), 10)  # a path: its ends lie 9 apart
    assert path is not None
    assert path.half == 1
    with pytest.raises(ValueError, match="outside the band"):
        path.positions(np.array([0]), np.array([9]))
