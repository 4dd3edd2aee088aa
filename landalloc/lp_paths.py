"""Which LP numbers a `--set` path moves, found by formulating at a few values and diffing.

`districts.airport.cap` moves the upper bound of row `district_cap[airport]`;
`sectors.electronics.quota` moves both bounds of `sector_quota[electronics]`;
`sector_groups.leading_six.share.min` moves coefficients of a row. Each moved number is
checked to be affine in the value (entry = alpha + beta * value) at three probe values, so a
batch can apply a path as bound, cost or coefficient changes on a warm solver instead of
rebuilding the model. A path that changes the model's shape, or moves numbers non-affinely,
has no map: callers fall back to a full rebuild.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from landalloc.formulations.lp import LinearProgram

ARRAYS = ("c", "col_lower", "col_upper", "row_lower", "row_upper", "A")


@dataclass(frozen=True)
class EntryMap:
    """Positions in one LP array that follow a path's value: alpha + beta * value."""

    array: str  # one of ARRAYS; "A" indexes A.data (CSC order)
    index: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray

    def values(self, value: float) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.where(self.beta == 0, self.alpha, self.alpha + self.beta * value)


def _array(lp: LinearProgram, name: str) -> np.ndarray:
    return lp.A.data if name == "A" else getattr(lp, name)


def _same_shape(a: LinearProgram, b: LinearProgram) -> bool:
    if a.num_col != b.num_col or a.num_row != b.num_row:
        return False
    if a.rows["name"].tolist() != b.rows["name"].tolist():
        return False
    return (np.array_equal(a.A.indptr, b.A.indptr)
            and np.array_equal(a.A.indices, b.A.indices))


def map_path(build: Callable[[float], LinearProgram | None], base: LinearProgram,
             probes: tuple[float, float, float], rtol: float = 1e-9) -> list[EntryMap] | None:
    """Formulate at three probe values; return the affine maps of the numbers that move.

    `build(value)` formulates the model with the path set to `value` (None if that value is
    not valid there). Returns None when a probe fails, the shape changes, or a moved number is
    not affine in the value. An empty list means the path moves nothing in this LP.
    """
    lps = [build(v) for v in probes]
    if any(lp is None for lp in lps) or not all(_same_shape(base, lp) for lp in lps):
        return None
    v1, v2, v3 = (float(v) for v in probes)
    out: list[EntryMap] = []
    for name in ARRAYS:
        b = _array(base, name)
        e1, e2, e3 = (_array(lp, name) for lp in lps)
        with np.errstate(invalid="ignore"):
            moved = ~((e1 == b) & (e2 == b) & (e3 == b))
        idx = np.flatnonzero(moved)
        if idx.size == 0:
            continue
        p1, p2, p3 = e1[idx], e2[idx], e3[idx]
        const = (p1 == p2) & (p2 == p3)
        finite = np.isfinite(p1) & np.isfinite(p2) & np.isfinite(p3)
        if not np.all(const | finite):
            return None
        with np.errstate(invalid="ignore"):
            beta = np.where(const, 0.0, (p2 - p1) / (v2 - v1))
            alpha = np.where(const, p1, p1 - beta * v1)
            pred = np.where(const, p3, alpha + beta * v3)
        scale = np.maximum(1.0, np.abs(np.where(finite, p3, 0.0)))
        if not np.all(const | (np.abs(pred - p3) <= rtol * scale)):
            return None
        out.append(EntryMap(name, idx, alpha, beta))
    return out


def describe(entries: list[EntryMap], lp: LinearProgram) -> list[str]:
    """Plan-named description of a map: `district_cap[airport].upper`, `x[s,d].cost`."""
    rows = lp.rows["name"].tolist()
    cols = lp.col_names()
    a_rows = lp.A.indices
    a_cols = np.repeat(np.arange(lp.num_col), np.diff(lp.A.indptr))
    side = {"c": "cost", "col_lower": "lower", "col_upper": "upper",
            "row_lower": "lower", "row_upper": "upper"}
    out = []
    for e in entries:
        for i in e.index:
            if e.array in ("row_lower", "row_upper"):
                out.append(f"{rows[i]}.{side[e.array]}")
            elif e.array == "A":
                out.append(f"{rows[a_rows[i]]}.coef[{cols[a_cols[i]]}]")
            else:
                out.append(f"{cols[i]}.{side[e.array]}")
    return out
