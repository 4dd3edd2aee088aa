"""The constraint matrix as the three arrays HiGHS takes (compressed sparse columns).

Building and solving an LP needs no scipy: importing scipy.sparse is a large part of a
short run's start-up. `Csc.scipy()` gives the scipy matrix, made once and sharing these
arrays, for everything that slices, stacks or factorises.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class Csc:
    """A sparse (m, n) matrix: column j's entries are `data[indptr[j]:indptr[j+1]]` in rows
    `indices[...]`. Duplicates are summed; explicit zeros are kept (as scipy keeps them)."""

    shape: tuple[int, int]
    indptr: np.ndarray  # int32, n + 1
    indices: np.ndarray  # int32, nnz
    data: np.ndarray  # float64, nnz

    @classmethod
    def from_coo(cls, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray,
                 shape: tuple[int, int]) -> Csc:
        """Entries (rows[k], cols[k], vals[k]) -> Csc, duplicates summed, rows sorted."""
        m, n = shape
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        vals = np.asarray(vals, dtype=float)
        key = cols * max(m, 1) + rows
        order = np.argsort(key, kind="stable")
        key, vals = key[order], vals[order]
        uniq, first = np.unique(key, return_index=True)
        data = np.add.reduceat(vals, first) if vals.size else vals
        ucols = uniq // max(m, 1)
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(ucols, minlength=n), out=indptr[1:])
        return cls((m, n), indptr, (uniq % max(m, 1)).astype(np.int32), data.astype(float))

    @classmethod
    def of(cls, matrix: Any) -> Csc:
        """A scipy sparse matrix (or a Csc) as a Csc sharing its arrays."""
        if isinstance(matrix, Csc):
            return matrix
        a = matrix.tocsc()
        a.sum_duplicates()
        out = cls(tuple(a.shape), a.indptr, a.indices, a.data)
        out.__dict__["_scipy"] = a  # the same object back from .scipy()
        return out

    @cached_property
    def _col_of_entry(self) -> np.ndarray:
        return np.repeat(np.arange(self.shape[1]), np.diff(self.indptr))

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        """A @ x for a vector x."""
        return np.bincount(self.indices, weights=self.data * np.asarray(x)[self._col_of_entry],
                           minlength=self.shape[0]).astype(float)

    def scipy(self) -> Any:
        """The scipy.sparse csc_matrix (made on first use; it shares these arrays)."""
        if "_scipy" not in self.__dict__:
            import scipy.sparse as sp

            self.__dict__["_scipy"] = sp.csc_matrix((self.data, self.indices, self.indptr),
                                                    shape=self.shape)
        return self.__dict__["_scipy"]
