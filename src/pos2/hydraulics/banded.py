"""Banded direct solves for line-shaped networks (a pipeline route is a chain of pipes and stations).

A route cut into cells gives a nodal Newton matrix whose graph is a path with a few side branches
(loops, station flows). Reordered with the reverse Cuthill-McKee permutation (Cuthill & McKee 1969
[1]_; George & Liu 1981 [2]_, ch. 4) its non-zeros lie within a narrow band around the diagonal, and
LAPACK's banded LU with partial pivoting (``dgbsv``, or ``dgtsv`` for a tridiagonal band; Anderson et
al. 1999 [3]_) factorises it in
``O(n kl (kl + ku))`` operations with no symbolic analysis, several times faster than a general
sparse LU for such matrices. Meshed networks have wide bands; :meth:`BandedSolver.build` then returns
``None`` and the caller keeps the general sparse LU.

References
----------
.. [1] Cuthill, E., McKee, J. (1969). Reducing the bandwidth of sparse symmetric matrices. Proc. 24th
   ACM National Conference, 157-172.
.. [2] George, A., Liu, J. W. H. (1981). Computer Solution of Large Sparse Positive Definite Systems.
   Prentice-Hall.
.. [3] Anderson, E. et al. (1999). LAPACK Users' Guide, 3rd ed. SIAM (``xGBSV``).

>>> import numpy as np
>>> rows = np.array([0, 1, 1, 2, 0, 1, 2]); cols = np.array([1, 0, 2, 1, 0, 1, 2])
>>> bs = BandedSolver.build(rows, cols, 3)
>>> x = bs.solve(np.array([-1.0, -1.0, -1.0, -1.0, 2.0, 2.0, 2.0]), np.array([1.0, 0.0, 1.0]))
>>> [round(float(v), 12) for v in x]
[1.0, 1.0, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import get_lapack_funcs
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import reverse_cuthill_mckee

__all__ = ["BandedSolver", "SingularBandError"]

MAX_HALF_BANDWIDTH = 32
"""Widest half band solved as a band [-]: beyond it a general sparse LU is cheaper."""

_DGBSV = get_lapack_funcs("gbsv", dtype=np.float64)
_DGTSV = get_lapack_funcs("gtsv", dtype=np.float64)


class SingularBandError(ArithmeticError):
    """The banded matrix is singular (a zero pivot in LAPACK's ``dgbsv``)."""


@dataclass(frozen=True, eq=False)
class BandedSolver:
    """Solve ``A x = b`` for matrices of one sparsity graph, reordered into a narrow band.

    Build it once per graph (:meth:`build`), then solve with the values of any matrix whose
    non-zeros are edges (or diagonal entries) of that graph.
    """

    n: int
    perm: NDArray[np.int64]
    """Reverse Cuthill-McKee order: position ``k`` of the banded system is unknown ``perm[k]``."""
    inv: NDArray[np.int64]
    """Inverse of ``perm``."""
    half: int
    """Half bandwidth of the reordered graph (``kl = ku = half``) [-]."""
    flat: NDArray[np.int64]
    """Position of each value of the building pattern in the column-major LAPACK band storage."""

    @property
    def ldab(self) -> int:
        """Leading dimension of the LAPACK band storage (``2 kl + ku + 1``) [-]."""
        return 3 * self.half + 1

    @classmethod
    def build(
        cls, rows: NDArray[np.int64], cols: NDArray[np.int64], n: int, max_half: int = MAX_HALF_BANDWIDTH
    ) -> BandedSolver | None:
        """The solver of the graph with these (row, column) positions; ``None`` when its band is wider
        than ``max_half`` (use a general sparse LU then).

        Parameters
        ----------
        rows, cols
            Positions of the values, in the order :meth:`solve` receives them (repeats are summed) [-].
        n
            Matrix size [-].
        max_half
            Widest half band accepted [-].
        """
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        g = csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
        g = (g + g.T + csr_matrix((np.ones(n), (np.arange(n), np.arange(n))), shape=(n, n))).tocsr()
        perm = np.asarray(reverse_cuthill_mckee(g, symmetric_mode=True), dtype=np.int64)
        inv = np.empty(n, dtype=np.int64)
        inv[perm] = np.arange(n, dtype=np.int64)
        half = int(np.max(np.abs(inv[rows] - inv[cols]))) if rows.size else 0
        if half > max_half:
            return None
        half = max(half, 1)
        flat = 2 * half + inv[rows] - inv[cols] + inv[cols] * (3 * half + 1)
        return cls(n=n, perm=perm, inv=inv, half=half, flat=np.asarray(flat, dtype=np.int64))

    def positions(self, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> NDArray[np.int64]:
        """Band-storage positions of the values at (rows, cols); raises ``ValueError`` for a position
        outside the band [-]."""
        ir, ic = self.inv[rows], self.inv[cols]
        off = ir - ic
        if off.size and int(np.max(np.abs(off))) > self.half:
            raise ValueError("a non-zero lies outside the band of this graph")
        return np.asarray(2 * self.half + off + ic * self.ldab, dtype=np.int64)

    def solve(
        self, vals: NDArray[np.float64], rhs: NDArray[np.float64], flat: NDArray[np.int64] | None = None
    ) -> NDArray[np.float64]:
        """Solve with the matrix of values ``vals`` (at the building positions, or at ``flat`` from
        :meth:`positions`).

        Raises
        ------
        SingularBandError
            The matrix is singular.
        """
        pos = self.flat if flat is None else flat
        ab = np.bincount(pos, weights=vals, minlength=self.ldab * self.n).reshape(self.n, self.ldab).T
        if self.half == 1:  # tridiagonal: LAPACK's dgtsv (also partial pivoting), no per-column BLAS calls
            _dl, _d, _du, y, info = _DGTSV(ab[3, :-1], ab[2], ab[1, 1:], rhs[self.perm])
        else:
            _lub, _piv, y, info = _DGBSV(
                self.half, self.half, ab, rhs[self.perm], overwrite_ab=1, overwrite_b=1
            )
        if info != 0:
            raise SingularBandError(f"banded LU failed (LAPACK dgbsv info = {info})")
        x = np.empty(self.n)
        x[self.perm] = y
        return x
