"""What the modelling-library backends (PuLP, Pyomo) share: the LP's rows as sparse
triplets, bounds as the libraries spell them, and rows with no cells.

Both libraries refuse or mishandle a constraint without variables, so such a row is
decided here: satisfied by every x (dropped, dual 0) or impossible (the LP is infeasible).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from landalloc.formulations.lp import LinearProgram


def bound_or_none(v: float) -> float | None:
    """A finite bound as a float; an infinite one as None (the libraries' 'unbounded')."""
    return float(v) if math.isfinite(v) else None


@dataclass
class Row:
    """One LP row as the modelling libraries want it."""

    index: int
    cols: np.ndarray
    coefs: np.ndarray
    lower: float | None
    upper: float | None


def rows(lp: LinearProgram) -> Iterator[Row]:
    """The rows that carry a constraint: at least one cell and at least one finite bound."""
    A = lp.A.tocsr()
    for i in range(lp.num_row):
        lo, hi = bound_or_none(lp.row_lower[i]), bound_or_none(lp.row_upper[i])
        start, end = A.indptr[i], A.indptr[i + 1]
        if start == end or (lo is None and hi is None):
            continue
        yield Row(i, A.indices[start:end], A.data[start:end], lo, hi)


def empty_row_conflict(lp: LinearProgram) -> int | None:
    """The first row with no cells whose bounds exclude 0 (the LP is then infeasible)."""
    counts = np.diff(lp.A.tocsr().indptr)
    bad = (counts == 0) & ((lp.row_lower > 0) | (lp.row_upper < 0))
    hits = np.flatnonzero(bad)
    return int(hits[0]) if hits.size else None


def col_bounds(lp: LinearProgram) -> list[tuple[float | None, float | None]]:
    return [(bound_or_none(lo), bound_or_none(hi))
            for lo, hi in zip(lp.col_lower.tolist(), lp.col_upper.tolist(), strict=True)]
